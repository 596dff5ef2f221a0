// The local development store's HTTP server (node:http, no framework): the Admin GraphQL API,
// token exchange, and `/_local/` endpoints for tests and developers to look inside.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { AccessTokens, answerAccessTokenRequest } from "./auth";
import { DEFAULT_MAX_QUERY_COST, executeAdminGraphql, type GraphqlRequestBody } from "./graphql";
import { customerSummary } from "./resolvers";
import { adminSchemaLoadMs, loadAdminSchema, SCHEMA_API_VERSION } from "./schema";
import { LocalStoreState } from "./state";
import { handleStorefrontRequest } from "./storefront/preview";
import { DEFAULT_BUCKET_SIZE, DEFAULT_RESTORE_RATE, Throttle } from "./throttle";

export const DEFAULT_LOCAL_API_KEY = "hookline-local-api-key";
export const DEFAULT_LOCAL_API_SECRET = "hookline-local-api-secret";
export const DEFAULT_SCOPES = "read_customers,write_customers";
export const INVALID_TOKEN_MESSAGE = "[API] Invalid API key or access token (unrecognized login or wrong password)";
const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface LocalStoreOptions {
  /** App API key (client id). Default: SHOPIFY_API_KEY, else "hookline-local-api-key". */
  apiKey?: string;
  /** App secret: verifies session tokens and client_secret. Default: SHOPIFY_API_SECRET, else "hookline-local-api-secret". */
  apiSecret?: string;
  /** Scopes granted by token exchange. Default: SCOPES, else "read_customers,write_customers". */
  scopes?: string;
  /** Throttle bucket size. Default: LOCAL_STORE_BUCKET_SIZE, else 1000. */
  bucketSize?: number;
  /** Throttle restore rate in points per second. Default: LOCAL_STORE_RESTORE_RATE, else 50. */
  restoreRate?: number;
  /** Largest cost a single query may request (Shopify: 1000). */
  maxQueryCost?: number;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Milliseconds clock for throttling and token expiry; tests can pin it. */
  now?: () => number;
  /** Numeric app id for the app-reserved metafield namespace `app--<id>` (default 1). */
  appId?: number;
}

export interface LocalStore {
  server: Server;
  state: LocalStoreState;
  throttle: Throttle;
  tokens: AccessTokens;
  apiKey: string;
  apiSecret: string;
  /** Base URL once listening, e.g. http://127.0.0.1:3001; null before. */
  readonly url: string | null;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** The offline access token the store issues for a shop (what token exchange would return). */
  offlineAccessToken(shop: string): string;
  /** Back to the seed data, with full throttle buckets. Issued tokens stay valid. */
  reset(): void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === "string" ? body : JSON.stringify(body));
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(
      new HttpError(413, { errors: `Request body is larger than ${limit} bytes` }, { Connection: "close" }),
    );
  }
  // Reads to the end even when too large (keeping nothing past the limit), so the client gets
  // the 413 answer instead of a reset connection.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on("end", () => {
      if (size > limit) reject(new HttpError(413, { errors: `Request body is larger than ${limit} bytes` }));
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
    request.on("error", reject);
  });
}

