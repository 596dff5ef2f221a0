// Mechanic's Shopify objects in Liquid (platform/liquid/objects/shopify): `shop.customers[id]`
// (or an email), `shop.orders[id]`, `shop.products[id]`, `shop.variants[id]`,
// `shop.collections[id]`, `shop.draft_orders[id]`, `.reload` on any resource (the subject
// variable included) and `resource.metafields.namespace.key`. Mechanic reads them from the REST
// API; Hookline reads the same resources lazily through the Admin GraphQL function the render
// receives, and hands them to the task in their REST shape (snake_case keys, numeric ids, tags as
// a comma-separated string, money as decimal strings), which is what tasks written for Mechanic
// read. Every fetch is a read-only query counted in the render's query budget, and cached for the
// run (all renders of one task run share one ShopifyObjects).
import { Drop } from "liquidjs";
import { parseJson } from "~/domain/json";
import type { ShopifyQueryFn } from "./state";
import { isPlainObject, toLiquidString, unwrap } from "./values";

type ResourceKind = "customer" | "order" | "product" | "variant" | "collection" | "draft_order";

interface ResourceSpec {
  /** The GraphQL type in gids (gid://shopify/<type>/<id>). */
  type: string;
  /** Root field of QueryRoot that takes an id. */
  field: string;
  selection: string;
  toRest(node: Record<string, unknown>): Record<string, unknown>;
}

const MONEY = "shopMoney { amount }";

const CUSTOMER_FIELDS =
  "id legacyResourceId firstName lastName email tags note state verifiedEmail taxExempt locale numberOfOrders createdAt updatedAt";
const LINE_ITEM_FIELDS = `id title name quantity sku variantTitle vendor originalUnitPriceSet { ${MONEY} } variant { id legacyResourceId } product { id legacyResourceId }`;

const SPECS: Record<ResourceKind, ResourceSpec> = {
  customer: {
    type: "Customer",
    field: "customer",
    selection: CUSTOMER_FIELDS,
    toRest: customerToRest,
  },
  order: {
    type: "Order",
    field: "order",
    selection: `id legacyResourceId name email phone note tags createdAt updatedAt processedAt cancelledAt closedAt cancelReason displayFinancialStatus displayFulfillmentStatus currencyCode test totalPriceSet { ${MONEY} } subtotalPriceSet { ${MONEY} } totalTaxSet { ${MONEY} } totalDiscountsSet { ${MONEY} } customer { ${CUSTOMER_FIELDS} } lineItems(first: 100) { nodes { ${LINE_ITEM_FIELDS} } }`, // 250 line items cost more than the 1,000-point single-query maximum
    toRest: orderToRest,
  },
  product: {
    type: "Product",
    field: "product",
    selection:
      "id legacyResourceId title handle vendor productType tags status descriptionHtml createdAt updatedAt publishedAt templateSuffix variants(first: 250) { nodes { id legacyResourceId title sku price compareAtPrice inventoryQuantity position barcode inventoryItem { id legacyResourceId } } }",
    toRest: productToRest,
  },
  variant: {
    type: "ProductVariant",
    field: "productVariant",
    selection:
      "id legacyResourceId title sku price compareAtPrice inventoryQuantity position barcode createdAt updatedAt inventoryItem { id legacyResourceId } product { id legacyResourceId }",
    toRest: variantToRest,
  },
  collection: {
    type: "Collection",
    field: "collection",
    selection: "id legacyResourceId title handle descriptionHtml sortOrder templateSuffix updatedAt",
    toRest: (node) => ({
      ...ids(node),
      title: node.title,
      handle: node.handle,
      body_html: node.descriptionHtml ?? null,
      sort_order: lower(node.sortOrder),
      template_suffix: node.templateSuffix ?? null,
      updated_at: node.updatedAt ?? null,
    }),
  },
  draft_order: {
    type: "DraftOrder",
    field: "draftOrder",
    selection: `id legacyResourceId name email note2 tags status createdAt updatedAt completedAt invoiceUrl taxesIncluded currencyCode totalPriceSet { ${MONEY} } subtotalPriceSet { ${MONEY} } totalTaxSet { ${MONEY} } customer { ${CUSTOMER_FIELDS} } lineItems(first: 100) { nodes { ${LINE_ITEM_FIELDS} } }`, // 250 line items cost more than the 1,000-point single-query maximum
    toRest: (node) => ({
      ...ids(node),
      name: node.name,
      email: node.email ?? null,
      note: node.note2 ?? null,
      tags: tagText(node.tags),
      status: lower(node.status),
      created_at: node.createdAt ?? null,
      updated_at: node.updatedAt ?? null,
      completed_at: node.completedAt ?? null,
      invoice_url: node.invoiceUrl ?? null,
      taxes_included: node.taxesIncluded ?? null,
      currency: node.currencyCode ?? null,
      total_price: money(node.totalPriceSet),
      subtotal_price: money(node.subtotalPriceSet),
      total_tax: money(node.totalTaxSet),
      customer: isPlainObject(node.customer) ? customerToRest(node.customer) : null,
      line_items: nodes(node.lineItems).map(lineItemToRest),
    }),
  },
};

