// The Shopify app: authentication, sessions and the Admin API client.
// In local mode (LOCAL_STORE_URL set, not production) Admin API calls go to the local development store.
import { setUpLocalMode } from "./local/local-mode.server";
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { apiKey, apiSecret, appUrl, config } from "./config.server";
import { onShopInstalled } from "./models/shops.server";
import { ensureCustomerMetafieldDefinition } from "./models/metafield-definition.server";

// After the node adapter import: our fetch must win over the adapter's default.
setUpLocalMode();

if (!apiKey() || !apiSecret()) {
  throw new Error(
    "SHOPIFY_API_KEY and SHOPIFY_API_SECRET are not set. Use `shopify app dev`, or `npm run dev` for the local development store.",
  );
}

const shopify = shopifyApp({
  apiKey: apiKey(),
  apiSecretKey: apiSecret(),
  apiVersion: ApiVersion.October25,
  scopes: config().shopify.scopes,
  appUrl: appUrl(),
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      await onShopInstalled(session.shop, session.scope ?? null);
      // Storefront Liquid can read the customer result metafield only with a definition (issue 6).
      // Idempotent; a failure is logged and retried at the next auth rather than blocking install.
      await ensureCustomerMetafieldDefinition(session.shop).catch((error: unknown) =>
        console.error(`[install] ${error instanceof Error ? error.message : String(error)}`),
      );
    },
  },
});

export default shopify;
export const apiVersion = ApiVersion.October25;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
