// Mechanic's Shopify lookups (shop.customers[id], shop.orders[id], shop.products[id], .reload and
// metafields) against the local development store: the queries they send pass its validation
// against Shopify's real Admin schema, and the answers come back in Mechanic's REST shape.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_VERSION } from "~/config.server";
import { createLocalStore, type LocalStore } from "~/local-store";
import { renderTask, type RenderInput } from "~/domain/tasks/render";

const SHOP = "demo-store.myshopify.com";
let store: LocalStore;
let adminUrl: string;

beforeAll(async () => {
  store = createLocalStore();
  const url = await store.listen(0, "127.0.0.1");
  adminUrl = `${url}/admin/api/${API_VERSION}/graphql.json`;
  // Orders and products are optional scopes the merchant grants (App Bridge scopes.request).
  const granted = store.state.installations.request(SHOP, ["read_orders", "read_products"]);
  expect("error" in granted ? granted.error : null).toBeNull();
});

afterAll(async () => {
  await store?.close();
});

/** The Admin GraphQL function a live run gets: the store's answer body, errors included. */
async function shopifyQuery(query: string, variables?: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(adminUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-access-token": store.offlineAccessToken(SHOP),
      // What the app's local-mode fetch adds (app/services/local-mode/admin-requests.server.ts).
      "x-hookline-shop": SHOP,
    },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

function input(script: string, event: RenderInput["event"]): RenderInput {
  return {
    script,
    options: {},
    event,
    shop: {
      name: "Demo Store",
      domain: SHOP,
      myshopify_domain: SHOP,
      email: "owner@demo-store.example",
      currency: "USD",
      timezone: "America/New_York",
    },
    task: { id: "t1", name: "Lookups" },
    shopifyQuery,
  };
}

const userEvent = {
  id: "e1",
  topic: "user/lookups/test",
  data: {},
  created_at: "2025-03-01T00:00:00Z",
  source: "user",
};

describe("Shopify lookups against the local store", () => {
  it("reads a customer, an order and a product by id and by GID", async () => {
    const script = `{% assign customer = shop.customers[1001] %}{% assign order = shop.orders["gid://shopify/Order/5001"] %}{% assign product = shop.products[7001] %}
{% log email: customer.email, tags: customer.tags, order_customer: order.customer.id, qty: order.line_items[0].quantity, sku: order.line_items[0].sku, product: product.title, variants: product.variants.size, price: product.variants[1].price, missing: shop.customers[999999] %}`;
    const result = await renderTask(input(script, userEvent));
    expect(result.errors).toEqual([]);
    expect(result.logs).toHaveLength(1);
    expect(result.logs[0]).toMatchObject({
      email: "ada@example.com",
      tags: "vip",
      order_customer: 1001,
      qty: 2,
      sku: "TEE-S",
      product: "Hookline T-Shirt",
      variants: 2,
      price: "21.00",
      missing: null,
    });
  });

  it("reloads the event's subject and reads a metafield the store holds", async () => {
    const set = store.state.setMetafields(SHOP, [
      {
        ownerId: "gid://shopify/Customer/1001",
        namespace: "hookline",
        key: "plan",
        type: "single_line_text_field",
        value: "gold",
      },
    ]);
    expect(set.userErrors).toEqual([]);
    const script = `{% assign fresh = customer.reload %}{% log email: fresh.email, plan: customer.metafields.hookline.plan.value %}`;
    const result = await renderTask(
      input(script, {
        id: "e2",
        topic: "shopify/customers/update",
        data: { id: 1001, admin_graphql_api_id: "gid://shopify/Customer/1001" },
        created_at: "2025-03-01T00:00:00Z",
        source: "shopify",
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.logs[0]).toMatchObject({ email: "ada@example.com", plan: "gold" });
  });
});
