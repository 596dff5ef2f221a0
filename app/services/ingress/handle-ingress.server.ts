// The ingress pipeline for POST /webhook/:id. Thin adapters feed it a Fetch Request (the Remix
// route) or a Node request (the production server's fast path); both answer identically.
//
// Order: method -> webhook lookup (cached) -> declared size -> unknown id? -> rate limit ->
// content type -> body (streamed, stops at the limit) -> parse -> signature -> CORS origin ->
// dedupe -> commit -> 204, with the enqueue started but not awaited. Unknown, disabled and deleted
// ids answer 204 at once without reading the body (and close the connection): a flood of them costs
// no parsing. Webhook ids are canonical (lower case) from the first step, so every spelling of one
// id shares one rate limit, one dedupe key space and one cache entry (docs/decisions/0030).
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ipHashSalt, limits } from "~/config.server";
import {
  buildAutoData,
  buildFullRequestData,
  bodyKind,
  groupRawHeaders,
  mediaType,
  unsupportedTypeMessage,
} from "~/domain/ingress/body";
import {
  corsResponseHeaders,
  decideCors,
  parseCorsOriginsSetting,
  preflightHeaders,
  restrictedOrigins,
  type CorsDecision,
} from "~/domain/ingress/cors";
import { timeOrderedUuid } from "~/domain/ids";
import { canonicalWebhookId } from "~/domain/ingress/webhook-id";
import { DEFAULT_HMAC_HEADER, DEFAULT_TOLERANCE_SECONDS, verifySignature } from "~/domain/ingress/signature";
import {
  effectiveRateLimit,
  getWebhookForIngress,
  listenForWebhookChanges,
  noteWebhookReceived,
  type IngressWebhook,
} from "~/data/webhooks.server";
import { storeEvent } from "~/data/events.server";
import { SharedRateLimiter } from "~/data/shared-rate-limit.server";
import { countUnknownWebhookRequest } from "~/data/unknown-webhooks.server";
import { shopFromOriginOrReferer } from "~/domain/ingress/unknown-webhook";
import { enqueueEvent } from "~/data/queues.server";
import { ShopDomainsCache } from "~/services/ingress/shop-origins.server";
import { lingerOnClose } from "~/services/http/close-after-answer.server";
import { answerFromTask, type StoreAttempt } from "~/services/ingress/wait-for-response.server";

/** Facts only the server in front of the route knows (Remix load context). */
export interface IngressContext {
  /** The socket's remote address (or the proxy's client address). */
  clientIp?: string | null;
  /** Node's req.rawHeaders, so repeated headers stay separate in full request mode. */
  rawHeaders?: readonly string[] | null;
}

/** A request, independent of Fetch or Node. */
export interface IngressInput {
  method: string;
  webhookId: string;
  /** Without the leading "?". */
  queryString: string;
  header(name: string): string | null;
  /** [name, value, name, value, ...] when known; else headers come from header(). */
  rawHeaders: readonly string[] | null;
  headerEntries(): Iterable<[string, string]>;
  body: AsyncIterable<Uint8Array> | null;
  clientIp: string | null;
}

export interface IngressOutput {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  /** The body was not fully read: the connection should not be reused. */
  closeConnection?: boolean;
}

// Created on first use (it opens a Redis connection); shared by every request of this process.
let limiter: SharedRateLimiter | undefined;
function rateLimiter(): SharedRateLimiter {
  limiter ??= new SharedRateLimiter();
  return limiter;
}

/**
 * Connects what ingress shares with the other web processes (rate limits, webhook changes) before
 * the server takes requests; bounded, and ingress works without them (decisions 0033, 0065).
 */
export async function prepareIngress(timeoutMs = 2000): Promise<boolean> {
  const [rates, changes] = await Promise.all([rateLimiter().ready(timeoutMs), listenForWebhookChanges(timeoutMs)]);
  return rates && changes;
}

const adminShopDomains = new ShopDomainsCache();
let shopDomains = adminShopDomains;

/**
 * Forgets rate-limit buckets and cached shop domains. `shopDomains` replaces the Admin API
 * source of shop domains (Shopify is outside this app; tests give their own).
 */
