// Importing the Shopify modules has no side effects: no credentials needed to load them (ingress,
// the worker and the CLI import them), no environment changed; the app is created by shopify().
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "~/config.server";
import { shopify } from "~/services/shopify/app.server";
import { adminRequestTarget } from "~/services/local-mode/admin-requests.server";

afterEach(() => {
  loadConfig();
});

describe("the Shopify app", () => {
  it("loads without credentials and says what is missing only when first used", () => {
    loadConfig({ NODE_ENV: "test" });
    expect(process.env.APP_BRIDGE_URL).toBeUndefined();
    expect(() => shopify()).toThrow(/SHOPIFY_API_KEY and SHOPIFY_API_SECRET are not set/);
  });

  it("is created once, from the configuration, on first use", () => {
    loadConfig({ NODE_ENV: "test", SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "secret" });
    const app = shopify();
    expect(shopify()).toBe(app);
    expect(app.authenticate.admin).toBeTypeOf("function");
  });
});

describe("local mode's Admin API target", () => {
  const store = "http://127.0.0.1:3001";

  it("sends a shop's Admin API requests to the local store, naming the shop", () => {
    const target = adminRequestTarget(new URL("https://demo.myshopify.com/admin/api/2025-10/graphql.json?x=1"), store);
    expect(target.url.href).toBe("http://127.0.0.1:3001/admin/api/2025-10/graphql.json?x=1");
    expect(target.shopHeader).toBe("demo.myshopify.com");
  });

  it("leaves everything else alone, and everything when no store is configured", () => {
    for (const [url, origin] of [
      ["https://example.com/admin/api", store],
      ["https://demo.myshopify.com/products.json", store],
      ["https://demo.myshopify.com/admin/api/2025-10/graphql.json", null],
    ] as const) {
      const target = adminRequestTarget(new URL(url), origin);
      expect(target).toEqual({ url: new URL(url), shopHeader: null });
    }
  });
});
