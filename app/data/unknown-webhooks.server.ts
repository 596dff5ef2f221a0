// Per-shop counts of requests to unknown webhook ids (issue 13; the shop is told by the request's
// Origin or Referer, app/domain/ingress/unknown-webhook.ts). Kept in Redis, one counter per shop and
// hour that expires after a day, and only for shops installed here: forged Origins naming other
// shops add nothing. The installed-shop check is cached in a bounded map, so a flood of unknown-id
// requests costs at most one database lookup per shop per 5 minutes.
import type { Redis } from "ioredis";
import prisma from "~/data/db.server";
import { eventsQueue, redisKey } from "~/data/queues.server";
import { HOUR_MS, UNKNOWN_COUNT_BUCKETS, hourBucket, lastDayBuckets } from "~/domain/ingress/unknown-webhook";

/** The web process's Redis connection (the events queue's, an ioredis client). */
async function redis(): Promise<Redis> {
  return (await (
    await eventsQueue()
  ).client) as unknown as Redis;
}

const KNOWN_TTL_MS = 5 * 60 * 1000;
const KNOWN_MAX_ENTRIES = 1000;
const known = new Map<string, { installed: boolean; until: number }>();

async function isInstalledShop(shop: string, nowMs: number): Promise<boolean> {
  const cached = known.get(shop);
  if (cached && cached.until > nowMs) return cached.installed;
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { domain: true } });
  if (known.size >= KNOWN_MAX_ENTRIES) known.clear();
  known.set(shop, { installed: row !== null, until: nowMs + KNOWN_TTL_MS });
  return row !== null;
}

function counterKey(shop: string, bucket: number): Promise<string> {
  return redisKey(`unknown-webhook:${shop}:${bucket}`);
}

/** Counts one request to an unknown webhook id for `shop` (when installed here). Never throws. */
export async function countUnknownWebhookRequest(shop: string, now = new Date()): Promise<void> {
  try {
    if (!(await isInstalledShop(shop, now.getTime()))) return;
    const key = await counterKey(shop, hourBucket(now.getTime()));
    await (
      await redis()
    )
      .multi()
      .incr(key)
      .pexpire(key, (UNKNOWN_COUNT_BUCKETS + 1) * HOUR_MS)
      .exec();
  } catch {
    // Informative only: a dead Redis or database must not affect the 204.
  }
}

/** Requests to unknown webhook ids in the last 24 h told to be from `shop`; null when Redis is unreachable. */
export async function unknownWebhookRequestsLastDay(shop: string, now = new Date()): Promise<number | null> {
  try {
    const keys = await Promise.all(lastDayBuckets(now.getTime()).map((bucket) => counterKey(shop, bucket)));
    const values = await (await redis()).mget(...keys);
    return values.reduce((sum, value) => sum + (Number(value) || 0), 0);
  } catch {
    return null;
  }
}

/** Forgets the installed-shop cache (tests that install a shop after a first request). */
export function resetUnknownWebhookShopCache(): void {
  known.clear();
}
