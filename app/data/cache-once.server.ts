// The cache action exactly once (docs/decisions/0071): each command changes CacheEntry and marks
// its action run as applied (ActionRun.appliedEffect, holding the command's outcome) in one
// transaction. A retry of the same action run (its worker died before recording the outcome)
// finds the mark and answers the outcome it recorded instead of applying the command again.
// Writes that depend on the old value (incr/decr) are compare-and-set on the row, as in
// app/data/cache.server.ts, with the mark in the same all-or-nothing batch.
import { databaseUrl, isPostgresUrl } from "~/data/db.server";
import { sqlDriver, constraintKind, type SqlDriver, type SqlValue } from "~/data/sql.server";
import { isoText } from "~/data/date-text";
import { tickBatcher } from "~/data/tick-batch";
import { CacheValueError, type CacheStore } from "~/domain/actions/cache";

const MAX_CAS_TRIES = 200;

const READ_MARK = `SELECT "appliedEffect" FROM "ActionRun" WHERE "id" = ?`;
const MARK = `UPDATE "ActionRun" SET "appliedEffect" = ? WHERE "id" = ? AND "appliedEffect" IS NULL`;
const READ_ENTRY = `SELECT "value", "expiresAt" FROM "CacheEntry" WHERE "shop" = ? AND "key" = ?`;
const INSERT_ENTRY = `INSERT INTO "CacheEntry" ("shop", "key", "value", "expiresAt", "updatedAt") VALUES (?, ?, ?, ?, ?)`;
const REPLACE_ON_CONFLICT = `ON CONFLICT ("shop", "key") DO UPDATE SET "value" = excluded."value", "expiresAt" = excluded."expiresAt", "updatedAt" = excluded."updatedAt"`;
const UPSERT_ENTRY = `${INSERT_ENTRY} ${REPLACE_ON_CONFLICT}`;
const CAS_ENTRY = `UPDATE "CacheEntry" SET "value" = ?, "expiresAt" = ?, "updatedAt" = ? WHERE "shop" = ? AND "key" = ? AND "value" = ? AND "expiresAt" = ?`;
const DELETE_ENTRY = `DELETE FROM "CacheEntry" WHERE "shop" = ? AND "key" = ?`;

/**
 * PostgreSQL: the `set`s of one tick as one statement (one round trip and one commit for all of them,
 * as the runner's other writes of a tick, decision 0115): each entry is written only when its call
 * is the one that marks its run. The rows travel as JSON, the run ids again as a list so the runs
 * are found by primary key only. (SQLite: the same two writes as a batch in the group commit.)
 * Exported for the EXPLAIN test.
 */
export const SET_ONCE_POSTGRES = `WITH "input" AS (
    SELECT * FROM json_to_recordset(?::json) AS x("actionRunId" text, "shop" text, "key" text, "value" text,
      "expiresAt" timestamp(3), "updatedAt" timestamp(3))
  ), "marked" AS (
    UPDATE "ActionRun" a SET "appliedEffect" = 'set' FROM "input" x
    WHERE a."id" = ANY(?::text[]) AND a."id" = x."actionRunId" AND a."appliedEffect" IS NULL RETURNING a."id"
  )
  INSERT INTO "CacheEntry" ("shop", "key", "value", "expiresAt", "updatedAt")
  SELECT x."shop", x."key", x."value", x."expiresAt", x."updatedAt" FROM "input" x
  WHERE x."actionRunId" IN (SELECT "id" FROM "marked") ${REPLACE_ON_CONFLICT}`;

/** The most `set`s one SET_ONCE_POSTGRES statement carries. */
const MAX_SETS_PER_STATEMENT = 64;

interface SetOnce {
  actionRunId: string;
  shop: string;
  key: string;
  value: string;
  /** ISO text (isoText). */
  expiresAt: string;
  updatedAt: string;
}

/**
 * Splits a tick's sets into statements in which no run and no entry comes twice: two sets of one run
 * in one statement would both be written under a single mark, and PostgreSQL refuses an upsert that
 * changes one row twice. Such pairs are rare (a run performed twice at once, two runs writing one key
 * in the same tick) and go into later statements, in arrival order.
 */
function conflictFreeBatches(sets: SetOnce[]): SetOnce[][] {
  const batches: { items: SetOnce[]; runs: Set<string>; entries: Set<string> }[] = [];
  for (const set of sets) {
    const entry = `${set.shop}\u0000${set.key}`;
    let batch = batches.find((b) => !b.runs.has(set.actionRunId) && !b.entries.has(entry));
    if (!batch) batches.push((batch = { items: [], runs: new Set(), entries: new Set() }));
    batch.items.push(set);
    batch.runs.add(set.actionRunId);
    batch.entries.add(entry);
  }
  return batches.map((b) => b.items);
}

