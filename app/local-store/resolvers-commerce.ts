// Admin GraphQL for products (variants, inventory), orders and draft orders: the root fields that
// find them and the mutations that write them (through CommerceState, which applies Shopify's rules
// and emits the webhooks). What they return is shaped by ./views.ts.
import { GraphQLError } from "graphql";
import {
  parseGid,
  type FinancialStatus,
  type LineItemInput,
  type LocalDraftOrder,
  type LocalOrder,
  type LocalProduct,
  type ProductInput,
  type VariantInput,
} from "./commerce";
import { filterBySearch, paginate, type ConnectionArgs, type SearchFields } from "./connection";
import { mapConnection, userErrorView, type ResolverContext } from "./resolver-context";
import type { UserError } from "./state";
import { draftOrderView, inventoryItemView, locationView, orderView, productView, variantView } from "./views";

const fields = (...names: string[]) => new Set(names);

export const COMMERCE_SUPPORTED_FIELDS: Record<string, Set<string>> = {
  Product: fields(
    "id",
    "legacyResourceId",
    "title",
    "handle",
    "description",
    "descriptionHtml",
    "vendor",
    "productType",
    "status",
    "tags",
    "createdAt",
    "updatedAt",
    "publishedAt",
    "templateSuffix",
    "totalInventory",
    "tracksInventory",
    "hasOnlyDefaultVariant",
    "hasOutOfStockVariants",
    "options",
    "variants",
    "variantsCount",
    "priceRangeV2",
  ),
  ProductOption: fields("id", "name", "position", "values"),
  ProductPriceRangeV2: fields("minVariantPrice", "maxVariantPrice"),
  ProductConnection: fields("edges", "nodes", "pageInfo"),
  ProductEdge: fields("cursor", "node"),
  ProductVariant: fields(
    "id",
    "legacyResourceId",
    "title",
    "displayName",
    "price",
    "compareAtPrice",
    "sku",
    "barcode",
    "position",
    "taxable",
    "inventoryPolicy",
    "inventoryQuantity",
    "availableForSale",
    "selectedOptions",
    "inventoryItem",
    "product",
    "createdAt",
    "updatedAt",
  ),
  SelectedOption: fields("name", "value"),
  ProductVariantConnection: fields("edges", "nodes", "pageInfo"),
  ProductVariantEdge: fields("cursor", "node"),
  InventoryItem: fields(
    "id",
    "legacyResourceId",
    "sku",
    "tracked",
    "requiresShipping",
    "createdAt",
    "updatedAt",
    "variant",
    "inventoryLevel",
    "inventoryLevels",
  ),
  InventoryLevel: fields("id", "createdAt", "updatedAt", "item", "location", "quantities"),
  InventoryLevelConnection: fields("edges", "nodes", "pageInfo"),
  InventoryLevelEdge: fields("cursor", "node"),
  InventoryQuantity: fields("id", "name", "quantity", "updatedAt"),
  Location: fields(
    "id",
    "legacyResourceId",
    "name",
    "isActive",
    "fulfillsOnlineOrders",
    "createdAt",
    "updatedAt",
    "inventoryLevel",
  ),
  LocationConnection: fields("edges", "nodes", "pageInfo"),
  LocationEdge: fields("cursor", "node"),
  Count: fields("count", "precision"),
  MoneyBag: fields("shopMoney", "presentmentMoney"),
  MoneyV2: fields("amount", "currencyCode"),
  Order: fields(
    "id",
    "legacyResourceId",
    "name",
    "number",
    "email",
    "note",
    "tags",
    "test",
    "confirmed",
    "confirmationNumber",
    "closed",
    "closedAt",
    "cancelledAt",
    "cancelReason",
    "createdAt",
    "updatedAt",
    "processedAt",
    "currencyCode",
    "presentmentCurrencyCode",
    "displayFinancialStatus",
    "displayFulfillmentStatus",
    "fullyPaid",
    "unpaid",
    "canMarkAsPaid",
    "sourceName",
    "customer",
    "lineItems",
    "subtotalLineItemsQuantity",
    "subtotalPriceSet",
    "totalPriceSet",
    "currentTotalPriceSet",
    "totalOutstandingSet",
    "totalTaxSet",
    "totalDiscountsSet",
    "phone",
  ),
  OrderConnection: fields("edges", "nodes", "pageInfo"),
  OrderEdge: fields("cursor", "node"),
  LineItem: fields(
    "id",
    "name",
    "title",
    "quantity",
    "currentQuantity",
    "sku",
    "vendor",
    "variantTitle",
    "variant",
    "product",
    "requiresShipping",
    "taxable",
    "originalUnitPriceSet",
    "originalTotalSet",
    "discountedTotalSet",
  ),
  LineItemConnection: fields("edges", "nodes", "pageInfo"),
  LineItemEdge: fields("cursor", "node"),
  DraftOrder: fields(
    "id",
    "legacyResourceId",
    "name",
    "status",
    "email",
    "note2",
    "tags",
    "ready",
    "invoiceUrl",
    "currencyCode",
    "createdAt",
    "updatedAt",
    "completedAt",
    "customer",
    "order",
    "lineItems",
    "totalQuantityOfLineItems",
    "subtotalPriceSet",
    "totalPriceSet",
  ),
  DraftOrderConnection: fields("edges", "nodes", "pageInfo"),
  DraftOrderEdge: fields("cursor", "node"),
  DraftOrderLineItem: fields(
    "id",
    "uuid",
    "name",
    "title",
    "quantity",
    "sku",
    "vendor",
    "variantTitle",
    "custom",
    "variant",
    "product",
    "originalUnitPriceSet",
    "originalTotalSet",
    "discountedTotalSet",
  ),
  DraftOrderLineItemConnection: fields("edges", "nodes", "pageInfo"),
  DraftOrderLineItemEdge: fields("cursor", "node"),
  // Mutation payloads and their error types.
  CustomerCreatePayload: fields("customer", "userErrors"),
  CustomerUpdatePayload: fields("customer", "userErrors"),
  CustomerDeletePayload: fields("deletedCustomerId", "userErrors"),
  TagsAddPayload: fields("node", "userErrors"),
  TagsRemovePayload: fields("node", "userErrors"),
  ProductCreatePayload: fields("product", "userErrors"),
  ProductUpdatePayload: fields("product", "userErrors"),
  ProductDeletePayload: fields("deletedProductId", "userErrors"),
  ProductVariantsBulkCreatePayload: fields("product", "productVariants", "userErrors"),
  ProductVariantsBulkUpdatePayload: fields("product", "productVariants", "userErrors"),
  ProductVariantsBulkCreateUserError: fields("field", "message", "code"),
  ProductVariantsBulkUpdateUserError: fields("field", "message", "code"),
  InventoryAdjustQuantitiesPayload: fields("inventoryAdjustmentGroup", "userErrors"),
  InventoryAdjustQuantitiesUserError: fields("field", "message", "code"),
  InventoryAdjustmentGroup: fields("id", "createdAt", "reason", "changes"),
  InventoryChange: fields("name", "delta", "quantityAfterChange", "item", "location"),
  OrderCreatePayload: fields("order", "userErrors"),
  OrderCreateUserError: fields("field", "message", "code"),
  OrderUpdatePayload: fields("order", "userErrors"),
  OrderMarkAsPaidPayload: fields("order", "userErrors"),
  OrderCancelPayload: fields("job", "orderCancelUserErrors"),
  OrderCancelUserError: fields("field", "message", "code"),
  Job: fields("id", "done"),
  OrderDeletePayload: fields("deletedId", "userErrors"),
  OrderDeleteUserError: fields("field", "message", "code"),
  DraftOrderCreatePayload: fields("draftOrder", "userErrors"),
  DraftOrderUpdatePayload: fields("draftOrder", "userErrors"),
  DraftOrderDeletePayload: fields("deletedId", "userErrors"),
  DraftOrderCompletePayload: fields("draftOrder", "userErrors"),
};

