// POST /webhooks/shopify: Shopify's deliveries for the topics merchants' tasks subscribe to
// (orders/create, customers/update, customer.tags_added ...), each becoming an event
// `shopify/<topic>` with the payload as its data (docs/decisions/0045).
//
// Order: method -> body (streamed, stops at 2 MiB) -> HMAC (401, nothing stored) -> headers ->
// topic in the catalog -> age (7 days) -> shop installed -> commit the event with the webhook id
// as its dedupe key, atomically, in the ingress's group commit -> 200, enqueue not awaited.
// Everything ignored is answered 200 with a one-line reason: anything else makes Shopify retry.
//
// Why not handleShopifyWebhook (the app's own topics): Shopify's library loads the session and
// builds an Admin client per delivery, and its claim is a write of its own before the handler (a
// crash between the two would drop an event that Shopify's retry then finds "already handled", and
// each write outside the group commit costs a disk flush). Here the event and its dedupe key
// commit together, in the same group commit as every other event.
//
// Two adapters give the same answers: the Remix route (receiveShopifyEvent; the dev server) and the
// production server's node:http fast path (handleShopifyEventsNode; docs/decisions/0097), like
// /webhook/:id's. The shop check reads through the hot SQL (no Prisma query per delivery).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { apiSecret } from "~/config.server";
import {
  declaresMoreThan,
  payloadTooLargeMessage,
  readRequestWithin,
  readWithin,
  SHOPIFY_WEBHOOK_BODY_LIMIT,
  type BodyRead,
} from "~/domain/http/body-limits";
import { timeOrderedUuid } from "~/domain/ids";
import { jsonErrorReason, parseJson, MAX_REQUEST_JSON_DEPTH } from "~/domain/json";
import { shopifyTopicByShopify } from "~/domain/shopify/topics";
import { storeEvent } from "~/data/events.server";
import { enqueueEvent } from "~/data/queues.server";
import { shopIsInstalled } from "~/data/hot-sql.server";
import {
  SHOPIFY_DELIVERY_DEDUPE_NAMESPACE,
  SHOPIFY_DELIVERY_MAX_AGE_MS,
  SHOPIFY_DELIVERY_RETENTION_MS,
} from "~/data/shopify-webhook-deliveries.server";
import { parseTriggeredAt, SHOPIFY_EVENTS_PATH } from "~/domain/shopify/deliveries";
import { lingerOnClose } from "~/services/http/close-after-answer.server";

export { SHOPIFY_EVENTS_PATH };
/** Events created from Shopify deliveries carry this source. */
export const SHOPIFY_EVENT_SOURCE = "shopify";
/**
 * Deliveries are deduplicated by a key in this namespace (DedupeKey.webhookId; no Webhook row has
 * it), `<shop>:<X-Shopify-Webhook-Id>`, kept 8 days (longer than the 7-day acceptance window).
 */
export const SHOPIFY_DEDUPE_NAMESPACE = SHOPIFY_DELIVERY_DEDUPE_NAMESPACE;

export interface ShopifyEventsOptions {
  now?: () => Date;
}

/** One delivery, independent of Fetch or Node (the Remix route and the production server's fast path). */
export interface ShopifyDeliveryInput {
  method: string;
  header(name: string): string | null;
  /** Reads the whole body, or stops (ok: false) once it passes the limit. */
  readBody(limit: number): Promise<BodyRead>;
}

/** The answer, for either adapter to send. */
export interface ShopifyDeliveryOutput {
  status: number;
  headers: Record<string, string>;
  /** null: no body. */
  body: string | null;
  /** The body was not fully read: the connection should not be reused. */
  closeConnection?: boolean;
}