export function resetIngressState(options: { shopDomains?: ShopDomainsCache } = {}): void {
  limiter?.clear();
  shopDomains = options.shopDomains ?? adminShopDomains;
  shopDomains.clear();
}

function text(
  status: number,
  message: string,
  headers: Record<string, string>,
  extra: Partial<IngressOutput> = {},
): IngressOutput {
  return {
    status,
    headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" },
    body: `${message}\n`,
    ...extra,
  };
}

// Hashes already made, by IP: senders post many times from few addresses (bounded; emptied when full).
const ipHashes = new Map<string, string>();
let ipHashesSalt: string | null = null;
const MAX_IP_HASHES = 10_000;

function ipHash(ip: string | null): string | null {
  if (!ip) return null;
  const salt = ipHashSalt();
  if (salt !== ipHashesSalt) {
    ipHashes.clear();
    ipHashesSalt = salt;
  }
  let hash = ipHashes.get(ip);
  if (hash === undefined) {
    // Keyed so the hash cannot be reversed by hashing all IPv4 addresses.
    hash = createHash("sha256").update(salt).update("\0").update(ip).digest("hex");
    if (ipHashes.size >= MAX_IP_HASHES) ipHashes.clear();
    ipHashes.set(ip, hash);
  }
  return hash;
}

type BodyRead = { ok: true; body: Uint8Array } | { ok: false };

async function readBodyWithin(body: AsyncIterable<Uint8Array> | null, limit: number): Promise<BodyRead> {
  if (!body) return { ok: true, body: new Uint8Array(0) };
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) return { ok: false };
    chunks.push(chunk);
  }
  if (chunks.length === 1) return { ok: true, body: chunks[0]! };
  return { ok: true, body: Buffer.concat(chunks, size) };
}

function rateFor(webhook: IngressWebhook): number {
  return effectiveRateLimit(webhook.rateLimitPerMinute, webhook.shopRateLimitPerMinute);
}

async function corsFor(webhook: IngressWebhook | null, origin: string | null): Promise<CorsDecision> {
  if (!webhook || webhook.corsMode === "any") return decideCors("any", origin, new Set());
  if (origin === null) return decideCors("restricted", null, new Set());
  const domains = await shopDomains.get(webhook.shop);
  return decideCors(
    "restricted",
    origin,
    restrictedOrigins(webhook.shop, domains, parseCorsOriginsSetting(webhook.shopCorsOrigins)),
  );
}

function dedupeKeyOf(webhook: IngressWebhook, input: IngressInput): string | null {
  for (const name of webhook.dedupeHeaders ?? []) {
    const value = input.header(name)?.trim();
    if (value) return `${name.toLowerCase()}:${value.slice(0, 500)}`;
  }
  return null;
}

/**
 * How long a Standard-Webhooks message id is remembered: a signature is accepted while its
 * timestamp is within the tolerance either side of now, so one message can be replayed for twice
 * the tolerance after it is first seen. Remembered even when the webhook's dedupe is off.
 */
export const REPLAY_WINDOW_MS = 2 * DEFAULT_TOLERANCE_SECONDS * 1000;

function replayKeyOf(webhook: IngressWebhook, input: IngressInput): string | null {
  if (webhook.signatureMode !== "standard") return null;
  const id = input.header("webhook-id")?.trim();
  return id ? `replay:webhook-id:${id.slice(0, 500)}` : null;
}

