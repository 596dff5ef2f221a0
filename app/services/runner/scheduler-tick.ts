// The scheduler's tick job: one event `mechanic/scheduler/<interval>` per shop, interval and tick.
// The event's id is derived from (shop, interval, tick time), so three workers, a retried job or a
// scheduler upserted twice create it once (createEvent with a fixed id is idempotent). The tick is
// the latest one at the job's run time: a job that runs late (workers were down) creates that one
// tick, never the missed ones before it (BullMQ keeps one pending job per scheduler).
import { createHash } from "node:crypto";
import { currentTick, isSchedulerInterval, isValidTimeZone, schedulerTopic } from "~/domain/scheduler";
import type { RunnerDeps } from "./deps";

/** A job may start a little before its tick by another machine's clock; it still means that tick. */
export const TICK_EARLY_TOLERANCE_MS = 5_000;

export interface SchedulerTick {
  shop: string;
  interval: string;
  timeZone: string;
}

/** A deterministic UUID-shaped id per shop, interval and tick. */
export function schedulerEventId(shop: string, interval: string, tick: Date): string {
  const hex = createHash("sha256").update(`${shop}|${interval}|${tick.toISOString()}|scheduler`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-b${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export type TickResult = { eventId: string; tick: Date } | { skipped: string };

export async function processSchedulerTick(
  job: Partial<SchedulerTick>,
  deps: Pick<RunnerDeps, "createEvent" | "now" | "log">,
): Promise<TickResult> {
  const { shop, interval } = job;
  if (typeof shop !== "string" || typeof interval !== "string" || !isSchedulerInterval(interval)) {
    return { skipped: `not a scheduler tick: ${JSON.stringify(job)}` };
  }
  const timeZone = typeof job.timeZone === "string" && isValidTimeZone(job.timeZone) ? job.timeZone : "UTC";
  const tick = currentTick(interval, timeZone, new Date(deps.now().getTime() + TICK_EARLY_TOLERANCE_MS));
  const { id } = await deps.createEvent({
    id: schedulerEventId(shop, interval, tick),
    shop,
    topic: schedulerTopic(interval),
    data: null,
    source: "scheduler",
    parentId: null,
    depth: 0,
    runAt: null,
    taskIds: null,
  });
  return { eventId: id, tick };
}
