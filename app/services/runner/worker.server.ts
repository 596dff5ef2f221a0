// A worker: BullMQ Workers for the "events" and "runs" queues, the heartbeat and the recovery
// sweep. `workers/index.ts` runs one per process; tests start them in-process with overrides.
import os from "node:os";
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { config, limits } from "~/config.server";
import prisma, { databaseUrl } from "~/data/db.server";
import {
  clearHeartbeat,
  HEARTBEAT_INTERVAL_MS,
  recordForeignJob,
  writeHeartbeat,
  type WorkerHeartbeat,
} from "~/data/heartbeat.server";
import { createSqlRunStore } from "~/data/hot-sql.server";
import { enqueuePendingEvents } from "~/data/events.server";
import {
  closeQueues,
  createRedis,
  eventIdsOfJob,
  requeueEvent,
  EVENTS_QUEUE,
  queuePrefix,
  RESPOND_QUEUE,
  RUNS_QUEUE,
  SCHEDULER_QUEUE,
  scheduleSubscriptionSync,
  scheduleTaskRun,
  SHOP_SUBSCRIPTION_SYNC_JOB,
  SHOPIFY_SUBSCRIPTIONS_QUEUE,
  type EventJob,
  type ShopSubscriptionSyncJob,
  type SchedulerTickJob,
  type TaskRunJob,
} from "~/data/queues.server";
import type { RunnerDeps } from "./deps";
import { runnerPoolSize } from "./pool-size";
import { createEventSlots } from "./event-slots";
import { fanOutEvent } from "./fan-out-event";
import { processTaskRun } from "./process-task-run";
import { rollUpEvent } from "./roll-up";
import { sweepIfLeader, sweepOnce } from "./sweep.server";
import { handleSchedulerTick, refreshShopTimeZone, startSchedulers } from "./scheduler.server";
import { leases, workerRunnerDeps } from "./worker-deps.server";
import { readWorkerHealth, type WorkerHealth, type WorkerHealthProbe } from "./worker-health.server";
import {
  describeChanges,
  queueAllShopifySubscriptionSyncs,
  SHOP_SYNC_CONCURRENCY,
  SHOP_SYNC_TIME_LIMIT_MS,
  syncShopifySubscriptions,
} from "~/services/shopify/webhook-subscriptions.server";

export interface WorkerOptions {
  concurrency?: number;
  /** BullMQ's job lock: a job whose worker stops renewing it for this long is re-delivered. */
  lockMs?: number;
  /** How often to sweep for lost work (default SWEEP_INTERVAL_MS or 10 s); 0 turns it off. */
  sweepIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** Announced in the heartbeat (WORKER_HEALTH_PORT), so doctor can ask this worker's /health. */
  healthPort?: number | null;
  /**
   * How often every installed shop's Shopify webhook subscriptions are reconciled (a BullMQ job
   * scheduler, one job per interval across all workers); 0 or absent: this worker does not set
   * the schedule (tests), though it still runs the scheduler's jobs.
   */
  subscriptionSyncIntervalMs?: number;
  /** One shop's subscription sync ends within this (default SHOP_SYNC_TIME_LIMIT_MS; tests shorten it). */
  subscriptionSyncTimeLimitMs?: number;
  overrides?: Partial<RunnerDeps>;
  log?: (message: string) => void;
  /** Sync every shop's scheduler at start (default true; tests that share Redis may turn it off). */
  syncSchedulers?: boolean;
  /** The clock scheduler ticks are read from (default: the runner's); tests move it. */
  schedulerClock?: () => Date;
}

/** The processors bound to this worker's dependencies (tests call them directly). */
export interface BoundRunner {
  fanOutEvent(eventId: string): ReturnType<typeof fanOutEvent>;
  processTaskRun(taskRunId: string): Promise<void>;
  rollUpEvent(eventId: string): ReturnType<typeof rollUpEvent>;
}