export async function processIngress(input: IngressInput): Promise<IngressOutput> {
  const startedAtMs = Date.now();
  const requestId = timeOrderedUuid();
  const baseHeaders: Record<string, string> = { "X-Request-Id": requestId };
  const method = input.method.toUpperCase();
  const origin = input.header("origin");
  const webhookId = canonicalWebhookId(input.webhookId);

  if (method === "OPTIONS") {
    const webhook = await getWebhookForIngress(webhookId);
    const decision = await corsFor(webhook, origin);
    const extra = [webhook?.signatureHeader ?? DEFAULT_HMAC_HEADER, ...(webhook?.dedupeHeaders ?? [])];
    return { status: 204, headers: { ...baseHeaders, ...preflightHeaders(decision, extra) }, body: null };
  }
  if (method !== "POST") {
    return text(405, "Method Not Allowed: only POST (and OPTIONS for CORS preflight)", {
      ...baseHeaders,
      Allow: "POST, OPTIONS",
    });
  }

  const limit = limits.ingressBodyBytes;
  const declared = Number(input.header("content-length") ?? "");
  const tooLarge = `Payload Too Large: the body limit is ${limit} bytes`;
  const webhook = await getWebhookForIngress(webhookId);
  const cors = await corsFor(webhook, origin);
  const headers = { ...baseHeaders, ...corsResponseHeaders(cors) };

  if (Number.isFinite(declared) && declared > limit) return text(413, tooLarge, headers, { closeConnection: true });

  // Unknown, disabled or deleted: nothing to do, so nothing is read or parsed. Counted for the
  // shop its Origin or Referer names, after the answer (app/data/unknown-webhooks.server.ts).
  if (!webhook) {
    const shop = shopFromOriginOrReferer(origin, input.header("referer"));
    if (shop) void countUnknownWebhookRequest(shop);
    return { status: 204, headers, body: null, closeConnection: true };
  }

  const rate = await rateLimiter().take(webhook.id, rateFor(webhook));
  if (!rate.allowed) {
    return text(
      429,
      `Too Many Requests: retry after ${rate.retryAfterSeconds} s`,
      { ...headers, "Retry-After": String(rate.retryAfterSeconds) },
      { closeConnection: true },
    );
  }

  const contentType = input.header("content-type");
  const type = mediaType(contentType);
  const dataMode = webhook.dataMode;
  if (dataMode === "auto" && bodyKind(type) === null) {
    return text(415, unsupportedTypeMessage(type!), headers, { closeConnection: true });
  }

  const read = await readBodyWithin(input.body, limit);
  if (!read.ok) return text(413, tooLarge, headers, { closeConnection: true });
  const received = { contentType, body: read.body, queryString: input.queryString };

  const built =
    dataMode === "full"
      ? await buildFullRequestData(received, {
          headers: input.rawHeaders
            ? groupRawHeaders(input.rawHeaders)
            : groupRawHeaders([...input.headerEntries()].flat()),
          clientIp: input.clientIp,
          requestId,
          webhookId: webhook.id,
        })
      : await buildAutoData(received);
  if (!built.ok) return text(built.status, built.message, headers);

  const signature = verifySignature(
    {
      mode: webhook.signatureMode,
      secrets: webhook.signatureSecrets,
      header: webhook.signatureHeader ?? DEFAULT_HMAC_HEADER,
      encoding: webhook.signatureEncoding,
      toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
    },
    { header: input.header, body: read.body, nowSeconds: Math.floor(Date.now() / 1000) },
  );
  if (!signature.ok) return text(401, `Unauthorized: ${signature.reason}`, headers);

  // A browser origin refused by a restricted webhook: no Allow-Origin (the browser blocks the
  // response) and no event. The status stays 204 so the answer does not reveal the webhook.
  if (!cors.allowed) return { status: 204, headers, body: null };

  // At most one event per key: the dedupe header's value when dedupe is on (24 hours), else a
  // signed message's id for its replay window. The key is recorded with the event, atomically.
  const dedupeKey = dedupeKeyOf(webhook, input);
  const replayKey = dedupeKey ? null : replayKeyOf(webhook, input);
  const receivedAt = new Date();
  const store = async (responseWaitUntil: Date | null): Promise<StoreAttempt> => {
    try {
      return await storeEvent(
        {
          shop: webhook.shop,
          topic: webhook.topic,
          data: built.data,
          source: "user",
          webhookId: webhook.id,
          requestId,
          contentType,
          bodySize: read.body.byteLength,
          userAgent: input.header("user-agent")?.slice(0, 500) ?? null,
          ipHash: ipHash(input.clientIp),
          rawBody: read.body,
          responseWaitUntil,
        },
        dedupeKey
          ? { webhookId: webhook.id, key: dedupeKey }
          : replayKey
            ? { webhookId: webhook.id, key: replayKey, windowMs: REPLAY_WINDOW_MS }
            : undefined,
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message.trim().split("\n").slice(-1)[0] : String(error);
      const code = (error as { code?: string } | null)?.code;
      console.error(
        `ingress: could not store an event for webhook ${webhook.id} (request ${requestId}): ${code ? `${code} ` : ""}${reason}`,
      );
      return { status: "error" };
    }
  };
  // Wait mode: the same event, then the answer of a task's respond action (docs/decisions/0075).
  if (webhook.responseMode === "wait") {
    const output = await answerFromTask({ webhook, requestId, headers, store, receivedAtMs: startedAtMs });
    noteWebhookReceived(webhook.id, receivedAt);
    return output;
  }
  const stored = await store(null);
  if (stored.status === "error") {
    return text(503, "Service Unavailable: the event could not be stored; retry later", {
      ...headers,
      "Retry-After": "5",
    });
  }
  // 204 means committed. The job is added without waiting for Redis, so a slow or dead Redis never
  // delays the answer; a job that is never added (Redis down, a crash right now) is added by the
  // recovery sweep (enqueuePendingEvents).
  if (stored.status === "created") void enqueueEvent(stored.id);
  noteWebhookReceived(webhook.id, receivedAt);
  return { status: 204, headers, body: null };
}

// ------------------------------------------------------------------ adapters

async function* fetchBody(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops reading when the consumer stops (over the limit).
    reader.cancel().catch(() => {});
  }
}

