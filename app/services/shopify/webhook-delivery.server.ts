// Receiving one of Shopify's webhooks to the app (/webhooks/*), for every topic route:
//
//   1. the body is read within SHOPIFY_WEBHOOK_BODY_LIMIT before anything else (413 past it);
//   2. the HMAC is verified by Shopify's library (authenticate.webhook: 401 when wrong);
//   3. a delivery triggered more than 7 days ago is ignored (its id may be forgotten by now);
//   4. for install-scoped topics, a delivery triggered before the shop's latest authorization is
//      ignored: the shop was installed at that moment, so an older app/uninstalled, scopes update or
//      shop/redact belongs to an earlier installation (a late retry or a replay);
//   5. the delivery is claimed by X-Shopify-Webhook-Id; a copy already handled is ignored;
//   6. the topic's handler runs; if it throws, the claim is released so Shopify's retry is handled.
//
// Ignored deliveries are answered 200 (Shopify would otherwise retry them) with a one-line reason.
// Shopify's HMAC covers the body only, not the headers: steps 3 to 5 stop Shopify's own late
// retries and plain replays, not a replay with forged headers. What makes such a replay harmless is
// in the handlers: redaction matches exactly, and shop/redact acts only for an uninstalled shop
// (docs/decisions/0032).
import { authenticate } from "~/services/shopify/app.server";
import prisma from "~/data/db.server";
import {
  claimShopifyDelivery,
  releaseShopifyDelivery,
  SHOPIFY_DELIVERY_MAX_AGE_MS,
} from "~/data/shopify-webhook-deliveries.server";
import { parseTriggeredAt } from "~/domain/shopify/deliveries";
import { payloadTooLargeMessage, readRequestWithin, SHOPIFY_WEBHOOK_BODY_LIMIT } from "~/domain/http/body-limits";

export { parseTriggeredAt };

export type ShopifyWebhookContext = Awaited<ReturnType<typeof authenticate.webhook>>;

export interface ShopifyWebhookOptions {
  /**
   * The topic acts on the shop's installation (app/uninstalled, app/scopes_update, shop/redact):
   * deliveries triggered before the shop's latest authorization are stale.
   */
  installScoped?: boolean;
  now?: () => Date;
}

function answer(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** When the shop was last known to be installed (its latest authorization), or null if never. */
async function installedAsOf(shop: string): Promise<Date | null> {
  const row = await prisma.shop.findUnique({
    where: { domain: shop },
    select: { authorizedAt: true, installedAt: true, uninstalledAt: true },
  });
  if (!row) return null;
  // A row created before authorizedAt existed: its install time is the best we know.
  return row.authorizedAt ?? row.installedAt;
}

/**
 * Verifies and deduplicates one delivery, then runs `handle` (at most once per webhook id). Returns
 * the response for Shopify. Throws what authenticate.webhook throws (a 4xx Response) and what
 * `handle` throws (after releasing the claim).
 */
export async function handleShopifyWebhook(
  request: Request,
  handle: (context: ShopifyWebhookContext) => Promise<void>,
  options: ShopifyWebhookOptions = {},
): Promise<Response> {
  const read = await readRequestWithin(request, SHOPIFY_WEBHOOK_BODY_LIMIT);
  if (!read.ok) return answer(413, payloadTooLargeMessage(SHOPIFY_WEBHOOK_BODY_LIMIT));
  // The library reads the body itself: hand it the bytes already read, never the network stream.
  const headers = new Headers(request.headers);
  headers.delete("transfer-encoding");
  headers.set("content-length", String(read.body.byteLength));
  const bounded = new Request(request.url, { method: request.method, headers, body: read.body });
  const context = await authenticate.webhook(bounded);

  const now = (options.now ?? (() => new Date()))();
  const triggeredAt = parseTriggeredAt(context.triggeredAt ?? request.headers.get("x-shopify-triggered-at"));
  const label = `${String(context.topic)} ${context.webhookId} for ${context.shop}`;
  if (triggeredAt && now.getTime() - triggeredAt.getTime() > SHOPIFY_DELIVERY_MAX_AGE_MS) {
    console.warn(`[shopify webhook] ignored ${label}: triggered ${triggeredAt.toISOString()}, over 7 days ago`);
    return answer(200, "Ignored: the delivery was triggered more than 7 days ago");
  }
  if (options.installScoped && triggeredAt) {
    const installed = await installedAsOf(context.shop);
    if (installed && triggeredAt < installed) {
      console.warn(
        `[shopify webhook] ignored ${label}: triggered ${triggeredAt.toISOString()}, before the current installation (${installed.toISOString()})`,
      );
      return answer(200, "Ignored: the delivery belongs to an earlier installation of the app");
    }
  }

  const claim = await claimShopifyDelivery(
    { webhookId: context.webhookId, shop: context.shop, topic: String(context.topic), triggeredAt },
    now,
  );
  if (claim === "duplicate") return answer(200, "Ignored: this delivery was already handled");
  try {
    await handle(context);
  } catch (error) {
    await releaseShopifyDelivery(context.webhookId).catch(() => {});
    throw error;
  }
  return new Response(null, { status: 200 });
}
