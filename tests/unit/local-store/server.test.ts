// The HTTP surface: authentication, shop resolution, methods, bodies, inspection endpoints.
import { describe, expect, it } from "vitest";
import { INVALID_TOKEN_MESSAGE } from "~/local-store";
import { DEMO_SHOP, OTHER_SHOP, graphql, localStoreForFile } from "./helpers";

const ctx = localStoreForFile({ bodyLimitBytes: 4096 });
const graphqlUrl = () => `${ctx.url}/admin/api/2025-10/graphql.json`;

function post(body: string, headers: Record<string, string> = {}) {
  return fetch(graphqlUrl(), {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Hookline-Shop": DEMO_SHOP,
      "X-Shopify-Access-Token": ctx.store.offlineAccessToken(DEMO_SHOP),
      ...headers,
    },
    body,
  });
}

describe("Admin API authentication", () => {
  it("answers 401 without an access token", async () => {
    const response = await fetch(graphqlUrl(), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Hookline-Shop": DEMO_SHOP },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: INVALID_TOKEN_MESSAGE });
    expect(INVALID_TOKEN_MESSAGE).toBe("[API] Invalid API key or access token (unrecognized login or wrong password)");
  });

  it("answers 401 for a wrong token and for another shop's token", async () => {
    const wrong = await graphql(ctx, "{ shop { name } }", undefined, {
      token: "shpat_00000000000000000000000000000000",
    });
    expect(wrong.status).toBe(401);
    const otherShops = await graphql(ctx, "{ shop { name } }", undefined, {
      token: ctx.store.offlineAccessToken(OTHER_SHOP),
    });
    expect(otherShops.status).toBe(401);
    expect(otherShops.body).toEqual({ errors: INVALID_TOKEN_MESSAGE });
  });

  it("answers 404 for a shop the store does not know", async () => {
    const response = await post(JSON.stringify({ query: "{ shop { name } }" }), {
      "X-Hookline-Shop": "nowhere.myshopify.com",
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errors: "Not Found" });
  });

  it("takes the shop from the Host header when X-Hookline-Shop is absent", async () => {
    // fetch will not let us set Host; node:http can.
    const { request } = await import("node:http");
    const url = new URL(graphqlUrl());
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: {
            Host: `${OTHER_SHOP}:443`,
            "Content-Type": "application/json",
            "X-Shopify-Access-Token": ctx.store.offlineAccessToken(OTHER_SHOP),
          },
        },
        (res) => {
          let data = "";
          res.on("data", (chunk) => (data += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ query: "{ shop { name } }" }));
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data).toEqual({ shop: { name: "Other Store" } });
  });
});

describe("Admin API request handling", () => {
  it("answers 405 with Allow for a method other than POST", async () => {
    const response = await fetch(graphqlUrl(), { headers: { "X-Hookline-Shop": DEMO_SHOP } });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 400 for a body that is not JSON, or not a JSON object", async () => {
    const malformed = await post("{ query: nope");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ errors: "Request body is not valid JSON" });
    const array = await post("[1, 2]");
    expect(array.status).toBe(400);
  });

  it("answers 413 for a body over the limit", async () => {
    const response = await post(JSON.stringify({ query: `{ shop { name } } # ${"x".repeat(5000)}` }));
    expect(response.status).toBe(413);
  });

  it("accepts application/graphql bodies and sets Shopify's response headers", async () => {
    const response = await post("{ shop { name } }", { "Content-Type": "application/graphql" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("x-shopify-api-version")).toBe("2025-10");
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(((await response.json()) as { data: unknown }).data).toEqual({ shop: { name: "Demo Store" } });
  });

  it("answers 200 with a GraphQL error for variables that are not an object", async () => {
    const response = await post(JSON.stringify({ query: "{ shop { name } }", variables: [1] }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0].message).toBe("Variables must be a JSON object");
  });

  it("serves other well-formed API versions with the 2025-10 schema, and 404s nonsense versions", async () => {
    const other = await fetch(`${ctx.url}/admin/api/2026-01/graphql.json`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Hookline-Shop": DEMO_SHOP,
        "X-Shopify-Access-Token": ctx.store.offlineAccessToken(DEMO_SHOP),
      },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(other.status).toBe(200);
    expect(other.headers.get("x-shopify-api-version")).toBe("2025-10");
    const nonsense = await fetch(`${ctx.url}/admin/api/latest/graphql.json`, { method: "POST" });
    expect(nonsense.status).toBe(404);
  });

  it("answers 404 for unknown paths", async () => {
    expect((await fetch(`${ctx.url}/admin/products.json`)).status).toBe(404);
    expect((await fetch(`${ctx.url}/`)).status).toBe(404);
    expect((await fetch(`${ctx.url}/_local/nothing`)).status).toBe(404);
  });
});

