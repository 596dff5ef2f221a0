// The Shopify app: authentication, sessions and the Admin API client, created on first use by
// shopify() (importing this module does nothing, so a process without credentials can still load
// it: ingress, the worker, the CLI). In local mode (LOCAL_STORE_URL) Admin API calls go to the
// local development store.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "~/data/db.server";
import { apiKey, apiSecret, appUrl, config, localStoreUrl } from "~/config.server";
import { installLocalStoreFetch } from "~/services/local-mode/admin-requests.server";
import { localRoutesEnabled } from "~/services/local-mode/guard.server";
import { localReauthRedirect } from "~/services/local-mode/reauth.server";
import { shopInstalled } from "~/services/shops/installation.server";
import { ensureCustomerMetafieldDefinition } from "~/services/shopify/metafield-definition.server";
import { syncShopifySubscriptionsQuietly } from "~/services/shopify/webhook-subscriptions.server";

export const apiVersion = ApiVersion.October25;

function createShopifyApp() {
  if (!apiKey() || !apiSecret()) {
    throw new Error(
      "SHOPIFY_API_KEY and SHOPIFY_API_SECRET are not set. Use `shopify app dev`, or `npm run dev` for the local development store.",
    );
  }
  // After the node adapter's import (above), which installs its own fetch: ours must win.
  const storeUrl = localStoreUrl();
  if (storeUrl) installLocalStoreFetch(storeUrl);
  return shopifyApp({
    apiKey: apiKey(),
    apiSecretKey: apiSecret(),
    apiVersion,
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
        await shopInstalled(session.shop, session.scope ?? null);
        // Storefront Liquid can read the customer result metafield only with a definition (issue 6).
        // Idempotent; a failure is logged and retried at the next auth rather than blocking install.
        await ensureCustomerMetafieldDefinition(session.shop).catch((error: unknown) =>
          console.error(`[install] ${error instanceof Error ? error.message : String(error)}`),
        );
        // Subscriptions for the shop's enabled tasks' Shopify topics (a reinstall brings them back).
        // Not awaited: opening the app never waits for it; it logs and never throws.
        void syncShopifySubscriptionsQuietly(session.shop, "install");
      },
    },
  });
}

let app: ReturnType<typeof createShopifyApp> | null = null;

/** The Shopify app, created on first use. Throws when no credentials are configured (nor local mode). */
export function shopify(): ReturnType<typeof createShopifyApp> {
  return (app ??= createShopifyApp());
}

// The names Shopify's template exports, each reaching the app only when called.
export const authenticate = {
  admin: (request: Request) => {
    // Local mode: a reload or a new tab re-authenticates through /local/login, as Shopify admin would.
    const reauth = localRoutesEnabled() ? localReauthRedirect(request) : null;
    if (reauth) throw reauth;
    return shopify().authenticate.admin(request);
  },
  webhook: (request: Request) => shopify().authenticate.webhook(request),
};

export function addDocumentResponseHeaders(request: Request, headers: Headers): void {
  shopify().addDocumentResponseHeaders(request, headers);
}

export function login(request: Request) {
  return shopify().login(request);
}
