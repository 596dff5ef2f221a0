// A worker: BullMQ Workers for the "events" and "runs" queues, the heartbeat and the recovery
// sweep. `workers/index.ts` runs one per process; tests start them in-process with overrides.
import os from "node:os";
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { config, limits, queuePrefix } from "~/config.server";
import prisma, { databaseUrl, isPostgresUrl } from "~/db.server";
import { closeQueues, createRedis, EVENTS_QUEUE } from "~/queue.server";
import { enqueueEvent, enqueuePendingEvents } from "./events.server";
import { clearHeartbeat, HEARTBEAT_INTERVAL_MS, writeHeartbeat, type WorkerHeartbeat } from "./heartbeat.server";
import { closeRunsQueue, RUNS_QUEUE, scheduleTaskRun } from "./queues.server";
import { createRunStore } from "./run-store.server";
import { createRunner, type Runner, type RunnerDeps } from "./runner.server";
import { sweepIfLeader, sweepOnce } from "./sweep.server";
import { leases, workerRunnerDeps } from "./worker-deps.server";

export interface WorkerOptions {
  concurrency?: number;
  /** BullMQ's job lock: a job whose worker stops renewing it for this long is re-delivered. */
  lockMs?: number;
  /** How often to sweep for lost work (default SWEEP_INTERVAL_MS or 10 s); 0 turns it off. */
  sweepIntervalMs?: number;
  heartbeatIntervalMs?: number;
  overrides?: Partial<RunnerDeps>;
  log?: (message: string) => void;
}

export interface StartedWorker {
  runner: Runner;
  concurrency: number;
  /** Finishes in-flight jobs, stops the timers and removes this process's heartbeat. */
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions = {}): Promise<StartedWorker> {
  const log = options.log ?? ((message: string) => console.log(`[worker] ${message}`));
  const concurrency = options.concurrency ?? limits.workerConcurrency;
  const lockMs = options.lockMs ?? config().worker.lockMs;
  const sweepIntervalMs = options.sweepIntervalMs ?? config().worker.sweepIntervalMs;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;

  await enableWriteAheadLog(log);
  const connection: Redis = createRedis();
  connection.on("error", (error) => log(`redis: ${error.message}`));
  const store = options.overrides?.store ?? createRunStore();
  const runner = createRunner(workerRunnerDeps(connection, { log, ...options.overrides, store }));
  const common = {
    connection,
    prefix: queuePrefix(),
    concurrency,
    lockDuration: lockMs,
    stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
    maxStalledCount: 5,
  };
  const eventsWorker = new Worker(
    EVENTS_QUEUE,
    async (job: Job<{ eventId?: string }>) => {
      if (typeof job.data?.eventId !== "string") throw new Error(`event job ${job.id} has no eventId`);
      await runner.processEvent(job.data.eventId);
    },
    common,
  );
  const runsWorker = new Worker(
    RUNS_QUEUE,
    async (job: Job<{ taskRunId?: string }>) => {
      if (typeof job.data?.taskRunId !== "string") throw new Error(`task-run job ${job.id} has no taskRunId`);
      await runner.processTaskRun(job.data.taskRunId);
    },
    common,
  );
  for (const worker of [eventsWorker, runsWorker]) {
    worker.on("failed", (job, error) => log(`job ${job?.name} ${job?.id} failed: ${error.message}`));
    worker.on("error", (error) => log(error.message));
  }

  const beat: WorkerHeartbeat = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    at: new Date().toISOString(),
    concurrency,
  };
  const heartbeat = async () => {
    beat.at = new Date().toISOString();
    await writeHeartbeat(connection, beat).catch((error: Error) => log(`heartbeat: ${error.message}`));
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
          enqueueEvent: (id) => enqueueEvent(id),
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
    runner,
    concurrency,
    async close() {
      clearInterval(heartbeatTimer);
      clearInterval(sweepTimer);
      await Promise.all([eventsWorker.close(), runsWorker.close()]);
      await clearHeartbeat(connection, beat).catch(() => {});
      await connection.quit().catch(() => {});
      if (!options.overrides?.store) await store.close();
    },
  };
}

/**
 * SQLite only: switch the database file to write-ahead logging, so readers do not block the writer
 * when several worker processes (and the web app) share the file. The mode is stored in the file.
 */
async function enableWriteAheadLog(log: (message: string) => void): Promise<void> {
  if (isPostgresUrl(databaseUrl())) return;
  try {
    await prisma.$queryRawUnsafe("PRAGMA journal_mode=WAL");
  } catch (error) {
    log(`could not switch SQLite to WAL mode: ${(error as Error).message}`);
  }
}

/** Closes the process-wide queues used to enqueue (call once when the process stops). */
export async function closeSharedQueues(): Promise<void> {
  await Promise.all([closeQueues(), closeRunsQueue()]);
}