const PRODUCT_SEARCH: SearchFields<LocalProduct> = {
  fields: {
    title: (product) => product.title,
    handle: (product) => product.handle,
    vendor: (product) => product.vendor,
    product_type: (product) => product.productType,
    status: (product) => product.status.toLowerCase(),
    tag: (product) => product.tags,
    sku: (product) => product.variants.map((variant) => variant.sku ?? ""),
    id: (product) => product.id,
  },
  words: (product) => [product.title, product.vendor, product.productType, ...product.tags],
};

const ORDER_SEARCH: SearchFields<LocalOrder> = {
  fields: {
    name: (order) => order.name,
    email: (order) => order.email,
    tag: (order) => order.tags,
    customer_id: (order) => order.customerId,
    financial_status: (order) => order.financialStatus,
    status: (order) => (order.cancelledAt ? "cancelled" : order.closedAt ? "closed" : "open"),
    id: (order) => order.id,
  },
  words: (order) => [order.name, order.email, ...order.tags],
};

const DRAFT_ORDER_SEARCH: SearchFields<LocalDraftOrder> = {
  fields: {
    name: (draft) => draft.name,
    email: (draft) => draft.email,
    tag: (draft) => draft.tags,
    customer_id: (draft) => draft.customerId,
    status: (draft) => draft.status,
    id: (draft) => draft.id,
  },
  words: (draft) => [draft.name, draft.email, ...draft.tags],
};

