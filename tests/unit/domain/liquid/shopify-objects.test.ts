// Mechanic's Shopify objects (shop.customers[id], shop.orders[id], .reload, metafields), read
// lazily through the render's Admin GraphQL function: against a fake that answers with
// Shopify-shaped data, and (customers, metafields) against the local development store.
import { describe, expect, it } from "vitest";
import { renderTask, type RenderInput } from "~/domain/tasks/render";
import { graphql, localStoreForFile } from "../../local-store/helpers";

const shop = {
  name: "Demo",
  domain: "demo.example",
  myshopify_domain: "demo.myshopify.com",
  email: "o@demo.example",
  currency: "USD",
  timezone: "UTC",
};

const ORDER = {
  id: "gid://shopify/Order/820982911946154508",
  legacyResourceId: "820982911946154508",
  name: "#1001",
  email: "ada@example.com",
  phone: null,
  note: null,
  tags: ["vip", "wholesale"],
  createdAt: "2024-03-10T15:30:45Z",
  updatedAt: "2024-03-11T15:30:45Z",
  processedAt: "2024-03-10T15:30:45Z",
  cancelledAt: null,
  closedAt: null,
  cancelReason: null,
  displayFinancialStatus: "PAID",
  displayFulfillmentStatus: "UNFULFILLED",
  currencyCode: "USD",
  test: false,
  totalPriceSet: { shopMoney: { amount: "254.98" } },
  subtotalPriceSet: { shopMoney: { amount: "240.00" } },
  totalTaxSet: { shopMoney: { amount: "14.98" } },
  totalDiscountsSet: { shopMoney: { amount: "0.0" } },
  customer: {
    id: "gid://shopify/Customer/1001",
    legacyResourceId: "1001",
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    tags: ["vip"],
    numberOfOrders: "3",
  },
  lineItems: {
    nodes: [
      {
        id: "gid://shopify/LineItem/1",
        title: "Shirt",
        name: "Shirt - M",
        quantity: 2,
        sku: "SH-1",
        variantTitle: "M",
        vendor: "Acme",
        originalUnitPriceSet: { shopMoney: { amount: "120.00" } },
        variant: { id: "gid://shopify/ProductVariant/11", legacyResourceId: "11" },
        product: { id: "gid://shopify/Product/7", legacyResourceId: "7" },
      },
    ],
  },
};

const PRODUCT = {
  id: "gid://shopify/Product/7",
  legacyResourceId: "7",
  title: "Shirt",
  handle: "shirt",
  vendor: "Acme",
  productType: "Apparel",
  tags: ["cotton"],
  status: "ACTIVE",
  variants: {
    nodes: [
      {
        id: "gid://shopify/ProductVariant/11",
        legacyResourceId: "11",
        title: "M",
        sku: "SH-1",
        price: "120.00",
        inventoryQuantity: 4,
        inventoryItem: { id: "gid://shopify/InventoryItem/99", legacyResourceId: "99" },
      },
    ],
  },
};

const METAFIELDS = {
  nodes: [
    {
      id: "gid://shopify/Metafield/1",
      legacyResourceId: "1",
      namespace: "mechanic",
      key: "known_tracking_numbers",
      type: "json",
      value: '["1Z999"]',
    },
    {
      id: "gid://shopify/Metafield/2",
      legacyResourceId: "2",
      namespace: "mechanic",
      key: "points",
      type: "number_integer",
      value: "42",
    },
    {
      id: "gid://shopify/Metafield/3",
      legacyResourceId: "3",
      namespace: "legacy",
      key: "note",
      type: "string",
      value: "old style",
    },
  ],
};

/** A fake Admin API: answers the lookups from the data above and records every query. */
function fakeShopify() {
  const queries: { query: string; variables?: Record<string, unknown> }[] = [];
  const query = async (text: string, variables?: Record<string, unknown>) => {
    queries.push({ query: text, variables });
    const id = variables?.id;
    if (text.includes("metafields(")) return { data: { owner: { metafields: METAFIELDS } } };
    if (text.includes("resource: order("))
      return {
        data: {
          resource:
            id === ORDER.id
              ? { ...ORDER, totalPriceSet: { shopMoney: { amount: queries.length > 1 ? "300.00" : "254.98" } } }
              : null,
        },
      };
    if (text.includes("resource: product(")) return { data: { resource: id === PRODUCT.id ? PRODUCT : null } };
    if (text.includes("resource: customer("))
      return { data: { resource: id === ORDER.customer.id ? ORDER.customer : null } };
    if (text.includes("resource: draftOrder("))
      return { errors: [{ message: "Access denied for draftOrder field." }], data: null };
    return { data: null };
  };
  return { query, queries };
}

function input(script: string, overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    script,
    options: {},
    event: { id: "e1", topic: "mechanic/user/trigger", data: null, created_at: "2024-01-01T00:00:00Z", source: "user" },
    shop,
    task: { id: "t1", name: "Lookups" },
    ...overrides,
  };
}

