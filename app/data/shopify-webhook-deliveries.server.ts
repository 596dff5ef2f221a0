// Shopify's webhook deliveries to the app, remembered by X-Shopify-Webhook-Id so each is handled
// once. Shopify delivers at least once (retries reuse the id) and a captured delivery can be sent
// again; either way the second copy finds its id here. Used by every /webhooks/* route through
// app/services/shopify/webhook-delivery.server.ts, and meant for any later route that receives
// Shopify topics.
//
//   claimShopifyDelivery()   before acting: "claimed" the first time, "duplicate" after
//   releaseShopifyDelivery() when acting failed, so Shopify's retry is handled
//   purgeShopifyDeliveries() by the retention sweep, after SHOPIFY_DELIVERY_RETENTION_MS
import prisma from "~/data/db.server";

/**
 * How long ids are remembered: 8 days. Shopify retries a failed delivery for up to 48 hours, and a
 * delivery triggered longer ago than SHOPIFY_DELIVERY_MAX_AGE_MS is refused as stale, so any delivery
 * still accepted has its id here.
 */
export const SHOPIFY_DELIVERY_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;
/** Deliveries triggered longer ago than this are not acted on: their id may have been forgotten. */
export const SHOPIFY_DELIVERY_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export interface ShopifyDelivery {
  /** X-Shopify-Webhook-Id. */
  webhookId: string;
  shop: string;
  topic: string;
  /** X-Shopify-Triggered-At, when sent. */
  triggeredAt: Date | null;
}

/**
 * POST /webhooks/shopify (deliveries of task topics) does not use the claim: its events are
 * deduplicated by a DedupeKey in this namespace (key `<shop>:<webhook id>`), inserted atomically with
 * the event in the ingress's group commit, and kept SHOPIFY_DELIVERY_RETENTION_MS like claims
 * (purgeDedupeKeys). See docs/decisions/0045.
 */
export const SHOPIFY_DELIVERY_DEDUPE_NAMESPACE = "shopify-deliveries";

export type ClaimResult = "claimed" | "duplicate";

/** Records the delivery; "duplicate" when its webhook id was recorded before. */
export async function claimShopifyDelivery(delivery: ShopifyDelivery, now = new Date()): Promise<ClaimResult> {
  try {
    await prisma.shopifyWebhookDelivery.create({
      data: {
        webhookId: delivery.webhookId.slice(0, 255),
        shop: delivery.shop,
        topic: delivery.topic.slice(0, 255),
        triggeredAt: delivery.triggeredAt,
        receivedAt: now,
      },
    });
    return "claimed";
  } catch (error) {
    if ((error as { code?: string } | null)?.code === "P2002") return "duplicate";
    throw error;
  }
}

/** Forgets a claimed delivery whose handling failed, so the retry is handled. */
export async function releaseShopifyDelivery(webhookId: string): Promise<void> {
  await prisma.shopifyWebhookDelivery.deleteMany({ where: { webhookId: webhookId.slice(0, 255) } });
}

/** Deletes deliveries received before the retention window; returns how many. */
export async function purgeShopifyDeliveries(now = new Date()): Promise<number> {
  const { count } = await prisma.shopifyWebhookDelivery.deleteMany({
    where: { receivedAt: { lt: new Date(now.getTime() - SHOPIFY_DELIVERY_RETENTION_MS) } },
  });
  return count;
}
