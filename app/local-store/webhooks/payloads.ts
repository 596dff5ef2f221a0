// Webhook payloads in Shopify's REST-shaped JSON, following the example payloads of Shopify's
// webhook reference for API version 2025-10. Customer payloads follow the 2025-01 change: no
// `tags`, marketing consent or order totals in customers/* (tags travel in customer.tags_added /
// customer.tags_removed). Timestamps are in the shop's time zone, as Shopify sends them.
import type { LocalCustomer, LocalShop } from "../state";
import type {
  LocalDraftOrder,
  LocalInventoryLevel,
  LocalLineItem,
  LocalOrder,
  LocalProduct,
  LocalVariant,
} from "../commerce";
import { formatCents, lineItemsSubtotalCents } from "../money";

type Json = Record<string, unknown>;

/** `2025-01-10T10:00:00Z` in America/New_York -> `2025-01-10T05:00:00-05:00`. */
export function restTime(iso: string | null, timeZone: string): string | null {
  if (iso === null) return null;
  const date = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  const offsetMinutes = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const absolute = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(absolute / 60)).padStart(2, "0")}:${String(absolute % 60).padStart(2, "0")}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

function moneySet(amount: string, currency: string) {
  return {
    shop_money: { amount, currency_code: currency },
    presentment_money: { amount, currency_code: currency },
  };
}

export function customerPayload(customer: LocalCustomer, shop: LocalShop): Json {
  const at = (iso: string) => restTime(iso, shop.ianaTimezone);
  return {
    id: customer.id,
    created_at: at(customer.createdAt),
    updated_at: at(customer.updatedAt),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: "disabled",
    note: customer.note,
    verified_email: customer.email !== null,
    multipass_identifier: null,
    tax_exempt: customer.taxExempt,
    email: customer.email,
    phone: customer.phone,
    currency: shop.currencyCode,
    addresses: [],
    tax_exemptions: [],
    admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
  };
}

export function deletedCustomerPayload(customer: LocalCustomer): Json {
  return {
    id: customer.id,
    phone: customer.phone,
    addresses: [],
    tax_exemptions: [],
    admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
  };
}

/** customer.tags_added / customer.tags_removed: the GraphQL-style payload Shopify sends for them. */
export function customerTagsPayload(customerId: number, tags: string[], occurredAt: string): Json {
  return { customerId: `gid://shopify/Customer/${customerId}`, tags, occurredAt };
}

/** products/delete, orders/delete, draft_orders/delete carry only the id. */
export function deletedPayload(id: number): Json {
  return { id };
}

function lineItemPayload(item: LocalLineItem, currency: string, forOrder: boolean): Json {
  const common: Json = {
    id: item.id,
    admin_graphql_api_id: `gid://shopify/${forOrder ? "LineItem" : "DraftOrderLineItem"}/${item.id}`,
    fulfillment_service: "manual",
    gift_card: false,
    grams: 0,
    name: item.variantTitle ? `${item.title} - ${item.variantTitle}` : item.title,
    price: item.price,
    product_id: item.productId,
    properties: [],
    quantity: item.quantity,
    requires_shipping: true,
    sku: item.sku,
    taxable: true,
    title: item.title,
    variant_id: item.variantId,
    variant_title: item.variantTitle,
    vendor: item.vendor,
    tax_lines: [],
  };
  if (!forOrder) return { ...common, applied_discount: null, custom: item.variantId === null };
  return {
    ...common,
    attributed_staffs: [],
    current_quantity: item.quantity,
    fulfillable_quantity: item.quantity,
    fulfillment_status: null,
    price_set: moneySet(item.price, currency),
    product_exists: item.productId !== null,
    total_discount: "0.00",
    total_discount_set: moneySet("0.00", currency),
    variant_inventory_management: item.variantId === null ? null : "shopify",
    duties: [],
    discount_allocations: [],
  };
}

/** The customer as embedded in order and draft order payloads. */
function embeddedCustomer(customer: LocalCustomer | null, shop: LocalShop): Json | null {
  return customer ? customerPayload(customer, shop) : null;
}

