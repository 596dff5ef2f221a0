// Which shop a request to an unknown webhook id came from, as far as its headers tell.
import { describe, expect, it } from "vitest";
import { HOUR_MS, lastDayBuckets, shopFromOriginOrReferer } from "~/domain/ingress/unknown-webhook";

describe("shopFromOriginOrReferer", () => {
  it("reads a myshopify Origin, else a Referer's host or path", () => {
    expect(shopFromOriginOrReferer("https://Demo-Store.myshopify.com", null)).toBe("demo-store.myshopify.com");
    expect(shopFromOriginOrReferer(null, "https://demo-store.myshopify.com/products/x")).toBe(
      "demo-store.myshopify.com",
    );
    expect(
      shopFromOriginOrReferer(
        "http://127.0.0.1:3101",
        "http://127.0.0.1:3101/_local/storefront/demo-store.myshopify.com?customer=1",
      ),
    ).toBe("demo-store.myshopify.com");
  });

  it("is null when nothing names a shop", () => {
    expect(shopFromOriginOrReferer(null, null)).toBeNull();
    expect(shopFromOriginOrReferer("https://www.example.com", "not a url")).toBeNull();
    expect(shopFromOriginOrReferer("https://myshopify.com", null)).toBeNull();
    expect(shopFromOriginOrReferer("https://evil.example/?x=a.myshopify.com", null)).toBeNull();
  });
});

describe("lastDayBuckets", () => {
  it("is the 24 hourly buckets ending with the current one", () => {
    const now = 1_000 * HOUR_MS + 5;
    const buckets = lastDayBuckets(now);
    expect(buckets).toHaveLength(24);
    expect(buckets[0]).toBe(1_000);
    expect(buckets[23]).toBe(977);
  });
});
