// Data retention: finished events (with their runs) are deleted after the shop's retention period
// (Settings, 15 days by default, as Mechanic keeps them); raw bodies and dedupe keys go sooner.
import prisma from "~/data/db.server";
import { purgeDedupeKeys, purgeRawBodies } from "~/data/events.server";
import { purgeShopifyDeliveries } from "~/data/shopify-webhook-deliveries.server";
import { FINISHED_RUN_STATUSES } from "~/domain/runs/status";
import { DEFAULT_RETENTION_DAYS } from "~/domain/shops/settings";

export { DEFAULT_RETENTION_DAYS };

const DAY_MS = 24 * 60 * 60 * 1000;
const FINISHED = [...FINISHED_RUN_STATUSES];

/** Deletes finished events older than each shop's retention period; returns how many. */
export async function purgeExpiredEvents(now = new Date()): Promise<number> {
  const shops = await prisma.shop.findMany({ select: { domain: true, retentionDays: true } });
  let deleted = 0;
  for (const shop of shops) {
    const { count } = await prisma.event.deleteMany({
      where: {
        shop: shop.domain,
        status: { in: FINISHED },
        createdAt: { lt: new Date(now.getTime() - shop.retentionDays * DAY_MS) },
      },
    });
    deleted += count;
  }
  // Events of shops without a settings row keep the default period.
  const { count } = await prisma.event.deleteMany({
    where: {
      shop: { notIn: shops.map((s) => s.domain) },
      status: { in: FINISHED },
      createdAt: { lt: new Date(now.getTime() - DEFAULT_RETENTION_DAYS * DAY_MS) },
    },
  });
  return deleted + count;
}

export async function purgeExpiredData(now = new Date()) {
  return {
    events: await purgeExpiredEvents(now),
    rawBodies: await purgeRawBodies(),
    dedupeKeys: await purgeDedupeKeys(),
    shopifyDeliveries: await purgeShopifyDeliveries(now),
  };
}
