// Where the app's Admin API requests go in local mode.
import { describe, expect, it } from "vitest";
import { adminRequestTarget } from "~/services/local-mode/admin-requests.server";

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
