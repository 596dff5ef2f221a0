// Events: the durable record of something that happened (a webhook POST, an event action).
// Creation commits the row ("pending") and only then adds the BullMQ job (jobId = event id);
// ingress answers in between (storeEvent, its 204, then enqueueEvent without waiting). The row
// stays pending until a worker claims it: it is not written a second time to say "enqueued",
// because that write cost as much as the insert and halved ingress throughput. If Redis is down,
// or the process dies between commit and add, or Redis loses the job, enqueuePendingEvents() (the
// recovery sweep) finds the pending row without a job and adds it. Workers claim an event with a
// conditional update (pending -> running), so a job delivered twice never processes it twice.
import type { Event } from "@prisma/client";
import prisma from "../db.server";
import { config } from "../config.server";
import { constraintKind, sqlDriver, type SqlValue } from "../sql-driver.server";
import { getEventsQueue } from "../queue.server";
import { timeOrderedUuid } from "../domain/ids";
import { parseJson, stringifyJson } from "../domain/json";

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

export type StoreEventResult = { status: "created"; id: string } | Exclude<CreateEventResult, { status: "created" }>;

/**
 * Commits the event and nothing else: its job is the caller's to add (enqueueEvent), and the
 * sweep adds it if the caller never does. Ingress answers between the two, so a slow or dead
 * Redis never delays an answer. With `dedupe`, the key is recorded in the same transaction as the
 * event: a key seen within 24 hours makes this a duplicate and creates nothing.
 * Throws when the database cannot store the event (the caller answers 503).
 */
export async function storeEvent(
  input: NewEvent,
  dedupe?: { webhookId: string; key: string },
): Promise<StoreEventResult> {
  const id = input.id ?? timeOrderedUuid();
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
    if (code === "P2002") return { status: "duplicate", id: input.id && !dedupe ? input.id : null };
    // P2003: the webhook's id changed or it was removed after the lookup; like an unknown id.
    if (code === "P2003" && input.webhookId) return { status: "webhook_gone" };
    throw error;
  }
  return { status: "created", id };
}

/** Commits the event (storeEvent), then enqueues it and waits for the enqueue. */
export async function createEvent(
  input: NewEvent,
  dedupe?: { webhookId: string; key: string },
): Promise<CreateEventResult> {
  const stored = await storeEvent(input, dedupe);
  if (stored.status === "created") {
    return { ...stored, enqueued: await enqueueEvent(stored.id, input.runAt ?? null) };
  }
  // A fixed id that already exists: its job may be the one that was lost, so ask for it again.
  if (stored.status === "duplicate" && stored.id) await enqueueIfPending(stored.id);
  return stored;
}

/**
 * The ingress hot path's one insert, in plain SQL on the driver (see app/sql-driver.server.ts):
 * through Prisma it costs about a millisecond of CPU, which capped ingress at a few hundred events/s.
 * Requests arriving together share one commit (runGrouped); each still learns its own outcome.
 */
async function insertEvent(row: ReturnType<typeof eventRow>): Promise<void> {
  const columns = Object.keys(row) as (keyof typeof row)[];
  const values: SqlValue[] = columns.map((column) => row[column]);
  await sqlDriver().runGrouped(
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

function jobOptions(id: string, runAt: Date | null) {
  const delay = runAt ? Math.max(0, runAt.getTime() - Date.now()) : 0;
  return { jobId: id, removeOnComplete: true, removeOnFail: 1000, ...(delay > 0 ? { delay } : {}) };
}

/**
 * Adds the event's job (a no-op when a job with this id is already queued). Returns false when
 * Redis refused or did not answer in time; the row stays pending and the sweep adds it later.
 */
export async function enqueueEvent(id: string, runAt: Date | null = null): Promise<boolean> {
  try {
    await withTimeout(getEventsQueue().add("event", { eventId: id }, jobOptions(id, runAt)), ENQUEUE_TIMEOUT_MS);
    return true;
  } catch {
    return false; // Redis unavailable: the recovery sweep enqueues it later
  }
}

export interface SweepResult {
  /** Pending events that had no job (never added, or lost by Redis) and got one. */
  enqueued: number;
  /** Events left for the next sweep because Redis refused. */
  failed: number;
}

/**
 * The recovery sweep: pending events older than `pendingAfterMs` whose job is missing get one.
 * That covers a crash between commit and enqueue, a Redis outage during ingress, and a Redis that
 * restarted without its data. A scheduled event is looked at once it is due (until then its
 * delayed job is expected to wait in Redis). Safe to run from several processes at once: the job
 * id is the event id, so concurrent sweeps add one job, and the worker's claim runs an event once.
 */
export async function enqueuePendingEvents(
  options: { pendingAfterMs?: number; limit?: number } = {},
): Promise<SweepResult> {
  const now = new Date();
  const result: SweepResult = { enqueued: 0, failed: 0 };
  const pending = await prisma.event.findMany({
    where: {
      status: "pending",
      createdAt: { lt: new Date(now.getTime() - (options.pendingAfterMs ?? 5_000)) },
      OR: [{ runAt: null }, { runAt: { lte: now } }],
    },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: options.limit ?? 500,
  });
  const queue = getEventsQueue();
  for (const event of pending) {
    try {
      // A backlog the workers have not reached yet still has its jobs: leave those alone, so the
      // count says how many were really missing.
      if (await withTimeout(queue.getJob(event.id), ENQUEUE_TIMEOUT_MS)) continue;
      await withTimeout(queue.add("event", { eventId: event.id }, jobOptions(event.id, null)), ENQUEUE_TIMEOUT_MS);
      result.enqueued++;
    } catch {
      result.failed++;
      break; // Redis is down: the rest would fail the same way
    }
  }
  return result;
}

// ------------------------------------------------------------------ reading

export type EventSummary = Omit<Event, "rawBody" | "data"> & { data: unknown };

function summarize(row: Omit<Event, "rawBody">): EventSummary {
  return { ...row, data: parseEventData(row.data) };
}

/** Stored event data (JSON text, 64-bit integers as BigInt). Unreadable text is returned as is. */
export function parseEventData(text: string): unknown {
  try {
    return parseJson(text);
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
  return config().ingress.rawBodyRetentionHours * 60 * 60 * 1000;
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
