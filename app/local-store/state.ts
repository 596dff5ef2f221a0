// In-memory state of the local development store: shops, customers, metafields and metafield
// definitions, plus Shopify's validation for writing them. Every method here is also what the
// GraphQL resolvers call, so in-process callers (tests, the dev CLI) see exactly what the API sees.
import { createHash } from "node:crypto";
import { ChangeFeed } from "./changes";
import { AppInstallations, scopeAllows } from "./installations";
import { WebhookSubscriptions } from "./webhooks/subscriptions";
import { CommerceState, normalizeTags } from "./commerce";
import { SEED_SHOPS, type SeedShop } from "./seed";
import { isValidMetafieldType, validateMetafieldValue } from "./metafield-types";
import { toShopifyDateTime } from "./time";
import {
  customerPayload,
  customerTagsPayload,
  deletedCustomerPayload,
  scopesUpdatePayload,
  shopPayload,
} from "./webhooks/payloads";

/** A shop as the store holds it: the seed's fields (without its resources) plus updatedAt. */
export interface LocalShop extends Omit<SeedShop, "customers" | "location" | "products" | "orders"> {
  updatedAt: string;
}

export interface LocalCustomer {
  id: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  taxExempt: boolean;
  tags: string[];
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LocalMetafield {
  id: number;
  ownerId: string;
  ownerType: "CUSTOMER";
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface LocalMetafieldDefinition {
  id: number;
  ownerType: string;
  namespace: string;
  key: string;
  name: string;
  description: string | null;
  type: string;
  access: { admin: string | null; storefront: string; customerAccount: string };
  pinnedPosition: number | null;
  validations: { name: string; value: string | null }[];
  createdAt: string;
}

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string;
  elementIndex?: number | null;
}

export interface MetafieldsSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  compareDigest?: string | null;
}

export interface MetafieldIdentifierInput {
  ownerId: string;
  namespace: string;
  key: string;
}

export interface MetafieldDefinitionInput {
  name: string;
  namespace?: string | null;
  key: string;
  type: string;
  ownerType: string;
  description?: string | null;
  pin?: boolean | null;
  access?: { admin?: string | null; storefront?: string | null; customerAccount?: string | null } | null;
  validations?: { name: string; value?: string | null }[] | null;
}

/** Shopify's CustomerInput, the fields the store models (`id` only for customerUpdate). */
export interface NewCustomerInput {
  id?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  taxExempt?: boolean | null;
  tags?: string[] | null;
  note?: string | null;
}

interface ShopData {
  shop: LocalShop;
  customers: Map<number, LocalCustomer>;
  /** Keyed by `${ownerId}|${namespace}|${key}`. */
  metafields: Map<string, LocalMetafield>;
  /**
   * How many times metafieldsSet wrote each metafield (same keys), unchanged values included: not
   * something Shopify shows, but what a test needs to tell one write from a repeated one.
   */
  metafieldWrites: Map<string, number>;
  definitions: LocalMetafieldDefinition[];
}

export const MAX_METAFIELDS_PER_SET = 25;
const IDENTIFIER_CHARACTERS = /^[a-zA-Z0-9_-]+$/;
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/(\d+)$/;
const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/;

export function customerGid(id: number): string {
  return `gid://shopify/Customer/${id}`;
}

export { toShopifyDateTime };

/** The numeric id in a Customer gid, or null when it is not one. Plain numbers are accepted too. */
export function parseCustomerId(id: string | number): number | null {
  if (typeof id === "number") return Number.isSafeInteger(id) ? id : null;
  const match = CUSTOMER_GID.exec(id) ?? (/^\d+$/.test(id) ? [id, id] : null);
  if (!match) return null;
  const numeric = Number(match[1]);
  return Number.isSafeInteger(numeric) ? numeric : null;
}

export function metafieldCompareDigest(metafield: LocalMetafield): string {
  return createHash("sha256")
    .update(JSON.stringify([metafield.id, metafield.type, metafield.value, metafield.updatedAt]))
    .digest("hex");
}

export interface LocalStoreStateOptions {
  /** Numeric app id used for the app-reserved namespace (`app--<id>`), as Shopify does. */
  appId?: number;
  /** Clock for createdAt/updatedAt; tests can pin it. */
  now?: () => Date;
  seed?: readonly SeedShop[];
  /** Scopes every installation grants (the app's `scopes`). Default: read_customers, write_customers. */
  requiredScopes?: readonly string[];
  /** Scopes the app may request later (its `optional_scopes`). */
  optionalScopes?: readonly string[];
  /** API version of webhook subscriptions created through the Admin API. */
  apiVersion?: string;
}

