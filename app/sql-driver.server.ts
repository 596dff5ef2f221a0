// Plain SQL on the database driver (better-sqlite3 or pg), for the hot paths where Prisma is too
// slow: each Prisma 6 query costs about a millisecond of CPU in its JS query compiler. Used by the
// runner (app/runs/run-store.server.ts) and by ingress (app/models/events.server.ts); everything
// else uses Prisma. Tables and columns are Prisma's; values are written in the formats Prisma reads
// back (SQLite: DateTime as ISO text with +00:00, booleans as 0/1; PostgreSQL: timestamp(3) in UTC).
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";
import { databaseUrl, isPostgresUrl } from "./db.server";
import { AUTOCHECKPOINT_PAGES, startCheckpointer } from "./sqlite-checkpointer.server";

/** A bound parameter. Bytes are stored as BLOB (SQLite) or bytea (PostgreSQL). */
export type SqlValue = string | number | boolean | Date | Uint8Array | null;

/** One SQL dialect: statements use `?` placeholders; PostgreSQL's are numbered on the way out. */
export interface SqlDriver {
  all(sql: string, params: SqlValue[]): Promise<Record<string, unknown>[]>;
  run(sql: string, params: SqlValue[]): Promise<number>;
  /**
   * Like run, but on SQLite the statements issued in the same tick share one transaction (a group
   * commit: under load it costs about half as much per row, measured on event inserts). Each
   * statement still succeeds or fails on its own, and its promise settles after the commit.
   * On PostgreSQL the same as run (concurrent statements already overlap there).
   */
  runGrouped(sql: string, params: SqlValue[]): Promise<number>;
  /**
   * Runs the statements in one transaction. A statement with `expect` must change exactly that many
   * rows, or the transaction rolls back and the result is false (true when all committed).
   */
  batch(statements: { sql: string; params: SqlValue[]; expect?: number }[]): Promise<boolean>;
  close(): Promise<void>;
}

class Veto extends Error {}

interface GroupedStatement {
  sql: string;
  params: SqlValue[];
  resolve: (changes: number) => void;
  reject: (error: unknown) => void;
}

function sqliteDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

const BUSY_WAIT_LIMIT_MS = 10_000;

/** Retries a statement while another connection holds SQLite's write lock, for up to 10 s. */
async function withBusyRetry<T>(statement: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_WAIT_LIMIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return statement();
    } catch (error) {
      const busy = (error as { code?: string }).code === "SQLITE_BUSY";
      if (!busy || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt, 25)));
    }
  }
}