/** shop.<collection> names and the resource each looks up. */
const COLLECTIONS: Record<string, ResourceKind> = {
  customers: "customer",
  orders: "order",
  products: "product",
  variants: "variant",
  collections: "collection",
  draft_orders: "draft_order",
};

const KIND_BY_TYPE = new Map(Object.entries(SPECS).map(([kind, spec]) => [spec.type, kind as ResourceKind]));

// ---------------------------------------------------------------- REST shapes

function numericId(gid: unknown, legacy?: unknown): number | bigint | null {
  const text =
    typeof legacy === "string" && legacy ? legacy : typeof gid === "string" ? (/(\d+)$/.exec(gid)?.[1] ?? "") : "";
  if (!/^\d+$/.test(text)) return null;
  const big = BigInt(text);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function ids(node: Record<string, unknown>): { id: number | bigint | null; admin_graphql_api_id: unknown } {
  return { id: numericId(node.id, node.legacyResourceId), admin_graphql_api_id: node.id ?? null };
}

function lower(value: unknown): string | null {
  return typeof value === "string" ? value.toLowerCase() : null;
}

function tagText(value: unknown): string {
  return Array.isArray(value) ? value.join(", ") : typeof value === "string" ? value : "";
}

function money(set: unknown): string | null {
  const amount = isPlainObject(set) && isPlainObject(set.shopMoney) ? set.shopMoney.amount : null;
  return amount === null || amount === undefined ? null : String(amount);
}

function nodes(connection: unknown): Record<string, unknown>[] {
  if (!isPlainObject(connection)) return [];
  const list = Array.isArray(connection.nodes)
    ? connection.nodes
    : Array.isArray(connection.edges)
      ? connection.edges.map((edge) => (isPlainObject(edge) ? edge.node : null))
      : [];
  return list.filter(isPlainObject);
}

function customerToRest(node: Record<string, unknown>): Record<string, unknown> {
  return {
    ...ids(node),
    email: node.email ?? null,
    first_name: node.firstName ?? null,
    last_name: node.lastName ?? null,
    tags: tagText(node.tags),
    note: node.note ?? null,
    state: lower(node.state),
    verified_email: node.verifiedEmail ?? null,
    tax_exempt: node.taxExempt ?? null,
    locale: node.locale ?? null,
    orders_count: node.numberOfOrders === undefined ? null : Number(node.numberOfOrders),
    created_at: node.createdAt ?? null,
    updated_at: node.updatedAt ?? null,
  };
}

function lineItemToRest(node: Record<string, unknown>): Record<string, unknown> {
  const variant = isPlainObject(node.variant) ? node.variant : {};
  const product = isPlainObject(node.product) ? node.product : {};
  return {
    ...ids(node),
    title: node.title ?? null,
    name: node.name ?? null,
    quantity: node.quantity ?? null,
    sku: node.sku ?? null,
    variant_title: node.variantTitle ?? null,
    vendor: node.vendor ?? null,
    price: money(node.originalUnitPriceSet),
    variant_id: numericId(variant.id, variant.legacyResourceId),
    product_id: numericId(product.id, product.legacyResourceId),
  };
}

function orderToRest(node: Record<string, unknown>): Record<string, unknown> {
  const fulfillment = lower(node.displayFulfillmentStatus);
  return {
    ...ids(node),
    name: node.name ?? null,
    order_number: typeof node.name === "string" ? Number(node.name.replace(/\D/g, "")) || null : null,
    email: node.email ?? null,
    phone: node.phone ?? null,
    note: node.note ?? null,
    tags: tagText(node.tags),
    created_at: node.createdAt ?? null,
    updated_at: node.updatedAt ?? null,
    processed_at: node.processedAt ?? null,
    cancelled_at: node.cancelledAt ?? null,
    closed_at: node.closedAt ?? null,
    cancel_reason: lower(node.cancelReason),
    financial_status: lower(node.displayFinancialStatus),
    // REST writes an unfulfilled order's fulfillment_status as null.
    fulfillment_status: fulfillment === "unfulfilled" ? null : fulfillment,
    currency: node.currencyCode ?? null,
    test: node.test ?? null,
    total_price: money(node.totalPriceSet),
    subtotal_price: money(node.subtotalPriceSet),
    total_tax: money(node.totalTaxSet),
    total_discounts: money(node.totalDiscountsSet),
    customer: isPlainObject(node.customer) ? customerToRest(node.customer) : null,
    line_items: nodes(node.lineItems).map(lineItemToRest),
  };
}

function variantToRest(node: Record<string, unknown>, productId?: unknown): Record<string, unknown> {
  const product = isPlainObject(node.product) ? node.product : null;
  const item = isPlainObject(node.inventoryItem) ? node.inventoryItem : {};
  return {
    ...ids(node),
    product_id: product ? numericId(product.id, product.legacyResourceId) : (productId ?? null),
    title: node.title ?? null,
    sku: node.sku ?? null,
    price: node.price === undefined || node.price === null ? null : String(node.price),
    compare_at_price:
      node.compareAtPrice === undefined || node.compareAtPrice === null ? null : String(node.compareAtPrice),
    inventory_quantity: node.inventoryQuantity ?? null,
    position: node.position ?? null,
    barcode: node.barcode ?? null,
    inventory_item_id: numericId(item.id, item.legacyResourceId),
    created_at: node.createdAt ?? null,
    updated_at: node.updatedAt ?? null,
  };
}

function productToRest(node: Record<string, unknown>): Record<string, unknown> {
  const id = numericId(node.id, node.legacyResourceId);
  return {
    ...ids(node),
    title: node.title ?? null,
    handle: node.handle ?? null,
    vendor: node.vendor ?? null,
    product_type: node.productType ?? null,
    tags: tagText(node.tags),
    status: lower(node.status),
    body_html: node.descriptionHtml ?? null,
    created_at: node.createdAt ?? null,
    updated_at: node.updatedAt ?? null,
    published_at: node.publishedAt ?? null,
    template_suffix: node.templateSuffix ?? null,
    variants: nodes(node.variants).map((variant) => variantToRest(variant, id)),
  };
}

// ---------------------------------------------------------------- fetching

export interface ShopifyObjectsOptions {
  query?: ShopifyQueryFn;
  /** Counts one query against the render's budget; throws when the budget is spent. */
  spend: () => void;
}

/** The per-run reader of Shopify resources (one per task run, so its cache is the run's). */
export class ShopifyObjects {
  private readonly cache = new Map<string, Promise<unknown>>();
  constructor(private readonly options: ShopifyObjectsOptions) {}

  get available(): boolean {
    return this.options.query !== undefined;
  }

  private run(cacheKey: string, what: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const fetching = (async () => {
      if (!this.options.query) return null;
      this.options.spend();
      const raw = await this.options.query(query, variables);
      // Data from Shopify behaves like any Liquid data: floats, 64-bit ids.
      const result = parseJson(
        JSON.stringify(raw, (_key, value) => (typeof value === "bigint" ? value.toString() : value)),
      );
      if (isPlainObject(result) && Array.isArray(result.errors) && result.errors.length > 0) {
        const first = result.errors[0];
        const message = isPlainObject(first) && typeof first.message === "string" ? first.message : "query failed";
        throw new Error(`${what}: ${message}`);
      }
      return isPlainObject(result) && isPlainObject(result.data) ? result.data : null;
    })();
    this.cache.set(cacheKey, fetching);
    return fetching;
  }

  /** One resource by gid, in its REST shape; null when it does not exist (or without a query function). */
  async resource(kind: ResourceKind, gid: string, what: string): Promise<Record<string, unknown> | null> {
    const spec = SPECS[kind];
    const query = `query HooklineLookup($id: ID!) { resource: ${spec.field}(id: $id) { ${spec.selection} } }`;
    const data = await this.run(`resource ${gid}`, what, query, { id: gid });
    return isPlainObject(data) && isPlainObject(data.resource) ? spec.toRest(data.resource) : null;
  }

  async customerByEmail(email: string, what: string): Promise<Record<string, unknown> | null> {
    const query = `query HooklineCustomerByEmail($query: String!) { customers(first: 1, query: $query) { nodes { ${CUSTOMER_FIELDS} } } }`;
    const data = await this.run(`customer email ${email.toLowerCase()}`, what, query, {
      query: `email:${JSON.stringify(email)}`,
    });
    const found = isPlainObject(data) ? nodes(data.customers)[0] : undefined;
    return found ? customerToRest(found) : null;
  }

  /** All metafields of a resource (or of the shop, for gid null). */
  async metafields(ownerGid: string | null, what: string): Promise<Record<string, unknown>[]> {
    const fields =
      "metafields(first: 250) { nodes { id legacyResourceId namespace key type value createdAt updatedAt } }";
    let query: string;
    let variables: Record<string, unknown> = {};
    if (ownerGid === null) query = `query HooklineShopMetafields { owner: shop { ${fields} } }`;
    else {
      const type = /^gid:\/\/shopify\/(\w+)\//.exec(ownerGid)?.[1] ?? "";
      const kind = KIND_BY_TYPE.get(type);
      if (!kind) throw new Error(`${what}: metafields of ${type || "this resource"} are not available`);
      query = `query HooklineMetafields($id: ID!) { owner: ${SPECS[kind].field}(id: $id) { ${fields} } }`;
      variables = { id: ownerGid };
    }
    const data = await this.run(`metafields ${ownerGid ?? "shop"}`, what, query, variables);
    return isPlainObject(data) ? nodes(isPlainObject(data.owner) ? data.owner.metafields : null) : [];
  }
}

// ---------------------------------------------------------------- Liquid objects

/** Mechanic's REST collection scopes (shop.orders.paid, shop.products.published...): listings. */
const SCOPES = new Set([
  "any",
  "open",
  "closed",
  "cancelled",
  "authorized",
  "pending",
  "paid",
  "partially_paid",
  "refunded",
  "partially_refunded",
  "voided",
  "unpaid",
  "shipped",
  "partial",
  "unshipped",
  "fulfilled",
  "unfulfilled",
  "published",
  "unpublished",
  "invoice_sent",
  "completed",
  "count",
  "size",
  "first",
  "last",
]);

/** A resource id as written in a lookup (12345, "12345", a gid) -> its gid, or null. */
function gidFor(kind: ResourceKind, key: unknown): string | null {
  const value = unwrap(key);
  const text =
    typeof value === "bigint" || typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  if (/^\d+$/.test(text)) return `gid://shopify/${SPECS[kind].type}/${text}`;
  if (text.startsWith(`gid://shopify/${SPECS[kind].type}/`)) return text;
  return null;
}

/** `shop.orders`: a lookup by id (and, for customers, by email). Iterating needs GraphQL. */
export class ResourceCollectionDrop extends Drop {
  constructor(
    private readonly objects: ShopifyObjects,
    private readonly name: string,
    private readonly kind: ResourceKind,
  ) {
    super();
  }
  liquidMethodMissing(key: unknown): unknown {
    const gid = gidFor(this.kind, key);
    const what = `shop.${this.name}[${JSON.stringify(toLiquidString(unwrap(key)))}]`;
    if (gid) return this.objects.resource(this.kind, gid, what);
    const text = toLiquidString(unwrap(key)).trim();
    if (this.kind === "customer" && text.includes("@")) return this.objects.customerByEmail(text, what);
    // A lookup by nothing (a nil or blank id) finds nothing, as in Mechanic.
    if (!SCOPES.has(text)) return null;
    throw new Error(
      `shop.${this.name}.${text} is not available: look ${this.name} up by id (shop.${this.name}[12345]), or query lists with the shopify filter`,
    );
  }
  [Symbol.iterator](): Iterator<unknown> {
    throw new Error(
      `shop.${this.name} cannot be listed: look ${this.name} up by id, or query lists with the shopify filter (GraphQL)`,
    );
  }
  toString(): string {
    return "";
  }
}

/** The `shop` variable: the shop's fields plus the resource collections and metafields. */
export class ShopDrop extends Drop {
  constructor(
    fields: Record<string, unknown>,
    private readonly objects: ShopifyObjects,
  ) {
    super();
    // Plain assignments: defining each field (Object.defineProperty) cost about 0.3 us a field, per render.
    const own = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (key in COLLECTIONS || key === "metafields") continue;
      own[key] = fields[key];
    }
  }
  liquidMethodMissing(key: unknown): unknown {
    const name = toLiquidString(key);
    const kind = COLLECTIONS[name];
    if (kind) return new ResourceCollectionDrop(this.objects, name, kind);
    if (name === "metafields") return new MetafieldsDrop(this.objects, null, "shop.metafields");
    return undefined;
  }
  toJSON(): unknown {
    return Object.fromEntries(Object.entries(this));
  }
}

