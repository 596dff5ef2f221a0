// The Events page and `hookline events list`: every event of a shop, newest first, filtered, with
// cursor paging and a bounded search. See docs/decisions/0060-events-list-paging-and-search.md.
import { Prisma } from "@prisma/client";
import prisma from "~/data/db.server";
import { parseJson } from "~/domain/json";
import {
  decodeCursor,
  encodeCursor,
  likePattern,
  SOURCE_RULES,
  type EventCursor,
  type EventListFilters,
  type EventListPage,
  type EventSourceFilter,
} from "~/domain/events/list-filters";
import { summarizeEventData, summarizeJsonPrefix } from "~/domain/events/summary";
import { eventStatus, type EventStatus } from "~/domain/runs/status";
import { describeSource } from "./activity.server";

/** Events a text search looks through per page (newest first from the page's cursor). */
export const SEARCH_WINDOW = 2000;
/** Characters of each event's JSON text a text search reads (and a row's summary is made from). */
export const SEARCH_TEXT_CHARS = 8192;
const SUMMARY_TEXT_CHARS = 2048;

export interface EventListRow {
  id: string;
  topic: string;
  status: EventStatus;
  source: string;
  sourceLabel: string;
  webhookId: string | null;
  requestId: string | null;
  summary: string;
  taskNames: string[];
  failedRuns: number;
  createdAt: string;
}

export interface EventListResult {
  rows: EventListRow[];
  /** The next page of older events, or null at the oldest. */
  older: string | null;
  /** The page of newer events, or null on the newest page. */
  newer: string | null;
  /** How the search `q` matched: exact id/request id (filters not applied), or text in the data. */
  matchedBy: "id" | "text" | null;
  /** A text search that stopped at its window: events older than this were not searched yet. */
  searchedUntil: string | null;
}

export function sourceWhere(source: EventSourceFilter): Prisma.EventWhereInput {
  const rule = SOURCE_RULES[source];
  const or: Prisma.EventWhereInput[] = [];
  if (rule.sources?.length) or.push({ source: { in: rule.sources } });
  for (const prefix of rule.topicPrefixes ?? []) or.push({ topic: { startsWith: prefix } });
  return or.length === 1 ? or[0]! : { OR: or };
}

function filtersWhere(shop: string, filters: EventListFilters): Prisma.EventWhereInput {
  const and: Prisma.EventWhereInput[] = [{ shop }];
  if (filters.topic) and.push({ topic: { startsWith: filters.topic } });
  if (filters.status) and.push({ status: filters.status });
  if (filters.source) and.push(sourceWhere(filters.source));
  if (filters.webhookId) and.push({ webhookId: filters.webhookId });
  if (filters.taskId) and.push({ taskRuns: { some: { taskId: filters.taskId } } });
  if (filters.since) and.push({ createdAt: { gte: filters.since } });
  if (filters.until) and.push({ createdAt: { lte: filters.until } });
  return { AND: and };
}