export class LocalStoreState {
  readonly appId: number;
  private readonly now: () => Date;
  private readonly seed: readonly SeedShop[];
  private shops = new Map<string, ShopData>();
  private nextMetafieldId = 1;
  private nextDefinitionId = 1;
  private nextCustomerId = 10001;
  private resetListeners: (() => void)[] = [];
  /** Every change Shopify would report by webhook (see ./changes.ts). */
  readonly changes = new ChangeFeed();
  /** Products, inventory, orders and draft orders. */
  readonly commerce: CommerceState;
  /** The app's installation and granted access scopes on each shop. */
  readonly installations: AppInstallations;
  /** Webhook subscriptions the app created through the Admin API. */
  readonly webhookSubscriptions: WebhookSubscriptions;

  constructor(options: LocalStoreStateOptions = {}) {
    this.appId = options.appId ?? 1;
    this.now = options.now ?? (() => new Date());
    this.seed = options.seed ?? SEED_SHOPS;
    this.commerce = new CommerceState({
      now: this.now,
      feed: this.changes,
      shop: (domain) => this.getShop(domain),
      customer: (domain, id) => this.getCustomer(domain, id),
    });
    this.installations = new AppInstallations(
      options.requiredScopes ?? ["read_customers", "write_customers"],
      options.optionalScopes ?? [],
    );
    this.installations.onScopesChange(({ shop, previous, current }) => {
      const shopRecord = this.getShop(shop);
      if (!shopRecord) return;
      this.emit(
        shop,
        "app/scopes_update",
        scopesUpdatePayload(shopRecord, previous, current, this.now().toISOString()),
      );
    });
    this.webhookSubscriptions = new WebhookSubscriptions({
      apiVersion: options.apiVersion ?? "2025-10",
      now: this.now,
      allowsTopic: (shop, topic) =>
        topic.anyOfScopes.length === 0 ||
        topic.anyOfScopes.some((scope) => scopeAllows(this.installations.granted(shop), scope)),
    });
    this.reset();
  }

  /** Back to the seed: seeded shops and customers, no metafields or definitions. */
  reset(): void {
    this.shops = new Map();
    this.nextMetafieldId = 1;
    this.nextDefinitionId = 1;
    this.nextCustomerId = 10001;
    for (const seedShop of this.seed) {
      const { customers, location: _location, products: _products, orders: _orders, ...shopFields } = seedShop;
      const customerMap = new Map<number, LocalCustomer>();
      for (const customer of customers) {
        customerMap.set(customer.id, {
          ...customer,
          phone: null,
          taxExempt: false,
          tags: [...customer.tags],
          updatedAt: customer.createdAt,
        });
      }
      this.shops.set(seedShop.domain, {
        shop: { ...shopFields, updatedAt: shopFields.createdAt },
        customers: customerMap,
        metafields: new Map(),
        metafieldWrites: new Map(),
        definitions: [],
      });
    }
    this.installations?.reset();
    this.webhookSubscriptions?.reset();
    this.commerce.reset(
      this.seed.map((shop) => ({
        domain: shop.domain,
        products: shop.products,
        orders: shop.orders,
        location: shop.location,
      })),
    );
    for (const listener of this.resetListeners) listener();
  }

  /** The merchant uninstalls the app: app/uninstalled (the shop's REST record), subscriptions removed. */
  uninstallApp(domain: string): boolean {
    const shop = this.getShop(domain);
    if (!shop || !this.installations.uninstall(domain)) return false;
    this.webhookSubscriptions.deleteAll(domain);
    this.emit(domain, "app/uninstalled", shopPayload(shop));
    return true;
  }

  /** The merchant installs the app again (opening it does): required scopes only. */
  installApp(domain: string): void {
    this.installations.install(domain);
  }

  /** Called after every reset (the server uses it to refill throttle buckets). */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  appNamespace(): string {
    return `app--${this.appId}`;
  }

  shopDomains(): string[] {
    return [...this.shops.keys()];
  }

  hasShop(domain: string): boolean {
    return this.shops.has(domain);
  }

