// Example webhook payloads for previews of tasks subscribed to shopify/* topics, modeled on the
// examples in Shopify's webhook reference (same ids, names and shape; trimmed to the fields tasks
// read). Mechanic previews with such sample data when a task defines no preview events and the
// shop has no recent event of the topic.

const SHOP_MONEY = (amount: string) => ({
  shop_money: { amount, currency_code: "USD" },
  presentment_money: { amount, currency_code: "USD" },
});

const ADDRESS = {
  first_name: "Steve",
  last_name: "Shipper",
  address1: "123 Shipping Street",
  address2: null,
  city: "Shippington",
  province: "Kentucky",
  province_code: "KY",
  country: "United States",
  country_code: "US",
  zip: "40003",
  phone: "555-555-SHIP",
  company: "Shipping Company",
  name: "Steve Shipper",
};

function customer(): Record<string, unknown> {
  return {
    id: 115310627314723954n,
    email: "john@example.com",
    created_at: "2021-12-31T19:00:00-05:00",
    updated_at: "2021-12-31T19:00:00-05:00",
    first_name: "John",
    last_name: "Smith",
    orders_count: 0,
    state: "disabled",
    total_spent: "0.00",
    last_order_id: null,
    note: null,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    tags: "",
    last_order_name: null,
    currency: "USD",
    phone: null,
    accepts_marketing: false,
    email_marketing_consent: { state: "not_subscribed", opt_in_level: null, consent_updated_at: null },
    default_address: { id: 715243470612851245n, customer_id: 115310627314723954n, default: true, ...ADDRESS },
    admin_graphql_api_id: "gid://shopify/Customer/115310627314723954",
  };
}

