// The hot paths' SQL, in one module: every statement ingress and the runner run per event goes to
// the database driver directly (app/data/sql.server.ts), not through Prisma: each
// Prisma 6 query costs about a millisecond of CPU in its JS query compiler, and an event takes a
// dozen queries. Everything else (screens, the sweep, the CLI) uses Prisma.
//
// The tables and columns are Prisma's: the row types and column lists come from
// app/data/run-store.ts (Pick<> of Prisma's generated types), and tests/unit/data/hot-sql.server.test.ts
// checks every column list against the Prisma schema. Values are written in the formats Prisma
// reads back (SQLite: DateTime as ISO text with +00:00, booleans as 0/1; PostgreSQL: timestamp(3)
// in UTC).
import { isoText } from "~/data/date-text";
import { databaseUrl, isPostgresUrl } from "~/data/db.server";
import {
  ACTION_RUN_ROW_COLUMNS,
  type ActionRunOutcome,
  EVENT_ROW_COLUMNS,
  NOT_STARTED_TASK_RUN,
  TASK_ROW_COLUMNS,
  TASK_RUN_ROW_COLUMNS,
  type ActionRunRow,
  type EventRow,
  type NewActionRun,
  type NewTaskRun,
  type RunStatuses,
  type FinishedTaskRun,
  type RunStore,
  type TaskRow,
  type TaskRunRow,
} from "~/data/run-store";
import type { ActionRun, Event, TaskRun } from "@prisma/client";
import { createSqlDriver, sqlDriver, type SqlDriver, type SqlValue } from "~/data/sql.server";
import { tickBatcher } from "~/data/tick-batch";
import { actionRunStatus, eventStatus, taskRunStatus, type EventStatus } from "~/domain/runs/status";

type Raw = Record<string, unknown>;

const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const maybeDate = (value: unknown): Date | null => (value === null || value === undefined ? null : date(value));
const bool = (value: unknown): boolean => value === true || value === 1 || value === 1n || value === "1";
const num = (value: unknown): number => Number(value);
const str = (value: unknown): string => String(value);
const maybeStr = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** `"a", "b", ...` for a SELECT or INSERT column list. */
export function columnList(columns: readonly string[]): string {
  return columns.map((c) => `"${c}"`).join(", ");
}

const EVENT_COLUMNS = columnList(EVENT_ROW_COLUMNS);
const TASK_COLUMNS = columnList(TASK_ROW_COLUMNS);
const TASK_RUN_COLUMNS = columnList(TASK_RUN_ROW_COLUMNS);
const ACTION_RUN_COLUMNS = columnList(ACTION_RUN_ROW_COLUMNS);

export function toEventRow(r: Raw): EventRow {
  return {
    id: str(r.id),
    shop: str(r.shop),
    topic: str(r.topic),
    data: str(r.data),
    source: str(r.source),
    parentId: maybeStr(r.parentId),
    originId: maybeStr(r.originId),
    depth: num(r.depth),
    requestId: maybeStr(r.requestId),
    status: eventStatus(r.status),
    taskIds: maybeStr(r.taskIds),
    runAt: maybeDate(r.runAt),
    createdAt: date(r.createdAt),
    responseWaitUntil: maybeDate(r.responseWaitUntil),
  };
}
export function toTaskRow(r: Raw): TaskRow {
  return {
    id: str(r.id),
    name: str(r.name),
    script: str(r.script),
    options: str(r.options),
    subscriptions: str(r.subscriptions),
    version: num(r.version),
    enabled: bool(r.enabled),
    performActionRunsInSequence: bool(r.performActionRunsInSequence),
    haltActionRunSequenceOnError: bool(r.haltActionRunSequenceOnError),
  };
}
export function toTaskRunRow(r: Raw): TaskRunRow {
  return {
    id: str(r.id),
    eventId: str(r.eventId),
    taskId: str(r.taskId),
    status: taskRunStatus(r.status),
    runAt: date(r.runAt),
    attempts: num(r.attempts),
    startedAt: maybeDate(r.startedAt),
  };
}
export function toActionRunRow(r: Raw): ActionRunRow {
  return {
    id: str(r.id),
    taskRunId: str(r.taskRunId),
    position: num(r.position),
    type: str(r.type),
    options: str(r.options),
    meta: maybeStr(r.meta),
    status: actionRunStatus(r.status),
    attempts: num(r.attempts),
    nextAttemptAt: maybeDate(r.nextAttemptAt),
    startedAt: maybeDate(r.startedAt),
    createdAt: date(r.createdAt),
  };
}

/** The row object of `columns`, read from a row's values starting at `offset`. */
function rowAt(values: unknown[], columns: readonly string[], offset: number): Raw {
  const out: Raw = {};
  for (let i = 0; i < columns.length; i++) out[columns[i]!] = values[offset + i];
  return out;
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => "?").join(", ");
}

// ------------------------------------------------------------------ ingress