  getShop(domain: string): LocalShop | null {
    const data = this.shops.get(domain);
    return data ? { ...data.shop } : null;
  }

  listCustomers(domain: string): LocalCustomer[] {
    const data = this.shops.get(domain);
    if (!data) return [];
    return [...data.customers.values()]
      .sort((a, b) => a.id - b.id)
      .map((customer) => ({ ...customer, tags: [...customer.tags] }));
  }

  /** A customer by numeric id or Customer gid, only within the given shop. */
  getCustomer(domain: string, id: number | string): LocalCustomer | null {
    const numeric = parseCustomerId(id);
    const customer = numeric === null ? undefined : this.shops.get(domain)?.customers.get(numeric);
    return customer ? { ...customer, tags: [...customer.tags] } : null;
  }

  /** customerCreate: needs a name, email or phone; email and phone are unique in a shop. */
  createCustomer(domain: string, input: NewCustomerInput): { customer: LocalCustomer | null; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const email = blankToNull(input.email);
    const phone = blankToNull(input.phone);
    const firstName = blankToNull(input.firstName);
    const lastName = blankToNull(input.lastName);
    if (email === null && phone === null && firstName === null && lastName === null) {
      return {
        customer: null,
        userErrors: [{ field: null, message: "A name, phone number, or email address must be present" }],
      };
    }
    const problems = this.customerContactProblems(data, email, phone, null);
    if (problems.length > 0) return { customer: null, userErrors: problems };
    const timestamp = toShopifyDateTime(this.now());
    const customer: LocalCustomer = {
      id: this.nextCustomerId++,
      firstName,
      lastName,
      email,
      phone,
      taxExempt: input.taxExempt ?? false,
      tags: normalizeTags(input.tags ?? []),
      note: input.note ?? null,
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    data.customers.set(customer.id, customer);
    this.emitCustomer(domain, "customers/create", customer);
    if (customer.tags.length > 0) this.emitTags(domain, "customer.tags_added", customer.id, customer.tags);
    return { customer: cloneCustomer(customer), userErrors: [] };
  }

  /** customerUpdate: changes what is given; tag changes also send customer.tags_added/removed. */
  updateCustomer(domain: string, input: NewCustomerInput): { customer: LocalCustomer | null; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const numeric = input.id == null ? null : parseCustomerId(input.id);
    const customer = numeric === null ? undefined : data.customers.get(numeric);
    if (!customer) return { customer: null, userErrors: [{ field: ["id"], message: "Customer does not exist" }] };
    const email = input.email === undefined ? customer.email : blankToNull(input.email);
    const phone = input.phone === undefined ? customer.phone : blankToNull(input.phone);
    const problems = this.customerContactProblems(data, email, phone, customer.id);
    if (problems.length > 0) return { customer: null, userErrors: problems };
    const before = [...customer.tags];
    customer.email = email;
    customer.phone = phone;
    if (input.firstName !== undefined) customer.firstName = blankToNull(input.firstName);
    if (input.lastName !== undefined) customer.lastName = blankToNull(input.lastName);
    if (input.note !== undefined) customer.note = input.note ?? null;
    if (input.taxExempt != null) customer.taxExempt = input.taxExempt;
    if (input.tags != null) customer.tags = normalizeTags(input.tags);
    customer.updatedAt = toShopifyDateTime(this.now());
    this.emitCustomer(domain, "customers/update", customer);
    this.emitTagDifference(domain, customer.id, before, customer.tags);
    return { customer: cloneCustomer(customer), userErrors: [] };
  }

  /** customerDelete: only customers without orders can be deleted (Customer.canDelete). */
  deleteCustomer(domain: string, id: string): { deletedCustomerId: string | null; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const numeric = parseCustomerId(id);
    const customer = numeric === null ? undefined : data.customers.get(numeric);
    if (!customer)
      return { deletedCustomerId: null, userErrors: [{ field: ["id"], message: "Customer can't be found" }] };
    if (this.commerce.ordersOfCustomer(domain, customer.id).length > 0) {
      return {
        deletedCustomerId: null,
        userErrors: [{ field: ["id"], message: "Customer can’t be deleted because they have associated orders" }],
      };
    }
    data.customers.delete(customer.id);
    const gid = customerGid(customer.id);
    for (const [key, metafield] of data.metafields) if (metafield.ownerId === gid) data.metafields.delete(key);
    this.emit(domain, "customers/delete", deletedCustomerPayload(customer));
    return { deletedCustomerId: gid, userErrors: [] };
  }

  /** tagsAdd / tagsRemove on a customer: customers/update plus customer.tags_added/removed. */
  changeCustomerTags(domain: string, id: number, tags: string[], add: boolean): LocalCustomer | null {
    const customer = this.shops.get(domain)?.customers.get(id);
    if (!customer) return null;
    const before = [...customer.tags];
    const wanted = normalizeTags(tags);
    if (add) customer.tags = normalizeTags([...customer.tags, ...wanted]);
    else {
      const removed = new Set(wanted.map((tag) => tag.toLowerCase()));
      customer.tags = customer.tags.filter((tag) => !removed.has(tag.toLowerCase()));
    }
    if (before.join("\u0000") === customer.tags.join("\u0000")) return cloneCustomer(customer);
    customer.updatedAt = toShopifyDateTime(this.now());
    this.emitCustomer(domain, "customers/update", customer);
    this.emitTagDifference(domain, customer.id, before, customer.tags);
    return cloneCustomer(customer);
  }

  /** Metafields of one owner (Customer gid or numeric customer id), sorted by id. */
  listMetafields(domain: string, ownerId: string | number, namespace?: string | null): LocalMetafield[] {
    const numeric = parseCustomerId(ownerId);
    if (numeric === null) return [];
    const gid = customerGid(numeric);
    const data = this.shops.get(domain);
    if (!data) return [];
    return [...data.metafields.values()]
      .filter((metafield) => metafield.ownerId === gid && (namespace == null || metafield.namespace === namespace))
      .sort((a, b) => a.id - b.id)
      .map((metafield) => ({ ...metafield }));
  }

  getMetafield(domain: string, ownerId: string | number, namespace: string, key: string): LocalMetafield | null {
    const numeric = parseCustomerId(ownerId);
    if (numeric === null) return null;
    const found = this.shops.get(domain)?.metafields.get(`${customerGid(numeric)}|${namespace}|${key}`);
    return found ? { ...found } : null;
  }

  /** Resolves `$app` and an omitted namespace to the app-reserved namespace, as Shopify does. */
  resolveNamespace(namespace: string | null | undefined): string {
    if (namespace == null) return this.appNamespace();
    if (namespace === "$app") return this.appNamespace();
    if (namespace.startsWith("$app:")) return `${this.appNamespace()}--${namespace.slice("$app:".length)}`;
    return namespace;
  }

  findDefinition(domain: string, ownerType: string, namespace: string, key: string): LocalMetafieldDefinition | null {
    const found = this.shops
      .get(domain)
      ?.definitions.find(
        (definition) =>
          definition.ownerType === ownerType && definition.namespace === namespace && definition.key === key,
      );
    return found ? structuredClone(found) : null;
  }

  listMetafieldDefinitions(
    domain: string,
    ownerType: string,
    filter: { namespace?: string | null; key?: string | null } = {},
  ): LocalMetafieldDefinition[] {
    const data = this.shops.get(domain);
    if (!data) return [];
    return data.definitions
      .filter(
        (definition) =>
          definition.ownerType === ownerType &&
          (filter.namespace == null || definition.namespace === filter.namespace) &&
          (filter.key == null || definition.key === filter.key),
      )
      .map((definition) => structuredClone(definition));
  }

  /** metafieldsSet writes per metafield in `namespace` (resolved like the mutation's), keyed `ownerId|namespace|key`. */
  metafieldWriteCounts(domain: string, namespace?: string): Record<string, number> {
    const data = this.requireShop(domain);
    const wanted = namespace === undefined ? undefined : this.resolveNamespace(namespace);
    const counts: Record<string, number> = {};
    for (const [identifier, count] of data.metafieldWrites) {
      if (wanted === undefined || identifier.split("|")[1] === wanted) counts[identifier] = count;
    }
    return counts;
  }

  countMetafieldsForDefinition(domain: string, definition: LocalMetafieldDefinition): number {
    const data = this.shops.get(domain);
    if (!data || definition.ownerType !== "CUSTOMER") return 0;
    let count = 0;
    for (const metafield of data.metafields.values()) {
      if (metafield.namespace === definition.namespace && metafield.key === definition.key) count++;
    }
    return count;
  }

  /**
   * Shopify's `metafieldsSet`: validates every input first and writes nothing if any is invalid
   * (the mutation is atomic), otherwise creates or updates each metafield.
   */
  setMetafields(
    domain: string,
    inputs: MetafieldsSetInput[],
  ): { metafields: LocalMetafield[]; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    if (inputs.length > MAX_METAFIELDS_PER_SET) {
      return {
        metafields: [],
        userErrors: [
          {
            field: ["metafields"],
            message: `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_SET}.`,
            code: "LESS_THAN_OR_EQUAL_TO",
            elementIndex: null,
          },
        ],
      };
    }

    const userErrors: UserError[] = [];
    const planned: { index: number; ownerId: string; namespace: string; key: string; type: string; value: string }[] =
      [];
    const seenIdentifiers = new Set<string>();
    inputs.forEach((input, index) => {
      const errorsBefore = userErrors.length;
      const fail = (field: string, message: string, code: string) =>
        userErrors.push({ field: ["metafields", String(index), field], message, code, elementIndex: index });

      const ownerProblem = this.ownerProblem(data, input.ownerId);
      if (ownerProblem) fail("ownerId", ownerProblem, "INVALID");

      const namespace = this.resolveNamespace(input.namespace);
      const namespaceProblem = identifierProblem("Namespace", namespace, 3, 255);
      if (namespaceProblem) fail("namespace", namespaceProblem.message, namespaceProblem.code);

      const keyProblem = identifierProblem("Key", input.key, 2, 64);
      if (keyProblem) fail("key", keyProblem.message, keyProblem.code);

      const definition = this.findDefinitionIn(data, "CUSTOMER", namespace, input.key);
      let type = input.type == null || input.type === "" ? null : input.type;
      if (type === null && definition) type = definition.type;
      if (type === null) {
        fail("type", "Type can't be blank.", "BLANK");
      } else if (!isValidMetafieldType(type)) {
        fail("type", `Type '${type}' is not a valid metafield type.`, "INVALID_TYPE");
        type = null;
      } else if (definition && definition.type !== type) {
        fail(
          "type",
          `Type '${type}' must be consistent with the definition's type: '${definition.type}'.`,
          "INVALID_TYPE",
        );
        type = null;
      }

      if (input.value === "") {
        fail("value", "Value can't be blank.", "BLANK");
      } else if (type !== null) {
        const valueProblem = validateMetafieldValue(type, input.value);
        if (valueProblem) fail("value", valueProblem, "INVALID_VALUE");
      }

      const identifier = `${input.ownerId}|${namespace}|${input.key}`;
      if (userErrors.length === errorsBefore && seenIdentifiers.has(identifier)) {
        fail("key", "The same owner, namespace and key appear more than once in this request.", "INVALID");
      }
      seenIdentifiers.add(identifier);

      if (input.compareDigest != null && userErrors.length === errorsBefore) {
        const existing = data.metafields.get(identifier);
        if (!existing || metafieldCompareDigest(existing) !== input.compareDigest) {
          fail(
            "compareDigest",
            "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.",
            "STALE_OBJECT",
          );
        }
      }

      if (userErrors.length === errorsBefore && type !== null) {
        planned.push({ index, ownerId: input.ownerId, namespace, key: input.key, type, value: input.value });
      }
    });

    if (userErrors.length > 0) return { metafields: [], userErrors };

    const timestamp = toShopifyDateTime(this.now());
    const changedOwners = new Set<string>();
    const written = planned.map(({ ownerId, namespace, key, type, value }) => {
      const identifier = `${ownerId}|${namespace}|${key}`;
      data.metafieldWrites.set(identifier, (data.metafieldWrites.get(identifier) ?? 0) + 1);
      const existing = data.metafields.get(identifier);
      if (existing) {
        if (existing.value !== value || existing.type !== type) {
          existing.value = value;
          existing.type = type;
          existing.updatedAt = timestamp;
          changedOwners.add(ownerId);
        }
        return { ...existing };
      }
      const created: LocalMetafield = {
        id: this.nextMetafieldId++,
        ownerId,
        ownerType: "CUSTOMER",
        namespace,
        key,
        type,
        value,
        createdAt: timestamp,
        updatedAt: timestamp,
      };
      data.metafields.set(identifier, created);
      changedOwners.add(ownerId);
      return { ...created };
    });
    this.customersChangedByMetafields(domain, changedOwners);
    return { metafields: written, userErrors: [] };
  }

  /** Shopify's `metafieldsDelete`: each identifier that existed is returned, others are null. */
  deleteMetafields(
    domain: string,
    identifiers: MetafieldIdentifierInput[],
  ): { deletedMetafields: (MetafieldIdentifierInput | null)[]; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const userErrors: UserError[] = [];
    const changedOwners = new Set<string>();
    const deletedMetafields = identifiers.map((identifier, index) => {
      const ownerProblem = this.ownerProblem(data, identifier.ownerId);
      if (ownerProblem) {
        userErrors.push({ field: ["metafields", String(index), "ownerId"], message: ownerProblem });
        return null;
      }
      const namespace = this.resolveNamespace(identifier.namespace);
      const mapKey = `${identifier.ownerId}|${namespace}|${identifier.key}`;
      if (!data.metafields.delete(mapKey)) return null;
      changedOwners.add(identifier.ownerId);
      return { ownerId: identifier.ownerId, namespace, key: identifier.key };
    });
    this.customersChangedByMetafields(domain, changedOwners);
    return { deletedMetafields, userErrors };
  }

  /** Shopify's `metafieldDefinitionCreate`, including TAKEN for a duplicate owner type/namespace/key. */
  createMetafieldDefinition(
    domain: string,
    input: MetafieldDefinitionInput,
  ): { createdDefinition: LocalMetafieldDefinition | null; userErrors: UserError[] } {
    const data = this.requireShop(domain);
    const userErrors: UserError[] = [];
    const fail = (field: string, message: string, code: string) =>
      userErrors.push({ field: ["definition", field], message, code, elementIndex: null });

    if (input.name.trim() === "") fail("name", "Name can't be blank.", "BLANK");
    else if (input.name.length > 255) fail("name", "Name is too long (maximum is 255 characters).", "TOO_LONG");

    const namespace = this.resolveNamespace(input.namespace);
    const namespaceProblem = identifierProblem("Namespace", namespace, 3, 255);
    if (namespaceProblem)
      fail(
        "namespace",
        namespaceProblem.message,
        namespaceProblem.code === "INVALID" ? "INVALID_CHARACTER" : namespaceProblem.code,
      );

    const keyProblem = identifierProblem("Key", input.key, 2, 64);
    if (keyProblem)
      fail("key", keyProblem.message, keyProblem.code === "INVALID" ? "INVALID_CHARACTER" : keyProblem.code);

    if (!isValidMetafieldType(input.type))
      fail("type", `Type '${input.type}' is not a valid metafield type.`, "INCLUSION");

    const isAppNamespace = namespace.startsWith(this.appNamespace());
    if (input.access?.admin != null && !isAppNamespace) {
      fail(
        "access",
        "Admin access can only be specified on metafield definitions that have an app namespace.",
        "ADMIN_ACCESS_INPUT_NOT_ALLOWED",
      );
    }

    if (userErrors.length === 0 && this.findDefinitionIn(data, input.ownerType, namespace, input.key)) {
      fail(
        "key",
        `Key is in use for ${ownerTypeLabel(input.ownerType)} metafields on the '${namespace}' namespace.`,
        "TAKEN",
      );
    }
    if (userErrors.length > 0) return { createdDefinition: null, userErrors };

    const pinnedCount = data.definitions.filter(
      (definition) => definition.ownerType === input.ownerType && definition.pinnedPosition !== null,
    ).length;
    const definition: LocalMetafieldDefinition = {
      id: this.nextDefinitionId++,
      ownerType: input.ownerType,
      namespace,
      key: input.key,
      name: input.name,
      description: input.description ?? null,
      type: input.type,
      access: {
        admin: isAppNamespace ? (input.access?.admin ?? "MERCHANT_READ_WRITE") : "PUBLIC_READ_WRITE",
        storefront: input.access?.storefront ?? "NONE",
        customerAccount: input.access?.customerAccount ?? "NONE",
      },
      pinnedPosition: input.pin ? pinnedCount + 1 : null,
      validations: (input.validations ?? []).map((validation) => ({
        name: validation.name,
        value: validation.value ?? null,
      })),
      createdAt: toShopifyDateTime(this.now()),
    };
    data.definitions.push(definition);
    return { createdDefinition: structuredClone(definition), userErrors: [] };
  }

  /** Shopify reports a customer's metafield writes as customers/update (updated_at moves). */
  private customersChangedByMetafields(domain: string, ownerIds: Set<string>): void {
    const data = this.shops.get(domain);
    if (!data) return;
    for (const ownerId of ownerIds) {
      const numeric = parseCustomerId(ownerId);
      const customer = numeric === null ? undefined : data.customers.get(numeric);
      if (!customer) continue;
      customer.updatedAt = toShopifyDateTime(this.now());
      this.emitCustomer(domain, "customers/update", customer);
    }
  }

  private customerContactProblems(
    data: ShopData,
    email: string | null,
    phone: string | null,
    ownId: number | null,
  ): UserError[] {
    const problems: UserError[] = [];
    if (email !== null && !EMAIL.test(email)) problems.push({ field: ["email"], message: "Email is invalid" });
    const others = [...data.customers.values()].filter((customer) => customer.id !== ownId);
    if (email !== null && others.some((customer) => customer.email?.toLowerCase() === email.toLowerCase()))
      problems.push({ field: ["email"], message: "Email has already been taken" });
    if (phone !== null && others.some((customer) => customer.phone === phone))
      problems.push({ field: ["phone"], message: "Phone has already been taken" });
    return problems;
  }

  private emit(domain: string, topic: string, payload: Record<string, unknown>): void {
    this.changes.emit({ shop: domain, topic, payload, occurredAt: this.now().toISOString() });
  }

  private emitCustomer(domain: string, topic: string, customer: LocalCustomer): void {
    const shop = this.getShop(domain);
    if (shop) this.emit(domain, topic, customerPayload(customer, shop));
  }

  private emitTags(domain: string, topic: string, customerId: number, tags: string[]): void {
    this.emit(domain, topic, customerTagsPayload(customerId, tags, this.now().toISOString()));
  }

  private emitTagDifference(domain: string, customerId: number, before: string[], after: string[]): void {
    const lowerBefore = new Set(before.map((tag) => tag.toLowerCase()));
    const lowerAfter = new Set(after.map((tag) => tag.toLowerCase()));
    const added = after.filter((tag) => !lowerBefore.has(tag.toLowerCase()));
    const removed = before.filter((tag) => !lowerAfter.has(tag.toLowerCase()));
    if (added.length > 0) this.emitTags(domain, "customer.tags_added", customerId, added);
    if (removed.length > 0) this.emitTags(domain, "customer.tags_removed", customerId, removed);
  }

  private requireShop(domain: string): ShopData {
    const data = this.shops.get(domain);
    if (!data) throw new Error(`Unknown shop ${domain} in the local development store`);
    return data;
  }

  private findDefinitionIn(
    data: ShopData,
    ownerType: string,
    namespace: string,
    key: string,
  ): LocalMetafieldDefinition | undefined {
    return data.definitions.find(
      (definition) =>
        definition.ownerType === ownerType && definition.namespace === namespace && definition.key === key,
    );
  }

  private ownerProblem(data: ShopData, ownerId: string): string | null {
    const gid = GID.exec(ownerId);
    if (!gid) return `Owner id '${ownerId}' is not a valid global ID.`;
    if (gid[1] !== "Customer")
      return `Owner type '${gid[1]}' is not supported by the Hookline local development store.`;
    return data.customers.has(Number(gid[2])) ? null : "Owner does not exist.";
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function blankToNull(value: string | null | undefined): string | null {
  if (value == null) return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function cloneCustomer(customer: LocalCustomer): LocalCustomer {
  return { ...customer, tags: [...customer.tags] };
}

function identifierProblem(
  label: string,
  value: string,
  min: number,
  max: number,
): { message: string; code: string } | null {
  if (value.length === 0) return { message: `${label} can't be blank.`, code: "BLANK" };
  if (value.length < min)
    return { message: `${label} is too short (minimum is ${min} characters).`, code: "TOO_SHORT" };
  if (value.length > max) return { message: `${label} is too long (maximum is ${max} characters).`, code: "TOO_LONG" };
  if (!IDENTIFIER_CHARACTERS.test(value))
    return { message: `${label} contains one or more invalid characters.`, code: "INVALID" };
  return null;
}

function ownerTypeLabel(ownerType: string): string {
  return ownerType
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}
