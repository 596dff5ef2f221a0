// The local store's storefront preview (answerStorefront) on a real LocalStoreState: the page, the
// Section Rendering answers the block polls with, the assets, and every refusal.
import { beforeEach, describe, expect, it } from "vitest";
import { LocalStoreState, customerGid } from "~/local-store";
import { answerStorefront, PREVIEW_SECTION_ID, STOREFRONT_PREFIX } from "~/local-store/storefront/preview";

const SHOP = "demo-store.myshopify.com";
const WEBHOOK = "http://localhost:3100/webhook/8d0c2f4e-1b7a-4c51-9e0f-2a3b4c5d6e7f";
let state: LocalStoreState;

beforeEach(() => {
  state = new LocalStoreState();
});

const get = (path: string, method = "GET") => answerStorefront(method, path, { state });
const page = (query: string) => get(`${STOREFRONT_PREFIX}/${SHOP}?${query}`);

function setResult(customerId: number, value: string, type = "json"): void {
  const { userErrors } = state.setMetafields(SHOP, [
    { ownerId: customerGid(customerId), namespace: "hookline", key: "webhook_data", type, value },
  ]);
  expect(userErrors).toEqual([]);
}

describe("the page", () => {
  it("renders the block for the chosen customer with the store's metafield values", async () => {
    const before = await page(`customer=1001&webhook_url=${encodeURIComponent(WEBHOOK)}`);
    expect(before.status).toBe(200);
    expect(before.headers["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(before.headers["Cache-Control"]).toBe("no-store");
    expect(before.body).toContain('Logged in as <strong data-testid="storefront-customer">Ada Lovelace</strong>');
    expect(before.body).toContain('data-state="idle"');
    expect(before.body).toContain(`data-webhook-url="${WEBHOOK}"`);
    expect(before.body).toContain(`<div id="shopify-section-${PREVIEW_SECTION_ID}" class="shopify-section">`);
    expect(before.body).toContain(`<script src="${STOREFRONT_PREFIX}/assets/metafield-result.js" defer></script>`);

    setResult(1001, '{"plan":"gold"}');
    const after = await page(`customer=1001&webhook_url=${encodeURIComponent(WEBHOOK)}`);
    expect(after.body).toContain('data-state="result"');
    expect(after.body).toContain("{&quot;plan&quot;:&quot;gold&quot;}");
  });

  it("shows each customer their own metafield, and a gid works as the customer id", async () => {
    setResult(1001, '"for Ada"');
    setResult(1002, '"for Grace"');
    const ada = await page("customer=1001");
    const grace = await page(`customer=${encodeURIComponent(customerGid(1002))}`);
    expect(ada.body).toContain("for Ada");
    expect(ada.body).not.toContain("for Grace");
    expect(grace.body).toContain("for Grace");
    expect(grace.body).not.toContain("for Ada");
  });

  it("without a customer renders the logged-out block and a login link that keeps the settings", async () => {
    const response = await page(`webhook_url=${encodeURIComponent(WEBHOOK)}`);
    expect(response.status).toBe(200);
    expect(response.body).toContain('data-state="logged-out"');
    expect(response.body).not.toContain("data-customer-id");
    expect(response.body).toContain(
      `href="${STOREFRONT_PREFIX}/${SHOP}/account/login?webhook_url=${encodeURIComponent(WEBHOOK)}"`,
    );
  });

  it("the login page lists the shop's customers as links that log in with the same settings", async () => {
    const response = await get(`${STOREFRONT_PREFIX}/${SHOP}/account/login?timeout=10`);
    expect(response.status).toBe(200);
    expect(response.body).toContain(`href="${STOREFRONT_PREFIX}/${SHOP}?timeout=10&amp;customer=1001"`);
    expect(response.body).toContain("Grace Hopper (customer 1002)");
    expect(response.body).not.toContain("Otto");
  });
});

describe("Section Rendering API", () => {
  it("section_id answers the section's HTML only, re-rendered with the current metafield", async () => {
    const query = `customer=1003&webhook_url=${encodeURIComponent(WEBHOOK)}&section_id=${PREVIEW_SECTION_ID}`;
    const idle = await page(query);
    expect(idle.status).toBe(200);
    expect(idle.body.startsWith(`<div id="shopify-section-${PREVIEW_SECTION_ID}" class="shopify-section">`)).toBe(true);
    expect(idle.body).not.toContain("<html");
    expect(idle.body).toContain('data-state="idle"');
    setResult(1003, '{"done":true}');
    const done = await page(query);
    expect(done.body).toContain('data-state="result"');
  });

  it("sections answers JSON keyed by id, null for sections not on the page", async () => {
    const response = await page(`customer=1001&sections=${PREVIEW_SECTION_ID},header`);
    expect(response.headers["Content-Type"]).toBe("application/json; charset=utf-8");
    const body = JSON.parse(response.body);
    expect(Object.keys(body)).toEqual([PREVIEW_SECTION_ID, "header"]);
    expect(body[PREVIEW_SECTION_ID]).toContain('data-hookline-block="');
    expect(body.header).toBeNull();
  });

  it("an unknown section_id is 404", async () => {
    expect((await page("customer=1001&section_id=nope")).status).toBe(404);
  });
});

describe("assets", () => {
  it("serves the extension's script and stylesheet with their types", async () => {
    const js = await get(`${STOREFRONT_PREFIX}/assets/metafield-result.js`);
    expect(js.status).toBe(200);
    expect(js.headers["Content-Type"]).toBe("text/javascript; charset=utf-8");
    expect(js.body).toContain("section_id");
    const css = await get(`${STOREFRONT_PREFIX}/assets/metafield-result.css`);
    expect(css.status).toBe(200);
    expect(css.headers["Content-Type"]).toBe("text/css; charset=utf-8");
  });

  it("refuses anything outside assets/ and unknown files", async () => {
    for (const path of [
      "assets/..%2F..%2Fpackage.json",
      "assets/%2e%2e%2fshopify.extension.toml",
      "assets/missing.js",
      "assets/metafield-result.liquid",
      "assets/.env",
    ]) {
      expect((await get(`${STOREFRONT_PREFIX}/${path}`)).status, path).toBe(404);
    }
  });
});

describe("refusals", () => {
  it("405 with Allow for methods other than GET and HEAD", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const response = await get(`${STOREFRONT_PREFIX}/${SHOP}?customer=1001`, method);
      expect(response.status).toBe(405);
      expect(response.headers.Allow).toBe("GET, HEAD");
    }
  });

  it("404 for an unknown shop, an unknown customer, another shop's customer and unknown paths", async () => {
    expect((await get(`${STOREFRONT_PREFIX}/nope.myshopify.com`)).status).toBe(404);
    expect((await page("customer=9999")).status).toBe(404);
    expect((await page("customer=2001")).status).toBe(404); // other-store's customer
    expect((await page("customer=<script>")).body).toContain("Unknown customer");
    expect((await get(`${STOREFRONT_PREFIX}/${SHOP}/cart`)).status).toBe(404);
  });

  it("escapes a hostile customer parameter in the error", async () => {
    const response = await page(`customer=${encodeURIComponent("<img src=x>")}`);
    expect(response.status).toBe(404);
    expect(response.headers["Content-Type"]).toBe("text/plain; charset=utf-8");
  });
});
