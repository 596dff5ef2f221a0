// Local mode must never switch on in production or with real credentials.
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "~/config.server";
import { localRoutesEnabled, parseShopParam } from "~/services/local-mode/guard.server";

afterEach(() => {
  loadConfig();
});

const STORE = "http://127.0.0.1:3001";

describe("local routes guard", () => {
  it("is on with LOCAL_STORE_URL outside production and without credentials", () => {
    loadConfig({ NODE_ENV: "development", LOCAL_STORE_URL: STORE });
    expect(localRoutesEnabled()).toBe(true);
  });

  it("is off in production, where LOCAL_STORE_URL is refused outright", () => {
    expect(() => loadConfig({ NODE_ENV: "production", LOCAL_STORE_URL: STORE })).toThrow(
      /LOCAL_STORE_URL="http:\/\/127.0.0.1:3001" is refused in production/,
    );
    loadConfig({ NODE_ENV: "production" });
    expect(localRoutesEnabled()).toBe(false);
  });

  it("is off when real credentials are configured", () => {
    loadConfig({
      NODE_ENV: "development",
      LOCAL_STORE_URL: STORE,
      SHOPIFY_API_KEY: "real-key",
      SHOPIFY_API_SECRET: "real-secret",
    });
    expect(localRoutesEnabled()).toBe(false);
  });

  it("is off without LOCAL_STORE_URL", () => {
    loadConfig({ NODE_ENV: "development" });
    expect(localRoutesEnabled()).toBe(false);
  });

  it("accepts only myshopify shop domains", () => {
    expect(parseShopParam("Demo-Store.myshopify.com", "x")).toBe("demo-store.myshopify.com");
    expect(parseShopParam(null, "demo-store.myshopify.com")).toBe("demo-store.myshopify.com");
    expect(parseShopParam("evil.com", "x")).toBeNull();
    expect(parseShopParam("a.myshopify.com.evil.com", "x")).toBeNull();
  });
});
