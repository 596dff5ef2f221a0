// Operator actions on an event: replay (a new event with the same topic and data) and retry
// (perform the failed runs of the same event again), plus a readable summary of an event's runs.
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/data/db.server";
import { createEvent, existingEventId } from "~/data/events.server";
import { enqueueEvent, scheduleTaskRun } from "~/data/queues.server";
import { parseJson } from "~/domain/json";
import type { ActionRunStatus, EventStatus, TaskRunStatus } from "~/domain/runs/status";
import type { NewEventInput } from "./deps";

export class EventNotFoundError extends Error {
  constructor(id: string) {
    super(`no event ${id}`);
    this.name = "EventNotFoundError";
  }
}

/** What the operator actions use; each defaults to the real one (the database, the queues). */
export interface ManualDeps {
  db?: PrismaClient;
  createEvent?: (input: NewEventInput) => Promise<{ id: string }>;
  enqueueEvent?: (eventId: string) => Promise<unknown>;
  scheduleTaskRun?: (taskRunId: string, at: Date) => Promise<void>;
}

function withDefaults(deps: ManualDeps) {
  return {
    db: deps.db ?? defaultPrisma,
    createEvent: deps.createEvent ?? (async (input: NewEventInput) => existingEventId(await createEvent(input))),
    enqueueEvent: deps.enqueueEvent ?? ((id: string) => enqueueEvent(id, null, { ownJob: true })),
    scheduleTaskRun: deps.scheduleTaskRun ?? scheduleTaskRun,
  };
}

function parseOr(text: string | null, fallback: unknown): unknown {
  if (text === null) return fallback;
  try {
    return parseJson(text);
  } catch {
    return fallback;
  }
}

/** A new event with the original's shop, topic, data and targeting; source "replay", parent = original. */
export async function replayEvent(eventId: string, manualDeps: ManualDeps = {}): Promise<{ id: string }> {
  const deps = withDefaults(manualDeps);
  const db = deps.db;
  const original = await db.event.findUnique({ where: { id: eventId } });
  if (!original) throw new EventNotFoundError(eventId);
  const taskIds = parseOr(original.taskIds, null);
  return deps.createEvent({
    shop: original.shop,
    topic: original.topic,
    data: parseOr(original.data, null),
    source: "replay",
    parentId: original.id,
    depth: original.depth,
    taskIds: Array.isArray(taskIds) ? (taskIds as string[]) : null,
    runAt: null,
  });
}

export interface RetryReport {
  taskRuns: number;
  actionRuns: number;
  /** The event had not been processed at all, so its job was enqueued again. */
  requeued: boolean;
}

/**
 * Retries what failed: failed task runs render again with the task's current configuration;
 * failed action runs (and those skipped after a halting failure) run again with their original
 * options, with a fresh set of automatic attempts. Succeeded runs are never touched.
 */
export async function retryEvent(eventId: string, manualDeps: ManualDeps = {}): Promise<RetryReport> {
  const deps = withDefaults(manualDeps);
  const db = deps.db;
  const event = await db.event.findUnique({
    where: { id: eventId },
    include: { taskRuns: { include: { actionRuns: true } } },
  });
  if (!event) throw new EventNotFoundError(eventId);
  if (event.status === "pending" || (event.status === "running" && event.taskRuns.length === 0)) {
    await deps.enqueueEvent(event.id);
    return { taskRuns: 0, actionRuns: 0, requeued: true };
  }
  const now = new Date();
  const touched = new Set<string>();
  let taskRuns = 0;
  let actionRuns = 0;
  for (const taskRun of event.taskRuns) {
    if (taskRun.status === "failed") {
      const { count } = await db.taskRun.updateMany({
        where: { id: taskRun.id, status: "failed" satisfies TaskRunStatus },
        data: { status: "pending" satisfies TaskRunStatus, runAt: now, startedAt: null, finishedAt: null },
      });
      if (count) {
        taskRuns++;
        touched.add(taskRun.id);
      }
      continue;
    }
    const retryable = taskRun.actionRuns
      .filter((a) => a.status === "failed" || a.status === "skipped")
      .map((a) => a.id);
    if (!retryable.length) continue;
    const { count } = await db.actionRun.updateMany({
      where: { id: { in: retryable }, status: { in: ["failed", "skipped"] satisfies ActionRunStatus[] } },
      data: { status: "pending" satisfies ActionRunStatus, attempts: 0, nextAttemptAt: null, finishedAt: null },
    });
    if (count) {
      actionRuns += count;
      touched.add(taskRun.id);
    }
  }
  if (touched.size) {
    await db.event.update({
      where: { id: event.id },
      data: { status: "running" satisfies EventStatus, finishedAt: null, error: null },
    });
    for (const taskRunId of touched) await deps.scheduleTaskRun(taskRunId, now);
  }
  return { taskRuns, actionRuns, requeued: false };
}

/** The event with its task runs and action runs, JSON columns parsed, for the CLI and the UI. */
export async function describeEvent(eventId: string, db: PrismaClient = defaultPrisma) {
  const event = await db.event.findUnique({
    where: { id: eventId },
    include: {
      taskRuns: {
        include: { task: { select: { name: true } }, actionRuns: { orderBy: { position: "asc" } } },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!event) throw new EventNotFoundError(eventId);
  return {
    id: event.id,
    shop: event.shop,
    topic: event.topic,
    source: event.source,
    status: event.status,
    error: event.error,
    depth: event.depth,
    parentId: event.parentId,
    createdAt: event.createdAt,
    startedAt: event.startedAt,
    finishedAt: event.finishedAt,
    data: parseOr(event.data, null),
    taskRuns: event.taskRuns.map((taskRun) => ({
      id: taskRun.id,
      taskId: taskRun.taskId,
      taskName: taskRun.task.name,
      status: taskRun.status,
      runAt: taskRun.runAt,
      attempts: taskRun.attempts,
      startedAt: taskRun.startedAt,
      finishedAt: taskRun.finishedAt,
      logs: parseOr(taskRun.logs, []),
      errors: parseOr(taskRun.errors, []),
      actionRuns: taskRun.actionRuns.map((actionRun) => ({
        id: actionRun.id,
        position: actionRun.position,
        type: actionRun.type,
        status: actionRun.status,
        attempts: actionRun.attempts,
        options: parseOr(actionRun.options, null),
        meta: parseOr(actionRun.meta, null),
        result: parseOr(actionRun.result, null),
        error: actionRun.error,
        nextAttemptAt: actionRun.nextAttemptAt,
        startedAt: actionRun.startedAt,
        finishedAt: actionRun.finishedAt,
        durationMs: actionRun.durationMs,
      })),
    })),
  };
}
