// SQLite durability (docs/decisions/0011): grouped commits that answer someone settle only after
// the WAL is on disk. The syncs run off the event loop and are shared: every commit waits for a
// sync that started after it, and the commits of many groups share one sync.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "~/config.server";
import { createSqlDriver, walSyncer, type SqlDriver } from "~/data/sql.server";
import { sqlitePragmas } from "~/data/sqlite-pragmas";

describe("walSyncer", () => {
  it("a caller that asks during a sync waits for the next one; callers share syncs", async () => {
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const sync = walSyncer("unused", () => {
      started.push(started.length + 1);
      return new Promise<void>((resolve) => finish.push(resolve));
    });
    const settled: string[] = [];
    const first = sync().then(() => settled.push("first"));
    await Promise.resolve();
    expect(started).toEqual([1]);
    // Two commits land while sync 1 runs: both need a sync that starts after them, and share it.
    const second = sync().then(() => settled.push("second"));
    const third = sync().then(() => settled.push("third"));
    finish[0]!();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual(["first"]);
    expect(started).toEqual([1, 2]);
    finish[1]!();
    await Promise.all([second, third]);
    expect(settled).toEqual(["first", "second", "third"]);
    expect(started).toEqual([1, 2]);
  });

  it("a failed sync fails its callers, and the next caller gets a new sync", async () => {
    let calls = 0;
    const sync = walSyncer("unused", async () => {
      if (++calls === 1) throw new Error("EIO");
    });
    await expect(sync()).rejects.toThrow("EIO");
    await expect(sync()).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});

describe("durable group commits", () => {
  const drivers: SqlDriver[] = [];
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close()));
  });

  it("commit, sync the real WAL file, then settle every statement of the group", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "hookline-durable-")), "db.sqlite");
    const driver = createSqlDriver(`file:${file}`, { durableGroupCommits: true });
    drivers.push(driver);
    await driver.run(`CREATE TABLE "Item" ("id" TEXT PRIMARY KEY)`, []);
    const results = await Promise.allSettled(
      ["a", "b", "a", "c"].map((id) => driver.runGrouped(`INSERT INTO "Item" ("id") VALUES (?)`, [id])),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(await driver.all(`SELECT "id" FROM "Item" ORDER BY "id"`, [])).toEqual([
      { id: "a" },
      { id: "b" },
      { id: "c" },
    ]);
  });

  it("SQLITE_SYNCHRONOUS: FULL by default, NORMAL when asked, anything else refused", () => {
    expect(parseConfig({}).sqliteSynchronous).toBe("FULL");
    expect(parseConfig({ SQLITE_SYNCHRONOUS: "normal" }).sqliteSynchronous).toBe("NORMAL");
    expect(() => parseConfig({ SQLITE_SYNCHRONOUS: "OFF" })).toThrow(/SQLITE_SYNCHRONOUS="OFF" must be FULL or NORMAL/);
  });

  it("every connection gets WAL, its synchronous level, its busy timeout, the autocheckpoint and memory temp storage", () => {
    expect(sqlitePragmas({ synchronous: "NORMAL", busyTimeoutMs: 0 })).toEqual([
      "journal_mode = WAL",
      "synchronous = NORMAL",
      "busy_timeout = 0",
      "wal_autocheckpoint = 10000",
      "temp_store = MEMORY",
    ]);
  });

  it("a group commit's savepoints journal in memory: the driver's connection keeps temporary storage there", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "hookline-temp-store-")), "db.sqlite");
    const driver = createSqlDriver(`file:${file}`);
    drivers.push(driver);
    // 2 = MEMORY (0 = the build's default, which writes statement journals past 64 KiB to temporary files).
    expect(await driver.all("PRAGMA temp_store", [])).toEqual([{ temp_store: 2 }]);
  });
});
