// Local App Bridge stub's idToken(): a fresh session token for a shop (local mode only).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { LOCAL_SHOP, apiKey, apiSecret } from "../config.server";
import { assertLocalRoutesEnabled, parseShopParam } from "~/services/local-mode/guard.server";
import { mintSessionToken } from "~/services/local-mode/session-token.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  assertLocalRoutesEnabled();
  const shop = parseShopParam(new URL(request.url).searchParams.get("shop"), LOCAL_SHOP);
  if (!shop) return Response.json({ error: "invalid shop" }, { status: 400 });
  return Response.json(
    { token: mintSessionToken(shop, apiKey(), apiSecret()) },
    { headers: { "Cache-Control": "no-store" } },
  );
};