/** Shopify answers an id of the wrong shape as a top-level error, not as null. */
function requireGid(id: string, type: string): void {
  if (!new RegExp(`^gid://shopify/${type}/\\d+$`).test(id)) {
    throw new GraphQLError(`Invalid global id '${id}'`, {
      extensions: { code: "argumentLiteralsIncompatible", typeName: "CoercionError" },
    });
  }
}

type SearchArgs = ConnectionArgs & { query?: string | null };

interface ProductArgs {
  product?: (ProductInput & { id?: string | null }) | null;
  input?: (ProductInput & { id?: string | null }) | null;
}

interface LineItemArg {
  variantId?: string | null;
  title?: string | null;
  quantity: number;
  sku?: string | null;
  priceSet?: { shopMoney?: { amount: string } | null } | null;
  originalUnitPriceWithCurrency?: { amount: string } | null;
  priceOverride?: { amount: string } | null;
  originalUnitPrice?: string | null;
}

function lineItemInputs(items: LineItemArg[] | null | undefined): LineItemInput[] | null {
  if (items == null) return null;
  return items.map((item) => ({
    variantId: item.variantId ?? null,
    title: item.title ?? null,
    quantity: item.quantity,
    sku: item.sku ?? null,
    price:
      item.priceSet?.shopMoney?.amount ??
      item.priceOverride?.amount ??
      item.originalUnitPriceWithCurrency?.amount ??
      item.originalUnitPrice ??
      null,
  }));
}

function errorsOnly(userErrors: UserError[]) {
  return userErrors.map(userErrorView);
}