/** Rows strictly after the cursor in the given direction of the (createdAt, id) order. */
function cursorWhere(cursor: EventCursor, direction: "older" | "newer"): Prisma.EventWhereInput {
  const op = direction === "older" ? "lt" : "gt";
  return {
    OR: [{ createdAt: { [op]: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { [op]: cursor.id } }],
  };
}

const NEWEST_FIRST = [{ createdAt: "desc" }, { id: "desc" }] satisfies Prisma.EventOrderByWithRelationInput[];
const OLDEST_FIRST = [{ createdAt: "asc" }, { id: "asc" }] satisfies Prisma.EventOrderByWithRelationInput[];

const ROW_SELECT = {
  id: true,
  topic: true,
  status: true,
  source: true,
  parentId: true,
  webhookId: true,
  requestId: true,
  createdAt: true,
  webhook: { select: { name: true } },
  taskRuns: {
    select: { status: true, task: { select: { name: true } }, actionRuns: { select: { status: true } } },
  },
} satisfies Prisma.EventSelect;

type SelectedRow = Prisma.EventGetPayload<{ select: typeof ROW_SELECT }>;

/** Exact matches of `q` as an event id or a request id (X-Request-Id) in the shop. */
async function exactMatches(shop: string, q: string): Promise<SelectedRow[]> {
  return prisma.event.findMany({
    where: { shop, OR: [{ id: q }, { requestId: q }] },
    orderBy: NEWEST_FIRST,
    take: 100,
    select: ROW_SELECT,
  });
}

/**
 * The ids of the events in the window (the next SEARCH_WINDOW events of the order from the cursor)
 * whose data's first SEARCH_TEXT_CHARS characters contain `q`, case-insensitively (ASCII on SQLite).
 */
async function textMatches(
  where: Prisma.EventWhereInput,
  q: string,
  newer: boolean,
): Promise<{ ids: string[]; windowFull: boolean; last: EventCursor | null }> {
  const window = await prisma.event.findMany({
    where,
    orderBy: newer ? OLDEST_FIRST : NEWEST_FIRST,
    take: SEARCH_WINDOW,
    select: { id: true, createdAt: true },
  });
  if (!window.length) return { ids: [], windowFull: false, last: null };
  const found = await prisma.$queryRaw<{ id: string }[]>(
    Prisma.sql`SELECT "id" FROM "Event" WHERE "id" IN (${Prisma.join(window.map((w) => w.id))})
      AND lower(substr("data", 1, ${Prisma.raw(String(SEARCH_TEXT_CHARS))})) LIKE ${likePattern(q)} ESCAPE '\\'`,
  );
  const matched = new Set(found.map((r) => r.id));
  const last = window[window.length - 1]!;
  return {
    ids: window.filter((w) => matched.has(w.id)).map((w) => w.id),
    windowFull: window.length === SEARCH_WINDOW,
    last: { createdAt: last.createdAt, id: last.id },
  };
}

async function summaries(ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const heads = await prisma.$queryRaw<{ id: string; head: string; size: number | bigint }[]>(
    Prisma.sql`SELECT "id", substr("data", 1, ${Prisma.raw(String(SUMMARY_TEXT_CHARS))}) AS "head", length("data") AS "size"
      FROM "Event" WHERE "id" IN (${Prisma.join(ids)})`,
  );
  return new Map(
    heads.map((h) => {
      if (Number(h.size) <= SUMMARY_TEXT_CHARS) {
        try {
          return [h.id, summarizeEventData(parseJson(h.head))];
        } catch {
          return [h.id, summarizeJsonPrefix(h.head)];
        }
      }
      return [h.id, summarizeJsonPrefix(h.head)];
    }),
  );
}

async function toRows(shop: string, selected: SelectedRow[]): Promise<EventListRow[]> {
  const parentIds = [...new Set(selected.map((e) => e.parentId).filter((id): id is string => id !== null))];
  const [parents, summaryById] = await Promise.all([
    parentIds.length
      ? prisma.event.findMany({ where: { shop, id: { in: parentIds } }, select: { id: true, topic: true } })
      : [],
    summaries(selected.map((e) => e.id)),
  ]);
  const parentTopic = new Map(parents.map((p) => [p.id, p.topic]));
  return selected.map((e) => ({
    id: e.id,
    topic: e.topic,
    status: eventStatus(e.status),
    source: e.source,
    sourceLabel: describeSource(
      e.source,
      e.webhook?.name ?? null,
      e.parentId ? (parentTopic.get(e.parentId) ?? "another event") : null,
    ),
    webhookId: e.webhookId,
    requestId: e.requestId,
    summary: summaryById.get(e.id) ?? "",
    taskNames: e.taskRuns.map((r) => r.task.name),
    failedRuns: e.taskRuns.reduce(
      (n, r) => n + (r.status === "failed" ? 1 : 0) + r.actionRuns.filter((a) => a.status === "failed").length,
      0,
    ),
    createdAt: e.createdAt.toISOString(),
  }));
}

export async function listEvents(
  shop: string,
  filters: EventListFilters,
  page: EventListPage,
): Promise<EventListResult> {
  const limit = Math.min(Math.max(page.limit, 1), 100);
  if (filters.q) {
    const exact = await exactMatches(shop, filters.q);
    if (exact.length)
      return { rows: await toRows(shop, exact), older: null, newer: null, matchedBy: "id", searchedUntil: null };
  }
  const after = decodeCursor(page.after);
  const before = after ? null : decodeCursor(page.before);
  const base = filtersWhere(shop, filters);
  const cursor = after ?? before;
  const where: Prisma.EventWhereInput = cursor ? { AND: [base, cursorWhere(cursor, after ? "newer" : "older")] } : base;
  const order = after ? OLDEST_FIRST : NEWEST_FIRST;

  // The page in fetch order (away from the cursor), and where the next page in that direction starts.
  let fetched: SelectedRow[];
  let next: EventCursor | null;
  let searchedUntil: string | null = null;
  if (filters.q) {
    const text = await textMatches(where, filters.q, Boolean(after));
    const ids = text.ids.slice(0, limit);
    const rows = ids.length
      ? await prisma.event.findMany({ where: { shop, id: { in: ids } }, orderBy: order, select: ROW_SELECT })
      : [];
    fetched = rows;
    if (text.ids.length > limit) next = cursorOfRow(rows[rows.length - 1]!);
    else if (text.windowFull && text.last) {
      // The window ended before a full page: the next page searches on from where the window ended.
      next = text.last;
      if (!after) searchedUntil = text.last.createdAt.toISOString();
    } else next = null;
  } else {
    const rows = await prisma.event.findMany({ where, orderBy: order, take: limit + 1, select: ROW_SELECT });
    fetched = rows.slice(0, limit);
    next = rows.length > limit ? cursorOfRow(fetched[fetched.length - 1]!) : null;
  }
  const shown = after ? [...fetched].reverse() : fetched; // newest first on screen
  const newest = shown[0];
  const oldest = shown[shown.length - 1];
  const older = after
    ? oldest
      ? encodeCursor(cursorOfRow(oldest))
      : (page.after ?? null)
    : next && encodeCursor(next);
  const newer = after ? next && encodeCursor(next) : before && newest ? encodeCursor(cursorOfRow(newest)) : null;
  return {
    rows: await toRows(shop, shown),
    older,
    newer,
    matchedBy: filters.q ? "text" : null,
    searchedUntil,
  };
}

function cursorOfRow(row: { createdAt: Date; id: string }): EventCursor {
  return { createdAt: row.createdAt, id: row.id };
}

/** The shop's webhooks and tasks, for the filter menus. */
export async function eventListChoices(shop: string) {
  const [webhooks, tasks] = await Promise.all([
    prisma.webhook.findMany({
      where: { shop, deletedAt: null },
      orderBy: { name: "asc" },
      take: 500,
      select: { id: true, name: true, topic: true },
    }),
    prisma.task.findMany({ where: { shop }, orderBy: { name: "asc" }, take: 500, select: { id: true, name: true } }),
  ]);
  return { webhooks, tasks };
}