export function orderPayload(order: LocalOrder, customer: LocalCustomer | null, shop: LocalShop): Json {
  const at = (iso: string | null) => restTime(iso, shop.ianaTimezone);
  const currency = order.currency;
  const subtotal = formatCents(lineItemsSubtotalCents(order.lineItems));
  const outstanding = order.financialStatus === "paid" ? "0.00" : subtotal;
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: false,
    cancel_reason: order.cancelReason,
    cancelled_at: at(order.cancelledAt),
    cart_token: null,
    checkout_id: null,
    checkout_token: null,
    closed_at: at(order.closedAt),
    confirmation_number: order.confirmationNumber,
    confirmed: true,
    contact_email: order.email,
    created_at: at(order.createdAt),
    currency,
    current_subtotal_price: subtotal,
    current_subtotal_price_set: moneySet(subtotal, currency),
    current_total_discounts: "0.00",
    current_total_discounts_set: moneySet("0.00", currency),
    current_total_price: subtotal,
    current_total_price_set: moneySet(subtotal, currency),
    current_total_tax: "0.00",
    current_total_tax_set: moneySet("0.00", currency),
    customer_locale: "en",
    discount_codes: [],
    email: order.email,
    estimated_taxes: false,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    landing_site: null,
    name: order.name,
    note: order.note,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: `https://${shop.domain}/${shop.id}/orders/${order.token}/authenticate?key=local`,
    payment_gateway_names: order.financialStatus === "paid" ? ["manual"] : [],
    phone: null,
    presentment_currency: currency,
    processed_at: at(order.processedAt),
    reference: null,
    source_name: order.sourceName,
    subtotal_price: subtotal,
    subtotal_price_set: moneySet(subtotal, currency),
    tags: order.tags.join(", "),
    tax_lines: [],
    taxes_included: false,
    test: order.test,
    token: order.token,
    total_discounts: "0.00",
    total_discounts_set: moneySet("0.00", currency),
    total_line_items_price: subtotal,
    total_line_items_price_set: moneySet(subtotal, currency),
    total_outstanding: outstanding,
    total_price: subtotal,
    total_price_set: moneySet(subtotal, currency),
    total_shipping_price_set: moneySet("0.00", currency),
    total_tax: "0.00",
    total_tax_set: moneySet("0.00", currency),
    total_tip_received: "0.00",
    total_weight: 0,
    updated_at: at(order.updatedAt),
    user_id: null,
    billing_address: null,
    customer: embeddedCustomer(customer, shop),
    discount_applications: [],
    fulfillments: [],
    line_items: order.lineItems.map((item) => lineItemPayload(item, currency, true)),
    payment_terms: null,
    refunds: [],
    shipping_address: null,
    shipping_lines: [],
  };
}

export function draftOrderPayload(draft: LocalDraftOrder, customer: LocalCustomer | null, shop: LocalShop): Json {
  const at = (iso: string | null) => restTime(iso, shop.ianaTimezone);
  const subtotal = formatCents(lineItemsSubtotalCents(draft.lineItems));
  return {
    id: draft.id,
    note: draft.note,
    email: draft.email,
    taxes_included: false,
    currency: draft.currency,
    invoice_sent_at: null,
    created_at: at(draft.createdAt),
    updated_at: at(draft.updatedAt),
    tax_exempt: false,
    completed_at: at(draft.completedAt),
    name: draft.name,
    allow_discount_codes_in_checkout: false,
    b2b: false,
    status: draft.status,
    line_items: draft.lineItems.map((item) => lineItemPayload(item, draft.currency, false)),
    api_client_id: null,
    shipping_address: null,
    billing_address: null,
    invoice_url: `https://${shop.domain}/${shop.id}/invoices/${draft.token}`,
    created_on_api_version_handle: "2025-10",
    applied_discount: null,
    order_id: draft.orderId,
    shipping_line: null,
    tax_lines: [],
    tags: draft.tags.join(", "),
    note_attributes: [],
    total_price: subtotal,
    subtotal_price: subtotal,
    total_tax: "0.00",
    payment_terms: null,
    admin_graphql_api_id: `gid://shopify/DraftOrder/${draft.id}`,
    customer: embeddedCustomer(customer, shop),
  };
}