export const commerceRootFields = {
  product: (args: { id: string }, ctx: ResolverContext) => {
    requireGid(args.id, "Product");
    const product = ctx.state.commerce.getProduct(ctx.shop, args.id);
    return product ? productView(product, ctx) : null;
  },
  products: (args: SearchArgs, ctx: ResolverContext) =>
    mapConnection(
      paginate(
        filterBySearch(ctx.state.commerce.listProducts(ctx.shop), args.query, PRODUCT_SEARCH),
        args,
        (product) => product.id,
      ),
      (product) => productView(product, ctx),
    ),
  productVariant: (args: { id: string }, ctx: ResolverContext) => {
    requireGid(args.id, "ProductVariant");
    const variant = ctx.state.commerce.getVariant(ctx.shop, args.id);
    return variant ? variantView(variant, ctx) : null;
  },
  inventoryItem: (args: { id: string }, ctx: ResolverContext) => {
    requireGid(args.id, "InventoryItem");
    const variant = ctx.state.commerce.variantByInventoryItem(ctx.shop, parseGid(args.id, "InventoryItem")!);
    return variant ? inventoryItemView(variant, ctx) : null;
  },
  location: (args: { id?: string | null }, ctx: ResolverContext) => {
    const location =
      args.id == null
        ? (ctx.state.commerce.listLocations(ctx.shop)[0] ?? null)
        : ctx.state.commerce.getLocation(ctx.shop, args.id);
    return location ? locationView(location, ctx) : null;
  },
  locations: (args: ConnectionArgs, ctx: ResolverContext) =>
    mapConnection(
      paginate(ctx.state.commerce.listLocations(ctx.shop), args, (location) => location.id),
      (location) => locationView(location, ctx),
    ),
  order: (args: { id: string }, ctx: ResolverContext) => {
    requireGid(args.id, "Order");
    const order = ctx.state.commerce.getOrder(ctx.shop, args.id);
    return order ? orderView(order, ctx) : null;
  },
  orders: (args: SearchArgs, ctx: ResolverContext) =>
    mapConnection(
      paginate(
        filterBySearch(ctx.state.commerce.listOrders(ctx.shop), args.query, ORDER_SEARCH),
        args,
        (order) => order.id,
      ),
      (order) => orderView(order, ctx),
    ),
  draftOrder: (args: { id: string }, ctx: ResolverContext) => {
    requireGid(args.id, "DraftOrder");
    const draft = ctx.state.commerce.getDraftOrder(ctx.shop, args.id);
    return draft ? draftOrderView(draft, ctx) : null;
  },
  draftOrders: (args: SearchArgs, ctx: ResolverContext) =>
    mapConnection(
      paginate(
        filterBySearch(ctx.state.commerce.listDraftOrders(ctx.shop), args.query, DRAFT_ORDER_SEARCH),
        args,
        (draft) => draft.id,
      ),
      (draft) => draftOrderView(draft, ctx),
    ),

  // ---- mutations -------------------------------------------------------------------------------

  productCreate: (args: ProductArgs, ctx: ResolverContext) => {
    const result = ctx.state.commerce.createProduct(ctx.shop, args.product ?? args.input ?? {});
    return {
      product: result.product ? productView(result.product, ctx) : null,
      userErrors: errorsOnly(result.userErrors),
    };
  },
  productUpdate: (args: ProductArgs, ctx: ResolverContext) => {
    const input = args.product ?? args.input ?? {};
    const result = ctx.state.commerce.updateProduct(ctx.shop, input.id, input);
    return {
      product: result.product ? productView(result.product, ctx) : null,
      userErrors: errorsOnly(result.userErrors),
    };
  },
  productDelete: (args: { input: { id: string } }, ctx: ResolverContext) => {
    const result = ctx.state.commerce.deleteProduct(ctx.shop, args.input.id);
    return { deletedProductId: result.deletedProductId, userErrors: errorsOnly(result.userErrors) };
  },
  productVariantsBulkCreate: (args: { productId: string; variants: VariantInput[] }, ctx: ResolverContext) =>
    variantsPayload(ctx.state.commerce.writeVariants(ctx.shop, args.productId, args.variants, "create"), ctx),
  productVariantsBulkUpdate: (args: { productId: string; variants: VariantInput[] }, ctx: ResolverContext) =>
    variantsPayload(ctx.state.commerce.writeVariants(ctx.shop, args.productId, args.variants, "update"), ctx),
  inventoryAdjustQuantities: (
    args: {
      input: {
        name: string;
        reason: string;
        changes: { delta: number; inventoryItemId: string; locationId: string }[];
      };
    },
    ctx: ResolverContext,
  ) => {
    const result = ctx.state.commerce.adjustInventory(ctx.shop, args.input);
    return {
      inventoryAdjustmentGroup: result.group
        ? {
            id: `gid://shopify/InventoryAdjustmentGroup/${result.group.id}`,
            createdAt: result.group.createdAt,
            reason: result.group.reason,
            changes: result.group.changes.map((change) => ({
              name: change.name,
              delta: change.delta,
              quantityAfterChange: change.quantityAfterChange,
              item: () => {
                const variant = ctx.state.commerce.variantByInventoryItem(ctx.shop, change.level.inventoryItemId);
                return variant ? inventoryItemView(variant, ctx) : null;
              },
              location: () => {
                const location = ctx.state.commerce.getLocation(ctx.shop, change.level.locationId);
                return location ? locationView(location, ctx) : null;
              },
            })),
          }
        : null,
      userErrors: errorsOnly(result.userErrors),
    };
  },
  orderCreate: (
    args: {
      order: {
        customer?: { toAssociate?: { id?: string | null; email?: string | null } | null } | null;
        customerId?: string | null;
        email?: string | null;
        lineItems?: LineItemArg[] | null;
        financialStatus?: string | null;
        tags?: string[] | null;
        note?: string | null;
        test?: boolean | null;
        processedAt?: string | null;
        sourceName?: string | null;
      };
    },
    ctx: ResolverContext,
  ) => {
    const input = args.order;
    const result = ctx.state.commerce.createOrder(ctx.shop, {
      customerId: input.customer?.toAssociate?.id ?? null,
      email: input.email ?? input.customer?.toAssociate?.email ?? null,
      lineItems: lineItemInputs(input.lineItems) ?? [],
      financialStatus: (input.financialStatus?.toLowerCase() as FinancialStatus | undefined) ?? null,
      tags: input.tags ?? null,
      note: input.note ?? null,
      test: input.test ?? null,
      processedAt: input.processedAt ?? null,
      sourceName: input.sourceName ?? null,
    });
    return { order: result.order ? orderView(result.order, ctx) : null, userErrors: errorsOnly(result.userErrors) };
  },
  orderUpdate: (
    args: { input: { id: string; email?: string | null; note?: string | null; tags?: string[] | null } },
    ctx: ResolverContext,
  ) => {
    const result = ctx.state.commerce.updateOrder(ctx.shop, args.input);
    return { order: result.order ? orderView(result.order, ctx) : null, userErrors: errorsOnly(result.userErrors) };
  },
  orderMarkAsPaid: (args: { input: { id: string } }, ctx: ResolverContext) => {
    const result = ctx.state.commerce.markOrderAsPaid(ctx.shop, args.input.id);
    return { order: result.order ? orderView(result.order, ctx) : null, userErrors: errorsOnly(result.userErrors) };
  },
  orderCancel: (args: { orderId: string; reason: string }, ctx: ResolverContext) => {
    const result = ctx.state.commerce.cancelOrder(ctx.shop, args.orderId, args.reason);
    // Shopify cancels in a job; the local store has already finished it.
    return {
      job: result.ok ? { id: `gid://shopify/Job/${crypto.randomUUID()}`, done: true } : null,
      orderCancelUserErrors: errorsOnly(result.userErrors),
    };
  },
  orderDelete: (args: { orderId: string }, ctx: ResolverContext) => {
    const result = ctx.state.commerce.deleteOrder(ctx.shop, args.orderId);
    return { deletedId: result.deletedId, userErrors: errorsOnly(result.userErrors) };
  },
  draftOrderCreate: (args: { input: DraftOrderArg }, ctx: ResolverContext) => {
    const result = ctx.state.commerce.createDraftOrder(ctx.shop, draftInput(args.input));
    return {
      draftOrder: result.draftOrder ? draftOrderView(result.draftOrder, ctx) : null,
      userErrors: errorsOnly(result.userErrors),
    };
  },
  draftOrderUpdate: (args: { id: string; input: DraftOrderArg }, ctx: ResolverContext) => {
    const result = ctx.state.commerce.updateDraftOrder(ctx.shop, args.id, draftInput(args.input));
    return {
      draftOrder: result.draftOrder ? draftOrderView(result.draftOrder, ctx) : null,
      userErrors: errorsOnly(result.userErrors),
    };
  },
  draftOrderDelete: (args: { input: { id: string } }, ctx: ResolverContext) => {
    const result = ctx.state.commerce.deleteDraftOrder(ctx.shop, args.input.id);
    return { deletedId: result.deletedId, userErrors: errorsOnly(result.userErrors) };
  },
  draftOrderComplete: (args: { id: string; paymentPending?: boolean | null }, ctx: ResolverContext) => {
    const result = ctx.state.commerce.completeDraftOrder(ctx.shop, args.id, args.paymentPending === true);
    return {
      draftOrder: result.draftOrder ? draftOrderView(result.draftOrder, ctx) : null,
      userErrors: errorsOnly(result.userErrors),
    };
  },
};

interface DraftOrderArg {
  customerId?: string | null;
  purchasingEntity?: { customerId?: string | null } | null;
  email?: string | null;
  lineItems?: LineItemArg[] | null;
  tags?: string[] | null;
  note?: string | null;
}

function draftInput(input: DraftOrderArg) {
  const customerId = input.purchasingEntity?.customerId ?? input.customerId;
  return {
    ...(customerId !== undefined ? { customerId } : {}),
    ...(input.email !== undefined ? { email: input.email } : {}),
    lineItems: lineItemInputs(input.lineItems),
    tags: input.tags ?? null,
    ...(input.note !== undefined ? { note: input.note } : {}),
  };
}

function variantsPayload(
  result: ReturnType<ResolverContext["state"]["commerce"]["writeVariants"]>,
  ctx: ResolverContext,
) {
  return {
    product: result.product ? productView(result.product, ctx) : null,
    productVariants: result.variants ? result.variants.map((variant) => variantView(variant, ctx)) : null,
    userErrors: errorsOnly(result.userErrors),
  };
}
