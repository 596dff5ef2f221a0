// The hot-path SQLite connection leaves WAL checkpoints to a thread. Observable from outside:
// pages reach the main database file only through a checkpoint, so the file grows while the
// writer does nothing when (and only when) the thread is running.
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPrismaClient } from "~/data/db.server";
import { createSqlDriver, type SqlDriver } from "~/data/sql.server";
import {
  AUTOCHECKPOINT_PAGES,
  CHECKPOINT_INTERVAL_MS,
  RESTART_PAGES,
  startCheckpointer,
} from "~/data/sqlite-checkpointer.server";

const drivers: SqlDriver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.close()));
});

/** ~2.5 MB into the WAL: below SQLite's automatic threshold on this connection (10,000 pages). */
async function writeRows(driver: SqlDriver): Promise<void> {
  await driver.run(`CREATE TABLE "Row" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL)`, []);
  const body = "x".repeat(2_000);
  for (let i = 0; i < 1_200; i++) await driver.run(`INSERT INTO "Row" ("body") VALUES (?)`, [body]);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, CHECKPOINT_INTERVAL_MS * 8));

describe("SQLite checkpoints", () => {
  it("are run by the thread, copying the WAL into the database file without a commit asking", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "hookline-ckpt-")), "db.sqlite");
    const driver = createSqlDriver(`file:${file}`);
    drivers.push(driver);
    await writeRows(driver);
    await settle();
    expect(statSync(file).size).toBeGreaterThan(2_000_000);
    const rows = await driver.all(`SELECT COUNT(*) AS n FROM "Row"`, []);
    expect(Number(rows[0]!.n)).toBe(1_200);
  });

  it("do not happen without the thread (the control: the same writes stay in the WAL)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "hookline-ckpt-")), "db.sqlite");
    // A bare connection with the same threshold and no thread.
    const Database = (await import("better-sqlite3")).default;
    const bare = new Database(file);
    bare.pragma("journal_mode = WAL");
    bare.pragma("wal_autocheckpoint = 10000");
    bare.exec(`CREATE TABLE "Row" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL)`);
    const insert = bare.prepare(`INSERT INTO "Row" ("body") VALUES (?)`);
    for (let i = 0; i < 1_200; i++) insert.run("x".repeat(2_000));
    await settle();
    expect(statSync(file).size).toBeLessThan(100_000);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(2_000_000);

    // Starting a checkpointer on the file moves the WAL into it.
    const release = startCheckpointer(file);
    try {
      await settle();
      expect(statSync(file).size).toBeGreaterThan(2_000_000);
    } finally {
      release();
      bare.close();
    }
  });

  it("rewind the WAL under writes that never pause, so it stays near RESTART_PAGES", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "hookline-ckpt-")), "db.sqlite");
    const driver = createSqlDriver(`file:${file}`);
    drivers.push(driver);
    await driver.run(`CREATE TABLE "Row" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL)`, []);
    // A commit every millisecond or so, each a few pages (the body overflows into extra pages), for
    // far more pages than RESTART_PAGES and fewer than AUTOCHECKPOINT_PAGES: without the RESTART
    // step a PASSIVE checkpoint never catches up and the WAL grows by every page written.
    const body = "x".repeat(8_000);
    const pageSize = 4_096;
    const wantBytes = RESTART_PAGES * pageSize * 5;
    expect(wantBytes).toBeLessThan(AUTOCHECKPOINT_PAGES * pageSize);
    let largestWal = 0;
    let rows = 0;
    while (rows * body.length < wantBytes) {
      await driver.runGrouped(`INSERT INTO "Row" ("body") VALUES (?)`, [body]);
      rows++;
      largestWal = Math.max(largestWal, statSync(`${file}-wal`).size);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // No lower bound: on a slow machine the thread may keep the WAL well below RESTART_PAGES, which
    // is the property too. The upper bound is what fails without the RESTART step (it reaches ~5x).
    expect(largestWal).toBeLessThan(RESTART_PAGES * pageSize * 3);
    const [count] = await driver.all(`SELECT COUNT(*) AS n FROM "Row"`, []);
    expect(Number(count!.n)).toBe(rows);
  });

  it("never take the write lock while a reader holds an older snapshot (writers would wait for it)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "hookline-ckpt-")), "db.sqlite");
    const driver = createSqlDriver(`file:${file}`);
    drivers.push(driver);
    await driver.run(`CREATE TABLE "Row" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL)`, []);
    const Database = (await import("better-sqlite3")).default;
    // A read transaction on its own connection pins the snapshot it first read.
    const reader = new Database(file);
    reader.exec("BEGIN");
    reader.prepare(`SELECT COUNT(*) AS n FROM "Row"`).get();
    // A connection that never waits: BEGIN IMMEDIATE fails at once while anyone holds the write lock.
    // It probes on its own timer, so it also runs while the driver's insert is waiting for the lock;
    // the driver's own statements run on this thread, so only the checkpoint thread can be holding it.
    const probe = new Database(file, { timeout: 0 });
    let busy = 0;
    const probing = setInterval(() => {
      try {
        probe.exec("BEGIN IMMEDIATE");
        probe.exec("COMMIT");
      } catch (error) {
        if ((error as { code?: string }).code !== "SQLITE_BUSY") throw error;
        busy++;
      }
    }, 1);
    const body = "x".repeat(8_000);
    const pageSize = 4_096;
    let rows = 0;
    const until = Date.now() + CHECKPOINT_INTERVAL_MS * 10;
    try {
      while (Date.now() < until || rows * body.length < RESTART_PAGES * pageSize * 2) {
        await driver.runGrouped(`INSERT INTO "Row" ("body") VALUES (?)`, [body]);
        rows++;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      // The WAL could not be rewound past the reader, and nobody was made to wait for it.
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(RESTART_PAGES * pageSize * 2);
      expect(busy).toBe(0);
    } finally {
      clearInterval(probing);
      reader.exec("COMMIT");
      reader.close();
      probe.close();
    }
  });

  it("every connection, Prisma's too, checkpoints by itself only past the shared threshold", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "hookline-ckpt-")), "db.sqlite");
    const driver = createSqlDriver(`file:${file}`);
    drivers.push(driver);
    const [fromDriver] = await driver.all("PRAGMA wal_autocheckpoint", []);
    expect(Number(fromDriver!.wal_autocheckpoint)).toBe(AUTOCHECKPOINT_PAGES);
    const prisma = createPrismaClient(`file:${file}`);
    try {
      const [fromPrisma] =
        await prisma.$queryRawUnsafe<{ wal_autocheckpoint: number | bigint }[]>("PRAGMA wal_autocheckpoint");
      expect(Number(fromPrisma!.wal_autocheckpoint)).toBe(AUTOCHECKPOINT_PAGES);
    } finally {
      await prisma.$disconnect();
    }
  });
});
