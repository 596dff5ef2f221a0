// Events: the durable record of something that happened (a webhook POST, an event action).
// Creation commits the row ("pending") and only then adds the BullMQ job (jobId = event id);
// ingress answers in between (storeEvent, its 204, then enqueueEvent without waiting). The row
// stays pending until a worker claims it: it is not written a second time to say "enqueued",
// because that write cost as much as the insert and halved ingress throughput. If Redis is down,
// or the process dies between commit and add, or Redis loses the job, enqueuePendingEvents() (the
// recovery sweep) finds the pending row without a job and adds it. Workers claim an event with a
// conditional update (pending -> running), so a job delivered twice never processes it twice.
import type { Event } from "@prisma/client";
import prisma from "~/data/db.server";
import { enqueueEvent, eventJobPending, eventsInSharedJobs } from "~/data/queues.server";
import { insertEvent, insertEventOnce, insertEventWithinChain, type NewEventRow } from "~/data/hot-sql.server";
import { chainFullError } from "~/domain/runs/fan-out-limits";
import { constraintKind } from "~/data/sql.server";
import { config } from "~/config.server";
import {
  SHOPIFY_DELIVERY_DEDUPE_NAMESPACE,
  SHOPIFY_DELIVERY_RETENTION_MS,
} from "~/data/shopify-webhook-deliveries.server";
import { timeOrderedUuid } from "~/domain/ids";
import type { EventStatus } from "~/domain/runs/status";
import { parseJson, stringifyJson } from "~/domain/json";

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
  /** The originating event of an action-created chain (null for an originating event). */
  originId?: string | null;
  depth?: number;
  requestId?: string | null;
  contentType?: string | null;
  bodySize?: number | null;
  userAgent?: string | null;
  ipHash?: string | null;
  rawBody?: Uint8Array | null;
  taskIds?: string[] | null;
  runAt?: Date | null;
  /** A wait-mode webhook's request: until when its caller waits for a respond action. */
  responseWaitUntil?: Date | null;
  /** With originId: create it only while fewer than this many events carry that origin (atomic). */
  maxEventsInChain?: number | null;
}

export type CreateEventResult =
  | { status: "created"; id: string; enqueued: boolean }
  /** The dedupe key was seen within its window, or the fixed id already exists: nothing new was created. */
  | { status: "duplicate"; id: string | null }
  /** The webhook row disappeared (its id was regenerated or it was deleted) between lookup and insert. */
  | { status: "webhook_gone" }
  /** The chain (originId) already has maxEventsInChain events: nothing was created. */
  | { status: "chain_full"; maxEventsInChain: number };

export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

function eventRow(input: NewEvent, id: string): NewEventRow {
  return {
    createdAt: new Date(),
    id,
    shop: input.shop,
    topic: input.topic,
    data: stringifyJson(input.data ?? null),
    source: input.source,
    webhookId: input.webhookId ?? null,
    parentId: input.parentId ?? null,
    originId: input.originId ?? null,
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
    responseWaitUntil: input.responseWaitUntil ?? null,
  };
}

export type StoreEventResult = { status: "created"; id: string } | Exclude<CreateEventResult, { status: "created" }>;

/**
 * A key that makes the event's creation happen at most once per webhook within a window: a dedupe
 * header's value (24 hours), or a signed request's message id (its replay window).
 */
export interface DedupeKeyInput {
  webhookId: string;
  key: string;
  /** How long the key stays in force after it is first seen (default DEDUPE_WINDOW_MS). */
  windowMs?: number;
}

/**
 * Commits the event and nothing else: its job is the caller's to add (enqueueEvent), and the
 * sweep adds it if the caller never does. Ingress answers between the two, so a slow or dead
 * Redis never delays an answer. With `dedupe`, the key is recorded in the same transaction as the
 * event, in the same group commit as every other insert: a key in force makes this a duplicate and
 * creates nothing. Throws when the database cannot store the event (the caller answers 503).
 */
export async function storeEvent(
  input: Omit<NewEvent, "maxEventsInChain">,
  dedupe?: DedupeKeyInput,
): Promise<Exclude<StoreEventResult, { status: "chain_full" }>> {
  // Without maxEventsInChain the chain is never full.
  return (await storeEventRow(input, dedupe)) as Exclude<StoreEventResult, { status: "chain_full" }>;
}

