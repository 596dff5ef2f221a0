// runGrouped: statements issued together share one SQLite transaction, yet each succeeds or fails
// on its own, and a resolved statement is committed (visible to another connection).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { constraintKind, createSqlDriver, multiRowInsert, type SqlDriver } from "~/data/sql.server";

const drivers: SqlDriver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.close()));
});

async function freshDriver(): Promise<{ driver: SqlDriver; file: string }> {
  const file = join(mkdtempSync(join(tmpdir(), "hookline-group-")), "db.sqlite");
  const driver = createSqlDriver(`file:${file}`);
  drivers.push(driver);
  await driver.run(`CREATE TABLE "Item" ("id" TEXT PRIMARY KEY, "n" INTEGER NOT NULL)`, []);
  return { driver, file };
}

const insert = `INSERT INTO "Item" ("id", "n") VALUES (?, ?)`;

describe("runGrouped (SQLite group commit)", () => {
  it("commits every statement of a group, and a failing one fails alone", async () => {
    const { driver, file } = await freshDriver();
    const ids = ["a", "b", "c", "d", "b", "e"]; // the second "b" breaks the primary key
    const outcomes = await Promise.allSettled(ids.map((id, n) => driver.runGrouped(insert, [id, n])));

    expect(outcomes.map((o) => o.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect(constraintKind((outcomes[4] as PromiseRejectedResult).reason)).toBe("unique");
    expect((outcomes[0] as PromiseFulfilledResult<number>).value).toBe(1);

    // Committed: another connection sees them all, with the first "b" kept.
    const reader = new Database(file, { readonly: true });
    try {
      const rows = reader.prepare(`SELECT "id", "n" FROM "Item" ORDER BY "id"`).all();
      expect(rows).toEqual([
        { id: "a", n: 0 },
        { id: "b", n: 1 },
        { id: "c", n: 2 },
        { id: "d", n: 3 },
        { id: "e", n: 5 },
      ]);
    } finally {
      reader.close();
    }
  });

  it("waits for the write lock without blocking, then lands the whole group; later ticks form new groups", async () => {
    const { driver, file } = await freshDriver();
    // While another connection holds the write lock, the group cannot commit: all of it waits,
    // and once the lock is released every statement lands together.
    const blocker = new Database(file);
    blocker.exec("BEGIN IMMEDIATE");
    const first = Promise.all([driver.runGrouped(insert, ["x", 1]), driver.runGrouped(insert, ["y", 2])]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(blocker.prepare(`SELECT COUNT(*) AS n FROM "Item"`).get()).toEqual({ n: 0 });
    blocker.exec("COMMIT");
    blocker.close();
    expect(await first).toEqual([1, 1]);

    expect(await driver.runGrouped(insert, ["z", 3])).toBe(1);
    const rows = await driver.all(`SELECT COUNT(*) AS n FROM "Item"`, []);
    expect(Number(rows[0]!.n)).toBe(3);
  });
});

describe("batchGrouped (all-or-nothing units inside the group commit)", () => {
  const bump = `UPDATE "Item" SET "n" = "n" + 1 WHERE "id" = ? AND "n" < ?`;

  it("a vetoed unit leaves nothing and resolves false; a failing unit fails alone; the rest commit", async () => {
    const { driver, file } = await freshDriver();
    await driver.run(insert, ["capped", 5]);
    const outcomes = await Promise.allSettled([
      // Vetoed: the bump changes nothing (n is not < 5), so its insert is undone too.
      driver.batchGrouped([
        { sql: bump, params: ["capped", 5], expect: 1 },
        { sql: insert, params: ["vetoed", 1] },
      ]),
      // Kept: both statements.
      driver.batchGrouped([
        { sql: bump, params: ["capped", 10], expect: 1 },
        { sql: insert, params: ["kept", 2] },
      ]),
      // Fails on the primary key after its first statement: the first is undone as well.
      driver.batchGrouped([
        { sql: insert, params: ["half", 3] },
        { sql: insert, params: ["kept", 4] },
      ]),
      driver.runGrouped(insert, ["single", 6]),
    ]);
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : "rejected"))).toEqual([
      false,
      true,
      "rejected",
      1,
    ]);
    expect(constraintKind((outcomes[2] as PromiseRejectedResult).reason)).toBe("unique");

    const reader = new Database(file, { readonly: true });
    try {
      expect(reader.prepare(`SELECT "id", "n" FROM "Item" ORDER BY "id"`).all()).toEqual([
        { id: "capped", n: 6 },
        { id: "kept", n: 2 },
        { id: "single", n: 6 },
      ]);
    } finally {
      reader.close();
    }
  });

  it("a unit vetoed or failing after it changed rows is undone alone, and the rest of its group still commits", async () => {
    // The group runs its units without savepoints first; these two can only be undone by one, so
    // the group rolls back and runs again with them. Every answer is as if each had its own.
    const { driver, file } = await freshDriver();
    await driver.run(insert, ["capped", 5]);
    const outcomes = await Promise.allSettled([
      driver.runGrouped(insert, ["before", 1]),
      // Inserts, then its conditional bump changes nothing: vetoed, its insert undone.
      driver.batchGrouped([
        { sql: insert, params: ["undone", 2] },
        { sql: bump, params: ["capped", 5], expect: 1 },
      ]),
      // Fails on its first statement: nothing of it to undo.
      driver.batchGrouped([
        { sql: insert, params: ["capped", 3] },
        { sql: insert, params: ["never", 3] },
      ]),
      driver.batchGrouped([
        { sql: bump, params: ["capped", 10], expect: 1 },
        { sql: insert, params: ["kept", 4] },
      ]),
      // Changes two rows where one was expected: undone.
      driver.batchGrouped([
        { sql: `UPDATE "Item" SET "n" = "n" + 100 WHERE "id" IN ('before', 'kept')`, params: [], expect: 1 },
      ]),
      driver.runGrouped(insert, ["after", 5]),
    ]);
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : "rejected"))).toEqual([
      1,
      false,
      "rejected",
      true,
      false,
      1,
    ]);
    expect(constraintKind((outcomes[2] as PromiseRejectedResult).reason)).toBe("unique");
    const reader = new Database(file, { readonly: true });
    try {
      expect(reader.prepare(`SELECT "id", "n" FROM "Item" ORDER BY "id"`).all()).toEqual([
        { id: "after", n: 5 },
        { id: "before", n: 1 },
        { id: "capped", n: 6 },
        { id: "kept", n: 4 },
      ]);
    } finally {
      reader.close();
    }
  });

  it("batch outside a group: the same veto, committed on its own", async () => {
    const { driver } = await freshDriver();
    await driver.run(insert, ["a", 0]);
    expect(await driver.batch([{ sql: bump, params: ["a", 0], expect: 1 }])).toBe(false);
    expect(
      await driver.batch([
        { sql: bump, params: ["a", 1], expect: 1 },
        { sql: insert, params: ["b", 1] },
      ]),
    ).toBe(true);
    expect(await driver.all(`SELECT "id", "n" FROM "Item" ORDER BY "id"`, [])).toEqual([
      { id: "a", n: 1 },
      { id: "b", n: 1 },
    ]);
  });
});