function variantPayload(variant: LocalVariant, inventoryQuantity: number, shop: LocalShop): Json {
  const at = (iso: string) => restTime(iso, shop.ianaTimezone);
  return {
    admin_graphql_api_id: `gid://shopify/ProductVariant/${variant.id}`,
    barcode: variant.barcode,
    compare_at_price: variant.compareAtPrice,
    created_at: at(variant.createdAt),
    id: variant.id,
    inventory_policy: variant.inventoryPolicy.toLowerCase(),
    position: variant.position,
    price: variant.price,
    product_id: variant.productId,
    sku: variant.sku,
    taxable: variant.taxable,
    title: variant.title,
    updated_at: at(variant.updatedAt),
    option1: variant.options[0] ?? null,
    option2: variant.options[1] ?? null,
    option3: variant.options[2] ?? null,
    image_id: null,
    inventory_item_id: variant.inventoryItemId,
    inventory_quantity: inventoryQuantity,
    old_inventory_quantity: inventoryQuantity,
  };
}

export function productPayload(
  product: LocalProduct,
  inventoryQuantity: (variant: LocalVariant) => number,
  shop: LocalShop,
): Json {
  const at = (iso: string | null) => restTime(iso, shop.ianaTimezone);
  return {
    admin_graphql_api_id: `gid://shopify/Product/${product.id}`,
    body_html: product.descriptionHtml,
    created_at: at(product.createdAt),
    handle: product.handle,
    id: product.id,
    product_type: product.productType,
    published_at: at(product.publishedAt),
    template_suffix: null,
    title: product.title,
    updated_at: at(product.updatedAt),
    vendor: product.vendor,
    status: product.status.toLowerCase(),
    published_scope: "global",
    tags: product.tags.join(", "),
    variants: product.variants.map((variant) => variantPayload(variant, inventoryQuantity(variant), shop)),
    options: product.options.map((option, index) => ({
      name: option.name,
      id: option.id,
      product_id: product.id,
      position: index + 1,
      values: option.values,
    })),
    images: [],
    image: null,
    media: [],
    variant_gids: product.variants.map((variant) => ({
      admin_graphql_api_id: `gid://shopify/ProductVariant/${variant.id}`,
      updated_at: variant.updatedAt,
    })),
    has_variants_that_requires_components: false,
    category: null,
  };
}

export function inventoryLevelPayload(level: LocalInventoryLevel, shop: LocalShop): Json {
  return {
    inventory_item_id: level.inventoryItemId,
    location_id: level.locationId,
    available: level.available,
    updated_at: restTime(level.updatedAt, shop.ianaTimezone),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.inventoryItemId}`,
  };
}

/** app/uninstalled carries the shop in its REST shape. */
export function shopPayload(shop: LocalShop): Json {
  const at = (iso: string) => restTime(iso, shop.ianaTimezone);
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    domain: shop.domain,
    province: null,
    country: "US",
    address1: null,
    zip: null,
    city: null,
    source: null,
    phone: null,
    latitude: null,
    longitude: null,
    primary_locale: "en",
    address2: null,
    created_at: at(shop.createdAt),
    updated_at: at(shop.updatedAt),
    country_code: "US",
    country_name: "United States",
    currency: shop.currencyCode,
    customer_email: shop.email,
    timezone: `(GMT${shop.timezoneOffset.slice(0, 3)}:${shop.timezoneOffset.slice(3)}) ${shop.ianaTimezone}`,
    iana_timezone: shop.ianaTimezone,
    shop_owner: shop.shopOwnerName,
    money_format: "${{amount}}",
    money_with_currency_format: `\${{amount}} ${shop.currencyCode}`,
    weight_unit: "kg",
    province_code: null,
    taxes_included: false,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: true,
    plan_display_name: shop.planName,
    plan_name: "partner_test",
    has_discounts: false,
    has_gift_cards: false,
    myshopify_domain: shop.domain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: "${{amount}}",
    money_with_currency_in_emails_format: `\${{amount}} ${shop.currencyCode}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: true,
    has_storefront: true,
    finances: true,
    primary_location_id: null,
    checkout_api_supported: false,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [shop.currencyCode],
    transactional_sms_disabled: false,
    marketing_sms_consent_enabled_at_checkout: false,
  };
}

/** app/scopes_update: the scopes before and after, as Shopify's template reads them (`payload.current`). */
export function scopesUpdatePayload(shop: LocalShop, previous: string[], current: string[], at: string): Json {
  return {
    id: shop.id,
    previous,
    current,
    updated_at: restTime(at, shop.ianaTimezone),
    created_at: restTime(at, shop.ianaTimezone),
  };
}