function mediaType(request: IncomingMessage): string {
  return (request.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

function requireMethod(request: IncomingMessage, allowed: string): void {
  if (request.method !== allowed) {
    throw new HttpError(405, { errors: `Method ${request.method} not allowed; use ${allowed}` }, { Allow: allowed });
  }
}

/** The shop a request is for: the app's fetch wrapper names it in X-Hookline-Shop, else the Host. */
function requestShop(request: IncomingMessage): string {
  const header = request.headers["x-hookline-shop"];
  const named = (Array.isArray(header) ? header[0] : header) ?? request.headers.host ?? "";
  return named.trim().toLowerCase().replace(/:\d+$/, "");
}

function singleHeader(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function createLocalStore(options: LocalStoreOptions = {}): LocalStore {
  // Configured by its caller (scripts/local-store.ts passes the app's configuration); never by the environment.
  const apiKey = options.apiKey ?? DEFAULT_LOCAL_API_KEY;
  const apiSecret = options.apiSecret ?? DEFAULT_LOCAL_API_SECRET;
  const scopes = options.scopes ?? DEFAULT_SCOPES;
  const nowMs = options.now ?? (() => Date.now());
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const maxQueryCost = options.maxQueryCost ?? DEFAULT_MAX_QUERY_COST;

  const state = new LocalStoreState({ appId: options.appId, now: () => new Date(nowMs()) });
  const throttle = new Throttle({
    maximumAvailable: options.bucketSize ?? DEFAULT_BUCKET_SIZE,
    restoreRate: options.restoreRate ?? DEFAULT_RESTORE_RATE,
    now: nowMs,
  });
  state.onReset(() => throttle.reset());
  const tokens = new AccessTokens(apiSecret, nowMs);
  let baseUrl: string | null = null;

  const knownShopOrThrow = (shop: string): string => {
    if (!state.hasShop(shop)) throw new HttpError(404, { errors: "Not Found" });
    return shop;
  };

  async function handleGraphql(request: IncomingMessage, response: ServerResponse, version: string): Promise<void> {
    requireMethod(request, "POST");
    const shop = knownShopOrThrow(requestShop(request));
    const token = singleHeader(request, "x-shopify-access-token");
    if (!token || !tokens.isValidFor(shop, token)) throw new HttpError(401, { errors: INVALID_TOKEN_MESSAGE });

    const raw = await readBody(request, bodyLimit);
    let body: GraphqlRequestBody;
    if (mediaType(request) === "application/graphql") {
      body = { query: raw };
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new HttpError(400, { errors: "Request body is not valid JSON" });
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new HttpError(400, { errors: "Request body must be a JSON object with a query" });
      }
      body = parsed as GraphqlRequestBody;
    }
    const result = await executeAdminGraphql({ state, throttle, shop, maxQueryCost }, body);
    sendJson(response, 200, result, {
      "X-Shopify-API-Version": version === SCHEMA_API_VERSION ? version : SCHEMA_API_VERSION,
      "X-Request-Id": randomUUID(),
    });
  }

  async function handleAccessToken(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requireMethod(request, "POST");
    const shop = knownShopOrThrow(requestShop(request));
    const raw = await readBody(request, bodyLimit);
    let params: Record<string, unknown>;
    if (mediaType(request) === "application/x-www-form-urlencoded") {
      params = Object.fromEntries(new URLSearchParams(raw));
    } else {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
        params = parsed as Record<string, unknown>;
      } catch {
        throw new HttpError(400, { error: "invalid_request", error_description: "Body must be JSON or form encoded" });
      }
    }
    const answer = answerAccessTokenRequest(
      {
        apiKey,
        apiSecret,
        scopes,
        tokens,
        nowMs,
        shopOwner: (domain) => {
          const found = state.getShop(domain);
          if (!found) return null;
          const [firstName, ...rest] = found.shopOwnerName.split(" ");
          return { firstName, lastName: rest.join(" "), email: found.email };
        },
      },
      shop,
      params,
    );
    sendJson(response, answer.status, answer.body);
  }

  function handleLocal(request: IncomingMessage, response: ServerResponse, pathname: string): void {
    if (pathname === "/_local/health") {
      requireMethod(request, "GET");
      sendJson(response, 200, {
        ok: true,
        apiVersion: SCHEMA_API_VERSION,
        schemaLoadMs: adminSchemaLoadMs(),
        shops: state.shopDomains(),
      });
      return;
    }
    if (pathname === "/_local/reset") {
      requireMethod(request, "POST");
      state.reset();
      sendJson(response, 200, { ok: true, shops: state.shopDomains() });
      return;
    }
    if (pathname === "/_local/shops") {
      requireMethod(request, "GET");
      sendJson(response, 200, { shops: state.shopDomains().map((domain) => state.getShop(domain)) });
      return;
    }
    const customers = /^\/_local\/shops\/([^/]+)\/customers$/.exec(pathname);
    if (customers) {
      requireMethod(request, "GET");
      const shop = decodeURIComponent(customers[1]).toLowerCase();
      if (!state.hasShop(shop)) throw new HttpError(404, { error: `Unknown shop ${shop}` });
      sendJson(response, 200, { shop, customers: state.listCustomers(shop).map(customerSummary) });
      return;
    }
    const metafields = /^\/_local\/shops\/([^/]+)\/customers\/([^/]+)\/metafields$/.exec(pathname);
    if (metafields) {
      requireMethod(request, "GET");
      const shop = decodeURIComponent(metafields[1]).toLowerCase();
      if (!state.hasShop(shop)) throw new HttpError(404, { error: `Unknown shop ${shop}` });
      const customer = state.getCustomer(shop, decodeURIComponent(metafields[2]));
      if (!customer)
        throw new HttpError(404, { error: `Unknown customer ${decodeURIComponent(metafields[2])} in ${shop}` });
      sendJson(response, 200, {
        shop,
        customer: customerSummary(customer),
        metafields: state.listMetafields(shop, customer.id).map((metafield) => ({
          ...metafield,
          id: `gid://shopify/Metafield/${metafield.id}`,
        })),
      });
      return;
    }
    throw new HttpError(404, { error: "Not Found" });
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const pathname = new URL(request.url ?? "/", "http://local-store").pathname;
    const graphql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(pathname);
    if (graphql) {
      if (!/^(\d{4}-\d{2}|unstable)$/.test(graphql[1])) throw new HttpError(404, { errors: "Not Found" });
      await handleGraphql(request, response, graphql[1]);
      return;
    }
    if (pathname === "/admin/oauth/access_token") return handleAccessToken(request, response);
    // Storefront preview of the theme app extension (issue 6): see ./storefront/preview.ts.
    if (await handleStorefrontRequest(request, response, { state })) return;
    if (pathname.startsWith("/_local/")) return handleLocal(request, response, pathname);
    throw new HttpError(404, { errors: "Not Found" });
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof HttpError) {
        // Drain what is left of a refused body so the client sees the answer, not a reset.
        request.resume();
        sendJson(response, error.status, error.body, error.headers);
        return;
      }
      console.error("local store: unexpected error", error);
      sendJson(response, 500, { errors: "Internal error in the local development store" });
    });
  });

  return {
    server,
    state,
    throttle,
    tokens,
    apiKey,
    apiSecret,
    get url() {
      return baseUrl;
    },
    listen(port = 0, host = "127.0.0.1") {
      // Build the schema before the first request, so that request is not the slow one.
      loadAdminSchema();
      return new Promise<string>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
          resolve(baseUrl);
        });
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
    offlineAccessToken(shop: string) {
      return tokens.offlineToken(shop);
    },
    reset() {
      state.reset();
    },
  };
}
