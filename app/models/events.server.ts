// Events: the durable record of something that happened (a webhook POST, an event action).
// Creation commits the row first ("pending") and only then adds the BullMQ job (jobId = event id)
// and marks the row "enqueued". If Redis is down, or the process dies between the two, the row
// stays pending and enqueuePendingEvents() (the recovery sweep) enqueues it later. Workers claim
// an event with a conditional update, so a job delivered twice never processes the event twice.
import { randomUUID } from "node:crypto";
import type { Event } from "@prisma/client";
import prisma from "../db.server";
import { constraintKind, sqlDriver, type SqlValue } from "../sql-driver.server";
import { getEventsQueue } from "../queue.server";
import { parseJsonExact, stringifyJson } from "../domain/ingress/json";

export interface NewEvent {
  /** A fixed id makes creation idempotent (the same id is never created twice). */
  id?: string;
  shop: string;
  topic: string;
  data: unknown;
  /** "user" for webhook events, "event_action" for follow-ups, ... */
  source: string;
  webhookId?: string | null;
  parentId?: string | null;
  depth?: number;
  requestId?: string | null;
  contentType?: string | null;
  bodySize?: number | null;
  userAgent?: string | null;
  ipHash?: string | null;
  rawBody?: Uint8Array | null;
  taskIds?: string[] | null;
  runAt?: Date | null;
}

export type CreateEventResult =
  | { status: "created"; id: string; enqueued: boolean }
  /** The dedupe key was seen within its window, or the fixed id already exists: nothing new was created. */
  | { status: "duplicate"; id: string | null }
  /** The webhook row disappeared (its id was regenerated or it was deleted) between lookup and insert. */
  | { status: "webhook_gone" };

export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** How long a BullMQ add may take before the event is left to the sweep. */
const ENQUEUE_TIMEOUT_MS = 2_000;

function prismaCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? (error as { code?: string }).code : undefined;
}

function eventRow(input: NewEvent, id: string) {
  return {
    createdAt: new Date(),
    id,
    shop: input.shop,
    topic: input.topic,
    data: stringifyJson(input.data ?? null),
    source: input.source,
    webhookId: input.webhookId ?? null,
    parentId: input.parentId ?? null,
    depth: input.depth ?? 0,
    requestId: input.requestId ?? null,
    status: "pending",
    contentType: input.contentType ?? null,
    bodySize: input.bodySize ?? null,
    userAgent: input.userAgent ?? null,
    ipHash: input.ipHash ?? null,
    rawBody: input.rawBody ? new Uint8Array(input.rawBody) : null,
    taskIds: input.taskIds ? JSON.stringify(input.taskIds) : null,
    runAt: input.runAt ?? null,
  };
}

/**
 * Commits the event, then enqueues it. With `dedupe`, the key is recorded in the same transaction
 * as the event: a key seen within 24 hours makes this a duplicate and creates nothing.
 * Throws when the database cannot store the event (the caller answers 503).
 */
export async function createEvent(
  input: NewEvent,
  dedupe?: { webhookId: string; key: string },
): Promise<CreateEventResult> {
  const id = input.id ?? randomUUID();
  const data = eventRow(input, id);
  try {
    if (dedupe) {
      const duplicate = await prisma.$transaction(async (tx) => {
        const existing = await tx.dedupeKey.findUnique({ where: { webhookId_key: dedupe } });
        const now = new Date();
        if (existing && now.getTime() - existing.createdAt.getTime() < DEDUPE_WINDOW_MS) return true;
        if (existing) await tx.dedupeKey.update({ where: { webhookId_key: dedupe }, data: { createdAt: now } });
        else await tx.dedupeKey.create({ data: { ...dedupe, createdAt: now } });
        await tx.event.create({ data });
        return false;
      });
      if (duplicate) return { status: "duplicate", id: null };
    } else {
      await insertEvent(data);
    }
  } catch (error) {
    const kind = constraintKind(error);
    const code = kind === "unique" ? "P2002" : kind === "foreign_key" ? "P2003" : prismaCode(error);
    // P2002: a concurrent request with the same dedupe key won the race, or the fixed id exists.
    if (code === "P2002") {
      if (input.id && !dedupe) await enqueueIfPending(input.id);
      return { status: "duplicate", id: input.id && !dedupe ? input.id : null };
    }
    // P2003: the webhook's id changed or it was removed after the lookup; like an unknown id.
    if (code === "P2003" && input.webhookId) return { status: "webhook_gone" };
    throw error;
  }
  const enqueued = await enqueueEvent(id, input.runAt ?? null);
  return { status: "created", id, enqueued };
}

