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