function answer(status: number, message: string, headers: Record<string, string> = {}): ShopifyDeliveryOutput {
  return { status, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" }, body: `${message}\n` };
}

/** Shopify's X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body, keyed by the app secret. */
export function validShopifyHmac(body: Uint8Array, header: string | null, secret: string): boolean {
  if (!header || !secret) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  let given: Buffer;
  try {
    given = Buffer.from(header.trim(), "base64");
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** Answers one delivery. Never throws. */
export async function processShopifyDelivery(
  input: ShopifyDeliveryInput,
  options: ShopifyEventsOptions = {},
): Promise<ShopifyDeliveryOutput> {
  if (input.method.toUpperCase() !== "POST") {
    return answer(405, "Method Not Allowed: Shopify delivers webhooks with POST", { Allow: "POST" });
  }
  let read: BodyRead;
  try {
    read = await input.readBody(SHOPIFY_WEBHOOK_BODY_LIMIT);
  } catch {
    // The sender went away mid-body (nobody reads this answer), or the server cut it off.
    return { ...answer(400, "Bad Request: the body could not be read"), closeConnection: true };
  }
  if (!read.ok) {
    return {
      ...answer(413, payloadTooLargeMessage(SHOPIFY_WEBHOOK_BODY_LIMIT), { Connection: "close" }),
      closeConnection: true,
    };
  }

  const header = input.header;
  if (!validShopifyHmac(read.body, header("x-shopify-hmac-sha256"), apiSecret())) {
    return answer(401, "Unauthorized: X-Shopify-Hmac-Sha256 does not match the body");
  }

  const shopifyTopic = header("x-shopify-topic")?.trim() ?? "";
  const shop = header("x-shopify-shop-domain")?.trim().toLowerCase() ?? "";
  const webhookId = header("x-shopify-webhook-id")?.trim() ?? "";
  if (!shopifyTopic || !SHOP_DOMAIN.test(shop) || !webhookId) {
    return answer(400, "Bad Request: X-Shopify-Topic, X-Shopify-Shop-Domain and X-Shopify-Webhook-Id are required");
  }
  const label = `${shopifyTopic} ${webhookId} for ${shop}`;
  const topic = shopifyTopicByShopify(shopifyTopic);
  if (!topic) {
    console.warn(`[shopify events] ignored ${label}: not a topic tasks can subscribe to`);
    return answer(200, `Ignored: ${shopifyTopic} is not a topic Hookline handles`);
  }
  const now = (options.now ?? (() => new Date()))();
  const triggeredAt = parseTriggeredAt(header("x-shopify-triggered-at"));
  if (triggeredAt && now.getTime() - triggeredAt.getTime() > SHOPIFY_DELIVERY_MAX_AGE_MS) {
    console.warn(`[shopify events] ignored ${label}: triggered ${triggeredAt.toISOString()}, over 7 days ago`);
    return answer(200, "Ignored: the delivery was triggered more than 7 days ago");
  }

  try {
    if (!(await shopIsInstalled(shop))) {
      console.warn(`[shopify events] ignored ${label}: the app is not installed on the shop`);
      return answer(200, "Ignored: the app is not installed on this shop");
    }
    let data: unknown;
    try {
      data = parseJson(new TextDecoder().decode(read.body), { maxDepth: MAX_REQUEST_JSON_DEPTH });
    } catch (error) {
      return answer(400, `Bad Request: the body is not JSON (${jsonErrorReason(error)})`);
    }
    const stored = await storeEvent(
      {
        shop,
        topic: topic.mechanic,
        data,
        source: SHOPIFY_EVENT_SOURCE,
        requestId: timeOrderedUuid(),
        contentType: header("content-type"),
        bodySize: read.body.byteLength,
        userAgent: header("user-agent")?.slice(0, 500) ?? null,
        rawBody: read.body,
      },
      {
        webhookId: SHOPIFY_DEDUPE_NAMESPACE,
        key: `${shop}:${webhookId.slice(0, 255)}`,
        windowMs: SHOPIFY_DELIVERY_RETENTION_MS,
      },
    );
    if (stored.status !== "created") return answer(200, "Ignored: this delivery was already handled");
    // Committed: Shopify may have its 200. The job is added without waiting (the recovery sweep
    // adds it if Redis is down).
    void enqueueEvent(stored.id);
    return { status: 200, headers: {}, body: null };
  } catch (error) {
    console.error(`[shopify events] could not store ${label}: ${(error as Error).message}`);
    return answer(503, "Service Unavailable: the event could not be stored; retry later", { "Retry-After": "5" });
  }
}

/** The Remix route's entry (and the dev server's): the Response is what Shopify gets. Never throws. */
export async function receiveShopifyEvent(request: Request, options: ShopifyEventsOptions = {}): Promise<Response> {
  const output = await processShopifyDelivery(
    {
      method: request.method,
      header: (name) => request.headers.get(name),
      readBody: (limit) => readRequestWithin(request, limit),
    },
    options,
  );
  return new Response(output.body, { status: output.status, headers: output.headers });
}

const SHOPIFY_EVENTS_URL = /^\/webhooks\/shopify\/?(?:\?.*)?$/;

/**
 * The production server's fast path (app/web-server.ts): answers /webhooks/shopify straight from
 * node:http, without building a Fetch Request or going through Remix routing; the same answers as
 * the route. Returns false (and does nothing) for other URLs.
 */
export async function handleShopifyEventsNode(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (!req.url || !SHOPIFY_EVENTS_URL.test(req.url)) return false;
  const output = await processShopifyDelivery({
    method: req.method ?? "GET",
    header: (name) => {
      const value = req.headers[name];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
    readBody: (limit) =>
      declaresMoreThan(req.headers["content-length"], limit)
        ? Promise.resolve({ ok: false })
        : // Stopping at the limit must not destroy the socket before the 413 is written.
          readWithin(req.iterator({ destroyOnReturn: false }), limit),
  });
  const headers: Record<string, string> = { ...output.headers };
  // Unread body bytes would be taken for the next request on a kept-alive connection.
  if (!req.complete) {
    headers.Connection = "close";
    lingerOnClose(req);
  }
  headers["Content-Length"] = String(output.body === null ? 0 : Buffer.byteLength(output.body));
  res.writeHead(output.status, headers);
  res.end(output.body ?? undefined);
  return true;
}
