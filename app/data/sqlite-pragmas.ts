// Every SQLite connection's settings, in one place. Three kinds of connection open the file: Prisma's
// (app/data/db.server.ts), the hot paths' driver (app/data/sql.server.ts) and the checkpoint thread
// (app/data/sqlite-checkpointer.server.ts). See docs/decisions/0009 and 0011.
//
// - journal_mode = WAL: readers never block the writer (the web process, several workers and the
//   checkpoint thread share the file). The mode is stored in the file; every connection asks again.
// - synchronous: NORMAL commits without an fsync (survives a process crash, not a power loss);
//   FULL fsyncs the WAL at every commit (survives both). Which connection uses which: 0011.
// - busy_timeout: how long a statement waits for another connection's write lock. The hot paths'
//   driver uses 0 and retries asynchronously (a synchronous wait would block its event loop).
// - wal_autocheckpoint: a committing connection checkpoints by itself only past this many pages;
//   the checkpoint thread normally does it first, off the event loop.
// - temp_store = MEMORY: statement journals (and temporary tables) in memory. A group commit runs
//   each event's statements in a savepoint of its own, and every savepoint journals the pages it
//   changes that the group changed before: the same hot pages again and again, which past 64 KiB
//   went to a temporary file with two writes a page (about 40% of a runner commit's CPU).

/** The WAL size (pages of 4 KB) at which a committing connection checkpoints by itself. */
export const AUTOCHECKPOINT_PAGES = 10_000;

export type SqliteSynchronous = "NORMAL" | "FULL";

export interface SqliteConnectionSettings {
  synchronous: SqliteSynchronous;
  busyTimeoutMs: number;
}

/** The PRAGMA statements (without "PRAGMA") for one connection, in the order they must run. */
export function sqlitePragmas(settings: SqliteConnectionSettings): string[] {
  return [
    "journal_mode = WAL",
    `synchronous = ${settings.synchronous}`,
    `busy_timeout = ${Math.max(0, Math.floor(settings.busyTimeoutMs))}`,
    `wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`,
    "temp_store = MEMORY",
  ];
}

/** The same as one script, for connections that take SQL text (Prisma's adapter). */
export function sqlitePragmaScript(settings: SqliteConnectionSettings): string {
  return sqlitePragmas(settings)
    .map((pragma) => `PRAGMA ${pragma};`)
    .join(" ");
}
