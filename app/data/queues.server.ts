// The BullMQ queues, in one place: their names, their jobs, the Redis connection they use, and the
// one enqueue each kind of work has. The database is the source of truth; a job only says "look at
// this now", so every job may arrive twice or late and every enqueue is safe to repeat.
//
//   "events"  job "event"    { eventId }    job id = event id; added after the event's commit
//                                            (enqueueEvent), delayed until its run_at.
//             job "events"   { eventIds }   the events one tick committed, up to EVENTS_PER_JOB
//                                            in a job (job id batch-<first event id>): a burst
//                                            pays the queue's cost per job once for all of them
//                                            (docs/decisions/0121).
//   "respond" job "event"    { eventId }    the same, for events a caller waits for (wait-mode
//                                            webhooks): served first, by slots of their own.
//   "runs"    job "task-run" { taskRunId }  a delayed look at a task run: a subscription offset,
//                                            a retry, a throttled shop (scheduleTaskRun); job id
//                                            tr_<task run id>_<due ms>.
//
// Only workers process jobs; the web process and the CLI enqueue. Every key lives under
// queuePrefix(): HOOKLINE_QUEUE_PREFIX when set, else derived from the database's identity, so
// installations with different databases never take each other's jobs from one Redis (a job for an
// event another database holds would be found missing and dropped; see recordForeignJob).
import { Queue, type JobsOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { queuePrefixSetting, redisUrl } from "~/config.server";
import { installationId } from "~/data/installation.server";

export const EVENTS_QUEUE = "events";
export const EVENT_JOB = "event";
export const EVENTS_JOB = "events";
/** One event's job, or (the "events" queue only) several events committed in the same tick. */
export type EventJob = { eventId: string } | { eventIds: string[] };

/** The most events one job carries: a tick's burst shares the queue's per-job cost this far. */
export const EVENTS_PER_JOB = 16;

/** The event ids a job carries, or null when its data is not an event job's. */
export function eventIdsOfJob(data: unknown): string[] | null {
  if (typeof data !== "object" || data === null) return null;
  const { eventId, eventIds } = data as { eventId?: unknown; eventIds?: unknown };
  if (typeof eventId === "string") return [eventId];
  if (
    Array.isArray(eventIds) &&
    eventIds.length > 0 &&
    eventIds.length <= EVENTS_PER_JOB &&
    eventIds.every((id): id is string => typeof id === "string")
  )
    return eventIds;
  return null;
}

/**
 * Events of wait-mode webhooks (a caller is waiting): the same "event" jobs, on a queue of their
 * own that every worker serves with its own slots, so they never wait behind bulk work.
 */
export const RESPOND_QUEUE = "respond";

export const RUNS_QUEUE = "runs";
export const TASK_RUN_JOB = "task-run";
export interface TaskRunJob {
  taskRunId: string;
}

export const SCHEDULER_QUEUE = "scheduler";
export const SCHEDULER_TICK_JOB = "tick";
/** A job scheduler's template data: whose ticks, which interval, in which time zone. */
export interface SchedulerTickJob {
  shop: string;
  interval: string;
  timeZone: string;
}

/** How long an enqueue may take before the work is left to the recovery sweep. */
const ENQUEUE_TIMEOUT_MS = 2_000;

export function createRedis(options: RedisOptions = {}): Redis {
  return new Redis(redisUrl(), {
    maxRetriesPerRequest: null, // required by BullMQ workers
    enableOfflineQueue: true,
    ...options,
  });
}

/** The default prefix for an installation: its id's first 12 hex digits (48 bits). */
export function defaultQueuePrefix(installId: string): string {
  return `hookline-${installId.replaceAll("-", "").slice(0, 12)}`;
}

let prefix: Promise<string> | undefined;

/** This installation's prefix for every queue and Redis key (read from the database once). */
export function queuePrefix(): Promise<string> {
  const setting = queuePrefixSetting();
  if (setting) return Promise.resolve(setting);
  prefix ??= installationId().then(defaultQueuePrefix, (error: unknown) => {
    prefix = undefined;
    throw error;
  });
  return prefix;
}

/** A Redis key of this installation (heartbeats, throttles, locks, counters). */
export async function redisKey(name: string): Promise<string> {
  return `${await queuePrefix()}:${name}`;
}

export function heartbeatKey(): Promise<string> {
  return redisKey("worker-heartbeat");
}

const queues = new Map<string, Promise<Queue>>();

/** The process's producer side of a queue. Fails fast when Redis is down: callers must not wait on it. */
function queue(name: string): Promise<Queue> {
  let q = queues.get(name);
  if (!q) {
    q = queuePrefix().then((queuePrefixValue) => {
      const connection = createRedis({ maxRetriesPerRequest: 1, enableOfflineQueue: false });
      connection.on("error", () => {}); // reported by the calls that fail, not as unhandled errors
      const created = new Queue(name, { connection, prefix: queuePrefixValue });
      created.on("error", () => {});
      return created;
    });
    q.catch(() => queues.delete(name));
    queues.set(name, q);
  }
  return q;
}

export function eventsQueue(): Promise<Queue<EventJob>> {
  return queue(EVENTS_QUEUE) as Promise<Queue<EventJob>>;
}

export function respondQueue(): Promise<Queue<EventJob>> {
  return queue(RESPOND_QUEUE) as Promise<Queue<EventJob>>;
}

export function runsQueue(): Promise<Queue<TaskRunJob>> {
  return queue(RUNS_QUEUE) as Promise<Queue<TaskRunJob>>;
}

/** The queue holding one BullMQ job scheduler per shop and scheduler interval (app/data/schedulers.server.ts). */
export function schedulerQueue(): Promise<Queue<SchedulerTickJob>> {
  return queue(SCHEDULER_QUEUE) as Promise<Queue<SchedulerTickJob>>;
}

/** Closes this process's queues (call once when the process stops). */
export async function closeQueues(): Promise<void> {
  const open = [...queues.values()];
  queues.clear();
  await Promise.all(
    open.map(async (pending) => {
      const q = await pending.catch(() => null);
      if (!q) return;
      await q.close();
      await q.disconnect();
    }),
  );
}

export function withTimeout<T>(promise: Promise<T>, ms = ENQUEUE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * An event's job: retried twice within seconds (a database restarting, a busy SQLite file) before
 * it is left failed for the recovery sweep, which would otherwise be the first to look again.
 */
function eventJobOptions(jobId: string, runAt: Date | null, nowMs: number): JobsOptions {
  const delay = runAt ? Math.max(0, runAt.getTime() - nowMs) : 0;
  return {
    jobId,
    removeOnComplete: true,
    removeOnFail: 1000,
    attempts: 3,
    backoff: { type: "exponential", delay: 1000 },
    ...(delay > 0 ? { delay } : {}),
  };
}

/** The most event jobs one add to Redis carries (more in one tick make further adds). */
export const MAX_JOBS_PER_ADD = 500;

interface PendingAdd {
  eventId: string;
  runAt: Date | null;
  /** Asked again for an event committed earlier: a job of its own (see enqueueEvent). */
  ownJob: boolean;
  resolve: (added: boolean) => void;
}

/** A job as Queue.add and Queue.addBulk take it. */
export interface EventJobToAdd {
  name: string;
  data: EventJob;
  opts: JobsOptions;
}

/** The prefix of a job carrying several events: its id is this and its first event's id. */
export const EVENTS_JOB_ID_PREFIX = "batch-";

/**
 * The jobs for events one tick committed, for `queueName`. On the "events" queue, events due now
 * share jobs, EVENTS_PER_JOB at most, in the order given; a delayed event (run_at ahead), an event
 * asked for again (`ownJob`), an event left alone, and every event on the "respond" queue (a caller
 * waits for each) get a job of their own, whose id is the event's (an add is then a no-op while that
 * job exists).
 */
export function eventJobsFor(
  queueName: string,
  adds: readonly { eventId: string; runAt: Date | null; ownJob?: boolean }[],
  nowMs = Date.now(),
): EventJobToAdd[] {
  const single = (a: { eventId: string; runAt: Date | null }): EventJobToAdd => ({
    name: EVENT_JOB,
    data: { eventId: a.eventId },
    opts: eventJobOptions(a.eventId, a.runAt, nowMs),
  });
  if (queueName !== EVENTS_QUEUE) return adds.map(single);
  const shares = (a: (typeof adds)[number]) => !a.ownJob && (!a.runAt || a.runAt.getTime() <= nowMs);
  const due = adds.filter(shares);
  const jobs: EventJobToAdd[] = adds.filter((a) => !shares(a)).map(single);
  for (let i = 0; i < due.length; i += EVENTS_PER_JOB) {
    const shared = due.slice(i, i + EVENTS_PER_JOB);
    if (shared.length === 1) {
      jobs.push(single(shared[0]!));
      continue;
    }
    const first = shared[0]!.eventId;
    jobs.push({
      name: EVENTS_JOB,
      data: { eventIds: shared.map((a) => a.eventId) },
      opts: eventJobOptions(`${EVENTS_JOB_ID_PREFIX}${first}`, null, nowMs),
    });
  }
  return jobs;
}

// This tick's event jobs, by queue: added together, one round trip (addBulk) per queue. Ingress
// answers many requests per tick under load; one write to Redis each cost more CPU than the add.
const pendingAdds = new Map<string, PendingAdd[]>();

/** Event-job adds sent to Redis (each carrying one or more jobs); tests read it. */
export const eventJobAdds = { calls: 0 };

/**
 * Adds the event's job, delayed until `runAt`. Never throws: false when Redis refused or did not
 * answer in time, and the event's pending row is then the recovery sweep's to enqueue
 * (enqueuePendingEvents). Call it only after the event is committed. The jobs asked for in one tick
 * go to Redis together (one pipeline), each settling with the add; a new event due now may share its
 * job with others of the tick (eventJobsFor). With `ownJob` (an event asked for again: the sweep, a
 * retry) the job is the event's own, named by its id, and the add is a no-op while that job exists,
 * so two sweeps at once still leave one job.
 */
export function enqueueEvent(
  eventId: string,
  runAt: Date | null = null,
  options: { callerWaiting?: boolean; ownJob?: boolean } = {},
): Promise<boolean> {
  const name = options.callerWaiting ? RESPOND_QUEUE : EVENTS_QUEUE;
  return new Promise((resolve) => {
    if (pendingAdds.size === 0) setImmediate(flushAdds);
    let adds = pendingAdds.get(name);
    if (!adds) pendingAdds.set(name, (adds = []));
    adds.push({ eventId, runAt, ownJob: options.ownJob ?? false, resolve });
  });
}

function flushAdds(): void {
  const byQueue = [...pendingAdds];
  pendingAdds.clear();
  for (const [name, adds] of byQueue) {
    for (let i = 0; i < adds.length; i += MAX_JOBS_PER_ADD)
      void addEventJobs(name, adds.slice(i, i + MAX_JOBS_PER_ADD));
  }
}

async function addEventJobs(name: string, adds: PendingAdd[]): Promise<void> {
  try {
    const q = await withTimeout(queue(name));
    eventJobAdds.calls++;
    const jobs = eventJobsFor(name, adds);
    if (jobs.length === 1) {
      const only = jobs[0]!;
      await withTimeout(q.add(only.name, only.data, only.opts));
    } else {
      // One pipeline; a job whose id exists already is left as it is, as add does.
      await withTimeout(q.addBulk(jobs));
    }
  } catch {
    // Not known to be added (some may have been): the sweep adds what is missing.
    for (const a of adds) a.resolve(false);
    return;
  }
  for (const a of adds) a.resolve(true);
}

/**
 * Whether the event has a job that will still be processed (waiting, delayed or active). A job kept
 * after it failed is removed, so its id can be added again. Throws when Redis is down.
 */
export async function eventJobPending(eventId: string): Promise<boolean> {
  const queue = await withTimeout(eventsQueue());
  const job = await withTimeout(queue.getJob(eventId));
  if (!job) return false;
  if (!job.finishedOn) return true;
  await withTimeout(job.remove());
  return false;
}

/**
 * The events carried by shared jobs (EVENTS_JOB) that will still be processed: active, waiting,
 * delayed (a retry's backoff) or paused, the oldest `perState` of each. The sweep asks this once
 * per pass, for events that have no job of their own. Throws when Redis is down.
 */
export async function eventsInSharedJobs(perState = 500): Promise<Set<string>> {
  const queue = await withTimeout(eventsQueue());
  const jobs = await withTimeout(
    queue.getJobs(["active", "waiting", "delayed", "prioritized", "paused"], 0, perState - 1, true),
  );
  const ids = new Set<string>();
  for (const job of jobs) {
    if (!job || job.name !== EVENTS_JOB) continue;
    for (const id of eventIdsOfJob(job.data) ?? []) ids.add(id);
  }
  return ids;
}

/**
 * Asks again for an event's job when the sweep finds the event stuck: unless a job will still run,
 * a new one (a job kept after it failed, e.g. while PostgreSQL restarted, has the event's id and
 * would make a plain add a no-op: it is removed first). False when Redis refused.
 */
export async function requeueEvent(eventId: string): Promise<boolean> {
  try {
    if (await eventJobPending(eventId)) return true;
  } catch {
    return false;
  }
  return enqueueEvent(eventId, null, { ownJob: true });
}

export function taskRunJobId(taskRunId: string, at: Date): string {
  return `tr_${taskRunId}_${at.getTime()}`;
}

/**
 * Asks a worker to look at the task run at `at` (now, if `at` is past). Scheduling the same look
 * twice adds one job. Throws when Redis refuses: the caller's job fails and the sweep re-schedules
 * due task runs.
 */
export async function scheduleTaskRun(taskRunId: string, at: Date): Promise<void> {
  await (
    await runsQueue()
  ).add(
    TASK_RUN_JOB,
    { taskRunId },
    {
      jobId: taskRunJobId(taskRunId, at),
      delay: Math.max(0, at.getTime() - Date.now()),
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
      attempts: 3,
      backoff: { type: "exponential", delay: 1000 },
    },
  );
}

// ------------------------------------------------------------------ Shopify webhook subscriptions

/** The worker's periodic reconciliation of every shop's Shopify webhook subscriptions. */
export const SHOPIFY_SUBSCRIPTIONS_QUEUE = "shopify-subscriptions";
export const SUBSCRIPTION_SYNC_SCHEDULER = "sync-all-shops";
export const SUBSCRIPTION_SYNC_JOB = "sync-all";
/** One shop's reconciliation; the periodic sync-all job adds one per installed shop. */
export const SHOP_SUBSCRIPTION_SYNC_JOB = "sync-shop";

export interface ShopSubscriptionSyncJob {
  shop: string;
}

export function shopifySubscriptionsQueue(): Promise<Queue> {
  return queue(SHOPIFY_SUBSCRIPTIONS_QUEUE);
}

/**
 * One sync-shop job per shop. A shop whose job is still waiting or running gets no second one
 * (the job id is the shop's), so the queue holds at most one job per shop however slow a shop is.
 */
export async function addShopSubscriptionSyncs(shops: readonly string[]): Promise<void> {
  const q = await withTimeout(shopifySubscriptionsQueue());
  for (let i = 0; i < shops.length; i += 500) {
    const jobs = shops.slice(i, i + 500).map((shop) => ({
      name: SHOP_SUBSCRIPTION_SYNC_JOB,
      data: { shop } satisfies ShopSubscriptionSyncJob,
      opts: { jobId: `sync-shop-${shop}`, removeOnComplete: true, removeOnFail: true },
    }));
    await withTimeout(q.addBulk(jobs));
  }
}

/**
 * One BullMQ job scheduler (whichever worker upserts it; the same id from every worker is one
 * scheduler): a sync-all job every `everyMs`, the first at once.
 */
export async function scheduleSubscriptionSync(everyMs: number): Promise<void> {
  const q = await withTimeout(shopifySubscriptionsQueue());
  await withTimeout(
    q.upsertJobScheduler(
      SUBSCRIPTION_SYNC_SCHEDULER,
      { every: everyMs },
      { name: SUBSCRIPTION_SYNC_JOB, opts: { removeOnComplete: true, removeOnFail: 100 } },
    ),
  );
}