function clientIpFromHeaders(header: (name: string) => string | null): string | null {
  const forwarded = header("x-forwarded-for");
  if (forwarded) return forwarded.split(",")[0]!.trim() || null;
  return null;
}

/** The Remix route's entry: answers any request to /webhook/:id. */
export async function handleIngress(request: Request, id: string, context: IngressContext = {}): Promise<Response> {
  const url = new URL(request.url);
  const header = (name: string) => request.headers.get(name);
  const output = await processIngress({
    method: request.method,
    webhookId: id,
    queryString: url.search.startsWith("?") ? url.search.slice(1) : url.search,
    header,
    rawHeaders: context.rawHeaders ?? null,
    headerEntries: () => request.headers.entries(),
    body: request.body ? fetchBody(request.body) : null,
    clientIp: context.clientIp ?? clientIpFromHeaders(header),
  });
  return new Response(output.body, { status: output.status, headers: output.headers });
}

/** Reads IngressContext from a Remix load context (whatever the server passed). */
export function ingressContextFrom(loadContext: unknown): IngressContext {
  if (typeof loadContext !== "object" || loadContext === null) return {};
  const { clientIp, rawHeaders } = loadContext as Record<string, unknown>;
  return {
    clientIp: typeof clientIp === "string" ? clientIp : null,
    rawHeaders: Array.isArray(rawHeaders) ? (rawHeaders as string[]) : null,
  };
}

const INGRESS_PATH = /^\/webhook\/([^/?#]+)\/?(?:\?(.*))?$/;

/** The webhook id of a /webhook/:id URL (path and query), or null. */
export function matchIngressPath(url: string): { id: string; queryString: string } | null {
  const match = INGRESS_PATH.exec(url);
  if (!match) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  return { id, queryString: match[2] ?? "" };
}

/**
 * A fast path for the production node:http server: answers /webhook/:id without building a Fetch
 * Request or going through Remix routing. Returns false (and does nothing) for other URLs.
 */
export async function handleIngressNode(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const match = req.url ? matchIngressPath(req.url) : null;
  if (!match) return false;
  const header = (name: string): string | null => {
    const value = req.headers[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  };
  const output = await processIngress({
    method: req.method ?? "GET",
    webhookId: match.id,
    queryString: match.queryString,
    header,
    rawHeaders: req.rawHeaders,
    headerEntries: () =>
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")] as [string, string]),
    // Stopping at the limit must not destroy the socket before the 413 is written.
    body: req.iterator({ destroyOnReturn: false }),
    clientIp: req.socket.remoteAddress ?? null,
  });
  const headers: Record<string, string> = { ...output.headers };
  // Unread body bytes would be taken for the next request on a kept-alive connection.
  if (output.closeConnection && !req.readableEnded) {
    headers.Connection = "close";
    lingerOnClose(req);
  }
  if (output.body === null) {
    res.writeHead(output.status, headers);
    res.end();
  } else {
    res.writeHead(output.status, { ...headers, "Content-Length": String(Buffer.byteLength(output.body)) });
    res.end(output.body);
  }
  return true;
}