describe("multiRowInsert (PostgreSQL's grouped inserts)", () => {
  it("repeats a plain insert's row of placeholders, and refuses anything else", () => {
    expect(multiRowInsert(insert, 3)).toBe(`INSERT INTO "Item" ("id", "n") VALUES (?, ?), (?, ?), (?, ?)`);
    expect(multiRowInsert(`${insert} ON CONFLICT DO NOTHING`, 2)).toBeNull();
    expect(multiRowInsert(`UPDATE "Item" SET "n" = ? WHERE "id" = ?`, 2)).toBeNull();
    expect(multiRowInsert(`INSERT INTO "Item" ("id", "n") SELECT ?, ? WHERE EXISTS (SELECT 1)`, 2)).toBeNull();
  });
});

describe("list parameters", () => {
  it("are refused on SQLite, which would otherwise spread a list over several placeholders", async () => {
    const { driver } = await freshDriver();
    await driver.run(insert, ["a", 1]);
    await expect(driver.all(`SELECT "n" FROM "Item" WHERE "id" = ? AND "n" = ?`, [["a", "1"], 1])).rejects.toThrow(
      "SQLite has no list parameters",
    );
    await expect(driver.runGrouped(insert, [["b"], 2])).rejects.toThrow("SQLite has no list parameters");
    expect(await driver.all(`SELECT count(*) AS "n" FROM "Item"`, [])).toEqual([{ n: 1 }]);
  });
});

describe("dates", () => {
  it("are written as UTC text, each its own (the last one's text is reused only for the same instant)", async () => {
    const { driver } = await freshDriver();
    await driver.run(`CREATE TABLE "Stamp" ("id" TEXT PRIMARY KEY, "at" TEXT NOT NULL)`, []);
    const stampInsert = `INSERT INTO "Stamp" ("id", "at") VALUES (?, ?)`;
    const first = new Date("2026-12-01T10:00:00.123Z");
    const second = new Date("2026-12-01T10:00:00.124Z");
    await Promise.all([
      driver.runGrouped(stampInsert, ["a", first]),
      driver.runGrouped(stampInsert, ["b", new Date(first.getTime())]),
      driver.runGrouped(stampInsert, ["c", second]),
      driver.runGrouped(stampInsert, ["d", first]),
    ]);
    expect(await driver.all(`SELECT "id", "at" FROM "Stamp" ORDER BY "id"`, [])).toEqual([
      { id: "a", at: "2026-12-01T10:00:00.123+00:00" },
      { id: "b", at: "2026-12-01T10:00:00.123+00:00" },
      { id: "c", at: "2026-12-01T10:00:00.124+00:00" },
      { id: "d", at: "2026-12-01T10:00:00.123+00:00" },
    ]);
    await expect(driver.run(stampInsert, ["e", new Date(NaN)])).rejects.toThrow(RangeError);
  });
});