/** The columns a new event is inserted with (the rest take the schema's defaults). */
export const EVENT_INSERT_COLUMNS = [
  "id",
  "shop",
  "webhookId",
  "topic",
  "data",
  "source",
  "parentId",
  "originId",
  "depth",
  "requestId",
  "status",
  "contentType",
  "bodySize",
  "userAgent",
  "ipHash",
  "rawBody",
  "taskIds",
  "runAt",
  "createdAt",
  "responseWaitUntil",
] as const satisfies readonly (keyof Event)[];
export type NewEventRow = Omit<Pick<Event, (typeof EVENT_INSERT_COLUMNS)[number]>, "status"> & {
  status: Extract<EventStatus, "pending">;
};

const INSERT_EVENT = `INSERT INTO "Event" (${columnList(EVENT_INSERT_COLUMNS)}) VALUES (${placeholders(EVENT_INSERT_COLUMNS.length)})`;

/**
 * Inserts an event on the process's shared connection. Requests arriving together share one
 * commit on SQLite (runGrouped); each still learns its own outcome, after the commit. Through
 * Prisma this insert cost about a millisecond of CPU, which capped ingress at a few hundred
 * events/s. Throws the driver's constraint errors (see constraintKind).
 */
export async function insertEvent(row: NewEventRow): Promise<void> {
  await sqlDriver().runGrouped(
    INSERT_EVENT,
    EVENT_INSERT_COLUMNS.map((column) => row[column]),
  );
}

// The event only while its chain has fewer than the cap: counted and inserted by one statement.
const INSERT_EVENT_WITHIN_CHAIN = `INSERT INTO "Event" (${columnList(EVENT_INSERT_COLUMNS)})
  SELECT ${placeholders(EVENT_INSERT_COLUMNS.length)}
  WHERE (SELECT count(*) FROM "Event" WHERE "originId" = ?) < ?`;

// PostgreSQL: one statement's snapshot cannot see a concurrent insert, so creators of the same
// chain queue on a transaction-scoped advisory lock first; each counts after the previous committed.
const LOCK_CHAIN_POSTGRES = `SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`;

/**
 * Inserts an event of a chain (row.originId) only while fewer than `maxEventsInChain` events carry
 * that origin: the check and the insert are one atomic step, so workers creating events of one
 * chain at once never overshoot the cap (docs/decisions/0090). False when the chain is full.
 * SQLite: one statement (writers are serialized; a stale snapshot cannot write). PostgreSQL: the
 * same statement after an advisory lock on the origin, in one transaction.
 */
export async function insertEventWithinChain(row: NewEventRow, maxEventsInChain: number): Promise<boolean> {
  if (!row.originId) throw new Error("insertEventWithinChain needs an event with an originId");
  const params: SqlValue[] = [...EVENT_INSERT_COLUMNS.map((column) => row[column]), row.originId, maxEventsInChain];
  if (isPostgresUrl(databaseUrl())) {
    return sqlDriver().batch([
      { sql: LOCK_CHAIN_POSTGRES, params: [row.originId] },
      { sql: INSERT_EVENT_WITHIN_CHAIN, params, expect: 1 },
    ]);
  }
  return sqlDriver().batchGrouped([{ sql: INSERT_EVENT_WITHIN_CHAIN, params, expect: 1 }]);
}

/** A key that makes an event's creation happen at most once within its window (dedupe, replay). */
export interface OnceKey {
  webhookId: string;
  key: string;
  /** A key recorded at or after this moment is still in force. */
  freshSince: Date;
  now: Date;
}

// Records the key unless it is in force: a new key is inserted, a stale one refreshed (1 change);
// a key in force changes nothing (0), which vetoes the event insert in the same batch.
const CLAIM_ONCE_KEY = `INSERT INTO "DedupeKey" ("webhookId", "key", "createdAt") VALUES (?, ?, ?)
  ON CONFLICT ("webhookId", "key") DO UPDATE SET "createdAt" = excluded."createdAt"
  WHERE "DedupeKey"."createdAt" < ?`;

// PostgreSQL: the same as one statement (one round trip, no transaction held across round trips):
// the event is inserted only if the key's upsert returned a row.
const INSERT_EVENT_ONCE_POSTGRES = `WITH "claimed" AS (${CLAIM_ONCE_KEY} RETURNING 1)
  INSERT INTO "Event" (${columnList(EVENT_INSERT_COLUMNS)})
  SELECT ${placeholders(EVENT_INSERT_COLUMNS.length)} WHERE EXISTS (SELECT 1 FROM "claimed")`;

/**
 * Inserts the event only if its key is not in force, recording the key atomically with it, in
 * the same group commit as plain inserts. False when the key was in force (a duplicate: nothing
 * was written). Concurrent requests with one key: one wins, the others see its key (SQLite: they
 * are serialized in the group; PostgreSQL: the upsert waits for the winner's row).
 */
