// Local mode must never switch on in production or with real credentials.
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "~/config.server";
import { localRoutesEnabled, parseShopParam } from "~/services/local-mode/guard.server";
import { adminHost, mintSessionToken } from "~/services/local-mode/session-token.server";

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

describe("session tokens", () => {
  it("are HS256 JWTs signed with the app secret, with Shopify's claims", () => {
    const token = mintSessionToken("demo-store.myshopify.com", "key", "secret");
    const [header, payload, signature] = token.split(".");
    expect(createHmac("sha256", "secret").update(`${header}.${payload}`).digest("base64url")).toBe(signature);
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    expect(claims).toMatchObject({ aud: "key", dest: "https://demo-store.myshopify.com" });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(claims.nbf).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it("host is base64 of the admin URL", () => {
    expect(Buffer.from(adminHost("demo-store.myshopify.com"), "base64").toString()).toBe(
      "admin.shopify.com/store/demo-store",
    );
  });
});
