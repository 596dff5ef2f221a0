// The environment that puts the app, the worker and the local store in local mode: the one place
// where `npm run dev` and the e2e server switch it on (the app itself never does).
import { LOCAL_APP_BRIDGE_PATH } from "../../app/services/local-mode/admin-requests.server";

export function localModeEnv(appUrl: string, storeUrl: string): Record<string, string> {
  return {
    LOCAL_STORE_URL: storeUrl,
    LOCAL_STORE_PORT: new URL(storeUrl).port,
    SHOPIFY_APP_URL: appUrl,
    // Read by @shopify/shopify-app-remix when it loads, and by app/routes/app.tsx: embedded pages use
    // the local stub instead of Shopify's CDN (unreachable offline).
    APP_BRIDGE_URL: `${appUrl}${LOCAL_APP_BRIDGE_PATH}`,
  };
}

/** Without credentials: local mode uses its own key and secret (LOCAL_API_KEY in app/config.server.ts). */
export function withoutShopifyCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { SHOPIFY_API_KEY: _key, SHOPIFY_API_SECRET: _secret, ...rest } = env;
  return rest;
}