export async function insertEventOnce(row: NewEventRow, once: OnceKey): Promise<boolean> {
  const keyParams: SqlValue[] = [once.webhookId, once.key, once.now, once.freshSince];
  const eventParams = EVENT_INSERT_COLUMNS.map((column) => row[column]);
  if (isPostgresUrl(databaseUrl())) {
    return (await sqlDriver().runGrouped(INSERT_EVENT_ONCE_POSTGRES, [...keyParams, ...eventParams])) === 1;
  }
  return sqlDriver().batchGrouped([
    { sql: CLAIM_ONCE_KEY, params: keyParams, expect: 1 },
    { sql: INSERT_EVENT, params: eventParams },
  ]);
}

/** Whether the app is installed on the shop (a Shop row without uninstalledAt): Shopify deliveries' check. */
export async function shopIsInstalled(domain: string): Promise<boolean> {
  const rows = await sqlDriver().all(
    `SELECT 1 AS "installed" FROM "Shop" WHERE "domain" = ? AND "uninstalledAt" IS NULL`,
    [domain],
  );
  return rows.length > 0;
}

/**
 * The subscriptions text of the shop's enabled tasks that may subscribe to `topic` (a substring
 * test; exact matching is the caller's). A wait-mode request with none is answered 204 at once.
 */
export async function subscriptionsMentioning(shop: string, topic: string): Promise<string[]> {
  const contains = isPostgresUrl(databaseUrl()) ? `strpos("subscriptions", ?) > 0` : `instr("subscriptions", ?) > 0`;
  const rows = await sqlDriver().all(
    `SELECT "subscriptions" FROM "Task" WHERE "shop" = ? AND "enabled" = ? AND ${contains}`,
    [shop, true, topic],
  );
  return rows.map((r) => str(r.subscriptions));
}

/** What a wait-mode request's caller was answered (status, milliseconds from receipt), for the event page. */
export async function recordEventAnswer(eventId: string, status: number, ms: number): Promise<void> {
  await sqlDriver().runGrouped(`UPDATE "Event" SET "responseStatus" = ?, "responseMs" = ? WHERE "id" = ?`, [
    status,
    ms,
    eventId,
  ]);
}

// ------------------------------------------------------------------ the runner

/** The columns a task run and an action run are inserted with (the rest take the schema's defaults). */
export const TASK_RUN_INSERT_COLUMNS = [
  "id",
  "eventId",
  "taskId",
  "taskVersion",
  "status",
  "runAt",
  "attempts",
  "actions",
  "logs",
  "errors",
  "startedAt",
  "finishedAt",
  "createdAt",
] as const satisfies readonly (keyof TaskRun)[];
export const ACTION_RUN_INSERT_COLUMNS = [
  "id",
  "taskRunId",
  "position",
  "type",
  "options",
  "meta",
  "status",
  "attempts",
  "createdAt",
  "startedAt",
  "finishedAt",
  "result",
  "durationMs",
] as const satisfies readonly (keyof ActionRun)[];

const INSERT_TASK_RUN = `INSERT INTO "TaskRun" (${columnList(TASK_RUN_INSERT_COLUMNS)}) VALUES (${placeholders(TASK_RUN_INSERT_COLUMNS.length)}) ON CONFLICT ("eventId", "taskId") DO NOTHING`;
type TaskRunInsert = Record<(typeof TASK_RUN_INSERT_COLUMNS)[number], SqlValue>;

/**
 * A task run as its row: rendered in its event's first delivery (its outcome, one attempt), or not
 * started (NOT_STARTED_TASK_RUN). Written out field by field: spreading the run and its outcome cost
 * about 4 us per event.
 */
function taskRunRow(run: NewTaskRun & { rendered?: FinishedTaskRun | null; startedAt?: Date | null }): TaskRunInsert {
  const rendered = run.rendered ?? null;
  const idle = NOT_STARTED_TASK_RUN;
  return {
    id: run.id,
    eventId: run.eventId,
    taskId: run.taskId,
    taskVersion: rendered ? rendered.taskVersion : run.taskVersion,
    status: rendered ? rendered.status : idle.status,
    runAt: run.runAt,
    attempts: rendered ? 1 : idle.attempts,
    actions: rendered ? rendered.actions : idle.actions,
    logs: rendered ? rendered.logs : idle.logs,
    errors: rendered ? rendered.errors : idle.errors,
    startedAt: rendered ? (run.startedAt ?? null) : idle.startedAt,
    finishedAt: rendered ? rendered.finishedAt : idle.finishedAt,
    createdAt: run.createdAt,
  };
}

type ActionRunInsert = Record<(typeof ACTION_RUN_INSERT_COLUMNS)[number], SqlValue>;

/** A new action run's row: pending, or performed inline before this commit (with its outcome). */
function actionRunRow(a: NewActionRun): ActionRunInsert {
  return {
    id: a.id,
    taskRunId: a.taskRunId,
    position: a.position,
    type: a.type,
    options: a.options,
    meta: a.meta,
    status: a.status,
    attempts: a.attempts,
    createdAt: a.createdAt,
    startedAt: a.startedAt,
    finishedAt: a.finishedAt ?? null,
    result: a.result ?? null,
    durationMs: a.durationMs ?? null,
  };
}

