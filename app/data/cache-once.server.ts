// The cache action exactly once (docs/decisions/0071): each command changes CacheEntry and marks
// its action run as applied (ActionRun.appliedEffect, holding the command's outcome) in one
// transaction. A retry of the same action run (its worker died before recording the outcome)
// finds the mark and answers the outcome it recorded instead of applying the command again.
// Writes that depend on the old value (incr/decr) are compare-and-set on the row, as in
// app/data/cache.server.ts, with the mark in the same all-or-nothing batch.
import { databaseUrl, isPostgresUrl } from "~/data/db.server";
import { sqlDriver, constraintKind, type SqlDriver, type SqlValue } from "~/data/sql.server";
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
 * PostgreSQL: `set` as one statement (one round trip, no transaction held open between statements):
 * the entry is written only when this call is the one that marks the run. (SQLite: the same two
 * writes as a batch in the group commit.) Exported for the EXPLAIN test.
 */
export const SET_ONCE_POSTGRES = `WITH "marked" AS (${MARK} RETURNING 1)
  INSERT INTO "CacheEntry" ("shop", "key", "value", "expiresAt", "updatedAt") SELECT ?, ?, ?, ?, ?
  WHERE EXISTS (SELECT 1 FROM "marked") ${REPLACE_ON_CONFLICT}`;

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
        await sql.run(SET_ONCE_POSTGRES, ["set", actionRunId, shop, key, valueJson, expiresAt, now]);
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