function lineItem(id: bigint, title: string, price: string, quantity: number, sku: string): Record<string, unknown> {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/LineItem/${id}`,
    title,
    name: title,
    price,
    price_set: SHOP_MONEY(price),
    quantity,
    current_quantity: quantity,
    sku,
    variant_id: 808950810n,
    variant_title: null,
    product_id: 632910392n,
    vendor: null,
    requires_shipping: true,
    taxable: true,
    gift_card: false,
    fulfillable_quantity: quantity,
    fulfillment_status: null,
    grams: 100,
    total_discount: "0.00",
    properties: [],
    tax_lines: [],
    discount_allocations: [],
  };
}

function order(): Record<string, unknown> {
  return {
    id: 820982911946154508n,
    admin_graphql_api_id: "gid://shopify/Order/820982911946154508",
    name: "#9999",
    order_number: 1234,
    number: 234,
    email: "jon@example.com",
    contact_email: "jon@example.com",
    phone: null,
    created_at: "2021-12-31T19:00:00-05:00",
    updated_at: "2021-12-31T19:00:00-05:00",
    processed_at: "2021-12-31T19:00:00-05:00",
    closed_at: null,
    cancelled_at: null,
    cancel_reason: null,
    confirmed: false,
    test: true,
    currency: "USD",
    presentment_currency: "USD",
    financial_status: "voided",
    fulfillment_status: "pending",
    total_price: "403.00",
    subtotal_price: "393.00",
    total_line_items_price: "398.00",
    total_discounts: "5.00",
    total_tax: "0.00",
    total_weight: 0,
    taxes_included: false,
    total_price_set: SHOP_MONEY("403.00"),
    subtotal_price_set: SHOP_MONEY("393.00"),
    note: null,
    note_attributes: [],
    tags: "tag1, tag2",
    discount_codes: [],
    gateway: null,
    payment_gateway_names: ["visa", "bogus"],
    source_name: "web",
    landing_site: null,
    referring_site: null,
    browser_ip: null,
    client_details: null,
    customer: customer(),
    billing_address: ADDRESS,
    shipping_address: ADDRESS,
    line_items: [
      lineItem(487817672276298554n, "Aviator sunglasses", "89.99", 1, "SKU2006-001"),
      lineItem(976318377106520349n, "Mid-century lounger", "159.99", 1, "SKU2006-020"),
    ],
    shipping_lines: [
      { id: 271878346596884015n, title: "Generic Shipping", price: "10.00", code: null, source: "shopify" },
    ],
    fulfillments: [],
    refunds: [],
  };
}

function product(): Record<string, unknown> {
  return {
    id: 788032119674292922n,
    admin_graphql_api_id: "gid://shopify/Product/788032119674292922",
    title: "Example T-Shirt",
    body_html: null,
    vendor: "Acme",
    product_type: "Shirts",
    handle: "example-t-shirt",
    created_at: null,
    updated_at: "2021-12-31T19:00:00-05:00",
    published_at: "2021-12-31T19:00:00-05:00",
    template_suffix: null,
    published_scope: "web",
    tags: "example, mens, t-shirt",
    status: "active",
    variants: [
      {
        id: 642667041472713922n,
        admin_graphql_api_id: "gid://shopify/ProductVariant/642667041472713922",
        product_id: 788032119674292922n,
        title: "Small",
        price: "19.99",
        sku: "example-shirt-s",
        position: 1,
        compare_at_price: "24.99",
        option1: "Small",
        option2: null,
        option3: null,
        barcode: null,
        inventory_item_id: null,
        inventory_quantity: 75,
        taxable: true,
        requires_shipping: true,
      },
    ],
    options: [
      { id: 527050010214937811n, product_id: 788032119674292922n, name: "Title", position: 1, values: ["Small"] },
    ],
    images: [],
    image: null,
  };
}

function draftOrder(): Record<string, unknown> {
  return {
    id: 994118539n,
    admin_graphql_api_id: "gid://shopify/DraftOrder/994118539",
    name: "#D2",
    email: "bob.norman@mail.example.com",
    note: null,
    status: "open",
    tags: "",
    currency: "USD",
    created_at: "2021-12-31T19:00:00-05:00",
    updated_at: "2021-12-31T19:00:00-05:00",
    completed_at: null,
    invoice_url: "https://jsmith.myshopify.com/548380009/invoices/994118539/ba7a8d95e1a4ba6ef8c5fcca24d3a8fe",
    order_id: null,
    taxes_included: false,
    total_price: "10.00",
    subtotal_price: "10.00",
    total_tax: "0.00",
    line_items: [lineItem(994118540n, "Custom item", "10.00", 1, "")],
    customer: customer(),
    shipping_address: ADDRESS,
    billing_address: ADDRESS,
  };
}

function fulfillment(): Record<string, unknown> {
  return {
    id: 123456n,
    admin_graphql_api_id: "gid://shopify/Fulfillment/123456",
    order_id: 820982911946154508n,
    status: "pending",
    created_at: "2021-12-31T19:00:00-05:00",
    updated_at: "2021-12-31T19:00:00-05:00",
    service: null,
    tracking_company: "UPS",
    tracking_number: "1z827wk74630",
    tracking_numbers: ["1z827wk74630"],
    tracking_url: "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1z827wk74630",
    tracking_urls: ["https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1z827wk74630"],
    name: "#9999.1",
    line_items: [lineItem(487817672276298554n, "Aviator sunglasses", "89.99", 1, "SKU2006-001")],
    destination: ADDRESS,
    email: "jon@example.com",
  };
}

function refund(): Record<string, unknown> {
  return {
    id: 890088186047892319n,
    admin_graphql_api_id: "gid://shopify/Refund/890088186047892319",
    order_id: 820982911946154508n,
    created_at: "2021-12-31T19:00:00-05:00",
    note: "Things were damaged",
    restock: true,
    refund_line_items: [
      {
        id: 487817672276298554n,
        line_item_id: 487817672276298554n,
        quantity: 1,
        restock_type: "no_restock",
        subtotal: 89.99,
        total_tax: 0,
        line_item: lineItem(487817672276298554n, "Aviator sunglasses", "89.99", 1, "SKU2006-001"),
      },
    ],
    transactions: [],
    order_adjustments: [],
  };
}

const EXAMPLES: Record<string, () => Record<string, unknown>> = {
  orders: order,
  customers: customer,
  products: product,
  draft_orders: draftOrder,
  fulfillments: fulfillment,
  refunds: refund,
  inventory_levels: () => ({
    inventory_item_id: 271878346596884015n,
    location_id: 24826418n,
    available: 6,
    updated_at: "2021-12-31T19:00:00-05:00",
    admin_graphql_api_id: "gid://shopify/InventoryLevel/24826418?inventory_item_id=271878346596884015",
  }),
  inventory_items: () => ({
    id: 271878346596884015n,
    sku: "example-sku",
    created_at: "2021-12-31T19:00:00-05:00",
    updated_at: "2021-12-31T19:00:00-05:00",
    requires_shipping: true,
    cost: null,
    tracked: true,
    admin_graphql_api_id: "gid://shopify/InventoryItem/271878346596884015",
  }),
  collections: () => ({
    id: 1063001322n,
    admin_graphql_api_id: "gid://shopify/Collection/1063001322",
    handle: "example-collection",
    title: "Example Collection",
    updated_at: "2021-12-31T19:00:00-05:00",
    body_html: null,
    published_at: "2021-12-31T16:00:00-05:00",
    sort_order: null,
    template_suffix: null,
    published_scope: "web",
  }),
  checkouts: () => ({
    id: 981820079255243537n,
    token: "123123123",
    cart_token: "eeafa272cebfd4b22385bc4b645e762c",
    email: "example@email.com",
    created_at: "2021-12-31T19:00:00-05:00",
    updated_at: "2021-12-31T19:00:00-05:00",
    abandoned_checkout_url: "https://checkout.local/548380009/checkouts/123123123/recover?key=example-secret-token",
    total_price: "398.00",
    subtotal_price: "398.00",
    currency: "USD",
    customer: customer(),
    line_items: [lineItem(487817672276298554n, "Aviator sunglasses", "89.99", 1, "SKU2006-001")],
  }),
  shop: () => ({
    id: 548380009n,
    name: "Super Toys",
    email: "super@supertoys.com",
    domain: null,
    myshopify_domain: "jsmith.myshopify.com",
    currency: "USD",
    iana_timezone: "America/New_York",
  }),
  app: () => ({ id: 548380009n, name: "Super Toys", domain: null, myshopify_domain: "jsmith.myshopify.com" }),
};

/**
 * Example data for a shopify/* topic (`shopify/orders/paid` -> an order), or null when none is
 * known. Delete topics get what Shopify sends for a deletion: the id alone.
 */
export function webhookExample(topic: string): Record<string, unknown> | null {
  const match = /^shopify\/([a-z_]+)\/([a-z_]+)$/.exec(topic);
  if (!match) return null;
  const [, resource, verb] = match;
  const build = EXAMPLES[resource];
  if (!build) return null;
  const example = build();
  if (verb === "delete") return { id: example.id ?? null };
  if (resource === "orders" && verb === "cancelled")
    return { ...example, cancelled_at: example.updated_at, cancel_reason: "customer" };
  if (resource === "orders" && verb === "paid") return { ...example, financial_status: "paid" };
  if (resource === "orders" && verb === "fulfilled") return { ...example, fulfillment_status: "fulfilled" };
  return example;
}