function insertActionRun(a: NewActionRun): { sql: string; params: SqlValue[] } {
  const row = actionRunRow(a);
  return { sql: INSERT_ACTION_RUN, params: ACTION_RUN_INSERT_COLUMNS.map((column) => row[column]) };
}

/** New action runs as PostgreSQL's statements take them: a JSON array of their insert columns. */
function actionRunsJson(actionRuns: NewActionRun[]): ActionRunInsert[] {
  return actionRuns.map((a) => jsonRow(actionRunRow(a), ACTION_RUN_INSERT_COLUMNS));
}

/**
 * PostgreSQL: inserts the action runs of a JSON array parameter (`actionRunsJson`) that meet
 * `condition` (their claim held), as part of a WITH statement.
 */
function insertActionRunsFromJson(condition: string): string {
  return `INSERT INTO "ActionRun" (${columnList(ACTION_RUN_INSERT_COLUMNS)})
    SELECT ${columnList(ACTION_RUN_INSERT_COLUMNS)} FROM json_populate_recordset(NULL::"ActionRun", ?::json)
    WHERE ${condition}`;
}

/**
 * A JSON row: only the given columns of a row (what an insert writes), dates as ISO text. A Date left
 * in would cost JSON.stringify several times the rest of the row (app/data/date-text.ts).
 */
function jsonRow<Column extends string>(
  row: Record<Column, SqlValue>,
  columns: readonly Column[],
): Record<Column, SqlValue> {
  const out = {} as Record<Column, SqlValue>;
  for (const column of columns) {
    const value = row[column];
    out[column] = value instanceof Date ? isoText(value) : value;
  }
  return out;
}

/** A date, or null, as a JSON row carries it. */
const jsonDate = (date: Date | null): string | null => (date === null ? null : isoText(date));

/**
 * PostgreSQL: the first deliveries of several events (startEvent) in one statement, so one round
 * trip and one commit for all the jobs of a tick: each event's claim (pending -> running, or
 * straight to finished) and, only where the claim held, its task runs and action runs. The rows
 * travel as three JSON arrays, so the text is the same for any number of events and is prepared
 * once per connection. The claim finds its events by primary key only: the ids come again as a
 * list, and the status test is written so no index can serve it (`IS TRUE`); otherwise, after a
 * burst that the table's statistics have not seen yet, the planner takes the status index and
 * reads every pending event for each statement. Returns the ids of the events it claimed.
 * (SQLite: a batch per event in the group commit.) Exported for the EXPLAIN test.
 */
export const START_EVENTS_POSTGRES = `WITH "input" AS (
    SELECT * FROM json_to_recordset(?::json) AS x("id" text, "status" text, "startedAt" timestamp(3), "finishedAt" timestamp(3))
  ), "claimed" AS (
    UPDATE "Event" e SET "status" = x."status", "startedAt" = x."startedAt",
      "finishedAt" = COALESCE(x."finishedAt", e."finishedAt"),
      "error" = CASE WHEN x."finishedAt" IS NULL THEN e."error" ELSE NULL END
    FROM "input" x WHERE e."id" = ANY(?::text[]) AND e."id" = x."id" AND (e."status" = 'pending') IS TRUE RETURNING e."id"
  ), "taskRuns" AS (
    SELECT * FROM json_populate_recordset(NULL::"TaskRun", ?::json) r WHERE r."eventId" IN (SELECT "id" FROM "claimed")
  ), "insertedTaskRuns" AS (
    INSERT INTO "TaskRun" (${columnList(TASK_RUN_INSERT_COLUMNS)}) SELECT ${columnList(TASK_RUN_INSERT_COLUMNS)} FROM "taskRuns"
    ON CONFLICT ("eventId", "taskId") DO NOTHING
  ), "insertedActionRuns" AS (
    ${insertActionRunsFromJson(`"taskRunId" IN (SELECT "id" FROM "taskRuns")`)}
  )
  SELECT "id" FROM "claimed"`;

/**
 * PostgreSQL: a rendered task run stored (only while its claim holds) with the action runs it
 * created, in one statement: one round trip, no transaction held open between statements.
 */
const FINISH_TASK_RUN_POSTGRES = `WITH "claimed" AS (
    UPDATE "TaskRun" SET "status" = ?, "taskVersion" = ?, "actions" = ?, "logs" = ?, "errors" = ?, "finishedAt" = ?
    WHERE "id" = ? AND "status" = 'running' AND "attempts" = ? RETURNING "id"
  ), "insertedActionRuns" AS (
    ${insertActionRunsFromJson(`EXISTS (SELECT 1 FROM "claimed")`)}
  )
  SELECT count(*) AS "claimed" FROM "claimed"`;

