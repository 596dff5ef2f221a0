// Local development mode: the app talks to the local development store instead of Shopify.
// It is configured, never switched on by an import: LOCAL_STORE_URL (set by `npm run dev`, the e2e
// server or a test) names the store; the Shopify app (app/services/shopify/app.server.ts) installs the rewrite
// when it is created, and app/services/shopify/admin-api.server.ts asks adminRequestTarget() per request.
// Refused in production (app/config.server.ts).
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

/** Where the local store's App Bridge stub is served (`npm run dev` sets APP_BRIDGE_URL to it). */
export const LOCAL_APP_BRIDGE_PATH = "/local/app-bridge.js";

/**
 * Where a request for https://<shop>/admin/... goes: to the local store (the shop named in a header)
 * when `storeOrigin` is set, else unchanged. Anything else is never rewritten.
 */
export function adminRequestTarget(url: URL, storeOrigin: string | null): { url: URL; shopHeader: string | null } {
  if (!storeOrigin || !url.hostname.endsWith(".myshopify.com") || !url.pathname.startsWith("/admin/")) {
    return { url, shopHeader: null };
  }
  return { url: new URL(url.pathname + url.search, storeOrigin), shopHeader: url.hostname };
}

/** Sends the Shopify library's Admin API and OAuth calls to the local store; everything else to the network. */
export function installLocalStoreFetch(storeOrigin: string): void {
  const realFetch = globalThis.fetch;
  setAbstractFetchFunc(async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const target = adminRequestTarget(url, storeOrigin);
    if (!target.shopHeader) return realFetch(input as RequestInfo, init);
    const headers = new Headers(init?.headers);
    headers.set("X-Hookline-Shop", target.shopHeader);
    return realFetch(target.url, { ...init, headers });
  });
}
