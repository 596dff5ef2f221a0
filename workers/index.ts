// The worker process (`npm run worker`): processes event jobs and delayed task-run jobs, writes a
// heartbeat, sweeps for lost work, and on SIGTERM/SIGINT finishes in-flight jobs before exiting 0.
import os from "node:os";
import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { limits, queuePrefix, redisUrl } from "~/config.server";
import prisma from "~/db.server";
import { closeQueues, createRedis, EVENTS_QUEUE } from "~/queue.server";
import { enqueueEvent, enqueuePendingEvents } from "~/runs/events.server";
import { clearHeartbeat, HEARTBEAT_INTERVAL_MS, writeHeartbeat, type WorkerHeartbeat } from "~/runs/heartbeat.server";
import { closeRunsQueue, RUNS_QUEUE, scheduleTaskRun } from "~/runs/queues.server";
import { createRunner } from "~/runs/runner.server";
import { sweepIfLeader, sweepOnce } from "~/runs/sweep.server";
import { leases, workerRunnerDeps } from "~/runs/worker-deps.server";

const SWEEP_INTERVAL_MS = Number(process.env.SWEEP_INTERVAL_MS) > 0 ? Number(process.env.SWEEP_INTERVAL_MS) : 10_000;
/** BullMQ's job lock: a job whose worker stops renewing it for this long is re-delivered. */
const LOCK_MS = Number(process.env.WORKER_LOCK_MS) > 0 ? Number(process.env.WORKER_LOCK_MS) : 30_000;

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 3000 });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

async function main(): Promise<void> {
  if (!(await redisReachable())) {
    console.error(`Cannot reach Redis at ${redisUrl()}. Start it with: redis-server --daemonize yes`);
    process.exit(1);
  }

  const connection = createRedis();
  connection.on("error", (error) => console.error(`[worker] redis: ${error.message}`));
  const runner = createRunner(workerRunnerDeps(connection));
  const concurrency = limits.workerConcurrency;
  const common = { connection, prefix: queuePrefix(), concurrency, lockDuration: LOCK_MS, stalledInterval: Math.max(1000, Math.floor(LOCK_MS / 2)), maxStalledCount: 5 };

  const eventsWorker = new Worker(EVENTS_QUEUE, async (job: Job<{ eventId?: string }>) => {
    if (typeof job.data?.eventId !== "string") throw new Error(`event job ${job.id} has no eventId`);
    await runner.processEvent(job.data.eventId);
  }, common);
  const runsWorker = new Worker(RUNS_QUEUE, async (job: Job<{ taskRunId?: string }>) => {
    if (typeof job.data?.taskRunId !== "string") throw new Error(`task-run job ${job.id} has no taskRunId`);
    await runner.processTaskRun(job.data.taskRunId);
  }, common);
  for (const worker of [eventsWorker, runsWorker]) {
    worker.on("failed", (job, error) => console.error(`[worker] job ${job?.name} ${job?.id} failed: ${error.message}`));
    worker.on("error", (error) => console.error(`[worker] ${error.message}`));
  }

  const beat: WorkerHeartbeat = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString(), at: new Date().toISOString(), concurrency };
  const heartbeat = async () => {
    beat.at = new Date().toISOString();
    await writeHeartbeat(connection, beat).catch((error: Error) => console.error(`[worker] heartbeat: ${error.message}`));
  };
  await heartbeat();
  const heartbeatTimer = setInterval(heartbeat, HEARTBEAT_INTERVAL_MS);

  const sweep = async () => {
    try {
      const report = await sweepIfLeader(connection, SWEEP_INTERVAL_MS, () =>
        sweepOnce({
          db: prisma,
          enqueueEvent: (id) => enqueueEvent(id),
          enqueuePendingEvents: () => enqueuePendingEvents(),
          scheduleTaskRun: (id, at) => scheduleTaskRun(id, at),
          actionLeaseMs: leases.actionMs,
          taskLeaseMs: leases.taskMs,
        }),
      );
      if (report && report.events + report.taskRuns + report.actionRuns > 0) {
        console.log(`[worker] sweep re-queued ${report.events} event(s), ${report.taskRuns} task run(s), ${report.actionRuns} task run(s) with actions`);
      }
    } catch (error) {
      console.error(`[worker] sweep: ${(error as Error).message}`);
    }
  };
  void sweep();
  const sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);

  console.log(`[worker] pid ${process.pid} processing queues "${EVENTS_QUEUE}" and "${RUNS_QUEUE}" (prefix ${queuePrefix()}, concurrency ${concurrency})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing in-flight jobs`);
    clearInterval(heartbeatTimer);
    clearInterval(sweepTimer);
    try {
      await Promise.all([eventsWorker.close(), runsWorker.close()]);
      await clearHeartbeat(connection, beat).catch(() => {});
      await Promise.all([closeQueues(), closeRunsQueue()]);
      await connection.quit().catch(() => {});
      await prisma.$disconnect();
      console.log("[worker] stopped");
      process.exit(0);
    } catch (error) {
      console.error(`[worker] shutdown: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(`[worker] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