async function storeEventRow(input: NewEvent, dedupe?: DedupeKeyInput): Promise<StoreEventResult> {
  const id = input.id ?? timeOrderedUuid();
  const row = eventRow(input, id);
  try {
    if (dedupe) {
      const now = row.createdAt;
      const freshSince = new Date(now.getTime() - (dedupe.windowMs ?? DEDUPE_WINDOW_MS));
      const created = await insertEventOnce(row, { webhookId: dedupe.webhookId, key: dedupe.key, now, freshSince });
      if (!created) return { status: "duplicate", id: null };
    } else if (input.maxEventsInChain != null && row.originId) {
      if (!(await insertEventWithinChain(row, input.maxEventsInChain)))
        return { status: "chain_full", maxEventsInChain: input.maxEventsInChain };
    } else {
      await insertEvent(row);
    }
  } catch (error) {
    const kind = constraintKind(error);
    // The fixed id exists already (a follow-up event created before).
    if (kind === "unique") return { status: "duplicate", id: input.id && !dedupe ? input.id : null };
    // The webhook's id changed or it was removed after the lookup; like an unknown id.
    if (kind === "foreign_key" && input.webhookId) return { status: "webhook_gone" };
    throw error;
  }
  return { status: "created", id };
}

/**
 * The one way to create an event and enqueue it: commits it (storeEvent), then adds its job and
 * waits for the add (false in `enqueued` when Redis refused; the sweep adds it later). Ingress
 * alone splits the two, to answer between them.
 */
export async function createEvent(
  input: NewEvent,
  dedupe?: { webhookId: string; key: string },
): Promise<CreateEventResult> {
  const stored = await storeEventRow(input, dedupe);
  if (stored.status === "created") {
    return { ...stored, enqueued: await enqueueEvent(stored.id, input.runAt ?? null) };
  }
  // A fixed id that already exists: its job may be the one that was lost, so ask for it again.
  if (stored.status === "duplicate" && stored.id) await enqueueIfPending(stored.id);
  return stored;
}

/** The id of the event that now exists: created, or a fixed id created before. Throws otherwise. */
export function existingEventId(result: CreateEventResult): { id: string } {
  if (result.status === "created") return { id: result.id };
  if (result.status === "duplicate" && result.id) return { id: result.id };
  if (result.status === "chain_full") throw chainFullError(result.maxEventsInChain, result.maxEventsInChain);
  throw new Error(`event was not created (${result.status})`);
}

async function enqueueIfPending(id: string): Promise<void> {
  const row = await prisma.event.findUnique({ where: { id }, select: { status: true, runAt: true } });
  if (row?.status === ("pending" satisfies EventStatus)) await enqueueEvent(id, row.runAt, { ownJob: true });
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
      status: "pending" satisfies EventStatus,
      createdAt: { lt: new Date(now.getTime() - (options.pendingAfterMs ?? 5_000)) },
      OR: [{ runAt: null }, { runAt: { lte: now } }],
    },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: options.limit ?? 500,
  });
  // Read once, when an event has no job of its own: the events that share a job with others.
  let inSharedJobs: Set<string> | null = null;
  for (const event of pending) {
    try {
      // A backlog the workers have not reached yet still has its jobs: leave those alone, so the
      // count says how many were really missing. A job that failed (kept for inspection) would
      // block the add forever: it is removed and the event gets a new one.
      if (await eventJobPending(event.id)) continue;
      inSharedJobs ??= await eventsInSharedJobs();
      if (inSharedJobs.has(event.id)) continue;
    } catch {
      result.failed++;
      break; // Redis is down: the rest would fail the same way
    }
    if (!(await enqueueEvent(event.id, null, { ownJob: true }))) {
      result.failed++;
      break;
    }
    result.enqueued++;
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
  originId: true,
  depth: true,
  requestId: true,
  status: true,
  contentType: true,
  bodySize: true,
  userAgent: true,
  ipHash: true,
  taskIds: true,
  runAt: true,
  responseWaitUntil: true,
  responseStatus: true,
  responseMs: true,
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
  // Shopify deliveries' keys live as long as the app's delivery records (8 days, not 24 hours).
  const shopifyOlderThan = new Date(olderThan.getTime() - (SHOPIFY_DELIVERY_RETENTION_MS - DEDUPE_WINDOW_MS));
  const { count } = await prisma.dedupeKey.deleteMany({
    where: {
      OR: [
        { webhookId: { not: SHOPIFY_DELIVERY_DEDUPE_NAMESPACE }, createdAt: { lt: olderThan } },
        { webhookId: SHOPIFY_DELIVERY_DEDUPE_NAMESPACE, createdAt: { lt: shopifyOlderThan } },
      ],
    },
  });
  return count;
}
