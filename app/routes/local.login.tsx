// Local development login: stands in for opening the app from Shopify admin.
// Mints a session token for the chosen shop and enters the embedded app with it. A reload or a new
// tab of an /app/... page comes back here with ?path= (app/services/local-mode/reauth.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { LOCAL_SHOP, apiKey, apiSecret } from "../config.server";
import { assertLocalRoutesEnabled, parseShopParam } from "~/services/local-mode/guard.server";
import { safeAppPath, shopCookie, shopFromCookie } from "~/services/local-mode/reauth.server";
import { adminHost, mintSessionToken } from "~/services/local-mode/session-token.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  assertLocalRoutesEnabled();
  const url = new URL(request.url);
  const shop = parseShopParam(url.searchParams.get("shop") || shopFromCookie(request), LOCAL_SHOP);
  if (!shop) return new Response("Invalid shop: expected <name>.myshopify.com", { status: 400 });
  const token = mintSessionToken(shop, apiKey(), apiSecret());
  const target = new URLSearchParams({ embedded: "1", shop, host: adminHost(shop), id_token: token });
  const path = safeAppPath(url.searchParams.get("path"));
  const separator = path.includes("?") ? "&" : "?";
  throw redirect(`${path}${separator}${target.toString()}`, { headers: { "Set-Cookie": shopCookie(shop) } });
};