/** One startEvent call's rows, as START_EVENTS_POSTGRES takes them. */
interface EventStart {
  id: string;
  /** Dates as ISO text (jsonDate). */
  claim: { status: "running" | "succeeded"; startedAt: string; finishedAt: string | null };
  taskRuns: TaskRunInsert[];
  actionRuns: ActionRunInsert[];
}

/** The most events one START_EVENTS_POSTGRES statement (or one grouped fan-out read) carries. */
export const MAX_EVENTS_PER_STATEMENT = 64;

// PostgreSQL: the conditional updates every performed action makes (its claim, its outcome) and the
// event's finish, each shared by the calls of one tick as START_EVENTS_POSTGRES is: the rows as a
// JSON array, the ids again as a list so the rows are found by primary key only (and the status
// tests written so that no status index can serve them). Each returns the ids it changed.

/** pending and due, with `attempts` unchanged -> running, attempts + 1 (claimActionRun). */
export const CLAIM_ACTION_RUNS_POSTGRES = `UPDATE "ActionRun" a SET "status" = 'running', "attempts" = x."attempts" + 1,
    "startedAt" = x."now", "nextAttemptAt" = NULL, "finishedAt" = NULL
  FROM json_to_recordset(?::json) AS x("id" text, "attempts" integer, "now" timestamp(3))
  WHERE a."id" = ANY(?::text[]) AND a."id" = x."id" AND (a."status" = 'pending') IS TRUE AND a."attempts" = x."attempts"
    AND (a."nextAttemptAt" IS NULL OR a."nextAttemptAt" <= x."now")
  RETURNING a."id"`;

/** A claimed action run's outcome, while the claim holds (recordActionRun). */
export const RECORD_ACTION_RUNS_POSTGRES = `UPDATE "ActionRun" a SET "status" = x."status", "attempts" = x."attempts",
    "nextAttemptAt" = x."nextAttemptAt", "result" = x."result", "error" = x."error", "finishedAt" = x."finishedAt",
    "durationMs" = x."durationMs"
  FROM json_to_recordset(?::json) AS x("id" text, "claimedAttempt" integer, "status" text, "attempts" integer,
    "nextAttemptAt" timestamp(3), "result" text, "error" text, "finishedAt" timestamp(3), "durationMs" integer)
  WHERE a."id" = ANY(?::text[]) AND a."id" = x."id" AND (a."status" = 'running') IS TRUE AND a."attempts" = x."claimedAttempt"
  RETURNING a."id"`;

/** Events' final status (markEventFinished). */
export const FINISH_EVENTS_POSTGRES = `UPDATE "Event" e SET "status" = x."status", "error" = x."error", "finishedAt" = x."finishedAt"
  FROM json_to_recordset(?::json) AS x("id" text, "status" text, "error" text, "finishedAt" timestamp(3))
  WHERE e."id" = ANY(?::text[]) AND e."id" = x."id"
  RETURNING e."id"`;

/** The most rows one of the statements above carries. */
const MAX_ROWS_PER_UPDATE = 64;

const INSERT_ACTION_RUN = `INSERT INTO "ActionRun" (${columnList(ACTION_RUN_INSERT_COLUMNS)}) VALUES (${placeholders(ACTION_RUN_INSERT_COLUMNS.length)})`;

// The fan-out read's rows are read as values (no object of ~40 keys per row): the event's columns
// first, then the task's (TASK_OFFSET on); rowAt splits them back.
const TASK_OFFSET = EVENT_ROW_COLUMNS.length;
const EVENT_ID_AT = EVENT_ROW_COLUMNS.indexOf("id");
const TASK_ID_AT = TASK_OFFSET + TASK_ROW_COLUMNS.indexOf("id");

/**
 * The event and its candidate tasks (candidateTasks' condition) in one statement: a round trip
 * less per event on PostgreSQL. Parameters: true (enabled), the event id (PostgreSQL: a list of
 * event ids, the reads of one tick together). (Exported for the EXPLAIN test.)
 */
export function eventForFanOutSql(postgres: boolean): string {
  const contains = postgres ? `strpos(t."subscriptions", e."topic") > 0` : `instr(t."subscriptions", e."topic") > 0`;
  return `SELECT ${EVENT_ROW_COLUMNS.map((c) => `e."${c}"`).join(", ")}, ${TASK_ROW_COLUMNS.map((c) => `t."${c}"`).join(", ")}
    FROM "Event" e LEFT JOIN "Task" t ON t."shop" = e."shop" AND t."enabled" = ? AND ${contains}
    WHERE e."id" ${postgres ? "= ANY(?::text[])" : "= ?"} ORDER BY t."createdAt" ASC`;
}

type FanOut = { event: EventRow; candidates: TaskRow[] };

/** The event and its candidate tasks out of its rows of the fan-out read; null without rows (no such event). */
function fanOutOf(rows: unknown[][]): FanOut | null {
  if (!rows.length) return null;
  const event = toEventRow(rowAt(rows[0]!, EVENT_ROW_COLUMNS, 0));
  const candidates = rows
    .filter((r) => r[TASK_ID_AT] !== null && r[TASK_ID_AT] !== undefined)
    .map((r) => toTaskRow(rowAt(r, TASK_ROW_COLUMNS, TASK_OFFSET)));
  return { event, candidates };
}

