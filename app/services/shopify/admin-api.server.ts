// Admin GraphQL calls on behalf of a shop, outside a merchant's request (worker, ingress, CLI).
// Uses the shop's stored offline session. Returns the raw HTTP status and parsed body so callers
// can tell throttling, userErrors and server errors apart.
import prisma from "~/data/db.server";
import { API_VERSION, localStoreUrl } from "~/config.server";
import { adminRequestTarget } from "~/services/local-mode/admin-requests.server";

export class MissingSessionError extends Error {
  constructor(shop: string) {
    super(`No offline session for ${shop}: open the app from the shop's admin to install it`);
    this.name = "MissingSessionError";
  }
}

export interface AdminGraphqlResponse {
  status: number;
  body: any;
}

/** Shopify's id for a shop's offline session (as @shopify/shopify-api names it). */
export function offlineSessionId(shop: string): string {
  return `offline_${shop}`;
}

export async function offlineAccessToken(shop: string): Promise<string> {
  // The row the Shopify app's session storage writes (read directly: no Shopify app needed here).
  const session = await prisma.session.findUnique({
    where: { id: offlineSessionId(shop) },
    select: { accessToken: true },
  });
  if (!session?.accessToken) throw new MissingSessionError(shop);
  return session.accessToken;
}

export async function adminGraphql(
  shop: string,
  query: string,
  variables?: Record<string, unknown>,
  options: { signal?: AbortSignal } = {},
): Promise<AdminGraphqlResponse> {
  const token = await offlineAccessToken(shop);
  const target = adminRequestTarget(new URL(`https://${shop}/admin/api/${API_VERSION}/graphql.json`), localStoreUrl());
  const response = await fetch(target.url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Access-Token": token,
      Accept: "application/json",
      ...(target.shopHeader ? { "X-Hookline-Shop": target.shopHeader } : {}),
    },
    body: JSON.stringify({ query, variables: variables ?? {} }),
    signal: options.signal,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (e.g. a proxy's HTML error page): keep the text
  }
  return { status: response.status, body };
}
