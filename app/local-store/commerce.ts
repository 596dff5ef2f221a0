// Products (with variants and inventory), orders and draft orders of the local development store,
// with the rules of Shopify's Admin API mutations that write them. Every write that Shopify
// reports by webhook emits the same change here (see ./changes.ts), with the payload of that moment.
import { randomBytes } from "node:crypto";
import type { ChangeFeed } from "./changes";
import type { SeedLocation, SeedOrder, SeedProduct } from "./seed";
import type { LocalCustomer, LocalShop, UserError } from "./state";
import { formatCents, toCents } from "./money";
import { toShopifyDateTime } from "./time";
import {
  deletedPayload,
  draftOrderPayload,
  inventoryLevelPayload,
  orderPayload,
  productPayload,
} from "./webhooks/payloads";

export type ProductStatus = "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";

export interface LocalVariant {
  id: number;
  productId: number;
  title: string;
  price: string;
  compareAtPrice: string | null;
  sku: string | null;
  barcode: string | null;
  position: number;
  inventoryItemId: number;
  inventoryPolicy: "DENY" | "CONTINUE";
  taxable: boolean;
  /** Option values in the product's option order. */
  options: string[];
  createdAt: string;
  updatedAt: string;
}

export interface LocalProduct {
  id: number;
  title: string;
  handle: string;
  descriptionHtml: string;
  vendor: string;
  productType: string;
  status: ProductStatus;
  tags: string[];
  options: { id: number; name: string; values: string[] }[];
  variants: LocalVariant[];
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

export interface LocalLocation {
  id: number;
  name: string;
  createdAt: string;
}

export interface LocalInventoryLevel {
  inventoryItemId: number;
  locationId: number;
  available: number;
  createdAt: string;
  updatedAt: string;
}

export interface LocalLineItem {
  id: number;
  productId: number | null;
  variantId: number | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  /** Unit price, a decimal string such as "19.00". */
  price: string;
}

export type FinancialStatus = "pending" | "authorized" | "paid" | "partially_paid" | "refunded" | "voided";

export interface LocalOrder {
  id: number;
  /** Order number as shown in the name, e.g. 1001 for "#1001". */
  number: number;
  name: string;
  token: string;
  confirmationNumber: string;
  email: string | null;
  customerId: number | null;
  lineItems: LocalLineItem[];
  currency: string;
  financialStatus: FinancialStatus;
  fulfillmentStatus: "fulfilled" | "partial" | null;
  tags: string[];
  note: string | null;
  sourceName: string;
  test: boolean;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  closedAt: string | null;
}

export interface LocalDraftOrder {
  id: number;
  name: string;
  token: string;
  status: "open" | "invoice_sent" | "completed";
  email: string | null;
  customerId: number | null;
  lineItems: LocalLineItem[];
  currency: string;
  tags: string[];
  note: string | null;
  orderId: number | null;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A line item as the mutations accept it: a variant, or a custom title and price. */
export interface LineItemInput {
  variantId?: string | number | null;
  title?: string | null;
  quantity: number;
  price?: string | null;
  sku?: string | null;
}

export interface ProductInput {
  title?: string | null;
  handle?: string | null;
  descriptionHtml?: string | null;
  vendor?: string | null;
  productType?: string | null;
  status?: ProductStatus | null;
  tags?: string[] | null;
}

export interface VariantInput {
  id?: string | null;
  price?: string | null;
  compareAtPrice?: string | null;
  barcode?: string | null;
  taxable?: boolean | null;
  inventoryPolicy?: "DENY" | "CONTINUE" | null;
  sku?: string | null;
  optionValues?: { optionName?: string | null; name?: string | null }[] | null;
  inventoryQuantities?: { availableQuantity: number; locationId: string }[] | null;
}

export interface OrderInput {
  customerId?: string | number | null;
  email?: string | null;
  lineItems: LineItemInput[];
  financialStatus?: FinancialStatus | null;
  tags?: string[] | null;
  note?: string | null;
  test?: boolean | null;
  processedAt?: string | null;
  sourceName?: string | null;
}

export interface DraftOrderInput {
  customerId?: string | number | null;
  email?: string | null;
  lineItems?: LineItemInput[] | null;
  tags?: string[] | null;
  note?: string | null;
}

interface CommerceShopData {
  products: Map<number, LocalProduct>;
  locations: LocalLocation[];
  /** Keyed by `${inventoryItemId}|${locationId}`. */
  levels: Map<string, LocalInventoryLevel>;
  orders: Map<number, LocalOrder>;
  draftOrders: Map<number, LocalDraftOrder>;
  nextOrderNumber: number;
  nextDraftNumber: number;
}

export interface CommerceDeps {
  now: () => Date;
  feed: ChangeFeed;
  shop: (domain: string) => LocalShop | null;
  customer: (domain: string, id: number) => LocalCustomer | null;
}

const MONEY = /^-?\d+(\.\d{1,2})?$/;
const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/;

/** The numeric id of a gid of `type` (or a plain number), else null. */
export function parseGid(id: string | number | null | undefined, type: string): number | null {
  if (id == null) return null;
  if (typeof id === "number") return Number.isSafeInteger(id) && id > 0 ? id : null;
  if (/^\d+$/.test(id)) return Number(id);
  const match = GID.exec(id);
  return match && match[1] === type && Number.isSafeInteger(Number(match[2])) ? Number(match[2]) : null;
}

function handleize(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "product"
  );
}

function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of tags) {
    for (const piece of raw.split(",")) {
      const tag = piece.trim();
      if (tag !== "" && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
    }
  }
  return [...seen.values()];
}

