// The worker's side of the scheduler: keeping every shop's job schedulers in sync at start, reading
// each scheduling shop's time zone from the Admin API (daily, weekday and monthly ticks are local
// midnight), and the tick job's handler. The schedulers themselves: app/data/schedulers.server.ts.
import {
  shopTimeZone,
  storeShopTimeZone,
  syncAllSchedulers,
  syncShopSchedulers,
  type SchedulerSyncResult,
} from "~/data/schedulers.server";
import defaultPrisma from "~/data/db.server";
import type { AdminGraphqlFn, RunnerDeps } from "./deps";
import { processSchedulerTick, type SchedulerTick, type TickResult } from "./scheduler-tick";

const TIME_ZONE_QUERY = `query HooklineShopTimeZone { shop { ianaTimezone } }`;

/** The shop's IANA time zone from the Admin API, or null when it cannot be read now. */
export async function readShopTimeZone(
  shop: string,
  adminGraphql: AdminGraphqlFn,
  signal?: AbortSignal,
): Promise<string | null> {
  try {
    const response = await adminGraphql(shop, TIME_ZONE_QUERY, undefined, signal ? { signal } : undefined);
    const zone = (response.body as { data?: { shop?: { ianaTimezone?: unknown } } } | undefined)?.data?.shop
      ?.ianaTimezone;
    return response.status === 200 && typeof zone === "string" && zone !== "" ? zone : null;
  } catch {
    return null;
  }
}

/**
 * Reads and stores the shop's time zone; re-syncs its schedulers when it changed. Called at worker
 * start and first tick (never read yet) and by each shop's periodic sync job, so a merchant's change
 * of time zone moves their daily ticks within that interval (6 h).
 */
export async function refreshShopTimeZone(
  shop: string,
  adminGraphql: AdminGraphqlFn,
  log: (message: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const zone = await readShopTimeZone(shop, adminGraphql, signal);
  if (!zone) {
    log(`scheduler: could not read ${shop}'s time zone from the Admin API; its ticks use ${await shopTimeZone(shop)}`);
    return;
  }
  if (await storeShopTimeZone(shop, zone)) await syncShopSchedulers(shop);
}

/**
 * Worker start: every shop's schedulers as its tasks need them; shops whose time zone was never read
 * get it read (and their schedulers re-synced in it).
 */
export async function startSchedulers(
  adminGraphql: AdminGraphqlFn,
  log: (message: string) => void,
): Promise<SchedulerSyncResult[]> {
  const results = await syncAllSchedulers();
  const scheduling = results.filter((result) => result.intervals.length > 0).map((result) => result.shop);
  const unread = await defaultPrisma.shop.findMany({
    where: { domain: { in: scheduling }, ianaTimezone: null },
    select: { domain: true },
  });
  for (const { domain } of unread) await refreshShopTimeZone(domain, adminGraphql, log);
  return results;
}

/** The tick job: the event, and the shop's time zone read once if it was never read. */
export async function handleSchedulerTick(
  job: Partial<SchedulerTick>,
  deps: Pick<RunnerDeps, "createEvent" | "now" | "log" | "adminGraphql">,
): Promise<TickResult> {
  const result = await processSchedulerTick(job, deps);
  if (typeof job.shop === "string") {
    const row = await defaultPrisma.shop.findUnique({ where: { domain: job.shop }, select: { ianaTimezone: true } });
    if (row && row.ianaTimezone === null) await refreshShopTimeZone(job.shop, deps.adminGraphql, deps.log);
  }
  return result;
}
