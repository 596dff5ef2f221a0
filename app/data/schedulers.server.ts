// The scheduler's BullMQ job schedulers: one per shop and interval (`mechanic/scheduler/<interval>`),
// only while an enabled task of an installed shop subscribes to that interval (with any offset:
// offsets are delays the runner adds to the tick's event, as for every topic). Each scheduler's cron
// pattern runs in the shop's time zone (Shop.ianaTimezone, UTC until the worker has read it).
// syncShopSchedulers is called after every task change (the services' tasksChanged hook, decision
// 0096), install and uninstall, and for every shop at
// worker start (syncAllSchedulers), so a lost or stale scheduler is repaired then at the latest.
// The tick job itself is the worker's (app/services/runner/scheduler-tick.ts).
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/data/db.server";
import { schedulerQueue, SCHEDULER_TICK_JOB, withTimeout, type SchedulerTickJob } from "~/data/queues.server";
import {
  cronPattern,
  isValidTimeZone,
  SCHEDULER_INTERVALS,
  schedulerInterval,
  type SchedulerInterval,
} from "~/domain/scheduler";
import { parseSubscriptions } from "~/domain/tasks/subscriptions";

const SCHEDULER_TOPIC_PREFIX = "mechanic/scheduler/";

/** The job scheduler's id for a shop's interval. */
export function schedulerId(shop: string, interval: SchedulerInterval): string {
  return `${shop}/${interval}`;
}

/** The intervals a set of tasks' subscriptions need (each once, whatever the offsets). */
export function intervalsNeeded(subscriptionTexts: string[]): Set<SchedulerInterval> {
  const needed = new Set<SchedulerInterval>();
  for (const text of subscriptionTexts) {
    for (const { topic } of parseSubscriptions(text).subscriptions) {
      const interval = schedulerInterval(topic);
      if (interval) needed.add(interval);
    }
  }
  return needed;
}

/** The shop's time zone for its schedulers: the stored one, else UTC. */
export async function shopTimeZone(shop: string, db: PrismaClient = defaultPrisma): Promise<string> {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } });
  const zone = row?.ianaTimezone;
  return zone && isValidTimeZone(zone) ? zone : "UTC";
}

/** Stores the shop's time zone (read from the Admin API by the worker); true when it changed. */
export async function storeShopTimeZone(
  shop: string,
  timeZone: string,
  db: PrismaClient = defaultPrisma,
): Promise<boolean> {
  if (!isValidTimeZone(timeZone)) return false;
  const { count } = await db.shop.updateMany({
    where: { domain: shop, OR: [{ ianaTimezone: null }, { ianaTimezone: { not: timeZone } }] },
    data: { ianaTimezone: timeZone },
  });
  return count > 0;
}

/** What the shop needs now: the intervals its enabled tasks subscribe to (none once uninstalled). */
async function wantedFor(shop: string, db: PrismaClient): Promise<Set<SchedulerInterval>> {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } });
  if (row?.uninstalledAt) return new Set();
  const tasks = await db.task.findMany({
    where: { shop, enabled: true, subscriptions: { contains: SCHEDULER_TOPIC_PREFIX } },
    select: { subscriptions: true },
  });
  return intervalsNeeded(tasks.map((task) => task.subscriptions));
}

export interface SchedulerSyncResult {
  shop: string;
  timeZone: string;
  /** The intervals scheduled after the sync. */
  intervals: SchedulerInterval[];
  removed: SchedulerInterval[];
}

/**
 * Makes the shop's job schedulers equal to what its enabled tasks need: upserts one per needed
 * interval (idempotent: the same id, pattern and time zone leave the scheduler as it was) and
 * removes the others. Throws when Redis does not answer.
 */
