// Local development mode: the app talks to the local development store instead of Shopify.
// Imported by app/shopify.server.ts BEFORE the Shopify node adapter, because the adapter reads
// APP_BRIDGE_URL when it is imported. Does nothing in production or without LOCAL_STORE_URL.
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { appUrl, localStoreUrl } from "../config.server";

export const LOCAL_APP_BRIDGE_PATH = "/local/app-bridge.js";

const storeUrl = localStoreUrl();

if (storeUrl) {
  process.env.APP_BRIDGE_URL = `${appUrl()}${LOCAL_APP_BRIDGE_PATH}`;
}

/**
 * Rewrites Admin API and OAuth calls for https://<shop>/admin/... to the local store, passing the
 * shop in a header. Everything else goes to the network untouched.
 */
export function installLocalStoreFetch(storeOrigin: string): void {
  const realFetch = globalThis.fetch;
  setAbstractFetchFunc(async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (url.hostname.endsWith(".myshopify.com") && url.pathname.startsWith("/admin/")) {
      const target = new URL(url.pathname + url.search, storeOrigin);
      const headers = new Headers(init?.headers);
      headers.set("X-Hookline-Shop", url.hostname);
      return realFetch(target, { ...init, headers });
    }
    return realFetch(input as RequestInfo, init);
  });
}

export function setUpLocalMode(): void {
  if (storeUrl) installLocalStoreFetch(storeUrl);
}
