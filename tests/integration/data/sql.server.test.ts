// runGrouped on the test database (SQLite's group commit, or PostgreSQL's multi-row inserts):
// inserts issued in one tick are all committed, and one that breaks a constraint fails alone.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import prisma, { databaseUrl, isPostgresUrl } from "~/data/db.server";
import { constraintKind, createSqlDriver, MAX_GROUPED_ROWS, MAX_NAMED_GROUPED_ROWS } from "~/data/sql.server";

const driver = createSqlDriver();
afterAll(async () => {
  await driver.close();
});

const insert = `INSERT INTO "DedupeKey" ("webhookId", "key", "createdAt") VALUES (?, ?, ?)`;

describe("runGrouped on the test database", () => {
  it("commits every insert issued together, more than one group's worth", async () => {
    const webhookId = randomUUID();
    const count = MAX_GROUPED_ROWS + 20;
    const changes = await Promise.all(
      Array.from({ length: count }, (_, n) => driver.runGrouped(insert, [webhookId, `k${n}`, new Date()])),
    );
    expect(changes.every((c) => c === 1)).toBe(true);
    expect(await prisma.dedupeKey.count({ where: { webhookId } })).toBe(count);
  });

  it("groups of every size, repeated (prepared once per size on PostgreSQL), commit every row", async () => {
    const webhookId = randomUUID();
    const sizes = [2, 7, 7, MAX_NAMED_GROUPED_ROWS, MAX_NAMED_GROUPED_ROWS + 1, 7, MAX_NAMED_GROUPED_ROWS, 2];
    let n = 0;
    // More rounds than the pool has connections, so sizes meet connections that prepared them and ones that did not.
    for (let round = 0; round < 3; round++) {
      for (const size of sizes) {
        const changes = await Promise.all(
          Array.from({ length: size }, () => driver.runGrouped(insert, [webhookId, `k${n++}`, new Date()])),
        );
        expect(changes).toEqual(Array.from({ length: size }, () => 1));
      }
    }
    expect(await prisma.dedupeKey.count({ where: { webhookId } })).toBe(n);
    // A failing row in a group of a size prepared before still fails alone.
    const outcomes = await Promise.allSettled(
      ["x", "k0", "y", "z", "w", "v", "u"].map((key) => driver.runGrouped(insert, [webhookId, key, new Date()])),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    expect(await prisma.dedupeKey.count({ where: { webhookId } })).toBe(n + 6);
  });

  it("an insert that breaks a unique key fails alone; the others of its tick are committed", async () => {
    const webhookId = randomUUID();
    const keys = ["a", "b", "c", "b", "d"];
    const outcomes = await Promise.allSettled(
      keys.map((key) => driver.runGrouped(insert, [webhookId, key, new Date()])),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(constraintKind((outcomes[3] as PromiseRejectedResult).reason)).toBe("unique");
    const stored = await prisma.dedupeKey.findMany({ where: { webhookId }, orderBy: { key: "asc" } });
    expect(stored.map((k) => k.key)).toEqual(["a", "b", "c", "d"]);
  });
});

describe("values (rows as arrays)", () => {
  it("answers each row's values in the statement's column order, beside all on the same statement", async () => {
    const webhookId = randomUUID();
    const at = new Date("2026-12-01T10:00:00.123Z");
    await driver.run(insert, [webhookId, "b", at]);
    await driver.run(insert, [webhookId, "a", at]);
    const select = `SELECT "key", "webhookId", "createdAt" FROM "DedupeKey" WHERE "webhookId" = ? ORDER BY "key"`;
    const objects = await driver.all(select, [webhookId]);
    const values = await driver.values(select, [webhookId]);
    expect(values).toEqual(objects.map((row) => [row.key, row.webhookId, row.createdAt]));
    expect(values.map((row) => row[0])).toEqual(["a", "b"]);
    // The same text again as objects: each form keeps its own prepared statement.
    expect(await driver.all(select, [webhookId])).toEqual(objects);
    expect(await driver.values(select, [randomUUID()])).toEqual([]);
  });
});

describe.runIf(isPostgresUrl(databaseUrl()))(
  "a connection the server ends during a batch (a PostgreSQL restart)",
  () => {
    it("fails that batch alone, keeps the process alive, and the pool replaces the connection", async () => {
      const webhookId = randomUUID();
      // The backend ends itself mid-transaction, as a restart (FATAL 57P01) does to every connection.
      // Before the fix, pg emitted 'error' on the checked-out client with no listener: the process died.
      await expect(
        driver.batch([
          { sql: insert, params: [webhookId, "before", new Date()] },
          { sql: "SELECT pg_terminate_backend(pg_backend_pid())", params: [] },
          { sql: insert, params: [webhookId, "after", new Date()] },
        ]),
      ).rejects.toThrow(/terminat/i);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the socket's end arrives after the error
      expect(await prisma.dedupeKey.count({ where: { webhookId } })).toBe(0);
      // More batches than the pool holds connections: none meets the dead one.
      for (let n = 0; n < 12; n++) {
        expect(await driver.batch([{ sql: insert, params: [webhookId, `k${n}`, new Date()] }])).toBe(true);
      }
      expect(await prisma.dedupeKey.count({ where: { webhookId } })).toBe(12);
    });
  },
);

describe.runIf(isPostgresUrl(databaseUrl()))("plans made while a table is tiny (PostgreSQL)", () => {
  it("every connection of the driver runs without sequential scans and with generic plans (decisions 0116, 0118)", async () => {
    const driver = createSqlDriver(databaseUrl(), { poolSize: 3 });
    try {
      // Three statements at once take three connections of the pool.
      const settings = await Promise.all(
        [1, 2, 3].map(() =>
          driver.all(
            `SELECT current_setting('enable_seqscan') AS "seqscan", current_setting('plan_cache_mode') AS "plans", pg_backend_pid() AS "pid", pg_sleep(0.05)::text AS "slept"`,
            [],
          ),
        ),
      );
      expect(new Set(settings.map(([row]) => row!.pid)).size).toBe(3);
      for (const [row] of settings) expect(row).toMatchObject({ seqscan: "off", plans: "force_generic_plan" });
    } finally {
      await driver.close();
    }
  });

  it("still find rows by primary key once the table has grown (each connection turns sequential scans off first)", async () => {
    // One connection, so the temporary table and the prepared statement share it. A generic plan
    // is made on the first execution (as the driver's cached plans are after a few) while the table
    // holds 3 rows; then it grows. With sequential scans allowed, that plan scans every row for every
    // statement (a hash join over a Seq Scan) until an ANALYZE replans it.
    const single = createSqlDriver(databaseUrl(), { poolSize: 1 });
    try {
      const table = `probe_${randomUUID().slice(0, 8)}`;
      await single.run(`CREATE TEMPORARY TABLE "${table}" ("id" text PRIMARY KEY, "status" text NOT NULL)`, []);
      await single.run(`INSERT INTO "${table}" SELECT 'r' || n, 'pending' FROM generate_series(1, 3) n`, []);
      await single.run(`ANALYZE "${table}"`, []);
      await single.run(`SET plan_cache_mode = force_generic_plan`, []);
      const update = `UPDATE "${table}" p SET "status" = x."status"
        FROM json_to_recordset(?::json) AS x("id" text, "status" text)
        WHERE p."id" = ANY(?::text[]) AND p."id" = x."id" RETURNING p."id"`;
      const name = `probe_update_${table}`;
      await single.run(
        `PREPARE ${name}(json, text[]) AS ${update.replace("?::json", "$1::json").replace("?::text[]", "$2::text[]")}`,
        [],
      );
      // Its first execution makes and caches the generic plan, on the tiny table.
      await single.all(`EXECUTE ${name}('[]', '{}')`, []);
      await single.run(`INSERT INTO "${table}" SELECT 'g' || n, 'pending' FROM generate_series(1, 20000) n`, []);
      const plan = (await single.all(`EXPLAIN EXECUTE ${name}('[{"id":"g5","status":"done"}]', '{g5}')`, []))
        .map((row) => String(row["QUERY PLAN"]))
        .join("\n");
      expect(plan, plan).toMatch(new RegExp(`${table}_pkey`));
      expect(plan, plan).not.toMatch(/Seq Scan on/);
      // The statement itself still answers as before.
      expect(await single.all(update, ['[{"id":"g5","status":"done"}]', ["g5"]])).toEqual([{ id: "g5" }]);
    } finally {
      await single.close();
    }
  });
});