function sqliteDriver(file: string): SqlDriver {
  const require = createRequire(import.meta.url);
  const Database = require("better-sqlite3") as typeof BetterSqlite3;
  // No busy timeout: better-sqlite3 would wait synchronously, blocking the event loop, and so the
  // Prisma connection in the same process could never finish the write transaction it holds.
  // withBusyRetry waits asynchronously instead.
  const db = new Database(file, { timeout: 0 });
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL"); // as app/db.server.ts: a commit survives a process crash
  // Checkpoints run in a thread so commits do not stall the event loop copying the WAL back.
  db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  const releaseCheckpointer = file === ":memory:" ? () => {} : startCheckpointer(file);
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
  // The group commit behind runGrouped: statements queued this tick, committed together.
  let group: GroupedStatement[] = [];
  const commitGroup = async () => {
    const statements = group;
    group = [];
    let outcomes: ({ changes: number } | { error: unknown })[] = [];
    const transaction = db.transaction(() => {
      outcomes = [];
      for (const s of statements) {
        try {
          outcomes.push({ changes: prepare(s.sql).run(...bind(s.params)).changes });
        } catch (error) {
          // A constraint failure undoes only its statement. Anything that ended the transaction
          // (disk full, I/O error) fails the whole group: nothing of it is committed.
          if (!db.inTransaction) throw error;
          outcomes.push({ error });
        }
      }
    });
    try {
      await withBusyRetry(() => transaction.immediate());
    } catch (error) {
      for (const s of statements) s.reject(error);
      return;
    }
    statements.forEach((s, i) => {
      const outcome = outcomes[i]!;
      if ("error" in outcome) s.reject(outcome.error);
      else s.resolve(outcome.changes);
    });
  };
  const bind = (params: SqlValue[]) =>
    params.map((v) =>
      v instanceof Date
        ? sqliteDate(v)
        : typeof v === "boolean"
          ? v
            ? 1
            : 0
          : v instanceof Uint8Array && !Buffer.isBuffer(v)
            ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
            : v,
    );
  return {
    async all(sql, params) {
      return withBusyRetry(() => prepare(sql).all(...bind(params)) as Record<string, unknown>[]);
    },
    async run(sql, params) {
      return withBusyRetry(() => prepare(sql).run(...bind(params)).changes);
    },
    runGrouped(sql, params) {
      return new Promise<number>((resolve, reject) => {
        if (group.length === 0) setImmediate(commitGroup);
        group.push({ sql, params, resolve, reject });
      });
    },
    async batch(statements) {
      // Synchronous, so no other job's statement can interleave with the transaction.
      const transaction = db.transaction(() => {
        for (const s of statements) {
          const changes = prepare(s.sql).run(...bind(s.params)).changes;
          if (s.expect !== undefined && changes !== s.expect) throw new Veto();
        }
      });
      try {
        await withBusyRetry(() => transaction.immediate());
        return true;
      } catch (error) {
        if (error instanceof Veto) return false;
        throw error;
      }
    },
    async close() {
      releaseCheckpointer();
      db.close();
    },
  };
}

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function postgresDriver(url: string): SqlDriver {
  const require = createRequire(import.meta.url);
  const { Pool, types } = require("pg") as typeof pg;
  const TIMESTAMP_OID = 1114;
  const pool = new Pool({
    connectionString: url,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === TIMESTAMP_OID
          ? (text: string) => new Date(`${text.replace(" ", "T")}Z`) // stored in UTC, as Prisma does
          : types.getTypeParser(oid, format as "text")) as typeof types.getTypeParser,
    },
  });
  pool.on("error", () => {}); // idle client errors surface on the next query
  const bind = (params: SqlValue[]) =>
    params.map((v) =>
      v instanceof Date
        ? v.toISOString()
        : v instanceof Uint8Array && !Buffer.isBuffer(v)
          ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
          : v,
    );
  return {
    async all(sql, params) {
      return (await pool.query(numbered(sql), bind(params))).rows as Record<string, unknown>[];
    },
    async run(sql, params) {
      return (await pool.query(numbered(sql), bind(params))).rowCount ?? 0;
    },
    async runGrouped(sql, params) {
      return (await pool.query(numbered(sql), bind(params))).rowCount ?? 0;
    },
    async batch(statements) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        for (const s of statements) {
          const result = await client.query(numbered(s.sql), bind(s.params));
          if (s.expect !== undefined && result.rowCount !== s.expect) {
            await client.query("ROLLBACK");
            return false;
          }
        }
        await client.query("COMMIT");
        return true;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

export function createSqlDriver(url = databaseUrl()): SqlDriver {
  return isPostgresUrl(url) ? postgresDriver(url) : sqliteDriver(url.replace(/^file:/, ""));
}

/** Constraint violations, named the same on both databases. */
export function constraintKind(error: unknown): "unique" | "foreign_key" | null {
  const code = typeof error === "object" && error !== null ? String((error as { code?: unknown }).code ?? "") : "";
  if (code === "23505" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE")
    return "unique";
  if (code === "23503" || code === "SQLITE_CONSTRAINT_FOREIGNKEY") return "foreign_key";
  return null;
}

let shared: SqlDriver | undefined;

/** One driver per process for DATABASE_URL. */
export function sqlDriver(): SqlDriver {
  shared ??= createSqlDriver();
  return shared;
}