export { normalizeTags };

export class CommerceState {
  private shops = new Map<string, CommerceShopData>();
  private nextId = 100001;

  constructor(private readonly deps: CommerceDeps) {}

  /** Back to the seed (called by LocalStoreState.reset). */
  reset(seed: { domain: string; products: SeedProduct[]; orders: SeedOrder[]; location: SeedLocation }[]): void {
    this.shops = new Map();
    this.nextId = 100001;
    for (const shopSeed of seed) {
      const data: CommerceShopData = {
        products: new Map(),
        locations: [{ ...shopSeed.location }],
        levels: new Map(),
        orders: new Map(),
        draftOrders: new Map(),
        nextOrderNumber: 1001,
        nextDraftNumber: 1,
      };
      for (const product of shopSeed.products) {
        data.products.set(product.id, {
          id: product.id,
          title: product.title,
          handle: product.handle,
          descriptionHtml: product.descriptionHtml,
          vendor: product.vendor,
          productType: product.productType,
          status: product.status,
          tags: [...product.tags],
          options: product.options.map((option) => ({ ...option, values: [...option.values] })),
          variants: product.variants.map((variant, index) => ({
            id: variant.id,
            productId: product.id,
            title: variant.options.join(" / "),
            price: variant.price,
            compareAtPrice: null,
            sku: variant.sku,
            barcode: null,
            position: index + 1,
            inventoryItemId: variant.inventoryItemId,
            inventoryPolicy: "DENY",
            taxable: true,
            options: [...variant.options],
            createdAt: product.createdAt,
            updatedAt: product.createdAt,
          })),
          createdAt: product.createdAt,
          updatedAt: product.createdAt,
          publishedAt: product.status === "ACTIVE" ? product.createdAt : null,
        });
        for (const variant of product.variants) {
          data.levels.set(`${variant.inventoryItemId}|${shopSeed.location.id}`, {
            inventoryItemId: variant.inventoryItemId,
            locationId: shopSeed.location.id,
            available: variant.available,
            createdAt: product.createdAt,
            updatedAt: product.createdAt,
          });
        }
      }
      this.shops.set(shopSeed.domain, data);
      for (const order of shopSeed.orders) {
        const lineItems = this.resolveLineItems(data, order.lineItems);
        if ("error" in lineItems) throw new Error(`Seed order ${order.id}: ${lineItems.error}`);
        const customer = this.deps.customer(shopSeed.domain, order.customerId);
        data.orders.set(order.id, {
          id: order.id,
          number: data.nextOrderNumber,
          name: `#${data.nextOrderNumber}`,
          token: `seed${order.id}`,
          confirmationNumber: `SEED${order.id}`,
          email: customer?.email ?? null,
          customerId: order.customerId,
          lineItems: lineItems.items,
          currency: this.deps.shop(shopSeed.domain)?.currencyCode ?? "USD",
          financialStatus: order.financialStatus,
          fulfillmentStatus: null,
          tags: [...order.tags],
          note: null,
          sourceName: "web",
          test: false,
          createdAt: order.createdAt,
          updatedAt: order.createdAt,
          processedAt: order.createdAt,
          cancelledAt: null,
          cancelReason: null,
          closedAt: null,
        });
        data.nextOrderNumber++;
      }
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  listProducts(domain: string): LocalProduct[] {
    return [...(this.shops.get(domain)?.products.values() ?? [])].sort((a, b) => a.id - b.id).map(cloneProduct);
  }

  getProduct(domain: string, id: string | number): LocalProduct | null {
    const numeric = parseGid(id, "Product");
    const found = numeric === null ? undefined : this.shops.get(domain)?.products.get(numeric);
    return found ? cloneProduct(found) : null;
  }

  getVariant(domain: string, id: string | number): LocalVariant | null {
    const numeric = parseGid(id, "ProductVariant");
    if (numeric === null) return null;
    for (const product of this.shops.get(domain)?.products.values() ?? []) {
      const variant = product.variants.find((candidate) => candidate.id === numeric);
      if (variant) return { ...variant, options: [...variant.options] };
    }
    return null;
  }

  variantByInventoryItem(domain: string, inventoryItemId: number): LocalVariant | null {
    for (const product of this.shops.get(domain)?.products.values() ?? []) {
      const variant = product.variants.find((candidate) => candidate.inventoryItemId === inventoryItemId);
      if (variant) return { ...variant, options: [...variant.options] };
    }
    return null;
  }

  listLocations(domain: string): LocalLocation[] {
    return (this.shops.get(domain)?.locations ?? []).map((location) => ({ ...location }));
  }

  getLocation(domain: string, id: string | number): LocalLocation | null {
    const numeric = parseGid(id, "Location");
    const found = this.shops.get(domain)?.locations.find((location) => location.id === numeric);
    return found ? { ...found } : null;
  }

  inventoryLevels(domain: string, filter: { inventoryItemId?: number; locationId?: number } = {}) {
    return [...(this.shops.get(domain)?.levels.values() ?? [])]
      .filter(
        (level) =>
          (filter.inventoryItemId === undefined || level.inventoryItemId === filter.inventoryItemId) &&
          (filter.locationId === undefined || level.locationId === filter.locationId),
      )
      .map((level) => ({ ...level }));
  }

  /** A variant's quantity available across locations (ProductVariant.inventoryQuantity). */
  inventoryQuantity(domain: string, variant: LocalVariant): number {
    return this.inventoryLevels(domain, { inventoryItemId: variant.inventoryItemId }).reduce(
      (sum, level) => sum + level.available,
      0,
    );
  }

  listOrders(domain: string): LocalOrder[] {
    return [...(this.shops.get(domain)?.orders.values() ?? [])].sort((a, b) => a.id - b.id).map(cloneOrder);
  }

  getOrder(domain: string, id: string | number): LocalOrder | null {
    const numeric = parseGid(id, "Order");
    const found = numeric === null ? undefined : this.shops.get(domain)?.orders.get(numeric);
    return found ? cloneOrder(found) : null;
  }

  ordersOfCustomer(domain: string, customerId: number): LocalOrder[] {
    return this.listOrders(domain).filter((order) => order.customerId === customerId);
  }

  listDraftOrders(domain: string): LocalDraftOrder[] {
    return [...(this.shops.get(domain)?.draftOrders.values() ?? [])].sort((a, b) => a.id - b.id).map(cloneDraft);
  }

  getDraftOrder(domain: string, id: string | number): LocalDraftOrder | null {
    const numeric = parseGid(id, "DraftOrder");
    const found = numeric === null ? undefined : this.shops.get(domain)?.draftOrders.get(numeric);
    return found ? cloneDraft(found) : null;
  }

  // ---- products ------------------------------------------------------------------------------

  /** productCreate: the product gets Shopify's "Default Title" variant at 0.00. */
  createProduct(domain: string, input: ProductInput): { product: LocalProduct | null; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const title = input.title?.trim() ?? "";
    if (title === "") return { product: null, userErrors: [{ field: ["title"], message: "Title can't be blank" }] };
    const timestamp = this.timestamp();
    const id = this.nextId++;
    const handle = this.uniqueHandle(data, input.handle?.trim() || handleize(title));
    const status = input.status ?? "ACTIVE";
    const variantId = this.nextId++;
    const product: LocalProduct = {
      id,
      title,
      handle,
      descriptionHtml: input.descriptionHtml ?? "",
      vendor: input.vendor ?? this.deps.shop(domain)?.name ?? "",
      productType: input.productType ?? "",
      status,
      tags: normalizeTags(input.tags ?? []),
      options: [{ id: this.nextId++, name: "Title", values: ["Default Title"] }],
      variants: [
        {
          id: variantId,
          productId: id,
          title: "Default Title",
          price: "0.00",
          compareAtPrice: null,
          sku: null,
          barcode: null,
          position: 1,
          inventoryItemId: this.nextId++,
          inventoryPolicy: "DENY",
          taxable: true,
          options: ["Default Title"],
          createdAt: timestamp,
          updatedAt: timestamp,
        },
      ],
      createdAt: timestamp,
      updatedAt: timestamp,
      publishedAt: status === "ACTIVE" ? timestamp : null,
    };
    data.products.set(id, product);
    for (const location of data.locations) {
      const variant = product.variants[0];
      data.levels.set(`${variant.inventoryItemId}|${location.id}`, {
        inventoryItemId: variant.inventoryItemId,
        locationId: location.id,
        available: 0,
        createdAt: timestamp,
        updatedAt: timestamp,
      });
    }
    this.emitProduct(domain, "products/create", product);
    return { product: cloneProduct(product), userErrors: [] };
  }

  updateProduct(
    domain: string,
    id: string | null | undefined,
    input: ProductInput,
  ): { product: LocalProduct | null; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const numeric = parseGid(id, "Product");
    const product = numeric === null ? undefined : data.products.get(numeric);
    if (!product) return { product: null, userErrors: [{ field: ["id"], message: "Product does not exist" }] };
    if (input.title != null && input.title.trim() === "") {
      return { product: null, userErrors: [{ field: ["title"], message: "Title can't be blank" }] };
    }
    if (input.title != null) product.title = input.title.trim();
    if (input.handle != null) product.handle = this.uniqueHandle(data, input.handle.trim(), product.id);
    if (input.descriptionHtml != null) product.descriptionHtml = input.descriptionHtml;
    if (input.vendor != null) product.vendor = input.vendor;
    if (input.productType != null) product.productType = input.productType;
    if (input.tags != null) product.tags = normalizeTags(input.tags);
    if (input.status != null) {
      if (input.status === "ACTIVE" && product.publishedAt === null) product.publishedAt = this.timestamp();
      product.status = input.status;
    }
    product.updatedAt = this.timestamp();
    this.emitProduct(domain, "products/update", product);
    return { product: cloneProduct(product), userErrors: [] };
  }

  deleteProduct(domain: string, id: string): { deletedProductId: string | null; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const numeric = parseGid(id, "Product");
    const product = numeric === null ? undefined : data.products.get(numeric);
    if (!product) return { deletedProductId: null, userErrors: [{ field: ["id"], message: "Product does not exist" }] };
    data.products.delete(product.id);
    for (const variant of product.variants) {
      for (const key of [...data.levels.keys()])
        if (key.startsWith(`${variant.inventoryItemId}|`)) data.levels.delete(key);
    }
    this.emit(domain, "products/delete", deletedPayload(product.id));
    return { deletedProductId: `gid://shopify/Product/${product.id}`, userErrors: [] };
  }

  /** productVariantsBulkCreate / productVariantsBulkUpdate: all or nothing, then one products/update. */
  writeVariants(
    domain: string,
    productId: string,
    inputs: VariantInput[],
    mode: "create" | "update",
  ): { product: LocalProduct | null; variants: LocalVariant[] | null; userErrors: (UserError & { code?: string })[] } {
    const data = this.requireShop(domain);
    const numeric = parseGid(productId, "Product");
    const product = numeric === null ? undefined : data.products.get(numeric);
    if (!product) {
      return {
        product: null,
        variants: null,
        userErrors: [{ field: ["productId"], message: "Product does not exist", code: "PRODUCT_DOES_NOT_EXIST" }],
      };
    }
    const userErrors: (UserError & { code?: string })[] = [];
    inputs.forEach((input, index) => {
      const fail = (field: string, message: string, code: string) =>
        userErrors.push({ field: ["variants", String(index), field], message, code });
      if (input.price != null && !MONEY.test(input.price)) fail("price", "Price is invalid", "INVALID");
      if (input.compareAtPrice != null && !MONEY.test(input.compareAtPrice))
        fail("compareAtPrice", "Compare at price is invalid", "INVALID");
      if (mode === "update") {
        const variantId = parseGid(input.id, "ProductVariant");
        if (!product.variants.some((variant) => variant.id === variantId))
          fail("id", "Product variant does not exist", "PRODUCT_VARIANT_DOES_NOT_EXIST");
      } else if (!input.optionValues || input.optionValues.length === 0) {
        fail("optionValues", "Option values are required to create a variant", "INVALID");
      }
      for (const quantity of input.inventoryQuantities ?? []) {
        if (!this.getLocation(domain, quantity.locationId))
          fail("inventoryQuantities", "Location does not exist", "INVALID");
      }
    });
    if (userErrors.length > 0) return { product: null, variants: null, userErrors };

    const timestamp = this.timestamp();
    const written: LocalVariant[] = [];
    if (mode === "create" && product.variants.length === 1 && product.variants[0].title === "Default Title") {
      // Shopify replaces the standalone default variant when real variants are created.
      this.dropVariant(data, product, product.variants[0]);
      product.options = [];
    }
    for (const input of inputs) {
      let variant: LocalVariant;
      if (mode === "update") {
        variant = product.variants.find((candidate) => candidate.id === parseGid(input.id, "ProductVariant"))!;
      } else {
        const values = (input.optionValues ?? []).map((value) => {
          const optionName = value.optionName ?? "Title";
          let option = product.options.find((candidate) => candidate.name === optionName);
          if (!option) {
            option = { id: this.nextId++, name: optionName, values: [] };
            product.options.push(option);
          }
          const name = value.name ?? "Default Title";
          if (!option.values.includes(name)) option.values.push(name);
          return name;
        });
        variant = {
          id: this.nextId++,
          productId: product.id,
          title: values.join(" / "),
          price: "0.00",
          compareAtPrice: null,
          sku: null,
          barcode: null,
          position: product.variants.length + 1,
          inventoryItemId: this.nextId++,
          inventoryPolicy: "DENY",
          taxable: true,
          options: values,
          createdAt: timestamp,
          updatedAt: timestamp,
        };
        product.variants.push(variant);
        for (const location of data.locations) {
          data.levels.set(`${variant.inventoryItemId}|${location.id}`, {
            inventoryItemId: variant.inventoryItemId,
            locationId: location.id,
            available: 0,
            createdAt: timestamp,
            updatedAt: timestamp,
          });
        }
      }
      if (input.price != null) variant.price = formatCents(toCents(input.price));
      if (input.compareAtPrice !== undefined)
        variant.compareAtPrice = input.compareAtPrice === null ? null : formatCents(toCents(input.compareAtPrice));
      if (input.barcode !== undefined) variant.barcode = input.barcode ?? null;
      if (input.taxable != null) variant.taxable = input.taxable;
      if (input.inventoryPolicy != null) variant.inventoryPolicy = input.inventoryPolicy;
      if (input.sku !== undefined) variant.sku = input.sku ?? null;
      for (const quantity of input.inventoryQuantities ?? []) {
        const locationId = parseGid(quantity.locationId, "Location")!;
        const level = data.levels.get(`${variant.inventoryItemId}|${locationId}`);
        if (level) {
          level.available = quantity.availableQuantity;
          level.updatedAt = timestamp;
        }
      }
      variant.updatedAt = timestamp;
      written.push({ ...variant, options: [...variant.options] });
    }
    product.updatedAt = timestamp;
    this.emitProduct(domain, "products/update", product);
    return { product: cloneProduct(product), variants: written, userErrors: [] };
  }

  // ---- inventory -----------------------------------------------------------------------------

  /** inventoryAdjustQuantities for the "available" quantity: one inventory_levels/update per change. */
  adjustInventory(
    domain: string,
    input: { name: string; reason: string; changes: { delta: number; inventoryItemId: string; locationId: string }[] },
  ): {
    group: { id: number; reason: string; createdAt: string; changes: InventoryChangeRecord[] } | null;
    userErrors: (UserError & { code?: string })[];
  } {
    const data = this.requireShop(domain);
    const userErrors: (UserError & { code?: string })[] = [];
    if (input.name !== "available") {
      userErrors.push({
        field: ["input", "name"],
        message: `The quantity name '${input.name}' is not supported by the Hookline local development store (use "available").`,
        code: "INVALID_QUANTITY_NAME",
      });
    }
    const targets = input.changes.map((change, index) => {
      const itemId = parseGid(change.inventoryItemId, "InventoryItem");
      const locationId = parseGid(change.locationId, "Location");
      const level = itemId === null || locationId === null ? undefined : data.levels.get(`${itemId}|${locationId}`);
      if (!level) {
        userErrors.push({
          field: ["input", "changes", String(index), "inventoryItemId"],
          message: "The specified inventory item is not stocked at the location.",
          code: "ITEM_NOT_STOCKED_AT_LOCATION",
        });
      }
      return { level, delta: change.delta };
    });
    if (userErrors.length > 0) return { group: null, userErrors };
    const timestamp = this.timestamp();
    const changes: InventoryChangeRecord[] = [];
    for (const { level, delta } of targets) {
      level!.available += delta;
      level!.updatedAt = timestamp;
      changes.push({ name: "available", delta, quantityAfterChange: level!.available, level: { ...level! } });
      this.emitInventoryLevel(domain, level!);
    }
    return { group: { id: this.nextId++, reason: input.reason, createdAt: timestamp, changes }, userErrors: [] };
  }

  // ---- orders --------------------------------------------------------------------------------

  /** orderCreate: orders/create, then orders/paid when it is created paid (as Shopify sends both). */
  createOrder(
    domain: string,
    input: OrderInput,
  ): { order: LocalOrder | null; userErrors: (UserError & { code?: string })[] } {
    const data = this.requireShop(domain);
    const prepared = this.prepareOrder(domain, data, input.customerId, input.email, input.lineItems, "order");
    if ("userErrors" in prepared) return { order: null, userErrors: prepared.userErrors };
    const timestamp = this.timestamp();
    const order: LocalOrder = {
      id: this.nextId++,
      number: data.nextOrderNumber,
      name: `#${data.nextOrderNumber}`,
      token: randomBytes(16).toString("hex"),
      confirmationNumber: randomBytes(5).toString("hex").toUpperCase().slice(0, 9),
      email: prepared.email,
      customerId: prepared.customerId,
      lineItems: prepared.items,
      currency: this.deps.shop(domain)?.currencyCode ?? "USD",
      financialStatus: input.financialStatus ?? "paid",
      fulfillmentStatus: null,
      tags: normalizeTags(input.tags ?? []),
      note: input.note ?? null,
      sourceName: input.sourceName ?? "hookline-local-store",
      test: input.test ?? false,
      createdAt: timestamp,
      updatedAt: timestamp,
      processedAt: input.processedAt ?? timestamp,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
    };
    data.nextOrderNumber++;
    data.orders.set(order.id, order);
    this.emitOrder(domain, "orders/create", order);
    if (order.financialStatus === "paid") this.emitOrder(domain, "orders/paid", order);
    return { order: cloneOrder(order), userErrors: [] };
  }

  /** orderUpdate: email, note and tags (what OrderInput can change that the store models). */
  updateOrder(
    domain: string,
    input: { id: string; email?: string | null; note?: string | null; tags?: string[] | null },
  ): { order: LocalOrder | null; userErrors: UserError[] } {
    const order = this.findOrder(domain, input.id);
    if (!order) return { order: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
    if (input.email !== undefined) order.email = input.email ?? null;
    if (input.note !== undefined) order.note = input.note ?? null;
    if (input.tags != null) order.tags = normalizeTags(input.tags);
    this.touchOrder(domain, order);
    return { order: cloneOrder(order), userErrors: [] };
  }

  markOrderAsPaid(domain: string, id: string): { order: LocalOrder | null; userErrors: UserError[] } {
    const order = this.findOrder(domain, id);
    if (!order) return { order: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
    if (order.financialStatus === "paid" || order.cancelledAt !== null) {
      return { order: null, userErrors: [{ field: ["id"], message: "Order cannot be marked as paid." }] };
    }
    order.financialStatus = "paid";
    order.updatedAt = this.timestamp();
    this.emitOrder(domain, "orders/paid", order);
    this.emitOrder(domain, "orders/updated", order);
    return { order: cloneOrder(order), userErrors: [] };
  }

  cancelOrder(
    domain: string,
    id: string,
    reason: string,
  ): { ok: boolean; userErrors: (UserError & { code?: string })[] } {
    const order = this.findOrder(domain, id);
    if (!order)
      return { ok: false, userErrors: [{ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" }] };
    if (order.cancelledAt !== null) {
      return {
        ok: false,
        userErrors: [{ field: ["orderId"], message: "Order has already been cancelled", code: "INVALID" }],
      };
    }
    const timestamp = this.timestamp();
    order.cancelledAt = timestamp;
    order.cancelReason = reason.toLowerCase();
    order.closedAt = timestamp;
    if (order.financialStatus === "pending" || order.financialStatus === "authorized") order.financialStatus = "voided";
    order.updatedAt = timestamp;
    this.emitOrder(domain, "orders/cancelled", order);
    this.emitOrder(domain, "orders/updated", order);
    return { ok: true, userErrors: [] };
  }

  deleteOrder(domain: string, id: string): { deletedId: string | null; userErrors: (UserError & { code?: string })[] } {
    const data = this.requireShop(domain);
    const order = this.findOrder(domain, id);
    if (!order)
      return {
        deletedId: null,
        userErrors: [{ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" }],
      };
    data.orders.delete(order.id);
    this.emit(domain, "orders/delete", deletedPayload(order.id));
    return { deletedId: `gid://shopify/Order/${order.id}`, userErrors: [] };
  }

  // ---- draft orders ----------------------------------------------------------------------------

  createDraftOrder(
    domain: string,
    input: DraftOrderInput,
  ): { draftOrder: LocalDraftOrder | null; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const prepared = this.prepareOrder(domain, data, input.customerId, input.email, input.lineItems ?? [], "draft");
    if ("userErrors" in prepared) return { draftOrder: null, userErrors: prepared.userErrors };
    const timestamp = this.timestamp();
    const draft: LocalDraftOrder = {
      id: this.nextId++,
      name: `#D${data.nextDraftNumber++}`,
      token: randomBytes(16).toString("hex"),
      status: "open",
      email: prepared.email,
      customerId: prepared.customerId,
      lineItems: prepared.items,
      currency: this.deps.shop(domain)?.currencyCode ?? "USD",
      tags: normalizeTags(input.tags ?? []),
      note: input.note ?? null,
      orderId: null,
      completedAt: null,
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    data.draftOrders.set(draft.id, draft);
    this.emitDraft(domain, "draft_orders/create", draft);
    return { draftOrder: cloneDraft(draft), userErrors: [] };
  }

  updateDraftOrder(
    domain: string,
    id: string,
    input: DraftOrderInput,
  ): { draftOrder: LocalDraftOrder | null; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const draft = this.findDraft(domain, id);
    if (!draft) return { draftOrder: null, userErrors: [{ field: ["id"], message: "Draft order does not exist" }] };
    if (draft.status === "completed") {
      return {
        draftOrder: null,
        userErrors: [{ field: ["id"], message: "Draft order has been completed and cannot be modified" }],
      };
    }
    const prepared = this.prepareOrder(
      domain,
      data,
      input.customerId === undefined ? draft.customerId : input.customerId,
      input.email === undefined ? draft.email : input.email,
      input.lineItems ?? null,
      "draft",
    );
    if ("userErrors" in prepared) return { draftOrder: null, userErrors: prepared.userErrors };
    draft.customerId = prepared.customerId;
    draft.email = prepared.email;
    if (input.lineItems != null) draft.lineItems = prepared.items;
    if (input.tags != null) draft.tags = normalizeTags(input.tags);
    if (input.note !== undefined) draft.note = input.note ?? null;
    draft.updatedAt = this.timestamp();
    this.emitDraft(domain, "draft_orders/update", draft);
    return { draftOrder: cloneDraft(draft), userErrors: [] };
  }

  deleteDraftOrder(domain: string, id: string): { deletedId: string | null; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const draft = this.findDraft(domain, id);
    if (!draft) return { deletedId: null, userErrors: [{ field: ["id"], message: "Draft order does not exist" }] };
    data.draftOrders.delete(draft.id);
    this.emit(domain, "draft_orders/delete", deletedPayload(draft.id));
    return { deletedId: `gid://shopify/DraftOrder/${draft.id}`, userErrors: [] };
  }

  /** draftOrderComplete: creates the order (orders/create, orders/paid unless pending), then draft_orders/update. */
  completeDraftOrder(
    domain: string,
    id: string,
    paymentPending: boolean,
  ): { draftOrder: LocalDraftOrder | null; userErrors: UserError[] } {
    const draft = this.findDraft(domain, id);
    if (!draft) return { draftOrder: null, userErrors: [{ field: ["id"], message: "Draft order does not exist" }] };
    if (draft.status === "completed") {
      return { draftOrder: null, userErrors: [{ field: ["id"], message: "Draft order has already been completed" }] };
    }
    const created = this.createOrder(domain, {
      customerId: draft.customerId,
      email: draft.email,
      lineItems: draft.lineItems.map((item) => ({
        variantId: item.variantId,
        title: item.title,
        quantity: item.quantity,
        price: item.price,
        sku: item.sku,
      })),
      financialStatus: paymentPending ? "pending" : "paid",
      tags: draft.tags,
      note: draft.note,
      sourceName: "shopify_draft_order",
    });
    if (!created.order) return { draftOrder: null, userErrors: created.userErrors };
    const timestamp = this.timestamp();
    draft.status = "completed";
    draft.orderId = created.order.id;
    draft.completedAt = timestamp;
    draft.updatedAt = timestamp;
    this.emitDraft(domain, "draft_orders/update", draft);
    return { draftOrder: cloneDraft(draft), userErrors: [] };
  }

  // ---- tags (tagsAdd / tagsRemove for orders, products and draft orders) -----------------------

  /** Adds or removes tags on an Order, Product or DraftOrder; null when `id` names none of them. */
  changeTags(domain: string, id: string, tags: string[], add: boolean): { typename: string; id: number } | null {
    const gid = GID.exec(id);
    if (!gid) return null;
    const numeric = Number(gid[2]);
    const apply = (current: string[]) => {
      const wanted = normalizeTags(tags);
      if (add) return normalizeTags([...current, ...wanted]);
      const removed = new Set(wanted.map((tag) => tag.toLowerCase()));
      return current.filter((tag) => !removed.has(tag.toLowerCase()));
    };
    const data = this.shops.get(domain);
    if (!data) return null;
    if (gid[1] === "Order") {
      const order = data.orders.get(numeric);
      if (!order) return null;
      order.tags = apply(order.tags);
      this.touchOrder(domain, order);
      return { typename: "Order", id: numeric };
    }
    if (gid[1] === "Product") {
      const product = data.products.get(numeric);
      if (!product) return null;
      product.tags = apply(product.tags);
      product.updatedAt = this.timestamp();
      this.emitProduct(domain, "products/update", product);
      return { typename: "Product", id: numeric };
    }
    if (gid[1] === "DraftOrder") {
      const draft = data.draftOrders.get(numeric);
      if (!draft) return null;
      draft.tags = apply(draft.tags);
      draft.updatedAt = this.timestamp();
      this.emitDraft(domain, "draft_orders/update", draft);
      return { typename: "DraftOrder", id: numeric };
    }
    return null;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private prepareOrder(
    domain: string,
    data: CommerceShopData,
    customerRef: string | number | null | undefined,
    email: string | null | undefined,
    lineItems: LineItemInput[] | null,
    kind: "order" | "draft",
  ):
    | { customerId: number | null; email: string | null; items: LocalLineItem[] }
    | { userErrors: (UserError & { code?: string })[] } {
    let customerId: number | null = null;
    let customerEmail: string | null = null;
    if (customerRef != null) {
      customerId = parseGid(customerRef, "Customer");
      const customer = customerId === null ? null : this.deps.customer(domain, customerId);
      if (!customer) {
        return {
          userErrors: [
            {
              field: kind === "order" ? ["order", "customer", "toAssociate", "id"] : ["customerId"],
              message: "Customer does not exist",
              ...(kind === "order" ? { code: "CUSTOMER_DOES_NOT_EXIST" } : {}),
            },
          ],
        };
      }
      customerEmail = customer.email;
    }
    if (lineItems === null) return { customerId, email: email ?? customerEmail, items: [] };
    if (lineItems.length === 0) {
      return {
        userErrors: [
          kind === "order"
            ? { field: ["order", "lineItems"], message: "Line items must have at least one line item", code: "INVALID" }
            : { field: ["lineItems"], message: "Add at least 1 product" },
        ],
      };
    }
    const resolved = this.resolveLineItems(data, lineItems);
    if ("error" in resolved) {
      return {
        userErrors: [
          {
            field: [...(kind === "order" ? ["order"] : []), "lineItems", String(resolved.index), resolved.field],
            message: resolved.error,
            ...(kind === "order" ? { code: "INVALID" } : {}),
          },
        ],
      };
    }
    return { customerId, email: email ?? customerEmail, items: resolved.items };
  }

  private resolveLineItems(
    data: CommerceShopData,
    inputs: readonly LineItemInput[],
  ): { items: LocalLineItem[] } | { error: string; index: number; field: string } {
    const items: LocalLineItem[] = [];
    for (const [index, input] of inputs.entries()) {
      if (!Number.isInteger(input.quantity) || input.quantity < 1) {
        return { error: "Quantity must be greater than or equal to 1", index, field: "quantity" };
      }
      if (input.variantId != null) {
        const variantId = parseGid(input.variantId, "ProductVariant");
        let found: { product: LocalProduct; variant: LocalVariant } | null = null;
        for (const product of data.products.values()) {
          const variant = product.variants.find((candidate) => candidate.id === variantId);
          if (variant) found = { product, variant };
        }
        if (!found) return { error: "Product variant does not exist", index, field: "variantId" };
        items.push({
          id: this.nextId++,
          productId: found.product.id,
          variantId: found.variant.id,
          title: found.product.title,
          variantTitle: found.variant.title === "Default Title" ? null : found.variant.title,
          sku: found.variant.sku,
          vendor: found.product.vendor,
          quantity: input.quantity,
          price:
            input.price != null && MONEY.test(input.price) ? formatCents(toCents(input.price)) : found.variant.price,
        });
        continue;
      }
      if (!input.title || input.title.trim() === "") {
        return { error: "Title can't be blank for a custom line item", index, field: "title" };
      }
      if (input.price == null || !MONEY.test(input.price)) {
        return { error: "Price must be a decimal amount for a custom line item", index, field: "price" };
      }
      items.push({
        id: this.nextId++,
        productId: null,
        variantId: null,
        title: input.title.trim(),
        variantTitle: null,
        sku: input.sku ?? null,
        vendor: null,
        quantity: input.quantity,
        price: formatCents(toCents(input.price)),
      });
    }
    return { items };
  }

  private dropVariant(data: CommerceShopData, product: LocalProduct, variant: LocalVariant): void {
    product.variants = product.variants.filter((candidate) => candidate.id !== variant.id);
    for (const key of [...data.levels.keys()])
      if (key.startsWith(`${variant.inventoryItemId}|`)) data.levels.delete(key);
  }

  private uniqueHandle(data: CommerceShopData, wanted: string, ownId?: number): string {
    const taken = (handle: string) =>
      [...data.products.values()].some((product) => product.handle === handle && product.id !== ownId);
    if (!taken(wanted)) return wanted;
    let suffix = 1;
    while (taken(`${wanted}-${suffix}`)) suffix++;
    return `${wanted}-${suffix}`;
  }

  private findOrder(domain: string, id: string): LocalOrder | undefined {
    const numeric = parseGid(id, "Order");
    return numeric === null ? undefined : this.shops.get(domain)?.orders.get(numeric);
  }

  private findDraft(domain: string, id: string): LocalDraftOrder | undefined {
    const numeric = parseGid(id, "DraftOrder");
    return numeric === null ? undefined : this.shops.get(domain)?.draftOrders.get(numeric);
  }

  private touchOrder(domain: string, order: LocalOrder): void {
    order.updatedAt = this.timestamp();
    this.emitOrder(domain, "orders/updated", order);
  }

  private requireShop(domain: string): CommerceShopData {
    const data = this.shops.get(domain);
    if (!data) throw new Error(`Unknown shop ${domain} in the local development store`);
    return data;
  }

  private timestamp(): string {
    return toShopifyDateTime(this.deps.now());
  }

  private emit(domain: string, topic: string, payload: Record<string, unknown>): void {
    this.deps.feed.emit({ shop: domain, topic, payload, occurredAt: this.deps.now().toISOString() });
  }

  private emitProduct(domain: string, topic: string, product: LocalProduct): void {
    const shop = this.deps.shop(domain);
    if (!shop) return;
    this.emit(
      domain,
      topic,
      productPayload(product, (variant) => this.inventoryQuantity(domain, variant), shop),
    );
  }

  private emitOrder(domain: string, topic: string, order: LocalOrder): void {
    const shop = this.deps.shop(domain);
    if (!shop) return;
    const customer = order.customerId === null ? null : this.deps.customer(domain, order.customerId);
    this.emit(domain, topic, orderPayload(order, customer, shop));
  }

  private emitDraft(domain: string, topic: string, draft: LocalDraftOrder): void {
    const shop = this.deps.shop(domain);
    if (!shop) return;
    const customer = draft.customerId === null ? null : this.deps.customer(domain, draft.customerId);
    this.emit(domain, topic, draftOrderPayload(draft, customer, shop));
  }

  private emitInventoryLevel(domain: string, level: LocalInventoryLevel): void {
    const shop = this.deps.shop(domain);
    if (!shop) return;
    this.emit(domain, "inventory_levels/update", inventoryLevelPayload(level, shop));
  }
}

export interface InventoryChangeRecord {
  name: string;
  delta: number;
  quantityAfterChange: number;
  level: LocalInventoryLevel;
}

function cloneProduct(product: LocalProduct): LocalProduct {
  return {
    ...product,
    tags: [...product.tags],
    options: product.options.map((option) => ({ ...option, values: [...option.values] })),
    variants: product.variants.map((variant) => ({ ...variant, options: [...variant.options] })),
  };
}

function cloneOrder(order: LocalOrder): LocalOrder {
  return { ...order, tags: [...order.tags], lineItems: order.lineItems.map((item) => ({ ...item })) };
}

function cloneDraft(draft: LocalDraftOrder): LocalDraftOrder {
  return { ...draft, tags: [...draft.tags], lineItems: draft.lineItems.map((item) => ({ ...item })) };
}
