// The Events list's filters, as the URL (the Events page), the CLI and the service all read them:
// one parser, one set of messages. Every filter is either honoured or refused with a reason.
import { EVENT_STATUSES, type EventStatus } from "~/domain/runs/status";

/** Where an event came from, as a merchant filters it. */
export const EVENT_SOURCES = ["webhook", "task", "shopify", "scheduler", "manual", "replay"] as const;
export type EventSourceFilter = (typeof EVENT_SOURCES)[number];

export const EVENT_SOURCE_LABELS: Record<EventSourceFilter, string> = {
  webhook: "Webhook",
  task: "Task (event action)",
  shopify: "Shopify",
  scheduler: "Scheduler",
  manual: "Manual run",
  replay: "Replay",
};

/**
 * How each source is recognised from the columns every event has: `source` (what created the row)
 * and the topic (Mechanic's topic families). No extra column: the creators already say it.
 */
export const SOURCE_RULES: Record<EventSourceFilter, { sources?: string[]; topicPrefixes?: string[] }> = {
  webhook: { sources: ["user", "webhook"] },
  task: { sources: ["event_action", "mechanic"] },
  shopify: { sources: ["shopify"], topicPrefixes: ["shopify/"] },
  scheduler: { sources: ["scheduler"], topicPrefixes: ["mechanic/scheduler/"] },
  manual: { sources: ["manual"], topicPrefixes: ["mechanic/user/"] },
  replay: { sources: ["replay"] },
};

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_SEARCH_CHARS = 200;
export const MAX_TOPIC_CHARS = 255;

export interface EventListFilters {
  /** Topic prefix: "user/orders" matches user/orders/created and user/orders_v2/x; "user/orders/" only the first. */
  topic?: string;
  status?: EventStatus;
  source?: EventSourceFilter;
  webhookId?: string;
  taskId?: string;
  since?: Date;
  until?: Date;
  /** An event id, a request id (X-Request-Id), or text in the event's data. */
  q?: string;
}

export interface EventListPage {
  /** Older than this cursor (the "Older" link), or newer (the "Newer" link); none: the newest page. */
  before?: string;
  after?: string;
  limit: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** The raw inputs, by name, from a URL's query string or the CLI's options. */
export type RawFilters = Partial<
  Record<"topic" | "status" | "source" | "webhook" | "task" | "since" | "until" | "q", string>
>;

function parseTime(name: "Since" | "Until", text: string, errors: string[]): Date | undefined {
  // A date alone ("2026-11-30") is the whole day in UTC: Since from its start, Until to its end.
  // Anything else must be ISO 8601 with a time.
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const value = dateOnly ? new Date(`${text}T${name === "Since" ? "00:00:00.000" : "23:59:59.999"}Z`) : new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(value.getTime())) {
    errors.push(
      `${name} "${text.slice(0, 40)}" is not a date or time (use ISO 8601, e.g. 2026-11-30 or 2026-11-30T08:00:00Z)`,
    );
    return undefined;
  }
  return value;
}

export function parseEventListFilters(raw: RawFilters): Parsed<EventListFilters> {
  const errors: string[] = [];
  const filters: EventListFilters = {};
  const text = (v: string | undefined) => (v ?? "").trim();

  const topic = text(raw.topic);
  if (topic) {
    if (topic.length > MAX_TOPIC_CHARS) errors.push(`Topic is longer than ${MAX_TOPIC_CHARS} characters`);
    else filters.topic = topic;
  }
  const status = text(raw.status);
  if (status) {
    if ((EVENT_STATUSES as readonly string[]).includes(status)) filters.status = status as EventStatus;
    else errors.push(`Status "${status.slice(0, 40)}" is not one of ${EVENT_STATUSES.join(", ")}`);
  }
  const source = text(raw.source);
  if (source) {
    if ((EVENT_SOURCES as readonly string[]).includes(source)) filters.source = source as EventSourceFilter;
    else errors.push(`Source "${source.slice(0, 40)}" is not one of ${EVENT_SOURCES.join(", ")}`);
  }
  const webhook = text(raw.webhook);
  if (webhook) filters.webhookId = webhook.slice(0, 100);
  const task = text(raw.task);
  if (task) filters.taskId = task.slice(0, 100);
  const since = text(raw.since);
  if (since) filters.since = parseTime("Since", since, errors);
  const until = text(raw.until);
  if (until) filters.until = parseTime("Until", until, errors);
  if (filters.since && filters.until && filters.since.getTime() > filters.until.getTime())
    errors.push("Since is after Until: no event can match");
  const q = text(raw.q);
  if (q) {
    if (q.length > MAX_SEARCH_CHARS) errors.push(`Search is longer than ${MAX_SEARCH_CHARS} characters`);
    else filters.q = q;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: filters };
}

/** The filters back as query parameters (for links that keep them: paging, the CLI's echo). */
export function eventListFilterParams(filters: EventListFilters): Record<string, string> {
  const params: Record<string, string> = {};
  if (filters.topic) params.topic = filters.topic;
  if (filters.status) params.status = filters.status;
  if (filters.source) params.source = filters.source;
  if (filters.webhookId) params.webhook = filters.webhookId;
  if (filters.taskId) params.task = filters.taskId;
  if (filters.since) params.since = filters.since.toISOString();
  if (filters.until) params.until = filters.until.toISOString();
  if (filters.q) params.q = filters.q;
  return params;
}

export function parsePageSize(text: string | null | undefined): number {
  const n = Number(text);
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : DEFAULT_PAGE_SIZE;
}

// ------------------------------------------------------------------ cursor

/** A position in the newest-first order: (createdAt, id), so equal timestamps still page stably. */
export interface EventCursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(cursor: EventCursor): string {
  return `${cursor.createdAt.getTime().toString(36)}.${cursor.id}`;
}

export function decodeCursor(text: string | null | undefined): EventCursor | null {
  if (!text) return null;
  const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9-]{1,100})$/.exec(text);
  if (!match) return null;
  const ms = parseInt(match[1]!, 36);
  if (!Number.isSafeInteger(ms)) return null;
  return { createdAt: new Date(ms), id: match[2]! };
}

/** "%", "_" and the escape character itself, escaped for `LIKE ... ESCAPE '\'`. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
