// Shared helpers for the local development store tests: a store on a free port, real HTTP.
import { afterAll, beforeAll } from "vitest";
import { createLocalStore, signSessionToken, type LocalStore, type LocalStoreOptions } from "~/local-store";

export const DEMO_SHOP = "demo-store.myshopify.com";
export const OTHER_SHOP = "other-store.myshopify.com";
export const API_KEY = "test-api-key";
export const API_SECRET = "test-api-secret";
/** Every scope the store checks, for tests that are not about scopes. */
export const ALL_SCOPES =
  "read_customers,write_customers,read_products,write_products,read_orders,write_orders," +
  "read_draft_orders,write_draft_orders,read_inventory,write_inventory";

export interface GraphqlAnswer {
  status: number;
  body: {
    data?: Record<string, any> | null;
    errors?: { message: string; locations?: unknown; path?: unknown[]; extensions: Record<string, any> }[];
    extensions: {
      cost: {
        requestedQueryCost: number;
        actualQueryCost: number | null;
        throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
      };
    };
  };
}

/** Starts a store for the file's tests (port 0) and closes it afterwards. */
export function localStoreForFile(options: LocalStoreOptions = {}): {
  readonly store: LocalStore;
  readonly url: string;
} {
  const holder = {} as { store: LocalStore; url: string };
  beforeAll(async () => {
    holder.store = createLocalStore({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      scopes: "read_customers,write_customers",
      ...options,
    });
    holder.url = await holder.store.listen(0, "127.0.0.1");
  });
  afterAll(async () => {
    await holder.store?.close();
  });
  return {
    get store() {
      return holder.store;
    },
    get url() {
      return holder.url;
    },
  };
}

export async function graphql(
  ctx: { store: LocalStore; url: string },
  query: string,
  variables?: Record<string, unknown>,
  options: { shop?: string; token?: string; operationName?: string } = {},
): Promise<GraphqlAnswer> {
  const shop = options.shop ?? DEMO_SHOP;
  const response = await fetch(`${ctx.url}/admin/api/2025-10/graphql.json`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Hookline-Shop": shop,
      "X-Shopify-Access-Token": options.token ?? ctx.store.offlineAccessToken(shop),
    },
    body: JSON.stringify({ query, variables, operationName: options.operationName }),
  });
  return { status: response.status, body: (await response.json()) as GraphqlAnswer["body"] };
}

/** A session token as App Bridge would mint it (same claims as shopify-api's test getJwt). */
export function sessionToken(shop: string, overrides: Record<string, unknown> = {}, secret = API_SECRET): string {
  const now = Date.now() / 1000;
  return signSessionToken(
    {
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: API_KEY,
      sub: "42",
      exp: now + 3600,
      nbf: now - 60,
      iat: now - 60,
      jti: "jti-1",
      sid: "sid-1",
      ...overrides,
    } as Parameters<typeof signSessionToken>[0],
    secret,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
