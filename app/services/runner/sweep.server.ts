// The recovery sweep: finds work whose job was lost (Redis restarted, a crash between commit and
// enqueue, a worker killed mid-job) and asks for it again. Every step it triggers is idempotent,
// so sweeping from several workers at once is harmless; a short Redis lock keeps it to one.
import type { PrismaClient } from "@prisma/client";
import type { Redis } from "ioredis";
import { redisKey } from "~/data/queues.server";
import {
  FINISHED_RUN_STATUSES,
  type ActionRunStatus,
  type EventStatus,
  type TaskRunStatus,
} from "~/domain/runs/status";
import { purgeExpiredCache } from "~/data/cache.server";
import { purgeExpiredData } from "~/data/retention.server";

export interface SweepDeps {
  db: PrismaClient;
  enqueueEvent: (eventId: string) => Promise<unknown>;
  /** The ingress module's sweep for pending events without a job (never added, or lost by Redis). */
  enqueuePendingEvents: () => Promise<{ enqueued: number }>;
  scheduleTaskRun: (taskRunId: string, at: Date) => Promise<void>;
  /** Recomputes an event's status from its runs. */
  rollUpEvent: (eventId: string) => Promise<unknown>;
  actionLeaseMs: number;
  taskLeaseMs: number;
  now?: () => Date;
  /** How long a row may sit untouched before the sweep assumes its job was lost. */
  graceMs?: number;
  batch?: number;
}

export interface SweepReport {
  events: number;
  taskRuns: number;
  actionRuns: number;
  cachePurged: number;
  /** Rows deleted by data retention (events past the shop's period, raw bodies, dedupe keys). */
  retentionPurged: number;
}

export async function sweepOnce(deps: SweepDeps): Promise<SweepReport> {
  const { db } = deps;
  const now = (deps.now ?? (() => new Date()))();
  const grace = deps.graceMs ?? 5_000;
  const take = deps.batch ?? 500;
  const before = (ms: number) => new Date(now.getTime() - ms);
  const report: SweepReport = { events: 0, taskRuns: 0, actionRuns: 0, cachePurged: 0, retentionPurged: 0 };

  // Events never enqueued or whose job vanished (the ingress sweep), and events whose worker died
  // after marking them running but before creating any task run.
  const pending = await deps.enqueuePendingEvents();
  const stuck = await db.event.findMany({
    where: {
      status: "running" satisfies EventStatus,
      startedAt: { lt: before(deps.taskLeaseMs + grace) },
      taskRuns: { none: {} },
    },
    select: { id: true },
    take,
  });
  for (const event of stuck) await deps.enqueueEvent(event.id);
  report.events = pending.enqueued + stuck.length;

  // Task runs that are due but untouched, or whose renderer died.
  const taskRuns = await db.taskRun.findMany({
    where: {
      OR: [
        { status: "pending" satisfies TaskRunStatus, runAt: { lt: before(grace) } },
        { status: "running" satisfies TaskRunStatus, startedAt: { lt: before(deps.taskLeaseMs) } },
      ],
    },
    select: { id: true, runAt: true },
    take,
  });
  for (const run of taskRuns) await deps.scheduleTaskRun(run.id, run.runAt.getTime() < now.getTime() ? now : run.runAt);
  report.taskRuns = taskRuns.length;

  // Action runs whose retry is due but untouched, never started, or orphaned by a dead worker.
  const actionRuns = await db.actionRun.findMany({
    where: {
      OR: [
        { status: "pending" satisfies ActionRunStatus, nextAttemptAt: { lt: before(grace) } },
        {
          status: "pending" satisfies ActionRunStatus,
          nextAttemptAt: null,
          createdAt: { lt: before(grace + deps.taskLeaseMs) },
        },
        { status: "running" satisfies ActionRunStatus, startedAt: { lt: before(deps.actionLeaseMs) } },
      ],
      taskRun: { status: "succeeded" satisfies TaskRunStatus },
    },
    select: { taskRunId: true },
    distinct: ["taskRunId"],
    take,
  });
  for (const run of actionRuns) await deps.scheduleTaskRun(run.taskRunId, now);
  report.actionRuns = actionRuns.length;

  // Events whose runs are all finished but whose status was never rolled up (a worker died between
  // recording the last outcome and the roll-up).
  const finished = [...FINISHED_RUN_STATUSES];
  const unrolled = await db.event.findMany({
    where: {
      status: "running" satisfies EventStatus,
      startedAt: { lt: before(grace) },
      taskRuns: { some: {}, every: { status: { in: finished }, actionRuns: { every: { status: { in: finished } } } } },
    },
    select: { id: true },
    take,
  });
  for (const event of unrolled) await deps.rollUpEvent(event.id);
  report.events += unrolled.length;

  report.cachePurged = await purgeExpiredCache(db, now);
  const purged = await purgeExpiredData(now);
  report.retentionPurged = purged.events + purged.rawBodies + purged.dedupeKeys;
  return report;
}

/** Runs `sweep` only if no other worker swept within `intervalMs` (a Redis lock with that TTL). */
export async function sweepIfLeader(
  redis: Redis,
  intervalMs: number,
  sweep: () => Promise<SweepReport>,
): Promise<SweepReport | null> {
  const acquired = await redis.set(
    await redisKey("sweep-lock"),
    String(process.pid),
    "PX",
    Math.max(1000, intervalMs - 500),
    "NX",
  );
  if (acquired !== "OK") return null;
  return sweep();
}