/**
 * The ingress hot path's one insert, in plain SQL on the driver (see app/sql-driver.server.ts):
 * through Prisma it costs about a millisecond of CPU, which capped ingress at a few hundred events/s.
 */
async function insertEvent(row: ReturnType<typeof eventRow>): Promise<void> {
  const columns = Object.keys(row) as (keyof typeof row)[];
  const values: SqlValue[] = columns.map((column) => row[column]);
  await sqlDriver().run(
    `INSERT INTO "Event" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
    values,
  );
}

async function enqueueIfPending(id: string): Promise<void> {
  const row = await prisma.event.findUnique({ where: { id }, select: { status: true, runAt: true } });
  if (row?.status === "pending") await enqueueEvent(id, row.runAt);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`enqueue timed out after ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * Adds the event's job and marks the row enqueued (only if still pending, so a worker that
 * already started it is not overwritten). Returns false when Redis refused; the row stays pending.
 */
export async function enqueueEvent(id: string, runAt: Date | null = null): Promise<boolean> {
  const delay = runAt ? Math.max(0, runAt.getTime() - Date.now()) : 0;
  try {
    await withTimeout(
      getEventsQueue().add(
        "event",
        { eventId: id },
        { jobId: id, removeOnComplete: true, removeOnFail: 1000, ...(delay > 0 ? { delay } : {}) },
      ),
      ENQUEUE_TIMEOUT_MS,
    );
  } catch {
    return false; // Redis unavailable: the recovery sweep enqueues it later
  }
  await markEnqueued(id);
  return true;
}

/**
 * Marks events enqueued (only those still pending). Requests arriving together share one UPDATE
 * (a group commit): under load a write per request would cost more than the insert itself.
 * Resolves once this id's update has committed.
 */
let enqueuedBatch: { ids: string[]; done: Promise<void> } | null = null;

function markEnqueued(id: string): Promise<void> {
  if (!enqueuedBatch) {
    const batch: { ids: string[]; done: Promise<void> } = { ids: [], done: Promise.resolve() };
    batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      enqueuedBatch = null;
      return flushEnqueued(batch.ids);
    });
    enqueuedBatch = batch;
  }
  enqueuedBatch.ids.push(id);
  return enqueuedBatch.done;
}

async function flushEnqueued(ids: string[]): Promise<void> {
  // `("status" || '')` keeps the planner on the primary key: with a plain `"status" =` SQLite may
  // pick the status index and scan every pending event.
  const placeholders = ids.map(() => "?").join(", ");
  await sqlDriver().run(
    `UPDATE "Event" SET "status" = 'enqueued', "enqueuedAt" = ? WHERE "id" IN (${placeholders}) AND ("status" || '') = 'pending'`,
    [new Date(), ...ids],
  );
}

export interface SweepResult {
  /** Pending events that got their job. */
  enqueued: number;
  /** "Enqueued" events whose job had vanished from Redis (e.g. Redis restarted without persistence). */
  requeued: number;
  /** Events left for the next sweep because Redis refused. */
  failed: number;
}

/**
 * The recovery sweep. Enqueues pending events older than `pendingAfterMs` (covers a crash
 * between commit and enqueue, and Redis outages), and re-adds "enqueued" events older than
 * `enqueuedAfterMs` whose job no longer exists. Safe to run from several processes at once:
 * the job id is the event id, so concurrent sweeps add one job.
 */
