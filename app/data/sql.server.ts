// Plain SQL on the database driver (better-sqlite3 or pg), for the hot paths where Prisma is too
// slow: each Prisma 6 query costs about a millisecond of CPU in its JS query compiler. Used by the
// runner (app/runs/run-store.server.ts) and by ingress (app/models/events.server.ts); everything
// else uses Prisma. Tables and columns are Prisma's; values are written in the formats Prisma reads
// back (SQLite: DateTime as ISO text with +00:00, booleans as 0/1; PostgreSQL: timestamp(3) in UTC).
import { open } from "node:fs/promises";
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";
import type { QueryArrayConfig, QueryConfig } from "pg";
import { sqliteSynchronous } from "~/config.server";
import { isoText } from "./date-text";
import { databaseUrl, isPostgresUrl } from "./db.server";
import { startCheckpointer } from "./sqlite-checkpointer.server";
import { sqlitePragmas } from "./sqlite-pragmas";
import { tickBatcher } from "./tick-batch";

/**
 * A bound parameter. Bytes are stored as BLOB (SQLite) or bytea (PostgreSQL). A list of strings is
 * a PostgreSQL text[] (`= ANY(?)`); SQLite has no arrays and refuses it.
 */
export type SqlValue = string | number | boolean | Date | Uint8Array | null | readonly string[];

/** One SQL dialect: statements use `?` placeholders; PostgreSQL's are numbered on the way out. */
export interface SqlDriver {
  all(sql: string, params: SqlValue[]): Promise<Record<string, unknown>[]>;
  /** all, each row as its values in the statement's column order (no object per row: cheaper for wide rows). */
  values(sql: string, params: SqlValue[]): Promise<unknown[][]>;
  run(sql: string, params: SqlValue[]): Promise<number>;
  /**
   * Like run, but on SQLite the statements issued in the same tick share one transaction (a group
   * commit: under load it costs about half as much per row, measured on event inserts). Each
   * statement still succeeds or fails on its own, and its promise settles after the commit (and,
   * with durable group commits, after the commit is on disk).
   * On PostgreSQL, identical plain `INSERT ... VALUES (...)` statements issued in the same tick
   * become one multi-row INSERT (one round trip and one commit for the group; when it fails, each
   * runs again on its own so each gets its own answer); other statements run as with run.
   */
  runGrouped(sql: string, params: SqlValue[]): Promise<number>;
  /** runGrouped for a statement that returns rows (`UPDATE ... RETURNING`). */
  allGrouped(sql: string, params: SqlValue[]): Promise<Record<string, unknown>[]>;
  /**
   * Runs the statements in one transaction; a statement whose change count differs from its
   * `expect` undoes them all and resolves false.
   */
  batch(statements: BatchStatement[]): Promise<boolean>;
  /**
   * batch, in runGrouped's group commit on SQLite: the statements are all-or-nothing among
   * themselves (a savepoint inside the group's transaction), and the promise settles after the
   * group's commit. On PostgreSQL the same as batch.
   */
  batchGrouped(statements: BatchStatement[]): Promise<boolean>;
  close(): Promise<void>;
}

export interface SqlDriverOptions {
  /**
   * SQLite: grouped commits (runGrouped, batchGrouped) settle only once the WAL is on disk, so a
   * commit that is answered survives a power loss. Default: SQLITE_SYNCHRONOUS is FULL.
   */
  durableGroupCommits?: boolean;
  /**
   * PostgreSQL: the most connections the driver's pool opens (default 10). The runner's store
   * matches it to the worker's concurrency, so no job waits for a connection.
   */
  poolSize?: number;
}

/** The PostgreSQL pool size of a driver whose caller does not say. */
export const DEFAULT_POOL_SIZE = 10;

export interface BatchStatement {
  sql: string;
  params: SqlValue[];
  expect?: number;
}

class Veto extends Error {}
/** A batch in a group without savepoints that must be undone alone: the group runs again with them. */
class NeedsSavepoints extends Error {}

