// runGrouped on the test database (SQLite's group commit, or PostgreSQL's multi-row inserts):
// inserts issued in one tick are all committed, and one that breaks a constraint fails alone.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { constraintKind, createSqlDriver, MAX_GROUPED_ROWS } from "~/data/sql.server";

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