export async function enqueuePendingEvents(
  options: { pendingAfterMs?: number; enqueuedAfterMs?: number; limit?: number } = {},
): Promise<SweepResult> {
  const now = Date.now();
  const limit = options.limit ?? 500;
  const result: SweepResult = { enqueued: 0, requeued: 0, failed: 0 };

  const pending = await prisma.event.findMany({
    where: { status: "pending", createdAt: { lt: new Date(now - (options.pendingAfterMs ?? 5_000)) } },
    select: { id: true, runAt: true },
    orderBy: { createdAt: "asc" },
    take: limit,
  });
  for (const event of pending) {
    if (await enqueueEvent(event.id, event.runAt)) result.enqueued++;
    else {
      result.failed++;
      break; // Redis is down: the rest would fail the same way
    }
  }
  if (result.failed > 0) return result;

  const stale = await prisma.event.findMany({
    where: { status: "enqueued", enqueuedAt: { lt: new Date(now - (options.enqueuedAfterMs ?? 60_000)) } },
    select: { id: true, runAt: true },
    orderBy: { enqueuedAt: "asc" },
    take: limit,
  });
  if (stale.length === 0) return result;
  const queue = getEventsQueue();
  for (const event of stale) {
    try {
      const job = await withTimeout(queue.getJob(event.id), ENQUEUE_TIMEOUT_MS);
      if (job) continue;
      // Re-check: the worker may have claimed it after our query (then there is nothing to do).
      const current = await prisma.event.findUnique({ where: { id: event.id }, select: { status: true } });
      if (current?.status !== "enqueued") continue;
      const delay = event.runAt ? Math.max(0, event.runAt.getTime() - Date.now()) : 0;
      await withTimeout(
        queue.add(
          "event",
          { eventId: event.id },
          { jobId: event.id, removeOnComplete: true, removeOnFail: 1000, ...(delay > 0 ? { delay } : {}) },
        ),
        ENQUEUE_TIMEOUT_MS,
      );
      result.requeued++;
    } catch {
      result.failed++;
      break;
    }
  }
  return result;
}

/** Runs the sweep every `intervalMs` until the returned function is called. */
export function startPendingEventSweeper(
  intervalMs = 10_000,
  onError: (error: unknown) => void = () => {},
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    enqueuePendingEvents()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

// ------------------------------------------------------------------ reading

export type EventSummary = Omit<Event, "rawBody" | "data"> & { data: unknown };

function summarize(row: Omit<Event, "rawBody">): EventSummary {
  return { ...row, data: parseEventData(row.data) };
}

/** Stored event data (JSON text, 64-bit integers as BigInt). Unreadable text is returned as is. */
export function parseEventData(text: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    return text;
  }
}

const WITHOUT_RAW_BODY = {
  id: true,
  shop: true,
  webhookId: true,
  topic: true,
  data: true,
  source: true,
  parentId: true,
  depth: true,
  requestId: true,
  status: true,
  contentType: true,
  bodySize: true,
  userAgent: true,
  ipHash: true,
  taskIds: true,
  runAt: true,
  error: true,
  createdAt: true,
  enqueuedAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

export async function listRecentEvents(
  shop: string,
  options: { limit?: number; topic?: string; webhookId?: string } = {},
): Promise<EventSummary[]> {
  const rows = await prisma.event.findMany({
    where: {
      shop,
      ...(options.topic ? { topic: options.topic } : {}),
      ...(options.webhookId ? { webhookId: options.webhookId } : {}),
    },
    select: WITHOUT_RAW_BODY,
    orderBy: { createdAt: "desc" },
    take: Math.min(Math.max(options.limit ?? 50, 1), 500),
  });
  return rows.map(summarize);
}

/** One event of the shop, with its raw body while retained. */
export async function getEvent(
  shop: string,
  id: string,
): Promise<(EventSummary & { rawBody: Uint8Array | null }) | null> {
  const row = await prisma.event.findFirst({ where: { id, shop } });
  if (!row) return null;
  const { rawBody, ...rest } = row;
  return { ...summarize(rest), rawBody: rawBody ? new Uint8Array(rawBody) : null };
}

// ------------------------------------------------------------------ retention

/** Hours a webhook's raw request body is kept (INGRESS_RAW_BODY_RETENTION_HOURS, default 72). */
export function rawBodyRetentionMs(): number {
  const hours = Number(process.env.INGRESS_RAW_BODY_RETENTION_HOURS);
  return (Number.isFinite(hours) && hours > 0 ? hours : 72) * 60 * 60 * 1000;
}

/** Clears raw bodies of events older than the retention; returns how many were cleared. */
export async function purgeRawBodies(olderThan: Date = new Date(Date.now() - rawBodyRetentionMs())): Promise<number> {
  const { count } = await prisma.event.updateMany({
    where: { createdAt: { lt: olderThan }, rawBody: { not: null } },
    data: { rawBody: null },
  });
  return count;
}

/** Deletes dedupe keys past the 24-hour window; returns how many. */
export async function purgeDedupeKeys(olderThan: Date = new Date(Date.now() - DEDUPE_WINDOW_MS)): Promise<number> {
  const { count } = await prisma.dedupeKey.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return count;
}