/** One caller's work in a group commit: run inside the group's transaction, settled after it. */
interface GroupedWork {
  run: () => unknown;
  resolve: (result: never) => void;
  reject: (error: unknown) => void;
}

/** better-sqlite3 would spread a list into several parameters, misbinding the rest: refused. */
function refuseList(): never {
  throw new TypeError("SQLite has no list parameters (a text[] is PostgreSQL's)");
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

async function datasync(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * fdatasync of the WAL file, coalesced: a caller waits for a sync that starts after it asked, and
 * every caller that asks while one runs shares the next one. Runs on libuv's thread pool, so the
 * event loop never waits for the disk (synchronous=FULL would fsync inside the commit, on the
 * event loop, ~3-5 ms per commit on this project's disks). After a checkpoint the WAL's frames are
 * in the database file, which the checkpoint synced before the WAL could be reused.
 */
export function walSyncer(
  file: string,
  syncOnce: () => Promise<void> = () => datasync(`${file}-wal`),
): () => Promise<void> {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const sync = (): Promise<void> => {
    if (!running) {
      running = syncOnce().finally(() => {
        running = null;
      });
      return running;
    }
    const next = () => {
      queued = null;
      return sync();
    };
    queued ??= running.then(next, next);
    return queued;
  };
  return sync;
}

function sqliteDriver(file: string, options: SqlDriverOptions): SqlDriver {
  const require = createRequire(import.meta.url);
  const Database = require("better-sqlite3") as typeof BetterSqlite3;
  // No busy timeout: better-sqlite3 would wait synchronously, blocking the event loop, and so the
  // Prisma connection in the same process could never finish the write transaction it holds.
  // withBusyRetry waits asynchronously instead.
  const db = new Database(file, { timeout: 0 });
  for (const pragma of sqlitePragmas({ synchronous: "NORMAL", busyTimeoutMs: 0 })) db.pragma(pragma);
  // Checkpoints run in a thread so commits do not stall the event loop copying the WAL back.
  const releaseCheckpointer = file === ":memory:" ? () => {} : startCheckpointer(file);
  const syncWal = options.durableGroupCommits && file !== ":memory:" ? walSyncer(file) : null;
  // Prepared once per text; statements whose rows come as arrays of values (raw mode is a
  // statement's own setting) are kept apart.
  const caches = {
    objects: new Map<string, BetterSqlite3.Statement>(),
    raw: new Map<string, BetterSqlite3.Statement>(),
  };
  const cached = (sql: string, raw: boolean) => {
    const cache = raw ? caches.raw : caches.objects;
    let statement = cache.get(sql);
    if (!statement) {
      statement = raw ? db.prepare(sql).raw(true) : db.prepare(sql); // raw() refuses statements without rows
      cache.set(sql, statement);
    }
    return statement;
  };
  const prepare = (sql: string) => cached(sql, false);
  const prepareRaw = (sql: string) => cached(sql, true);
  // The group commit behind runGrouped and batchGrouped: work queued this tick, committed together.
  let group: GroupedWork[] = [];
  type Outcome = { value: unknown } | { error: unknown };
  // One transaction function for every group (creating one per group cost more than its statements).
  const runGroup = db.transaction((work: GroupedWork[]): Outcome[] => {
    const outcomes: Outcome[] = [];
    for (const w of work) {
      try {
        outcomes.push({ value: w.run() });
      } catch (error) {
        // A constraint failure undoes only its own work (the statement, or the batch's savepoint).
        // Anything that ended the transaction (disk full, I/O error) fails the whole group:
        // nothing of it is committed. A batch that cannot undo its own work without a savepoint
        // rolls the whole group back (runGroupOnce runs it again with savepoints).
        if (error instanceof NeedsSavepoints || !db.inTransaction) throw error;
        outcomes.push({ error });
      }
    }
    return outcomes;
  });
  // A group first runs its batches without a savepoint each (a savepoint and its release were about
  // a quarter of an event's write cost): see runBatchInGroup. Only when a batch fails or is vetoed
  // after it changed rows does the group roll back and run again, every batch in its own savepoint.
  let batchSavepoints = true;
  const runGroupOnce = (work: GroupedWork[]): Outcome[] => {
    batchSavepoints = false;
    try {
      return runGroup.immediate(work);
    } catch (error) {
      if (!(error instanceof NeedsSavepoints)) throw error;
    } finally {
      batchSavepoints = true;
    }
    return runGroup.immediate(work);
  };
  const commitGroup = async () => {
    const work = group;
    group = [];
    if (work.length === 1) {
      // Alone in its tick: its own statement (or batch) commits by itself; no group transaction.
      const only = work[0]!;
      try {
        const value = await withBusyRetry(only.run);
        if (syncWal) await syncWal();
        (only.resolve as (value: unknown) => void)(value);
      } catch (error) {
        only.reject(error);
      }
      return;
    }
    let outcomes: Outcome[] = [];
    try {
      await withBusyRetry(() => {
        outcomes = runGroupOnce(work);
      });
      if (syncWal) await syncWal();
    } catch (error) {
      // Not committed, or committed but not known to be on disk: the callers answer "retry later".
      for (const w of work) w.reject(error);
      return;
    }
    work.forEach((w, i) => {
      const outcome = outcomes[i]!;
      if ("error" in outcome) w.reject(outcome.error);
      else (w.resolve as (value: unknown) => void)(outcome.value);
    });
  };
  const enqueue = <T>(run: () => T) =>
    new Promise<T>((resolve, reject) => {
      if (group.length === 0) setImmediate(commitGroup);
      group.push({ run, resolve: resolve as (result: never) => void, reject });
    });
  // The statements of one batch; inside a transaction (the group's) a savepoint, undone on its own.
  const runBatch = db.transaction((statements: BatchStatement[]) => {
    for (const s of statements) {
      const changes = prepare(s.sql).run(...bind(s.params)).changes;
      if (s.expect !== undefined && changes !== s.expect) throw new Veto();
    }
  });
  /**
   * A batch inside a group, without a savepoint: a statement that fails or is vetoed before the batch
   * changed any row leaves nothing to undo (SQLite undoes a failed statement by itself), so it answers
   * as the savepoint would have; after a change only the savepoint could undo the batch alone.
   */
  const runBatchInGroup = (statements: BatchStatement[]): boolean => {
    let changed = false;
    for (const s of statements) {
      let changes: number;
      try {
        changes = prepare(s.sql).run(...bind(s.params)).changes;
      } catch (error) {
        if (changed && db.inTransaction) throw new NeedsSavepoints();
        throw error;
      }
      if (s.expect !== undefined && changes !== s.expect) {
        if (changed || changes > 0) throw new NeedsSavepoints();
        return false;
      }
      if (changes > 0) changed = true;
    }
    return true;
  };
  /** True when committed (or, in a group, kept); false on a veto. Outside a group: BEGIN IMMEDIATE. */
  const runBatchVetoable = (statements: BatchStatement[]): boolean => {
    if (db.inTransaction && !batchSavepoints) return runBatchInGroup(statements);
    try {
      if (db.inTransaction) runBatch(statements);
      else runBatch.immediate(statements);
      return true;
    } catch (error) {
      if (error instanceof Veto) return false;
      throw error;
    }
  };
  const bind = (params: SqlValue[]) =>
    params.map((v) =>
      Array.isArray(v)
        ? refuseList()
        : v instanceof Date
          ? isoText(v, "+00:00") // as Prisma writes dates on SQLite
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
    async values(sql, params) {
      return withBusyRetry(() => prepareRaw(sql).all(...bind(params)) as unknown[][]);
    },
    async run(sql, params) {
      return withBusyRetry(() => prepare(sql).run(...bind(params)).changes);
    },
    runGrouped(sql, params) {
      return enqueue(() => prepare(sql).run(...bind(params)).changes);
    },
    allGrouped(sql, params) {
      return enqueue(() => prepare(sql).all(...bind(params)) as Record<string, unknown>[]);
    },
    batchGrouped(statements) {
      return enqueue(() => runBatchVetoable(statements));
    },
    async batch(statements) {
      // Synchronous, so no other job's statement can interleave with the transaction.
      return withBusyRetry(() => runBatchVetoable(statements));
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

/** A plain single-row insert (`INSERT INTO t (cols) VALUES (?, ...)`): its head and its row's placeholders. */
const PLAIN_INSERT = /^(INSERT INTO [^()]+\([^()]+\)) VALUES (\((?:\?, )*\?\))$/s;

/** The most distinct statements a PostgreSQL driver prepares (named) per process. */
const MAX_NAMED = 200;

/** Grouped inserts of up to this many rows are prepared too (one statement per row count). */
export const MAX_NAMED_GROUPED_ROWS = 32;

/** The most statements whose numbered text a PostgreSQL driver keeps (past it, numbered per call). */
const MAX_STATEMENT_TEXTS = 1000;

/** The most rows one grouped insert carries (PostgreSQL allows 65,535 parameters per statement). */
export const MAX_GROUPED_ROWS = 500;

/** `INSERT ... VALUES (...)` for `rows` rows of the statement's placeholders, or null when it is not a plain insert. */
export function multiRowInsert(sql: string, rows: number): string | null {
  const match = PLAIN_INSERT.exec(sql.trim());
  if (!match) return null;
  return `${match[1]} VALUES ${Array.from({ length: rows }, () => match[2]).join(", ")}`;
}

/**
 * What each of this driver's PostgreSQL connections runs first: sequential scans off. Every statement
 * sent here finds its rows through an index (tests/integration/data/hot-sql.server.test.ts), and
 * statements are prepared once per connection: a plan made while a table was still tiny (a new
 * installation, a worker started on a small database) would keep scanning the whole table for every
 * statement as the table grows, until autovacuum's next ANALYZE (docs/decisions/0116). Generic plans
 * always: the grouped statements' custom plans were cheaper by estimate only (they know how many ids
 * come), so PostgreSQL planned them again at every execution (docs/decisions/0118). A SET, not a
 * startup option: PgBouncer (the README's advice for many processes) refuses startup options.
 */
export const HOT_PATH_SESSION_SETTINGS = "SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan";

function postgresDriver(url: string, poolSize: number): SqlDriver {
  const require = createRequire(import.meta.url);
  const { Pool, types } = require("pg") as typeof pg;
  const TIMESTAMP_OID = 1114;
  const pool = new Pool({
    connectionString: url,
    // The web process's ingress keeps up to DEFAULT_POOL_SIZE statements in flight, the worker's
    // runner one per job slot up to a cap (app/services/runner/pool-size.ts); PostgreSQL's
    // max_connections must cover the pools of every process (README, Deploying for real).
    max: poolSize,
    // Awaited before a new connection's first statement (a failure ends it and fails that acquire).
    onConnect: async (client: pg.ClientBase) => {
      await client.query(HOT_PATH_SESSION_SETTINGS);
    },
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
        ? isoText(v)
        : v instanceof Uint8Array && !Buffer.isBuffer(v)
          ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
          : v,
    );
  const batch = async (statements: BatchStatement[]): Promise<boolean> => {
    const client = await pool.connect();
    // A checked-out client has no listener of the pool's: when the server ends the connection
    // (a restart: FATAL 57P01) between two statements, pg emits 'error' on the client, and without
    // this listener that is an uncaught exception that kills the process. The statement in flight
    // fails on its own; the broken client is handed back with its error, so the pool discards it.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      for (const s of statements) {
        const result = await client.query(prepared(s.sql, s.params));
        if (s.expect !== undefined && result.rowCount !== s.expect) {
          await client.query("ROLLBACK");
          return false;
        }
      }
      await client.query("COMMIT");
      return true;
    } catch (error) {
      if (!broken) await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.removeListener("error", onError);
      client.release(broken); // with an error the pool destroys the client instead of reusing it
    }
  };
  // Named (prepared) statements: PostgreSQL parses and plans each once per connection, and each
  // call sends only Bind/Execute. The app's statements are a fixed set (IN lists add a few per
  // length, grouped inserts one per row count up to MAX_NAMED_GROUPED_ROWS), so the names stay few;
  // past MAX_NAMED, and for larger grouped inserts, statements go unnamed. Each statement's
  // numbered text is made once.
  const statements = new Map<string, { text: string; name?: string }>();
  let namedCount = 0;
  const prepared = (sql: string, params: SqlValue[], name = true): QueryConfig => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = { text: numbered(sql) };
      if (name && namedCount < MAX_NAMED) statement.name = `hookline_${namedCount++}`;
      if (statements.size < MAX_STATEMENT_TEXTS) statements.set(sql, statement);
    }
    const values = bind(params);
    return statement.name ? { name: statement.name, text: statement.text, values } : { text: statement.text, values };
  };
  const run = async (sql: string, params: SqlValue[]) => (await pool.query(prepared(sql, params))).rowCount ?? 0;
  // The multi-row text of each plain insert, by row count up to MAX_NAMED_GROUPED_ROWS (made once each).
  const groupedTexts = new Map<string, string[]>();
  const groupedInsertSql = (sql: string, rows: number): string => {
    let texts = groupedTexts.get(sql);
    if (!texts) groupedTexts.set(sql, (texts = []));
    return (texts[rows] ??= multiRowInsert(sql, rows)!);
  };
  // Plain inserts issued in one tick, by statement: sent together as one multi-row INSERT
  // (tickBatcher: when it fails, each row runs again alone, in order, for its own answer; the first
  // of two equal keys wins, as in SQLite's group).
  const insertBatchers = new Map<string, (params: SqlValue[]) => Promise<number>>();
  const insertGrouped = (sql: string, params: SqlValue[]) => {
    let insert = insertBatchers.get(sql);
    if (!insert) {
      insert = tickBatcher<SqlValue[], number>(
        async (rows) => {
          if (rows.length === 1) return [await run(sql, rows[0]!)];
          const values = rows.flat();
          await pool.query(
            rows.length <= MAX_NAMED_GROUPED_ROWS
              ? prepared(groupedInsertSql(sql, rows.length), values)
              : { text: numbered(multiRowInsert(sql, rows.length)!), values: bind(values) },
          );
          return rows.map(() => 1);
        },
        { maxBatch: MAX_GROUPED_ROWS },
      );
      insertBatchers.set(sql, insert);
    }
    return insert(params);
  };
  const plainInserts = new Map<string, boolean>();
  const isPlainInsert = (sql: string) => {
    let plain = plainInserts.get(sql);
    if (plain === undefined) plainInserts.set(sql, (plain = multiRowInsert(sql, 1) !== null));
    return plain;
  };
  return {
    async all(sql, params) {
      return (await pool.query(prepared(sql, params))).rows as Record<string, unknown>[];
    },
    async values(sql, params) {
      const query = prepared(sql, params) as QueryArrayConfig; // a fresh object per call
      query.rowMode = "array";
      return (await pool.query(query)).rows as unknown[][];
    },
    run,
    async runGrouped(sql, params) {
      return isPlainInsert(sql) ? insertGrouped(sql, params) : run(sql, params);
    },
    async allGrouped(sql, params) {
      return (await pool.query(prepared(sql, params))).rows as Record<string, unknown>[];
    },
    batch,
    batchGrouped: batch,
    async close() {
      await pool.end();
    },
  };
}

export function createSqlDriver(url = databaseUrl(), options: SqlDriverOptions = {}): SqlDriver {
  // Durable at every commit on PostgreSQL (synchronous_commit = on).
  if (isPostgresUrl(url)) return postgresDriver(url, Math.max(1, options.poolSize ?? DEFAULT_POOL_SIZE));
  const durableGroupCommits = options.durableGroupCommits ?? sqliteSynchronous() === "FULL";
  return sqliteDriver(url.replace(/^file:/, ""), { durableGroupCommits });
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