describe("/_local inspection endpoints", () => {
  it("reports health", async () => {
    const response = await fetch(`${ctx.url}/_local/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; apiVersion: string; shops: string[]; schemaLoadMs: number };
    expect(body).toMatchObject({ ok: true, apiVersion: "2025-10", shops: [DEMO_SHOP, OTHER_SHOP] });
    expect(body.schemaLoadMs).toBeGreaterThan(0);
  });

  it("lists a shop's customers, and 404s an unknown shop", async () => {
    const response = await fetch(`${ctx.url}/_local/shops/${DEMO_SHOP}/customers`);
    const body = (await response.json()) as { customers: { id: string; email: string }[] };
    expect(body.customers.map((customer) => customer.id)).toEqual(
      [1001, 1002, 1003, 1004, 1005].map((id) => `gid://shopify/Customer/${id}`),
    );
    expect(body.customers[0].email).toBe("ada@example.com");
    const other = (await (await fetch(`${ctx.url}/_local/shops/${OTHER_SHOP}/customers`)).json()) as {
      customers: unknown[];
    };
    expect(other.customers).toHaveLength(2);
    expect((await fetch(`${ctx.url}/_local/shops/nowhere.myshopify.com/customers`)).status).toBe(404);
  });

  it("reads a customer's metafields by numeric id or gid, and 404s unknown customers", async () => {
    ctx.store.state.setMetafields(DEMO_SHOP, [
      {
        ownerId: "gid://shopify/Customer/1003",
        namespace: "custom",
        key: "nickname",
        type: "single_line_text_field",
        value: "Al",
      },
    ]);
    for (const id of ["1003", encodeURIComponent("gid://shopify/Customer/1003")]) {
      const response = await fetch(`${ctx.url}/_local/shops/${DEMO_SHOP}/customers/${id}/metafields`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        metafields: { id: string; namespace: string; key: string; value: string; type: string }[];
      };
      expect(body.metafields).toEqual([
        expect.objectContaining({
          namespace: "custom",
          key: "nickname",
          value: "Al",
          type: "single_line_text_field",
          id: expect.stringMatching(/^gid:\/\/shopify\/Metafield\//),
        }),
      ]);
    }
    expect((await fetch(`${ctx.url}/_local/shops/${DEMO_SHOP}/customers/9999/metafields`)).status).toBe(404);
    expect((await fetch(`${ctx.url}/_local/shops/${DEMO_SHOP}/customers/abc/metafields`)).status).toBe(404);
  });

  it("resets to the seed with POST /_local/reset and refuses GET", async () => {
    ctx.store.state.createCustomer(DEMO_SHOP, { firstName: "Temp", email: "temp@example.com" });
    ctx.store.state.setMetafields(DEMO_SHOP, [
      {
        ownerId: "gid://shopify/Customer/1001",
        namespace: "custom",
        key: "note",
        type: "single_line_text_field",
        value: "x",
      },
    ]);
    expect(ctx.store.state.listCustomers(DEMO_SHOP)).toHaveLength(6);
    expect((await fetch(`${ctx.url}/_local/reset`)).status).toBe(405);
    const response = await fetch(`${ctx.url}/_local/reset`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(ctx.store.state.listCustomers(DEMO_SHOP)).toHaveLength(5);
    expect(ctx.store.state.listMetafields(DEMO_SHOP, 1001)).toEqual([]);
    // Tokens survive a reset, so a running app keeps working.
    expect((await graphql(ctx, "{ shop { name } }")).status).toBe(200);
  });
});