export async function syncShopSchedulers(shop: string, db: PrismaClient = defaultPrisma): Promise<SchedulerSyncResult> {
  const [wanted, timeZone, queue] = await Promise.all([
    wantedFor(shop, db),
    shopTimeZone(shop, db),
    withTimeout(schedulerQueue()),
  ]);
  const existing = await existingSchedulers(shop);
  const removed: SchedulerInterval[] = [];
  for (const [interval, current] of existing) {
    if (wanted.has(interval)) continue;
    await withTimeout(queue.removeJobScheduler(current.id));
    removed.push(interval);
  }
  for (const interval of wanted) {
    const current = existing.get(interval);
    const pattern = cronPattern(interval);
    if (current && current.pattern === pattern && current.tz === timeZone) continue;
    await withTimeout(
      queue.upsertJobScheduler(
        schedulerId(shop, interval),
        { pattern, tz: timeZone },
        {
          name: SCHEDULER_TICK_JOB,
          data: { shop, interval, timeZone } satisfies SchedulerTickJob,
          opts: {
            removeOnComplete: true,
            removeOnFail: 100,
            attempts: 3,
            backoff: { type: "exponential", delay: 1000 },
          },
        },
      ),
    );
  }
  return { shop, timeZone, intervals: [...wanted].sort(), removed };
}

interface ExistingScheduler {
  id: string;
  pattern: string | null;
  tz: string | null;
}

const SCAN_PAGE = 1000;

/** Every job scheduler, by shop (a page at a time: a scheduler per shop and interval). */
async function allSchedulers(): Promise<Map<string, Map<SchedulerInterval, ExistingScheduler>>> {
  const queue = await withTimeout(schedulerQueue());
  const byShop = new Map<string, Map<SchedulerInterval, ExistingScheduler>>();
  for (let start = 0; ; start += SCAN_PAGE) {
    const page = await withTimeout(queue.getJobSchedulers(start, start + SCAN_PAGE - 1, true));
    for (const scheduler of page) {
      const id = scheduler.key;
      const slash = id.lastIndexOf("/");
      const interval = schedulerInterval(`${SCHEDULER_TOPIC_PREFIX}${id.slice(slash + 1)}`);
      if (slash <= 0 || !interval) continue;
      const shop = id.slice(0, slash);
      if (!byShop.has(shop)) byShop.set(shop, new Map());
      byShop.get(shop)!.set(interval, { id, pattern: scheduler.pattern ?? null, tz: scheduler.tz ?? null });
    }
    if (page.length < SCAN_PAGE) break;
  }
  return byShop;
}

async function existingSchedulers(shop: string): Promise<Map<SchedulerInterval, ExistingScheduler>> {
  const queue = await withTimeout(schedulerQueue());
  const found = new Map<SchedulerInterval, ExistingScheduler>();
  const rows = await Promise.all(
    SCHEDULER_INTERVALS.map(async (interval) => {
      const scheduler = await withTimeout(queue.getJobScheduler(schedulerId(shop, interval)));
      return [interval, scheduler] as const;
    }),
  );
  for (const [interval, scheduler] of rows) {
    if (scheduler)
      found.set(interval, {
        id: schedulerId(shop, interval),
        pattern: scheduler.pattern ?? null,
        tz: scheduler.tz ?? null,
      });
  }
  return found;
}

/** Syncs every shop that has a scheduler or a task subscribed to one (worker start). */
export async function syncAllSchedulers(db: PrismaClient = defaultPrisma): Promise<SchedulerSyncResult[]> {
  const scheduled = await allSchedulers();
  const withTasks = await db.task.findMany({
    where: { enabled: true, subscriptions: { contains: SCHEDULER_TOPIC_PREFIX } },
    select: { shop: true },
    distinct: ["shop"],
  });
  const shops = new Set([...scheduled.keys(), ...withTasks.map((row) => row.shop)]);
  const results: SchedulerSyncResult[] = [];
  for (const shop of [...shops].sort()) results.push(await syncShopSchedulers(shop, db));
  return results;
}

/**
 * After a task write: syncs the shop's schedulers, never failing the write (Redis down: logged; the
 * next write or the worker's start repairs it).
 */
export async function syncShopSchedulersQuietly(shop: string, db: PrismaClient = defaultPrisma): Promise<void> {
  try {
    await syncShopSchedulers(shop, db);
  } catch (error) {
    console.warn(
      `[scheduler] could not sync ${shop}'s schedulers (repaired at the next change or worker start): ${(error as Error).message}`,
    );
  }
}
