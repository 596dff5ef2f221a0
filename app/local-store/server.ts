// The local development store's HTTP server (node:http, no framework): the Admin GraphQL API,
// token exchange, and `/_local/` endpoints for tests and developers to look inside.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { HttpError, mediaType, readBody, requestShop, requireMethod, sendJson, singleHeader } from "./http-util";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { readAppConfig, splitScopes, type LocalAppConfig } from "./app-config";
import { AccessTokens, answerAccessTokenRequest } from "./auth";
import { DEFAULT_MAX_QUERY_COST, executeAdminGraphql, type GraphqlRequestBody } from "./graphql";
import { adminSchemaLoadMs, loadAdminSchema, SCHEMA_API_VERSION } from "./schema";
import { LocalStoreState } from "./state";
import { handleStorefrontRequest } from "./storefront/preview";
import { DEFAULT_BUCKET_SIZE, DEFAULT_RESTORE_RATE, Throttle } from "./throttle";
import { StoreFaults, storeFaultProblem, type StoreFaultMode } from "./faults";
import { WebhookDispatcher } from "./webhooks/dispatcher";
import { handleLocalApi } from "./local-api";
import { MailCatcher } from "./mail/catcher";
import { renderMailPage, renderStorePage } from "./local-page";

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
  /** The app's configuration (optional scopes, app-wide webhook subscriptions). Default: ./shopify.app.toml. */
  appConfig?: LocalAppConfig;
  /** Optional scopes the app may request. Default: `optional_scopes` of the app configuration. */
  optionalScopes?: string[];
  /** Where relative webhook uris of the app configuration point (the app's SHOPIFY_APP_URL). Default: none. */
  appUrl?: string | null;
  /** Multiplies webhook retry delays (1 = Shopify's; tests shrink them). Default: 1. */
  webhookTimeScale?: number;
  /** How long a webhook delivery may take before it counts as failed (Shopify: 5 s). */
  webhookTimeoutMs?: number;
  /** Port of the mail catcher (SMTP) started by listen(); 0 picks a free one; undefined: none. */
  smtpPort?: number;
}

export interface LocalStore {
  server: Server;
  state: LocalStoreState;
  throttle: Throttle;
  /** Injected Admin API faults (5xx, THROTTLED) for a while: `/_local/faults`. */
  faults: StoreFaults;
  tokens: AccessTokens;
  /** Webhook deliveries to the app (records, retries). */
  webhooks: WebhookDispatcher;
  /** The mail catcher, when smtpPort was given (listening after listen()). */
  mail: MailCatcher | null;
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

export function createLocalStore(options: LocalStoreOptions = {}): LocalStore {
  // Configured by its caller (scripts/local-store.ts passes the app's configuration); never by the environment.
  const apiKey = options.apiKey ?? DEFAULT_LOCAL_API_KEY;
  const apiSecret = options.apiSecret ?? DEFAULT_LOCAL_API_SECRET;
  const scopes = options.scopes ?? DEFAULT_SCOPES;
  const nowMs = options.now ?? (() => Date.now());
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const maxQueryCost = options.maxQueryCost ?? DEFAULT_MAX_QUERY_COST;

  const appConfig = options.appConfig ?? readAppConfig();
  const state = new LocalStoreState({
    appId: options.appId,
    now: () => new Date(nowMs()),
    requiredScopes: splitScopes(scopes),
    optionalScopes: options.optionalScopes ?? appConfig.optionalScopes,
    apiVersion: SCHEMA_API_VERSION,
  });
  const webhooks = new WebhookDispatcher({
    feed: state.changes,
    subscriptions: state.webhookSubscriptions,
    appSubscriptions: appConfig.subscriptions,
    appUrl: options.appUrl ?? null,
    apiSecret,
    apiVersion: appConfig.webhooksApiVersion ?? SCHEMA_API_VERSION,
    isInstalled: (shop) => state.installations.isInstalled(shop),
    timeScale: options.webhookTimeScale ?? 1,
    timeoutMs: options.webhookTimeoutMs,
  });
  state.onReset(() => webhooks.clear());
  const mail = options.smtpPort === undefined ? null : new MailCatcher();
  const throttle = new Throttle({
    maximumAvailable: options.bucketSize ?? DEFAULT_BUCKET_SIZE,
    restoreRate: options.restoreRate ?? DEFAULT_RESTORE_RATE,
    now: nowMs,
  });
  state.onReset(() => throttle.reset());
  const faults = new StoreFaults(nowMs);
  state.onReset(() => faults.clear());
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
    // An uninstalled app's tokens are revoked.
    if (!state.installations.isInstalled(shop)) throw new HttpError(401, { errors: INVALID_TOKEN_MESSAGE });

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
    const injected = faults.serverError();
    if (injected) {
      sendJson(response, injected.status, injected.body, { "X-Request-Id": injected.requestId });
      return;
    }
    const throttling = faults.throttling();
    if (throttling) throttle.bucket(shop).drain();
    const result = await executeAdminGraphql({ state, throttle, shop, maxQueryCost, apiKey }, body);
    if (
      throttling &&
      result.errors?.some((error) => (error as { extensions?: { code?: unknown } }).extensions?.code === "THROTTLED")
    )
      faults.countThrottled();
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
        scopes: (domain) => state.installations.granted(domain).join(","),
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
    // A successful token exchange is the merchant opening the app: it installs it again if needed.
    if (answer.status === 200) state.installApp(shop);
    sendJson(response, answer.status, answer.body);
  }

