// The runner's hot-path data access in plain SQL on the database driver (better-sqlite3 or pg),
// not through Prisma: each Prisma 6 query costs about a millisecond of CPU in its JS query
// compiler, and an event takes a dozen queries. The tables and columns are Prisma's (see
// prisma/schema.prisma); values are written in the formats Prisma reads back (SQLite: DateTime
// as ISO text with +00:00, booleans as 0/1; PostgreSQL: timestamp(3) in UTC).
// Everything else (models, the sweep, the CLI) keeps using Prisma.
import { databaseUrl, isPostgresUrl } from "~/db.server";
import { createSqlDriver, type SqlDriver, type SqlValue as Value } from "~/sql-driver.server";

export interface EventRow {
  id: string;
  shop: string;
  topic: string;
  data: string;
  source: string;
  parentId: string | null;
  depth: number;
  requestId: string | null;
  status: string;
  taskIds: string | null;
  runAt: Date | null;
  createdAt: Date;
}
export interface TaskRow {
  id: string;
  name: string;
  script: string;
  options: string;
  subscriptions: string;
  version: number;
  enabled: boolean;
  performActionRunsInSequence: boolean;
  haltActionRunSequenceOnError: boolean;
}
export interface TaskRunRow {
  id: string;
  eventId: string;
  taskId: string;
  status: string;
  runAt: Date;
  attempts: number;
  startedAt: Date | null;
}
export interface ActionRunRow {
  id: string;
  taskRunId: string;
  position: number;
  type: string;
  options: string;
  meta: string | null;
  status: string;
  attempts: number;
  nextAttemptAt: Date | null;
  startedAt: Date | null;
  createdAt: Date;
}

export interface NewTaskRun {
  id: string;
  eventId: string;
  taskId: string;
  taskVersion: number;
  runAt: Date;
  createdAt: Date;
}

export interface FinishedTaskRun {
  status: "succeeded" | "failed";
  taskVersion: number;
  actions: string;
  logs: string;
  errors: string;
  finishedAt: Date;
}

export interface ActionRunOutcome {
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  nextAttemptAt: Date | null;
  result: string | null;
  error: string | null;
  finishedAt: Date;
  durationMs: number;
}

const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const maybeDate = (value: unknown): Date | null => (value === null || value === undefined ? null : date(value));
const bool = (value: unknown): boolean => value === true || value === 1 || value === 1n || value === "1";
const num = (value: unknown): number => Number(value);
const str = (value: unknown): string => String(value);
const maybeStr = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

const EVENT_COLUMNS = `"id", "shop", "topic", "data", "source", "parentId", "depth", "requestId", "status", "taskIds", "runAt", "createdAt"`;
const TASK_COLUMNS = `"id", "name", "script", "options", "subscriptions", "version", "enabled", "performActionRunsInSequence", "haltActionRunSequenceOnError"`;
const TASK_RUN_COLUMNS = `"id", "eventId", "taskId", "status", "runAt", "attempts", "startedAt"`;
const ACTION_RUN_COLUMNS = `"id", "taskRunId", "position", "type", "options", "meta", "status", "attempts", "nextAttemptAt", "startedAt", "createdAt"`;

function toEvent(r: Record<string, unknown>): EventRow {
  return {
    id: str(r.id),
    shop: str(r.shop),
    topic: str(r.topic),
    data: str(r.data),
    source: str(r.source),
    parentId: maybeStr(r.parentId),
    depth: num(r.depth),
    requestId: maybeStr(r.requestId),
    status: str(r.status),
    taskIds: maybeStr(r.taskIds),
    runAt: maybeDate(r.runAt),
    createdAt: date(r.createdAt),
  };
}
function toTask(r: Record<string, unknown>): TaskRow {
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
function toTaskRun(r: Record<string, unknown>): TaskRunRow {
  return {
    id: str(r.id),
    eventId: str(r.eventId),
    taskId: str(r.taskId),
    status: str(r.status),
    runAt: date(r.runAt),
    attempts: num(r.attempts),
    startedAt: maybeDate(r.startedAt),
  };
}
function toActionRun(r: Record<string, unknown>): ActionRunRow {
  return {
    id: str(r.id),
    taskRunId: str(r.taskRunId),
    position: num(r.position),
    type: str(r.type),
    options: str(r.options),
    meta: maybeStr(r.meta),
    status: str(r.status),
    attempts: num(r.attempts),
    nextAttemptAt: maybeDate(r.nextAttemptAt),
    startedAt: maybeDate(r.startedAt),
    createdAt: date(r.createdAt),
  };
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => "?").join(", ");
}

export type RunStore = ReturnType<typeof createRunStore>;