/** Deprecated metafield types give their parsed value directly (no representation object). */
const DEPRECATED_TYPES = new Set(["json_string", "number_integer_legacy", "integer", "string", "number"]);

function metafieldValue(type: string, value: string): unknown {
  if (type === "boolean") return value === "true";
  if (type === "number_integer" || type === "integer") return /^-?\d+$/.test(value) ? parseJson(value) : value;
  if (type === "number_decimal") return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (
    type === "json" ||
    type === "json_string" ||
    type.startsWith("list.") ||
    type === "money" ||
    type === "dimension" ||
    type === "volume" ||
    type === "weight" ||
    type === "rating"
  ) {
    try {
      return parseJson(value);
    } catch {
      return value;
    }
  }
  return value;
}

function metafieldToRest(node: Record<string, unknown>): Record<string, unknown> {
  return {
    ...ids(node),
    namespace: node.namespace,
    key: node.key,
    type: node.type,
    value: node.value,
    created_at: node.createdAt ?? null,
    updated_at: node.updatedAt ?? null,
  };
}

function representation(node: Record<string, unknown>): unknown {
  const type = String(node.type ?? "");
  const value = metafieldValue(type, String(node.value ?? ""));
  if (DEPRECATED_TYPES.has(type)) return value;
  return { type, value, metafield: metafieldToRest(node) };
}