// One batcher per driver: the calls of one tick on that driver share statements.
const setOnceBatchers = new WeakMap<SqlDriver, (set: SetOnce) => Promise<void>>();

function setOnceBatcher(sql: SqlDriver): (set: SetOnce) => Promise<void> {
  let batcher = setOnceBatchers.get(sql);
  if (!batcher) {
    batcher = tickBatcher<SetOnce, void>(
      async (sets) => {
        for (const batch of conflictFreeBatches(sets)) {
          await sql.run(SET_ONCE_POSTGRES, [JSON.stringify(batch), batch.map((set) => set.actionRunId)]);
        }
        return sets.map(() => undefined);
      },
      { maxBatch: MAX_SETS_PER_STATEMENT },
    );
    setOnceBatchers.set(sql, batcher);
  }
  return batcher;
}

const asDate = (value: unknown): Date =>
  value instanceof Date ? value : typeof value === "number" ? new Date(value) : new Date(String(value));

/**
 * The shop's cache store for one action run: every command applies at most once for `actionRunId`
 * however often it is performed.
 */
export function exactlyOnceCacheStore(
  shop: string,
  actionRunId: string,
  clock: () => Date = () => new Date(),
  sql: SqlDriver = sqlDriver(),
  postgres = isPostgresUrl(databaseUrl()),
): CacheStore {
  const applied = async (): Promise<string | null> => {
    const [row] = await sql.all(READ_MARK, [actionRunId]);
    const mark = row?.appliedEffect;
    return typeof mark === "string" ? mark : null;
  };
  const mark = (effect: string) => ({ sql: MARK, params: [effect, actionRunId] as SqlValue[], expect: 1 });

  return {
    async set(key, valueJson, ttlSeconds) {
      const now = clock();
      const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
      if (postgres) {
        // Nothing written when the run was marked already (an earlier attempt applied it).
        await setOnceBatcher(sql)({
          actionRunId,
          shop,
          key,
          value: valueJson,
          expiresAt: isoText(expiresAt),
          updatedAt: isoText(now),
        });
        return;
      }
      if ((await applied()) !== null) return;
      // A false batch: the mark was written meanwhile (another performer of this run): nothing more to do.
      await sql.batchGrouped([{ sql: UPSERT_ENTRY, params: [shop, key, valueJson, expiresAt, now] }, mark("set")]);
    },

    async del(key) {
      const before = await applied();
      if (before !== null) return before === "deleted";
      if (await sql.batchGrouped([{ sql: DELETE_ENTRY, params: [shop, key], expect: 1 }, mark("deleted")])) return true;
      if (await sql.batchGrouped([mark("absent")])) return false;
      return (await applied()) === "deleted";
    },

    async incrBy(key, by, ttlSeconds) {
      for (let attempt = 0; attempt < MAX_CAS_TRIES; attempt++) {
        const before = await applied();
        if (before !== null) return BigInt(before);
        const now = clock();
        const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
        const [row] = await sql.all(READ_ENTRY, [shop, key]);
        let next: bigint;
        let write: { sql: string; params: SqlValue[]; expect?: number };
        if (!row) {
          next = by;
          write = { sql: INSERT_ENTRY, params: [shop, key, next.toString(), expiresAt, now] };
        } else {
          let current = 0n;
          if (asDate(row.expiresAt).getTime() > now.getTime()) {
            const text = String(row.value).trim();
            if (!/^-?\d+$/.test(text))
              throw new CacheValueError(
                `cache value at ${JSON.stringify(key)} is not an integer, so it cannot be incremented`,
              );
            current = BigInt(text);
          }
          next = current + by;
          write = {
            sql: CAS_ENTRY,
            params: [next.toString(), expiresAt, now, shop, key, row.value as SqlValue, row.expiresAt as SqlValue],
            expect: 1,
          };
        }
        try {
          if (await sql.batchGrouped([write, mark(next.toString())])) return next;
        } catch (error) {
          if (constraintKind(error) !== "unique") throw error; // created by someone else first: read again
        }
        // Lost the race (to another writer of the key, or to another performer of this run): read again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 + attempt)));
      }
      throw new Error(
        `cache key ${JSON.stringify(key)} is too busy: gave up after ${MAX_CAS_TRIES} concurrent updates`,
      );
    },
  };
}