describe("shop lookups through the Admin GraphQL function", () => {
  it("gives orders and products in Mechanic's REST shape", async () => {
    const fake = fakeShopify();
    const script = `{% assign order = shop.orders[820982911946154508] %}{% assign product = shop.products["gid://shopify/Product/7"] %}
{% log id: order.id, name: order.name, total: order.total_price, tags: order.tags, status: order.financial_status, fulfillment: order.fulfillment_status, customer: order.customer.first_name, line: order.line_items[0].price, qty: order.line_items.first.quantity, product: product.title, variant: product.variants[0].sku, inventory_item_id: product.variants[0].inventory_item_id, missing: shop.products[999] %}`;
    const result = await renderTask(input(script, { shopifyQuery: fake.query }));
    expect(result.errors).toEqual([]);
    expect(result.logs).toEqual([
      {
        id: 820982911946154508n,
        name: "#1001",
        total: "254.98",
        tags: "vip, wholesale",
        status: "paid",
        fulfillment: null,
        customer: "Ada",
        line: "120.00",
        qty: 2,
        product: "Shirt",
        variant: "SH-1",
        inventory_item_id: 99,
        missing: null,
      },
    ]);
    expect(fake.queries.every(({ query }) => query.trimStart().startsWith("query "))).toBe(true);
  });

  it("caches each resource for the run and counts every query in the run's budget", async () => {
    const fake = fakeShopify();
    const twice = `{% assign a = shop.orders[820982911946154508] %}{% assign b = shop.orders[820982911946154508] %}{% log same: a.total_price %}`;
    expect((await renderTask(input(twice, { shopifyQuery: fake.query }))).errors).toEqual([]);
    expect(fake.queries).toHaveLength(1);
    const many = `{% for id in (1..3) %}{% assign p = shop.products[id] %}{% endfor %}`;
    const limited = await renderTask(input(many, { shopifyQuery: fakeShopify().query, maxShopifyQueries: 2 }));
    expect(limited.errors[0]).toMatch(/more than 2 Shopify queries in one task run/);
  });

  it("reloads the subject variable, and reads metafields by namespace and key", async () => {
    const fake = fakeShopify();
    const script = `{% assign fresh = order.reload %}{% log before: order.total_price, after: fresh.total_price, after_again: order.reload.total_price, customer_orders: order.customer.reload.orders_count, tracking: order.metafields.mechanic.known_tracking_numbers.value, type: order.metafields.mechanic.points.type, points: order.metafields["mechanic"]["points"].value, legacy: order.metafields.legacy.note, none: order.metafields.mechanic.nope %}{% for metafield in order.metafields.mechanic %}{% log key: metafield.key %}{% endfor %}`;
    const event = {
      id: "e1",
      topic: "shopify/orders/paid",
      data: {
        id: 820982911946154508n,
        admin_graphql_api_id: ORDER.id,
        total_price: "1.00",
        customer: { id: 1001, admin_graphql_api_id: "gid://shopify/Customer/1001" },
      },
      created_at: "2024-01-01T00:00:00Z",
      source: "shopify",
    };
    const result = await renderTask(input(script, { shopifyQuery: fake.query, event }));
    expect(result.errors).toEqual([]);
    expect(result.logs).toEqual([
      {
        before: "1.00",
        after: "254.98",
        after_again: "254.98",
        customer_orders: 3,
        tracking: ["1Z999"],
        type: "number_integer",
        points: 42,
        legacy: "old style",
        none: null,
      },
      { key: "known_tracking_numbers" },
      { key: "points" },
    ]);
    // order.reload once (cached), customer reload once, metafields once.
    expect(fake.queries).toHaveLength(3);
  });

  it("works in preview (lookups read; the shopify filter stays off) and answers nil without a query function", async () => {
    const fake = fakeShopify();
    const script = `{% assign q = "query { shop { name } }" | shopify %}{% log filter: q, order: shop.orders[820982911946154508].name %}`;
    expect((await renderTask(input(script, { shopifyQuery: fake.query, preview: true }))).logs).toEqual([
      { filter: null, order: "#1001" },
    ]);
    expect((await renderTask(input(script, { preview: true }))).logs).toEqual([{ filter: null, order: null }]);
  });

  it("reports Shopify errors and refuses listing with the reason", async () => {
    const fake = fakeShopify();
    const denied = await renderTask(input(`{{ shop.draft_orders[5].name }}`, { shopifyQuery: fake.query }));
    expect(denied.errors[0]).toMatch(/shop\.draft_orders\["5"\]: Access denied/);
    const listed = await renderTask(input(`{% for o in shop.orders %}{% endfor %}`, { shopifyQuery: fake.query }));
    expect(listed.errors[0]).toMatch(/shop\.orders cannot be listed/);
    const scoped = await renderTask(input(`{{ shop.orders.paid }}`, { shopifyQuery: fake.query }));
    expect(scoped.errors[0]).toMatch(/shop\.orders\.paid is not available/);
    expect((await renderTask(input(`{% log name: shop.name %}`))).logs).toEqual([{ name: "Demo" }]);
  });
});

describe("customers and metafields against the local development store", () => {
  const ctx = localStoreForFile();
  const query = async (text: string, variables?: Record<string, unknown>) => (await graphql(ctx, text, variables)).body;

  it("looks customers up by id and by email, with their metafields", async () => {
    const set = await graphql(
      ctx,
      `
        mutation Set($metafields: [MetafieldsSetInput!]!) {
          metafieldsSet(metafields: $metafields) {
            userErrors {
              message
            }
          }
        }
      `,
      {
        metafields: [
          {
            ownerId: "gid://shopify/Customer/1001",
            namespace: "loyalty",
            key: "tier",
            type: "single_line_text_field",
            value: "gold",
          },
        ],
      },
    );
    expect(set.body.data?.metafieldsSet.userErrors).toEqual([]);
    const script = `{% assign by_id = shop.customers[1001] %}{% assign by_email = shop.customers["ada@example.com"] %}{% log id: by_email.id, email: by_id.email, first_name: by_id.first_name, tier: by_id.metafields.loyalty.tier.value, missing: shop.customers[999999] %}`;
    const result = await renderTask(input(script, { shopifyQuery: query }));
    expect(result.errors).toEqual([]);
    expect(result.logs).toEqual([
      { id: 1001, email: "ada@example.com", first_name: expect.any(String), tier: "gold", missing: null },
    ]);
  });
});