export interface StartedWorker {
  /** The queue prefix this worker serves (HOOKLINE_QUEUE_PREFIX, or derived from the database). */
  prefix: string;
  deps: RunnerDeps;
  runner: BoundRunner;
  concurrency: number;
  /** What /health answers (app/services/runner/worker-health.server.ts). */
  health(): Promise<WorkerHealth>;
  healthProbe: WorkerHealthProbe;
  /** Finishes in-flight jobs, stops the timers and removes this process's heartbeat. */
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions = {}): Promise<StartedWorker> {
  const log = options.log ?? ((message: string) => console.log(`[worker] ${message}`));
  const concurrency = options.concurrency ?? limits.workerConcurrency;
  const lockMs = options.lockMs ?? config().worker.lockMs;
  const sweepIntervalMs = options.sweepIntervalMs ?? config().worker.sweepIntervalMs;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;

  const prefix = await queuePrefix();
  const connection: Redis = createRedis();
  connection.on("error", (error) => log(`redis: ${error.message}`));
  const store = options.overrides?.store ?? createSqlRunStore(databaseUrl(), { poolSize: runnerPoolSize(concurrency) });
  const deps = workerRunnerDeps(connection, { log, ...options.overrides, store });
  const runner: BoundRunner = {
    fanOutEvent: (id) => fanOutEvent(id, deps),
    processTaskRun: (id) => processTaskRun(id, deps),
    rollUpEvent: (id) => rollUpEvent(id, deps),
  };
  const common = {
    connection,
    prefix,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
    maxStalledCount: 5,
  };
  const processEvent = async (eventId: string) => {
    const result = await fanOutEvent(eventId, deps);
    if (result === "not-found") await reportForeignJob(eventId);
  };
  // A job's events side by side, each in one of the process's event slots (event-slots.ts). The job
  // fails (and is retried: every step is safe to repeat) when any of them failed, once all settled.
  const eventSlots = createEventSlots(concurrency);
  const processEventJob = async (job: Job<EventJob>) => {
    const eventIds = eventIdsOfJob(job.data);
    if (!eventIds) throw new Error(`event job ${job.id} carries no event ids`);
    const settled = await Promise.allSettled(eventIds.map((id) => eventSlots.run(() => processEvent(id))));
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (failed) throw failed.reason;
  };
  const eventsWorker = new Worker(EVENTS_QUEUE, processEventJob, common);
  // Events a caller waits for (wait-mode webhooks): one per job, with BullMQ slots of their own
  // (not the event slots), so a backlog of bulk events never delays them (docs/decisions/0076).
  const respondWorker = new Worker(
    RESPOND_QUEUE,
    async (job: Job<EventJob>) => {
      const eventIds = eventIdsOfJob(job.data);
      if (eventIds?.length !== 1) throw new Error(`respond job ${job.id} carries no event id`);
      await processEvent(eventIds[0]!);
    },
    common,
  );
  // A job for an event this database does not hold: another installation sharing this Redis
  // prefix enqueued it (its own workers will never see it now; its sweep re-adds it in seconds),
  // or the event was deleted while its job waited. Never silent: logged and counted for doctor.
  const reportForeignJob = async (eventId: string) => {
    log(
      `WARNING: event ${eventId} is not in this database (${redactUrl(databaseUrl())}); its job on queue prefix "${prefix}" came from another installation sharing this Redis, or the event was deleted. Give each installation its own database and leave HOOKLINE_QUEUE_PREFIX unset (or set a different one). Counted in \`hookline doctor\`.`,
    );
    await recordForeignJob(connection, eventId).catch((error: Error) =>
      log(`could not count a foreign job: ${error.message}`),
    );
  };
  const runsWorker = new Worker(
    RUNS_QUEUE,
    async (job: Job<Partial<TaskRunJob>>) => {
      if (typeof job.data?.taskRunId !== "string") throw new Error(`task-run job ${job.id} has no taskRunId`);
      await processTaskRun(job.data.taskRunId, deps);
    },
    common,
  );
  // Scheduler ticks: one event per shop, interval and tick (app/services/runner/scheduler-tick.ts).
  const schedulerWorker = new Worker(
    SCHEDULER_QUEUE,
    async (job: Job<Partial<SchedulerTickJob>>) => {
      const result = await handleSchedulerTick(job.data ?? {}, { ...deps, now: options.schedulerClock ?? deps.now });
      if ("skipped" in result) log(`scheduler job ${job.id}: ${result.skipped}`);
    },
    common,
  );
  // In the background: reading shops' time zones from the Admin API must not delay the worker's start.
  let closing = false;
  if (options.syncSchedulers ?? true) {
    void startSchedulers(deps.adminGraphql, log).catch((error: Error) => {
      if (!closing) log(`scheduler: could not sync the job schedulers at start: ${error.message}`);
    });
  }
  // The periodic sync-all job (the job scheduler's) adds one sync-shop job per installed shop; the
  // shops' jobs run SHOP_SYNC_CONCURRENCY at a time, each within its time limit, so a shop whose
  // Admin API is slow or failing holds one slot for at most that long (docs/decisions/0095).
  const subscriptionsWorker = new Worker(
    SHOPIFY_SUBSCRIPTIONS_QUEUE,
    async (job: Job<Partial<ShopSubscriptionSyncJob>>) => {
      if (job.name !== SHOP_SUBSCRIPTION_SYNC_JOB) {
        const shops = await queueAllShopifySubscriptionSyncs();
        log(`shopify subscriptions: queued a sync for each of ${shops} installed shop(s)`);
        return;
      }
      const shop = job.data?.shop;
      if (typeof shop !== "string") throw new Error(`subscription sync job ${job.id} has no shop`);
      // Throws (the job fails, logged below) when Shopify cannot be read or the time is up.
      const result = await syncShopifySubscriptions(shop, deps.adminGraphql, {
        timeLimitMs: options.subscriptionSyncTimeLimitMs,
      });
      const changes = describeChanges(result);
      if (changes) log(`shopify subscriptions: ${shop} (periodic): ${changes}`);
      // The same visit re-reads the shop's time zone (a merchant may have changed it since).
      await refreshShopTimeZone(
        shop,
        deps.adminGraphql,
        log,
        AbortSignal.timeout(options.subscriptionSyncTimeLimitMs ?? SHOP_SYNC_TIME_LIMIT_MS),
      );
    },
    { ...common, concurrency: SHOP_SYNC_CONCURRENCY },
  );
  // Listeners before the next await: a Worker runs from its constructor, and an 'error' it emits
  // with no listener (Redis gone while this process starts) would kill the process.
  for (const worker of [eventsWorker, respondWorker, runsWorker, schedulerWorker, subscriptionsWorker]) {
    worker.on("failed", (job, error) => log(`job ${job?.name} ${job?.id} failed: ${error.message}`));
    worker.on("error", (error) => log(error.message));
  }
  if (options.subscriptionSyncIntervalMs && options.subscriptionSyncIntervalMs > 0) {
    await scheduleSubscriptionSync(options.subscriptionSyncIntervalMs).catch((error: Error) =>
      log(`could not schedule the Shopify subscription sync: ${error.message}`),
    );
  }

  const beat: WorkerHeartbeat = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    at: new Date().toISOString(),
    concurrency,
    healthPort: options.healthPort ?? null,
  };
  let lastBeatAt: number | null = null;
  const heartbeat = async () => {
    const at = Date.now();
    beat.at = new Date(at).toISOString();
    await writeHeartbeat(connection, beat).then(
      () => (lastBeatAt = at),
      (error: Error) => log(`heartbeat: ${error.message}`),
    );
  };
  const healthProbe: WorkerHealthProbe = {
    pid: process.pid,
    prefix,
    concurrency,
    lastHeartbeatAt: () => lastBeatAt,
    redisAnswers: async () => (await connection.ping()) === "PONG",
    databaseAnswers: async () => {
      await prisma.$queryRawUnsafe("SELECT 1");
      return true;
    },
  };
  await heartbeat();
  const heartbeatTimer = setInterval(heartbeat, heartbeatIntervalMs);

  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      const report = await sweepIfLeader(connection, sweepIntervalMs, () =>
        sweepOnce({
          db: prisma,
          // Not a plain add: a stuck event's job may have failed and been kept under the event's id.
          enqueueEvent: (id) => requeueEvent(id),
          enqueuePendingEvents: () => enqueuePendingEvents(),
          scheduleTaskRun: (id, at) => scheduleTaskRun(id, at),
          rollUpEvent: (id) => runner.rollUpEvent(id),
          actionLeaseMs: options.overrides?.actionLeaseMs ?? leases.actionMs,
          taskLeaseMs: options.overrides?.taskLeaseMs ?? leases.taskMs,
        }),
      );
      if (report && report.events + report.taskRuns + report.actionRuns > 0) {
        log(
          `sweep re-queued ${report.events} event(s), ${report.taskRuns} task run(s), ${report.actionRuns} task run(s) with due actions`,
        );
      }
    } catch (error) {
      log(`sweep: ${(error as Error).message}`);
    } finally {
      sweeping = false;
    }
  };
  // sweepIntervalMs 0 turns the sweep off (tests that must not pick up other tests' rows).
  const sweepTimer = sweepIntervalMs > 0 ? setInterval(sweep, sweepIntervalMs) : undefined;
  if (sweepTimer) void sweep();

  return {
    prefix,
    deps,
    runner,
    concurrency,
    healthProbe,
    health: () => readWorkerHealth(healthProbe),
    async close() {
      closing = true;
      clearInterval(heartbeatTimer);
      clearInterval(sweepTimer);
      await Promise.all([
        eventsWorker.close(),
        respondWorker.close(),
        runsWorker.close(),
        schedulerWorker.close(),
        subscriptionsWorker.close(),
      ]);
      await clearHeartbeat(connection, beat).catch(() => {});
      await connection.quit().catch(() => {});
      if (!options.overrides?.store) await store.close();
    },
  };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}

/** Closes the process-wide queues used to enqueue (call once when the process stops). */
export const closeSharedQueues = closeQueues;
