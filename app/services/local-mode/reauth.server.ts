// Local mode stands in for Shopify admin, which reloads the app's iframe with fresh `shop`, `host`
// and `id_token` parameters whenever the merchant reloads a page or opens it in a new tab. Without
// it, a document request for /app/... that lost those parameters (client-side navigation drops them)
// would go to Shopify's login path. Here it goes back through /local/login?path=<path + query>,
// which mints a session token for the shop the merchant last logged in as (a cookie) and returns.
import { redirect } from "@remix-run/node";

/** The shop chosen at /local/login, remembered for reloads and new tabs (local mode only). */
export const LOCAL_SHOP_COOKIE = "hookline_local_shop";

// Parameters Shopify admin adds to the app's URL; the login replaces them with fresh ones.
const EMBEDDING_PARAMS = ["embedded", "shop", "host", "id_token", "session", "hmac", "timestamp", "locale"];
const APP_PATH = /^\/app(\/[\w\-./~%]*)?$/;

/**
 * The app path (with its own query, without the embedding parameters) a login may return to, or
 * "/app" for anything else: another origin, a path outside the app, a protocol-relative URL.
 */
export function safeAppPath(path: string | null): string {
  if (!path || !path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return "/app";
  let url: URL;
  try {
    url = new URL(path, "http://local.invalid");
  } catch {
    return "/app";
  }
  if (url.origin !== "http://local.invalid" || !APP_PATH.test(url.pathname) || url.pathname.includes("..")) {
    return "/app";
  }
  for (const name of EMBEDDING_PARAMS) url.searchParams.delete(name);
  url.searchParams.delete("_data");
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

/** Where a page load that Shopify's library would send to its login path goes instead. */
export function localLoginUrl(request: Request): string {
  const url = new URL(request.url);
  return `/local/login?${new URLSearchParams({ path: safeAppPath(url.pathname + url.search) }).toString()}`;
}

/**
 * A redirect to the local login for a page load of /app/... that lacks what Shopify admin would
 * have passed (embedded=1, shop, host), or null when the request can be authenticated as it is
 * (it carries a session token header, or the embedding parameters).
 */
export function localReauthRedirect(request: Request): Response | null {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  if (request.headers.get("authorization")) return null;
  const url = new URL(request.url);
  if (!APP_PATH.test(url.pathname)) return null;
  const params = url.searchParams;
  if (params.get("embedded") === "1" && params.get("shop") && params.get("host")) return null;
  return redirect(localLoginUrl(request));
}

export function shopFromCookie(request: Request): string | null {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === LOCAL_SHOP_COOKIE) return decodeURIComponent(value.join("="));
  }
  return null;
}

export function shopCookie(shop: string): string {
  return `${LOCAL_SHOP_COOKIE}=${encodeURIComponent(shop)}; Path=/; HttpOnly; SameSite=Lax`;
}
