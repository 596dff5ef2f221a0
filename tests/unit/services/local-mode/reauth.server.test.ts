// A reload or a new tab of an /app/... page in local mode goes back through /local/login with its path.
import { describe, expect, it } from "vitest";
import { localReauthRedirect, safeAppPath, shopCookie, shopFromCookie } from "~/services/local-mode/reauth.server";

const BASE = "http://localhost:3410";

describe("safeAppPath", () => {
  it("keeps an app path and its own query, drops the embedding parameters", () => {
    expect(safeAppPath("/app/tasks/abc?tab=runs&shop=x.myshopify.com&host=aG9zdA&id_token=t&embedded=1")).toBe(
      "/app/tasks/abc?tab=runs",
    );
    expect(safeAppPath("/app")).toBe("/app");
    expect(safeAppPath("/app/events/evt_1?_data=routes%2Fapp")).toBe("/app/events/evt_1");
  });

  it("refuses anything outside the app", () => {
    for (const path of [
      null,
      "",
      "https://evil.example/app",
      "//evil.example/app",
      "/auth/login",
      "/appx",
      "/app/../auth",
    ]) {
      expect(safeAppPath(path)).toBe("/app");
    }
  });
});

describe("localReauthRedirect", () => {
  it("sends a page load without the embedding parameters to the local login, path and query kept", () => {
    const response = localReauthRedirect(new Request(`${BASE}/app/tasks/new?template=metafield`));
    expect(response?.status).toBe(302);
    const location = new URL(response!.headers.get("location")!, BASE);
    expect(location.pathname).toBe("/local/login");
    expect(location.searchParams.get("path")).toBe("/app/tasks/new?template=metafield");
  });

  it("lets through what Shopify's library can authenticate", () => {
    const embedded = `${BASE}/app/tasks?embedded=1&shop=demo-store.myshopify.com&host=aG9zdA`;
    expect(localReauthRedirect(new Request(embedded))).toBeNull();
    const withToken = new Request(`${BASE}/app/tasks?_data=routes%2Fapp.tasks`, {
      headers: { Authorization: "Bearer x" },
    });
    expect(localReauthRedirect(withToken)).toBeNull();
    expect(localReauthRedirect(new Request(`${BASE}/app/tasks`, { method: "POST", body: "a=1" }))).toBeNull();
    expect(localReauthRedirect(new Request(`${BASE}/webhooks/app/uninstalled`))).toBeNull();
  });
});

describe("the shop cookie", () => {
  it("round-trips the shop chosen at login", () => {
    const cookie = shopCookie("other-shop.myshopify.com").split(";")[0];
    const request = new Request(BASE, { headers: { cookie: `a=b; ${cookie}` } });
    expect(shopFromCookie(request)).toBe("other-shop.myshopify.com");
    expect(shopFromCookie(new Request(BASE))).toBeNull();
  });
});