/** The runner's RunStore on SQLite or PostgreSQL (its own driver, so its own connection/pool). */
export function createSqlRunStore(url = databaseUrl(), options: { poolSize?: number } = {}): RunStore {
  // Its own connection. Writes share a commit with the other jobs' writes of the same tick (the
  // group commit, as ingress's inserts do): an event's half a dozen small writes would otherwise
  // each append their own copies of the same table and index pages to the WAL. Runner progress is
  // not fsynced per commit (docs/decisions/0011).
  const sql: SqlDriver = createSqlDriver(url, { durableGroupCommits: false, poolSize: options.poolSize });
  // Substring test without LIKE wildcards (topics contain "_").
  const postgres = isPostgresUrl(url);
  const contains = postgres ? `strpos("subscriptions", ?) > 0` : `instr("subscriptions", ?) > 0`;
  const EVENT_FOR_FAN_OUT = eventForFanOutSql(postgres);

  // PostgreSQL: the fan-out reads and the first deliveries' writes of one tick share a statement
  // each (tickBatcher). SQLite reads in-process and already shares one commit per tick.
  const eventsForFanOut = postgres
    ? tickBatcher<string, FanOut | null>(
        async (ids) => {
          const rows = await sql.values(EVENT_FOR_FAN_OUT, [true, ids]);
          const byEvent = new Map<string, unknown[][]>();
          for (const row of rows) {
            const eventId = str(row[EVENT_ID_AT]);
            const list = byEvent.get(eventId);
            if (list) list.push(row);
            else byEvent.set(eventId, [row]);
          }
          return ids.map((eventId) => fanOutOf(byEvent.get(eventId) ?? []));
        },
        { maxBatch: MAX_EVENTS_PER_STATEMENT },
      )
    : null;
  const startEvents = postgres
    ? tickBatcher<EventStart, boolean>(
        async (starts) => {
          const rows = await sql.all(START_EVENTS_POSTGRES, [
            JSON.stringify(starts.map((start) => ({ id: start.id, ...start.claim }))),
            starts.map((start) => start.id),
            JSON.stringify(starts.flatMap((start) => start.taskRuns)),
            JSON.stringify(starts.flatMap((start) => start.actionRuns)),
          ]);
          const claimed = new Set(rows.map((row) => str(row.id)));
          return starts.map((start) => claimed.has(start.id));
        },
        { maxBatch: MAX_EVENTS_PER_STATEMENT, key: (start) => start.id },
      )
    : null;
  /** One of the updates above, shared per tick: true for each row it changed. */
  const updatesById = <Row extends { id: string }>(statement: string) =>
    tickBatcher<Row, boolean>(
      async (rows) => {
        const changed = await sql.all(statement, [JSON.stringify(rows), rows.map((row) => row.id)]);
        const ids = new Set(changed.map((row) => str(row.id)));
        return rows.map((row) => ids.has(row.id));
      },
      { maxBatch: MAX_ROWS_PER_UPDATE, key: (row) => row.id },
    );
  const claimActionRuns = postgres
    ? updatesById<{ id: string; attempts: number; now: string }>(CLAIM_ACTION_RUNS_POSTGRES)
    : null;
  const recordActionRuns = postgres
    ? updatesById<
        Omit<ActionRunOutcome, "nextAttemptAt" | "finishedAt"> & {
          id: string;
          claimedAttempt: number;
          nextAttemptAt: string | null;
          finishedAt: string;
        }
      >(RECORD_ACTION_RUNS_POSTGRES)
    : null;
  const finishEvents = postgres
    ? updatesById<{ id: string; status: string; error: string | null; finishedAt: string }>(FINISH_EVENTS_POSTGRES)
    : null;

  return {
    async getEvent(id) {
      const [row] = await sql.all(`SELECT ${EVENT_COLUMNS} FROM "Event" WHERE "id" = ?`, [id]);
      return row ? toEventRow(row) : null;
    },

    async startEvent(id, now, taskRuns, actionRuns, finished) {
      const taskRunRows = taskRuns.map(taskRunRow);
      if (startEvents) {
        return startEvents({
          id,
          claim: {
            status: finished ? finished.status : "running",
            startedAt: isoText(now),
            finishedAt: jsonDate(finished?.at ?? null),
          },
          taskRuns: taskRunRows.map((row) => jsonRow(row, TASK_RUN_INSERT_COLUMNS)),
          actionRuns: actionRunsJson(actionRuns),
        });
      }
      const claim = finished
        ? {
            sql: `UPDATE "Event" SET "status" = ?, "startedAt" = ?, "finishedAt" = ?, "error" = NULL WHERE "id" = ? AND "status" = 'pending'`,
            params: [finished.status, now, finished.at, id],
          }
        : {
            sql: `UPDATE "Event" SET "status" = 'running', "startedAt" = ? WHERE "id" = ? AND "status" = 'pending'`,
            params: [now, id],
          };
      return sql.batchGrouped([
        { ...claim, expect: 1 },
        ...taskRunRows.map((row) => ({
          sql: INSERT_TASK_RUN,
          params: TASK_RUN_INSERT_COLUMNS.map((column) => row[column]),
        })),
        ...actionRuns.map(insertActionRun),
      ]);
    },

    async markEventOpen(id, now) {
      await sql.runGrouped(
        `UPDATE "Event" SET "status" = 'running', "startedAt" = ? WHERE "id" = ? AND "status" = 'pending'`,
        [now, id],
      );
    },

    async markEventFinished(id, status, error, now) {
      if (finishEvents) {
        await finishEvents({ id, status, error, finishedAt: isoText(now) });
        return;
      }
      await sql.runGrouped(`UPDATE "Event" SET "status" = ?, "error" = ?, "finishedAt" = ? WHERE "id" = ?`, [
        status,
        error,
        now,
        id,
      ]);
    },

    async eventBudgetCounts(shop, originId, since) {
      const [row] = await sql.all(
        `SELECT (SELECT count(*) FROM "Event" WHERE "originId" = ?) AS "fromOrigin",
           (SELECT count(*) FROM "Event" WHERE "shop" = ? AND "createdAt" >= ? AND "originId" IS NOT NULL) AS "fromShopRecently",
           (SELECT "rateLimitPerMinute" FROM "Shop" WHERE "domain" = ?) AS "shopRatePerMinute"`,
        [originId, shop, since, shop],
      );
      return {
        fromOrigin: num(row?.fromOrigin ?? 0),
        fromShopRecently: num(row?.fromShopRecently ?? 0),
        shopRatePerMinute:
          row?.shopRatePerMinute === null || row?.shopRatePerMinute === undefined ? null : num(row.shopRatePerMinute),
      };
    },

    async eventForFanOut(id) {
      if (eventsForFanOut) return eventsForFanOut(id);
      return fanOutOf(await sql.values(EVENT_FOR_FAN_OUT, [true, id]));
    },

    async candidateTasks(shop, topic, targetIds) {
      if (targetIds && targetIds.length === 0) return [];
      const params: SqlValue[] = [shop, true, topic];
      let where = `"shop" = ? AND "enabled" = ? AND ${contains}`;
      if (targetIds) {
        where += ` AND "id" IN (${placeholders(targetIds.length)})`;
        params.push(...targetIds);
      }
      const rows = await sql.all(`SELECT ${TASK_COLUMNS} FROM "Task" WHERE ${where} ORDER BY "createdAt" ASC`, params);
      return rows.map(toTaskRow);
    },

    async getTask(id) {
      const [row] = await sql.all(`SELECT ${TASK_COLUMNS} FROM "Task" WHERE "id" = ?`, [id]);
      return row ? toTaskRow(row) : null;
    },

    async insertTaskRun(run) {
      const row = taskRunRow(run);
      await sql.runGrouped(
        INSERT_TASK_RUN,
        TASK_RUN_INSERT_COLUMNS.map((column) => row[column]),
      );
    },

    async listTaskRuns(eventId) {
      const rows = await sql.all(
        `SELECT ${TASK_RUN_COLUMNS} FROM "TaskRun" WHERE "eventId" = ? ORDER BY "createdAt" ASC, "id" ASC`,
        [eventId],
      );
      return rows.map(toTaskRunRow);
    },

    async getTaskRun(id) {
      const [row] = await sql.all(`SELECT ${TASK_RUN_COLUMNS} FROM "TaskRun" WHERE "id" = ?`, [id]);
      return row ? toTaskRunRow(row) : null;
    },

    async renderedActions(eventId, taskId) {
      const [row] = await sql.all(`SELECT "actions" FROM "TaskRun" WHERE "eventId" = ? AND "taskId" = ? LIMIT 1`, [
        eventId,
        taskId,
      ]);
      return typeof row?.actions === "string" ? row.actions : null;
    },

    async claimTaskRun(id, now, staleBefore) {
      const changes = await sql.runGrouped(
        `UPDATE "TaskRun" SET "status" = 'running', "startedAt" = ?, "attempts" = "attempts" + 1, "finishedAt" = NULL
         WHERE "id" = ? AND (("status" = 'pending' AND "runAt" <= ?) OR ("status" = 'running' AND "startedAt" < ?))`,
        [now, id, now, staleBefore],
      );
      return changes === 1;
    },

    async finishTaskRun(id, claimedAttempt, run, actionRuns) {
      if (postgres) {
        const [row] = await sql.all(FINISH_TASK_RUN_POSTGRES, [
          run.status,
          run.taskVersion,
          run.actions,
          run.logs,
          run.errors,
          run.finishedAt,
          id,
          claimedAttempt,
          JSON.stringify(actionRunsJson(actionRuns)),
        ]);
        return num(row?.claimed ?? 0) === 1;
      }
      return sql.batchGrouped([
        {
          sql: `UPDATE "TaskRun" SET "status" = ?, "taskVersion" = ?, "actions" = ?, "logs" = ?, "errors" = ?, "finishedAt" = ? WHERE "id" = ? AND "status" = 'running' AND "attempts" = ?`,
          params: [run.status, run.taskVersion, run.actions, run.logs, run.errors, run.finishedAt, id, claimedAttempt],
          expect: 1,
        },
        ...actionRuns.map(insertActionRun),
      ]);
    },

    async releaseTaskRun(id, claimedAttempt) {
      const changes = await sql.runGrouped(
        `UPDATE "TaskRun" SET "status" = 'pending', "startedAt" = NULL WHERE "id" = ? AND "status" = 'running' AND "attempts" = ?`,
        [id, claimedAttempt],
      );
      return changes === 1;
    },

    async listActionRuns(taskRunId) {
      const rows = await sql.all(
        `SELECT ${ACTION_RUN_COLUMNS} FROM "ActionRun" WHERE "taskRunId" = ? ORDER BY "position" ASC`,
        [taskRunId],
      );
      return rows.map(toActionRunRow);
    },

    async claimActionRun(id, attempts, now) {
      if (claimActionRuns) return claimActionRuns({ id, attempts, now: isoText(now) });
      const changes = await sql.runGrouped(
        `UPDATE "ActionRun" SET "status" = 'running', "attempts" = ?, "startedAt" = ?, "nextAttemptAt" = NULL, "finishedAt" = NULL
         WHERE "id" = ? AND "status" = 'pending' AND "attempts" = ? AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ?)`,
        [attempts + 1, now, id, attempts, now],
      );
      return changes === 1;
    },

    async recordActionRun(id, claimedAttempt, outcome) {
      if (recordActionRuns)
        return recordActionRuns({
          ...outcome,
          id,
          claimedAttempt,
          nextAttemptAt: jsonDate(outcome.nextAttemptAt),
          finishedAt: isoText(outcome.finishedAt),
        });
      const changes = await sql.runGrouped(
        `UPDATE "ActionRun" SET "status" = ?, "attempts" = ?, "nextAttemptAt" = ?, "result" = ?, "error" = ?, "finishedAt" = ?, "durationMs" = ?
         WHERE "id" = ? AND "status" = 'running' AND "attempts" = ?`,
        [
          outcome.status,
          outcome.attempts,
          outcome.nextAttemptAt,
          outcome.result,
          outcome.error,
          outcome.finishedAt,
          outcome.durationMs,
          id,
          claimedAttempt,
        ],
      );
      return changes === 1;
    },

    async requeueOrphanedActionRun(id, attempts) {
      const changes = await sql.runGrouped(
        `UPDATE "ActionRun" SET "status" = 'pending', "nextAttemptAt" = NULL WHERE "id" = ? AND "status" = 'running' AND "attempts" = ?`,
        [id, attempts],
      );
      return changes === 1;
    },

    async failOrphanedActionRun(id, attempts, message, now) {
      const changes = await sql.runGrouped(
        `UPDATE "ActionRun" SET "status" = 'failed', "error" = ?, "finishedAt" = ?, "nextAttemptAt" = NULL WHERE "id" = ? AND "status" = 'running' AND "attempts" = ?`,
        [message, now, id, attempts],
      );
      return changes === 1;
    },

    async deferActionRun(id, at) {
      await sql.runGrouped(`UPDATE "ActionRun" SET "nextAttemptAt" = ? WHERE "id" = ? AND "status" = 'pending'`, [
        at,
        id,
      ]);
    },

    async skipActionRuns(ids, error, now) {
      if (!ids.length) return;
      await sql.runGrouped(
        `UPDATE "ActionRun" SET "status" = 'skipped', "error" = ?, "finishedAt" = ?, "nextAttemptAt" = NULL WHERE "status" = 'pending' AND "id" IN (${placeholders(ids.length)})`,
        [error, now, ...ids],
      );
    },

    async runStatuses(eventId) {
      const rows = await sql.all(
        `SELECT t."id" AS "taskRunId", t."status" AS "taskStatus", a."status" AS "actionStatus"
         FROM "TaskRun" t LEFT JOIN "ActionRun" a ON a."taskRunId" = t."id" WHERE t."eventId" = ?`,
        [eventId],
      );
      const byRun = new Map<string, RunStatuses>();
      for (const row of rows) {
        const id = str(row.taskRunId);
        let entry = byRun.get(id);
        if (!entry) {
          entry = { taskRun: taskRunStatus(row.taskStatus), actionRuns: [] };
          byRun.set(id, entry);
        }
        if (row.actionStatus !== null && row.actionStatus !== undefined)
          entry.actionRuns.push(actionRunStatus(row.actionStatus));
      }
      return [...byRun.values()];
    },

    close: () => sql.close(),
  };
}
