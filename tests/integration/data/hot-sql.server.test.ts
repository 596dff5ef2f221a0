// The hot queries use indexes (issue 17): each runs on every event, task run or sweep, so a full
// scan would grow with the tables. Planned with sequential scans discouraged (PostgreSQL) so a tiny
// test table still shows whether an index could serve the query; SQLite's plan says SEARCH ... USING.
import { describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { databaseUrl, isPostgresUrl } from "~/data/db.server";
import { eventForFanOutSql, START_EVENTS_POSTGRES } from "~/data/hot-sql.server";

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
  // The first deliveries' claim on PostgreSQL, as the worker runs it: a prepared statement, whose
  // generic plan knows nothing of how many ids come. It must find its events by primary key, never
  // by the status index (which, after a burst the statistics have not seen, reads every pending
  // event per statement).
  it.runIf(onPostgres)("the first deliveries' claim (PostgreSQL, generic plan)", async () => {
    const name = `start_events_${Date.now()}`;
    const [, , , rows] = await prisma.$transaction([
      prisma.$executeRawUnsafe("SET LOCAL plan_cache_mode = force_generic_plan"),
      prisma.$executeRawUnsafe("SET LOCAL enable_seqscan = off"),
      prisma.$executeRawUnsafe(`PREPARE ${name}(json, text[], json, json) AS ${numbered(START_EVENTS_POSTGRES)}`),
      prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN EXECUTE ${name}('[{"id":"e","status":"running","startedAt":"2026-01-01T00:00:00Z","finishedAt":null}]', '{e}', '[]', '[]')`,
      ),
      prisma.$executeRawUnsafe(`DEALLOCATE ${name}`),
    ]);
    const text = rows.map((r) => r["QUERY PLAN"]).join("\n");
    const claim = text.slice(text.indexOf("Update on"), text.indexOf("CTE taskRuns"));
    expect(claim, text).toMatch(/Event_pkey/);
    expect(claim, text).not.toMatch(/Event_status_createdAt_idx|Event_shop_status_createdAt_idx/);
  });

  for (const query of HOT_QUERIES) {
    it(query.name, async () => {
      const text = await plan(query.sql, query.params);
      expect(text, text).toMatch(query.index);
      expect(text, text).not.toMatch(onPostgres ? /Seq Scan/ : /^SCAN /m);
    });
  }
});
