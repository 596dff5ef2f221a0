// Importing the Shopify modules has no side effects: no credentials needed to load them (ingress,
// the worker and the CLI import them), no environment changed; the app is created by shopify().
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "~/config.server";
import { shopify } from "~/services/shopify/app.server";

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