/** `resource.metafields`: iterable, narrowed by `.namespace`, then `.key` to a representation. */
export class MetafieldsDrop extends Drop {
  constructor(
    private readonly objects: ShopifyObjects,
    private readonly ownerGid: string | null,
    private readonly what: string,
    private readonly namespace: string | null = null,
  ) {
    super();
  }
  liquidMethodMissing(key: unknown): unknown {
    const name = toLiquidString(unwrap(key));
    if (this.namespace === null) return new MetafieldsDrop(this.objects, this.ownerGid, this.what, name);
    return this.objects.metafields(this.ownerGid, this.what).then((list) => {
      const found = list.find((node) => node.namespace === this.namespace && node.key === name);
      return found ? representation(found) : null;
    });
  }
  /** The metafields (of the namespace), as REST metafield objects, for `for` loops and `size`. */
  async toList(): Promise<Record<string, unknown>[]> {
    const list = await this.objects.metafields(this.ownerGid, this.what);
    return list.filter((node) => this.namespace === null || node.namespace === this.namespace).map(metafieldToRest);
  }
}

/**
 * `.reload` and `.metafields` on a resource hash (the subject variable, a looked-up resource or
 * one nested in it): known by its admin_graphql_api_id. Undefined when the hash is not one.
 */
export function resourceProperty(objects: ShopifyObjects, resource: Record<string, unknown>, key: string): unknown {
  const gid = typeof resource.admin_graphql_api_id === "string" ? resource.admin_graphql_api_id : null;
  const type = gid ? /^gid:\/\/shopify\/(\w+)\//.exec(gid)?.[1] : undefined;
  const kind = type ? KIND_BY_TYPE.get(type) : undefined;
  if (!gid || !kind) return undefined;
  if (key === "reload") return objects.resource(kind, gid, `${kind}.reload`);
  if (key === "metafields") return new MetafieldsDrop(objects, gid, `${kind}.metafields`);
  return undefined;
}

export function isCollectionName(name: string): boolean {
  return name in COLLECTIONS;
}
