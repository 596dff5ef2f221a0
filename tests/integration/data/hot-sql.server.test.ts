// The hot queries use indexes (issue 17): each runs on every event, task run or sweep, so a full
// scan would grow with the tables. Planned with sequential scans discouraged (PostgreSQL) so a tiny
// test table still shows whether an index could serve the query; SQLite's plan says SEARCH ... USING.
import { describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { databaseUrl, isPostgresUrl } from "~/data/db.server";
import { SET_ONCE_POSTGRES } from "~/data/cache-once.server";
import {
  CLAIM_ACTION_RUNS_POSTGRES,
  eventForFanOutSql,
  FINISH_EVENTS_POSTGRES,
  RECORD_ACTION_RUNS_POSTGRES,
  START_EVENTS_POSTGRES,
} from "~/data/hot-sql.server";

const onPostgres = isPostgresUrl(databaseUrl());

/** `?` placeholders as PostgreSQL's `$1, $2, ...` (as the driver sends them). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const HOT_QUERIES: { name: string; sql: string; params: unknown[]; index: RegExp }[] = [
  {
    name: "an event by id (claim, fan-out)",
    sql: `SELECT "id", "status" FROM "Event" WHERE "id" = $1`,
    params: ["e"],
    index: /Event_pkey|sqlite_autoindex_Event_1/,
  },
  {
    name: "an event with its candidate tasks (the runner's first read of an event job)",
    sql: numbered(eventForFanOutSql(onPostgres)),
    params: [true, onPostgres ? ["e"] : "e"],
    index: /Task_shop_idx[\s\S]*Event_pkey|Event_pkey[\s\S]*Task_shop_idx|sqlite_autoindex_Event_1[\s\S]*Task_shop_idx/,
  },
  {
    name: "an event's task runs",
    sql: `SELECT "id" FROM "TaskRun" WHERE "eventId" = $1 ORDER BY "createdAt" ASC, "id" ASC`,
    params: ["e"],
    index: /TaskRun_eventId_taskId_key/,
  },
  {
    name: "a task run's action runs",
    sql: `SELECT "id" FROM "ActionRun" WHERE "taskRunId" = $1 ORDER BY "position" ASC`,
    params: ["t"],
    index: /ActionRun_taskRunId_position_key/,
  },
  {
    name: "the sweep's pending events",
    sql: `SELECT "id" FROM "Event" WHERE "status" = 'pending' AND "createdAt" < $1 ORDER BY "createdAt" ASC LIMIT 500`,
    params: [new Date()],
    index: /Event_status_createdAt_idx/,
  },
  {
    name: "the sweep's due task runs",
    sql: `SELECT "id" FROM "TaskRun" WHERE "status" = 'pending' AND "runAt" <= $1 LIMIT 500`,
    params: [new Date()],
    index: /TaskRun_status_runAt_idx/,
  },
  {
    name: "a dedupe key",
    sql: `SELECT "createdAt" FROM "DedupeKey" WHERE "webhookId" = $1 AND "key" = $2`,
    params: ["w", "k"],
    index: /DedupeKey_webhookId_key_key|DedupeKey_pkey|sqlite_autoindex_DedupeKey/,
  },
];

async function plan(sql: string, params: unknown[]): Promise<string> {
  if (onPostgres) {
    const [, rows] = await prisma.$transaction([
      prisma.$executeRawUnsafe("SET LOCAL enable_seqscan = off"),
      prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`, ...params),
    ]);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  }
  const rows = await prisma.$queryRawUnsafe<{ detail: string }[]>(
    `EXPLAIN QUERY PLAN ${sql.replace(/\$\d+/g, "?")}`,
    ...params,
  );
  return rows.map((r) => r.detail).join("\n");
}

describe(`hot queries use an index (${onPostgres ? "PostgreSQL" : "SQLite"})`, () => {
  // The runner's grouped statements on PostgreSQL (decision 0115), as the worker runs them: prepared
  // statements with generic plans (decision 0118), which know nothing of how many ids come. Each must
  // find its rows by primary key, never by a status index (which, after a burst the statistics have
  // not seen, reads every pending row per statement).
  const GROUPED_UPDATES = [
    {
      name: "the first deliveries' claim",
      sql: START_EVENTS_POSTGRES,
      types: "json, text[], json, json",
      args: `'[{"id":"e","status":"running","startedAt":"2026-01-01T00:00:00Z","finishedAt":null}]', '{e}', '[]', '[]'`,
      from: "Update on",
      to: "CTE taskRuns",
      index: /Event_pkey/,
      never: /Event_status_createdAt_idx|Event_shop_status_createdAt_idx/,
    },
    {
      name: "action runs' claims",
      sql: CLAIM_ACTION_RUNS_POSTGRES,
      types: "json, text[]",
      args: `'[{"id":"a","attempts":0,"now":"2026-01-01T00:00:00Z"}]', '{a}'`,
      index: /ActionRun_pkey/,
      never: /ActionRun_status_nextAttemptAt_idx/,
    },
    {
      name: "action runs' outcomes",
      sql: RECORD_ACTION_RUNS_POSTGRES,
      types: "json, text[]",
      args: `'[{"id":"a","claimedAttempt":1,"status":"succeeded","attempts":1}]', '{a}'`,
      index: /ActionRun_pkey/,
      never: /ActionRun_status_nextAttemptAt_idx/,
    },
    {
      name: "the fan-out read (events with their candidate tasks)",
      sql: eventForFanOutSql(true),
      types: "boolean, text[]",
      args: `true, '{e}'`,
      index: /Event_pkey[\s\S]*Task_shop_idx|Task_shop_idx[\s\S]*Event_pkey/,
      never: /Event_status_createdAt_idx|Event_shop_status_createdAt_idx/,
    },
    {
      name: "cache sets applied once (mark the action runs, write the entries)",
      sql: SET_ONCE_POSTGRES,
      types: "json, text[]",
      args: `'[{"actionRunId":"a","shop":"s","key":"k","value":"1","expiresAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}]', '{a}'`,
      index: /ActionRun_pkey/,
      never: /ActionRun_status_nextAttemptAt_idx/,
    },
    {
      name: "events' finish",
      sql: FINISH_EVENTS_POSTGRES,
      types: "json, text[]",
      args: `'[{"id":"e","status":"succeeded","error":null,"finishedAt":"2026-01-01T00:00:00Z"}]', '{e}'`,
      index: /Event_pkey/,
      never: /Event_status_createdAt_idx|Event_shop_status_createdAt_idx/,
    },
  ];
  for (const update of GROUPED_UPDATES) {
    it.runIf(onPostgres)(`${update.name} (PostgreSQL, generic plan)`, async () => {
      const name = `grouped_${Date.now()}`;
      const [, , , rows] = await prisma.$transaction([
        prisma.$executeRawUnsafe("SET LOCAL plan_cache_mode = force_generic_plan"),
        prisma.$executeRawUnsafe("SET LOCAL enable_seqscan = off"),
        prisma.$executeRawUnsafe(`PREPARE ${name}(${update.types}) AS ${numbered(update.sql)}`),
        prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN EXECUTE ${name}(${update.args})`),
        prisma.$executeRawUnsafe(`DEALLOCATE ${name}`),
      ]);
      const text = rows.map((r) => r["QUERY PLAN"]).join("\n");
      const part = update.from ? text.slice(text.indexOf(update.from), text.indexOf(update.to)) : text;
      expect(part, text).toMatch(update.index);
      expect(part, text).not.toMatch(update.never);
    });
  }

  for (const query of HOT_QUERIES) {
    it(query.name, async () => {
      const text = await plan(query.sql, query.params);
      expect(text, text).toMatch(query.index);
      expect(text, text).not.toMatch(onPostgres ? /Seq Scan/ : /^SCAN /m);
    });
  }
});
