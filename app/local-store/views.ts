// The Admin API objects of the local store as graphql's default resolver reads them: customers with
// their metafields and definitions, products (variants, inventory, locations), orders and draft
// orders. One module because they refer to each other (a customer's orders, an order's customer).
import { paginate, type ConnectionArgs } from "./connection";
import {
  parseGid,
  type FinancialStatus,
  type LocalDraftOrder,
  type LocalInventoryLevel,
  type LocalLineItem,
  type LocalLocation,
  type LocalOrder,
  type LocalProduct,
  type LocalVariant,
} from "./commerce";
import { metafieldJsonValue, metafieldTypeCategory } from "./metafield-types";
import { formatCents, lineItemsSubtotalCents, toCents } from "./money";
import { mapConnection, type ResolverContext } from "./resolver-context";
import {
  customerGid,
  metafieldCompareDigest,
  type LocalCustomer,
  type LocalMetafield,
  type LocalMetafieldDefinition,
} from "./state";

type MetafieldsArgs = ConnectionArgs & { namespace?: string | null; keys?: string[] | null };

export function customerView(customer: LocalCustomer) {
  const gid = customerGid(customer.id);
  const displayName = [customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.email || "";
  return {
    __typename: "Customer",
    id: gid,
    legacyResourceId: String(customer.id),
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName,
    email: customer.email,
    phone: customer.phone,
    defaultEmailAddress: customer.email
      ? { emailAddress: customer.email, validFormat: true, marketingState: "NOT_SUBSCRIBED" }
      : null,
    tags: customer.tags,
    note: customer.note,
    state: "DISABLED",
    verifiedEmail: customer.email !== null,
    taxExempt: customer.taxExempt,
    locale: "en",
    numberOfOrders: (_args: unknown, ctx: ResolverContext) =>
      String(ctx.state.commerce.ordersOfCustomer(ctx.shop, customer.id).length),
    canDelete: (_args: unknown, ctx: ResolverContext) =>
      ctx.state.commerce.ordersOfCustomer(ctx.shop, customer.id).length === 0,
    orders: (args: ConnectionArgs, ctx: ResolverContext) =>
      mapConnection(
        paginate(ctx.state.commerce.ordersOfCustomer(ctx.shop, customer.id), args, (order) => order.id),
        (order) => orderView(order, ctx),
      ),
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
    metafield: (args: { namespace?: string | null; key: string }, ctx: ResolverContext) => {
      const found = ctx.state.getMetafield(ctx.shop, gid, ctx.state.resolveNamespace(args.namespace), args.key);
      return found ? metafieldView(found) : null;
    },
    metafields: (args: MetafieldsArgs, ctx: ResolverContext) => {
      const namespace = args.namespace == null ? null : ctx.state.resolveNamespace(args.namespace);
      const keys = args.keys ? new Set(args.keys) : null;
      const metafields = ctx.state
        .listMetafields(ctx.shop, gid, namespace)
        .filter((metafield) => keys === null || keys.has(`${metafield.namespace}.${metafield.key}`));
      return mapConnection(
        paginate(metafields, args, (metafield) => metafield.id),
        metafieldView,
      );
    },
  };
}

export function metafieldView(metafield: LocalMetafield) {
  return {
    __typename: "Metafield",
    id: `gid://shopify/Metafield/${metafield.id}`,
    legacyResourceId: String(metafield.id),
    namespace: metafield.namespace,
    key: metafield.key,
    type: metafield.type,
    value: metafield.value,
    jsonValue: metafieldJsonValue(metafield.type, metafield.value),
    ownerType: metafield.ownerType,
    compareDigest: metafieldCompareDigest(metafield),
    createdAt: metafield.createdAt,
    updatedAt: metafield.updatedAt,
    owner: (_args: unknown, ctx: ResolverContext) => {
      const customer = ctx.state.getCustomer(ctx.shop, metafield.ownerId);
      return customer ? customerView(customer) : null;
    },
    definition: (_args: unknown, ctx: ResolverContext) => {
      const found = ctx.state.findDefinition(ctx.shop, metafield.ownerType, metafield.namespace, metafield.key);
      return found ? definitionView(found) : null;
    },
  };
}

export function definitionView(definition: LocalMetafieldDefinition) {
  return {
    __typename: "MetafieldDefinition",
    id: `gid://shopify/MetafieldDefinition/${definition.id}`,
    name: definition.name,
    namespace: definition.namespace,
    key: definition.key,
    description: definition.description,
    ownerType: definition.ownerType,
    type: { name: definition.type, category: metafieldTypeCategory(definition.type) },
    access: definition.access,
    pinnedPosition: definition.pinnedPosition,
    validations: definition.validations.map((validation) => ({
      name: validation.name,
      type: "string",
      value: validation.value,
    })),
    metafieldsCount: (_args: unknown, ctx: ResolverContext) =>
      ctx.state.countMetafieldsForDefinition(ctx.shop, definition),
  };
}

function money(amount: string, currencyCode: string) {
  return { amount, currencyCode };
}

function moneyBag(amount: string, currencyCode: string) {
  return { shopMoney: money(amount, currencyCode), presentmentMoney: money(amount, currencyCode) };
}

function currencyOf(ctx: ResolverContext): string {
  return ctx.state.getShop(ctx.shop)?.currencyCode ?? "USD";
}

export function productView(product: LocalProduct, ctx: ResolverContext) {
  const currency = currencyOf(ctx);
  const prices = product.variants.map((variant) => toCents(variant.price));
  const quantities = product.variants.map((variant) => ctx.state.commerce.inventoryQuantity(ctx.shop, variant));
  return {
    __typename: "Product",
    id: `gid://shopify/Product/${product.id}`,
    legacyResourceId: String(product.id),
    title: product.title,
    handle: product.handle,
    description: product.descriptionHtml.replace(/<[^>]*>/g, ""),
    descriptionHtml: product.descriptionHtml,
    // The local store's themes have no alternate product templates (Shopify: null).
    templateSuffix: null,
    vendor: product.vendor,
    productType: product.productType,
    status: product.status,
    tags: product.tags,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    publishedAt: product.publishedAt,
    totalInventory: quantities.reduce((sum, quantity) => sum + quantity, 0),
    tracksInventory: true,
    hasOnlyDefaultVariant: product.variants.length === 1 && product.variants[0].title === "Default Title",
    hasOutOfStockVariants: quantities.some((quantity) => quantity <= 0),
    options: product.options.map((option, index) => ({
      id: `gid://shopify/ProductOption/${option.id}`,
      name: option.name,
      position: index + 1,
      values: option.values,
    })),
    variants: (args: ConnectionArgs) =>
      mapConnection(
        paginate(product.variants, args, (variant) => variant.id),
        (variant) => variantView(variant, ctx),
      ),
    variantsCount: { count: product.variants.length, precision: "EXACT" },
    priceRangeV2: {
      minVariantPrice: money(formatCents(prices.length ? Math.min(...prices) : 0), currency),
      maxVariantPrice: money(formatCents(prices.length ? Math.max(...prices) : 0), currency),
    },
  };
}

export function variantView(variant: LocalVariant, ctx: ResolverContext) {
  const product = ctx.state.commerce.getProduct(ctx.shop, variant.productId);
  const optionNames = product?.options.map((option) => option.name) ?? [];
  const quantity = ctx.state.commerce.inventoryQuantity(ctx.shop, variant);
  return {
    __typename: "ProductVariant",
    id: `gid://shopify/ProductVariant/${variant.id}`,
    legacyResourceId: String(variant.id),
    title: variant.title,
    displayName: `${product?.title ?? ""} - ${variant.title}`,
    price: variant.price,
    compareAtPrice: variant.compareAtPrice,
    sku: variant.sku,
    barcode: variant.barcode,
    position: variant.position,
    taxable: variant.taxable,
    inventoryPolicy: variant.inventoryPolicy,
    inventoryQuantity: quantity,
    availableForSale: product?.status === "ACTIVE" && (quantity > 0 || variant.inventoryPolicy === "CONTINUE"),
    selectedOptions: variant.options.map((value, index) => ({ name: optionNames[index] ?? "Title", value })),
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
    product: () => (product ? productView(product, ctx) : null),
    inventoryItem: () => inventoryItemView(variant, ctx),
  };
}

export function inventoryItemView(variant: LocalVariant, ctx: ResolverContext) {
  return {
    __typename: "InventoryItem",
    id: `gid://shopify/InventoryItem/${variant.inventoryItemId}`,
    legacyResourceId: String(variant.inventoryItemId),
    sku: variant.sku,
    tracked: true,
    requiresShipping: true,
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
    variant: () => variantView(variant, ctx),
    inventoryLevel: (args: { locationId: string }) => {
      const locationId = parseGid(args.locationId, "Location");
      const [level] =
        locationId === null
          ? []
          : ctx.state.commerce.inventoryLevels(ctx.shop, { inventoryItemId: variant.inventoryItemId, locationId });
      return level ? inventoryLevelView(level, ctx) : null;
    },
    inventoryLevels: (args: ConnectionArgs) => {
      const levels = ctx.state.commerce.inventoryLevels(ctx.shop, { inventoryItemId: variant.inventoryItemId });
      return mapConnection(
        paginate(levels, args, (level) => level.locationId),
        (level) => inventoryLevelView(level, ctx),
      );
    },
  };
}

export function inventoryLevelView(level: LocalInventoryLevel, ctx: ResolverContext) {
  const id = `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.inventoryItemId}`;
  return {
    __typename: "InventoryLevel",
    id,
    createdAt: level.createdAt,
    updatedAt: level.updatedAt,
    item: () => {
      const variant = ctx.state.commerce.variantByInventoryItem(ctx.shop, level.inventoryItemId);
      return variant ? inventoryItemView(variant, ctx) : null;
    },
    location: () => {
      const location = ctx.state.commerce.getLocation(ctx.shop, level.locationId);
      return location ? locationView(location, ctx) : null;
    },
    // "available" and "on_hand" are the same here: the store has no committed or reserved stock.
    quantities: (args: { names: string[] }) =>
      args.names.map((name) => ({
        id: `gid://shopify/InventoryQuantity/${level.locationId}?inventory_item_id=${level.inventoryItemId}&name=${name}`,
        name,
        quantity: name === "available" || name === "on_hand" ? level.available : 0,
        updatedAt: level.updatedAt,
      })),
  };
}

export function locationView(location: LocalLocation, ctx: ResolverContext) {
  return {
    __typename: "Location",
    id: `gid://shopify/Location/${location.id}`,
    legacyResourceId: String(location.id),
    name: location.name,
    isActive: true,
    fulfillsOnlineOrders: true,
    createdAt: location.createdAt,
    updatedAt: location.createdAt,
    inventoryLevel: (args: { inventoryItemId: string }) => {
      const itemId = parseGid(args.inventoryItemId, "InventoryItem");
      const [level] =
        itemId === null
          ? []
          : ctx.state.commerce.inventoryLevels(ctx.shop, { inventoryItemId: itemId, locationId: location.id });
      return level ? inventoryLevelView(level, ctx) : null;
    },
  };
}

function lineItemView(item: LocalLineItem, currency: string, ctx: ResolverContext, draft: boolean) {
  const total = formatCents(toCents(item.price) * item.quantity);
  return {
    __typename: draft ? "DraftOrderLineItem" : "LineItem",
    id: `gid://shopify/${draft ? "DraftOrderLineItem" : "LineItem"}/${item.id}`,
    uuid: `local-${item.id}`,
    name: item.variantTitle ? `${item.title} - ${item.variantTitle}` : item.title,
    title: item.title,
    quantity: item.quantity,
    currentQuantity: item.quantity,
    sku: item.sku,
    vendor: item.vendor,
    variantTitle: item.variantTitle,
    custom: item.variantId === null,
    requiresShipping: true,
    taxable: true,
    originalUnitPriceSet: moneyBag(item.price, currency),
    originalTotalSet: moneyBag(total, currency),
    discountedTotalSet: moneyBag(total, currency),
    variant: () => {
      const variant = item.variantId === null ? null : ctx.state.commerce.getVariant(ctx.shop, item.variantId);
      return variant ? variantView(variant, ctx) : null;
    },
    product: () => {
      const product = item.productId === null ? null : ctx.state.commerce.getProduct(ctx.shop, item.productId);
      return product ? productView(product, ctx) : null;
    },
  };
}

const FINANCIAL_STATUS: Record<FinancialStatus, string> = {
  pending: "PENDING",
  authorized: "AUTHORIZED",
  paid: "PAID",
  partially_paid: "PARTIALLY_PAID",
  refunded: "REFUNDED",
  voided: "VOIDED",
};

export function orderView(order: LocalOrder, ctx: ResolverContext) {
  const subtotal = formatCents(lineItemsSubtotalCents(order.lineItems));
  const paid = order.financialStatus === "paid";
  return {
    __typename: "Order",
    id: `gid://shopify/Order/${order.id}`,
    legacyResourceId: String(order.id),
    name: order.name,
    number: order.number - 1000,
    email: order.email,
    note: order.note,
    tags: order.tags,
    test: order.test,
    confirmed: true,
    confirmationNumber: order.confirmationNumber,
    closed: order.closedAt !== null,
    closedAt: order.closedAt,
    cancelledAt: order.cancelledAt,
    cancelReason: order.cancelReason?.toUpperCase() ?? null,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    processedAt: order.processedAt,
    currencyCode: order.currency,
    presentmentCurrencyCode: order.currency,
    displayFinancialStatus: FINANCIAL_STATUS[order.financialStatus],
    displayFulfillmentStatus: order.fulfillmentStatus === "fulfilled" ? "FULFILLED" : "UNFULFILLED",
    fullyPaid: paid,
    unpaid: !paid,
    canMarkAsPaid: !paid && order.cancelledAt === null,
    sourceName: order.sourceName,
    subtotalLineItemsQuantity: order.lineItems.reduce((sum, item) => sum + item.quantity, 0),
    subtotalPriceSet: moneyBag(subtotal, order.currency),
    totalPriceSet: moneyBag(subtotal, order.currency),
    currentTotalPriceSet: moneyBag(subtotal, order.currency),
    totalOutstandingSet: moneyBag(paid ? "0.00" : subtotal, order.currency),
    // The local store keeps no taxes, discounts or order phone numbers (Shopify: zero and null).
    totalTaxSet: moneyBag("0.00", order.currency),
    totalDiscountsSet: moneyBag("0.00", order.currency),
    phone: null,
    customer: () => {
      const customer = order.customerId === null ? null : ctx.state.getCustomer(ctx.shop, order.customerId);
      return customer ? customerView(customer) : null;
    },
    lineItems: (args: ConnectionArgs) =>
      mapConnection(
        paginate(order.lineItems, args, (item) => item.id),
        (item) => lineItemView(item, order.currency, ctx, false),
      ),
  };
}

export function draftOrderView(draft: LocalDraftOrder, ctx: ResolverContext) {
  const subtotal = formatCents(lineItemsSubtotalCents(draft.lineItems));
  const shop = ctx.state.getShop(ctx.shop);
  return {
    __typename: "DraftOrder",
    id: `gid://shopify/DraftOrder/${draft.id}`,
    legacyResourceId: String(draft.id),
    name: draft.name,
    status: draft.status.toUpperCase(),
    email: draft.email,
    note2: draft.note,
    tags: draft.tags,
    ready: true,
    invoiceUrl: shop ? `https://${shop.domain}/${shop.id}/invoices/${draft.token}` : null,
    currencyCode: draft.currency,
    createdAt: draft.createdAt,
    updatedAt: draft.updatedAt,
    completedAt: draft.completedAt,
    totalQuantityOfLineItems: draft.lineItems.reduce((sum, item) => sum + item.quantity, 0),
    subtotalPriceSet: moneyBag(subtotal, draft.currency),
    totalPriceSet: moneyBag(subtotal, draft.currency),
    customer: () => {
      const customer = draft.customerId === null ? null : ctx.state.getCustomer(ctx.shop, draft.customerId);
      return customer ? customerView(customer) : null;
    },
    order: () => {
      const order = draft.orderId === null ? null : ctx.state.commerce.getOrder(ctx.shop, draft.orderId);
      return order ? orderView(order, ctx) : null;
    },
    lineItems: (args: ConnectionArgs) =>
      mapConnection(
        paginate(draft.lineItems, args, (item) => item.id),
        (item) => lineItemView(item, draft.currency, ctx, true),
      ),
  };
}