  function sendHtml(response: ServerResponse, html: string): void {
    response.writeHead(200, {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Length": Buffer.byteLength(html),
      "Cache-Control": "no-store",
    });
    response.end(html);
  }

  async function handleLocal(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
    if (pathname === "/_local/" || pathname === "/_local") {
      requireMethod(request, "GET");
      const shop = new URL(request.url ?? "/", "http://local-store").searchParams.get("shop");
      sendHtml(response, renderStorePage(state, webhooks, shop?.toLowerCase() ?? null));
      return;
    }
    if (pathname === "/_local/mail/view") {
      requireMethod(request, "GET");
      sendHtml(response, renderMailPage(state, mail));
      return;
    }
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
    if (pathname === "/_local/faults") {
      await handleFaults(request, response);
      return;
    }
    if (pathname === "/_local/shops") {
      requireMethod(request, "GET");
      sendJson(response, 200, { shops: state.shopDomains().map((domain) => state.getShop(domain)) });
      return;
    }
    const handled = await handleLocalApi(request, response, pathname, {
      state,
      webhooks,
      mail,
      apiKey,
      apiSecret,
      nowMs,
      bodyLimit,
    });
    if (!handled) throw new HttpError(404, { error: "Not Found" });
  }

  /** GET: the current fault; POST {mode: "5xx" | "throttle", forMs, status?} sets one, {mode: "none"} or DELETE ends it. */
  async function handleFaults(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === "DELETE") {
      faults.clear();
    } else if (request.method === "POST") {
      const raw = await readBody(request, bodyLimit);
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(raw || "{}");
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
        body = parsed as Record<string, unknown>;
      } catch {
        throw new HttpError(400, { error: 'Body must be a JSON object like {"mode": "5xx", "forMs": 10000}' });
      }
      if (body.mode === "none") {
        faults.clear();
      } else {
        const problem = storeFaultProblem(body.mode, body.forMs, body.status);
        if (problem) throw new HttpError(400, { error: problem });
        faults.set(body.mode as StoreFaultMode, body.forMs as number, body.status as number | undefined);
      }
    } else {
      requireMethod(request, "GET");
    }
    sendJson(response, 200, faults.status());
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
    if (pathname === "/_local" || pathname.startsWith("/_local/")) return handleLocal(request, response, pathname);
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
    faults,
    tokens,
    webhooks,
    mail,
    apiKey,
    apiSecret,
    get url() {
      return baseUrl;
    },
    listen(port = 0, host = "127.0.0.1") {
      // Build the schema before the first request, so that request is not the slow one.
      loadAdminSchema();
      const mailReady = mail ? mail.listen(options.smtpPort, host) : Promise.resolve(null);
      return mailReady.then(
        () =>
          new Promise<string>((resolve, reject) => {
            server.once("error", reject);
            server.listen(port, host, () => {
              server.off("error", reject);
              const address = server.address() as AddressInfo;
              baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
              resolve(baseUrl);
            });
          }),
      );
    },
    close() {
      webhooks.close();
      void mail?.close();
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
