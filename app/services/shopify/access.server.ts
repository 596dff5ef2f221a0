// The access scopes a shop has granted the app, as Hookline last learned them: at install (the
// session's scopes), from app/scopes_update, and from Shopify itself after the merchant answers a
// scopes request on a task page (refreshGrantedScopes), so the page never waits for the webhook.
import prisma from "~/data/db.server";
import { splitScopes } from "~/domain/shopify/task-access";
import { adminGraphql as defaultAdminGraphql, offlineSessionId } from "./admin-api.server";
import { syncShopifySubscriptionsQuietly, type AdminGraphqlFn } from "./webhook-subscriptions.server";

/** The shop's granted scopes: its Shop row's, else its offline session's. */
export async function grantedScopes(shop: string): Promise<string[]> {
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { scopes: true } });
  if (row?.scopes) return splitScopes(row.scopes);
  const session = await prisma.session.findUnique({ where: { id: offlineSessionId(shop) }, select: { scope: true } });
  return splitScopes(session?.scope);
}

const ACCESS_SCOPES = `query HooklineAccessScopes { currentAppInstallation { accessScopes { handle } } }`;

/**
 * Asks Shopify which scopes the app has now, stores them (Shop row and offline session) and syncs
 * the shop's webhook subscriptions (topics waiting for a scope get theirs). Returns the scopes.
 */
export async function refreshGrantedScopes(
  shop: string,
  adminGraphql: AdminGraphqlFn = defaultAdminGraphql,
): Promise<string[]> {
  const response = await adminGraphql(shop, ACCESS_SCOPES);
  const handles = (response.body as { data?: any })?.data?.currentAppInstallation?.accessScopes;
  if (response.status !== 200 || !Array.isArray(handles)) {
    throw new Error(`Could not read the app's access scopes from Shopify (HTTP ${response.status})`);
  }
  const scopes = (handles as { handle: string }[]).map((s) => s.handle);
  const joined = scopes.join(",");
  await prisma.$transaction([
    prisma.shop.updateMany({ where: { domain: shop }, data: { scopes: joined } }),
    prisma.session.updateMany({ where: { id: offlineSessionId(shop) }, data: { scope: joined } }),
  ]);
  await syncShopifySubscriptionsQuietly(shop, "scopes granted", adminGraphql);
  return scopes;
}
