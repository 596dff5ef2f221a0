// Admin GraphQL calls on behalf of a shop, outside a merchant's request (worker, ingress, CLI).
// Uses the shop's stored offline session. Returns the raw HTTP status and parsed body so callers
// can tell throttling, userErrors and server errors apart.
import { abstractFetch } from "@shopify/shopify-api/runtime";
import { sessionStorage } from "./shopify.server";
import { API_VERSION } from "./config.server";

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
  const session = await sessionStorage.loadSession(offlineSessionId(shop));
  if (!session?.accessToken) throw new MissingSessionError(shop);
  return session.accessToken;
}

export async function adminGraphql(
  shop: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<AdminGraphqlResponse> {
  const token = await offlineAccessToken(shop);
  const response = await abstractFetch(`https://${shop}/admin/api/${API_VERSION}/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token, Accept: "application/json" },
    body: JSON.stringify({ query, variables: variables ?? {} }),
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