export function createRunStore(url = databaseUrl()) {
  const sql: SqlDriver = createSqlDriver(url);

  return {
    async getEvent(id: string): Promise<EventRow | null> {
      const [row] = await sql.all(`SELECT ${EVENT_COLUMNS} FROM "Event" WHERE "id" = ?`, [id]);
      return row ? toEvent(row) : null;
    },

    async markEventRunning(id: string, now: Date): Promise<void> {
      await sql.run(
        `UPDATE "Event" SET "status" = 'running', "startedAt" = ? WHERE "id" = ? AND "status" = 'pending'`,
        [now, id],
      );
    },

    /** Enabled tasks of the shop whose subscriptions text mentions the topic (exact matching is the caller's). */
    async candidateTasks(shop: string, topic: string, targetIds: string[] | null): Promise<TaskRow[]> {
      if (targetIds && targetIds.length === 0) return [];
      // Substring test without LIKE wildcards (topics contain "_").
      const contains = isPostgresUrl(url) ? `strpos("subscriptions", ?) > 0` : `instr("subscriptions", ?) > 0`;
      const params: Value[] = [shop, true, topic];
      let where = `"shop" = ? AND "enabled" = ? AND ${contains}`;
      if (targetIds) {
        where += ` AND "id" IN (${placeholders(targetIds.length)})`;
        params.push(...targetIds);
      }
      const rows = await sql.all(`SELECT ${TASK_COLUMNS} FROM "Task" WHERE ${where} ORDER BY "createdAt" ASC`, params);
      return rows.map(toTask);
    },

    async getTask(id: string): Promise<TaskRow | null> {
      const [row] = await sql.all(`SELECT ${TASK_COLUMNS} FROM "Task" WHERE "id" = ?`, [id]);
      return row ? toTask(row) : null;
    },

    /** Inserts the task run unless the event already has one for the task. */
    async insertTaskRun(run: NewTaskRun): Promise<void> {
      await sql.run(
        `INSERT INTO "TaskRun" ("id", "eventId", "taskId", "taskVersion", "status", "runAt", "attempts", "createdAt") VALUES (?, ?, ?, ?, 'pending', ?, 0, ?) ON CONFLICT ("eventId", "taskId") DO NOTHING`,
        [run.id, run.eventId, run.taskId, run.taskVersion, run.runAt, run.createdAt],
      );
    },

    async listTaskRuns(eventId: string): Promise<TaskRunRow[]> {
      const rows = await sql.all(
        `SELECT ${TASK_RUN_COLUMNS} FROM "TaskRun" WHERE "eventId" = ? ORDER BY "createdAt" ASC, "id" ASC`,
        [eventId],
      );
      return rows.map(toTaskRun);
    },

    /** The actions (JSON text) a task's run on an event rendered, or null when it has no such run. */
    async renderedActions(eventId: string, taskId: string): Promise<string | null> {
      const [row] = await sql.all(`SELECT "actions" FROM "TaskRun" WHERE "eventId" = ? AND "taskId" = ? LIMIT 1`, [
        eventId,
        taskId,
      ]);
      return typeof row?.actions === "string" ? row.actions : null;
    },

    async getTaskRun(id: string): Promise<TaskRunRow | null> {
      const [row] = await sql.all(`SELECT ${TASK_RUN_COLUMNS} FROM "TaskRun" WHERE "id" = ?`, [id]);
      return row ? toTaskRun(row) : null;
    },

    /** pending and due, or running past its lease -> running, attempts + 1. True when this caller won. */
    async claimTaskRun(id: string, now: Date, staleBefore: Date): Promise<boolean> {
      const changes = await sql.run(
        `UPDATE "TaskRun" SET "status" = 'running', "startedAt" = ?, "attempts" = "attempts" + 1, "finishedAt" = NULL
         WHERE "id" = ? AND (("status" = 'pending' AND "runAt" <= ?) OR ("status" = 'running' AND "startedAt" < ?))`,
        [now, id, now, staleBefore],
      );
      return changes === 1;
    },

    /** Stores the rendered run and creates its action runs atomically, if the claim still holds. */
    async finishTaskRun(
      id: string,
      claimedAttempt: number,
      run: FinishedTaskRun,
      actionRuns: ActionRunRow[],
    ): Promise<boolean> {
      return sql.batch([
        {
          sql: `UPDATE "TaskRun" SET "status" = ?, "taskVersion" = ?, "actions" = ?, "logs" = ?, "errors" = ?, "finishedAt" = ? WHERE "id" = ? AND "status" = 'running' AND "attempts" = ?`,
          params: [run.status, run.taskVersion, run.actions, run.logs, run.errors, run.finishedAt, id, claimedAttempt],
          expect: 1,
        },
        ...actionRuns.map((a) => ({
          sql: `INSERT INTO "ActionRun" ("id", "taskRunId", "position", "type", "options", "meta", "status", "attempts", "createdAt") VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)`,
          params: [a.id, a.taskRunId, a.position, a.type, a.options, a.meta, a.createdAt] as Value[],
        })),
      ]);
    },

    /** Gives a claim back (nothing was stored), so the run is picked up again soon. */
    async releaseTaskRun(id: string, claimedAttempt: number): Promise<boolean> {
      const changes = await sql.run(
        `UPDATE "TaskRun" SET "status" = 'pending', "startedAt" = NULL WHERE "id" = ? AND "status" = 'running' AND "attempts" = ?`,
        [id, claimedAttempt],
      );
      return changes === 1;
    },

    async listActionRuns(taskRunId: string): Promise<ActionRunRow[]> {
      const rows = await sql.all(
        `SELECT ${ACTION_RUN_COLUMNS} FROM "ActionRun" WHERE "taskRunId" = ? ORDER BY "position" ASC`,
        [taskRunId],
      );
      return rows.map(toActionRun);
    },

    /** pending and due -> running, attempts + 1. True when this caller won. */
    async claimActionRun(id: string, attempts: number, now: Date): Promise<boolean> {
      const changes = await sql.run(
        `UPDATE "ActionRun" SET "status" = 'running', "attempts" = ?, "startedAt" = ?, "nextAttemptAt" = NULL, "finishedAt" = NULL
         WHERE "id" = ? AND "status" = 'pending' AND "attempts" = ? AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ?)`,
        [attempts + 1, now, id, attempts, now],
      );
      return changes === 1;
    },

    /** Writes a claimed action run's outcome, if the claim still holds. */
    async recordActionRun(id: string, claimedAttempt: number, outcome: ActionRunOutcome): Promise<boolean> {
      const changes = await sql.run(
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

    /** A running action run whose worker died: failed, not retried (at-most-once). */
    async failOrphanedActionRun(id: string, attempts: number, message: string, now: Date): Promise<boolean> {
      const changes = await sql.run(
        `UPDATE "ActionRun" SET "status" = 'failed', "error" = ?, "finishedAt" = ?, "nextAttemptAt" = NULL WHERE "id" = ? AND "status" = 'running' AND "attempts" = ?`,
        [message, now, id, attempts],
      );
      return changes === 1;
    },

    /** Postpones a pending action run without using an attempt (its shop is throttled). */
    async deferActionRun(id: string, at: Date): Promise<void> {
      await sql.run(`UPDATE "ActionRun" SET "nextAttemptAt" = ? WHERE "id" = ? AND "status" = 'pending'`, [at, id]);
    },

    async skipActionRuns(ids: string[], error: string, now: Date): Promise<void> {
      if (!ids.length) return;
      await sql.run(
        `UPDATE "ActionRun" SET "status" = 'skipped', "error" = ?, "finishedAt" = ?, "nextAttemptAt" = NULL WHERE "status" = 'pending' AND "id" IN (${placeholders(ids.length)})`,
        [error, now, ...ids],
      );
    },

    /** Every task run status of the event, with its action runs' statuses. */
    async runStatuses(eventId: string): Promise<{ taskRun: string; actionRuns: string[] }[]> {
      const rows = await sql.all(
        `SELECT t."id" AS "taskRunId", t."status" AS "taskStatus", a."status" AS "actionStatus"
         FROM "TaskRun" t LEFT JOIN "ActionRun" a ON a."taskRunId" = t."id" WHERE t."eventId" = ?`,
        [eventId],
      );
      const byRun = new Map<string, { taskRun: string; actionRuns: string[] }>();
      for (const row of rows) {
        const id = str(row.taskRunId);
        let entry = byRun.get(id);
        if (!entry) {
          entry = { taskRun: str(row.taskStatus), actionRuns: [] };
          byRun.set(id, entry);
        }
        if (row.actionStatus !== null && row.actionStatus !== undefined) entry.actionRuns.push(str(row.actionStatus));
      }
      return [...byRun.values()];
    },

    async markEventOpen(id: string, now: Date): Promise<void> {
      await sql.run(
        `UPDATE "Event" SET "status" = 'running', "startedAt" = ? WHERE "id" = ? AND "status" = 'pending'`,
        [now, id],
      );
    },

    async markEventFinished(
      id: string,
      status: "succeeded" | "failed",
      error: string | null,
      now: Date,
    ): Promise<void> {
      await sql.run(`UPDATE "Event" SET "status" = ?, "error" = ?, "finishedAt" = ? WHERE "id" = ?`, [
        status,
        error,
        now,
        id,
      ]);
    },

    close: () => sql.close(),
  };
}
