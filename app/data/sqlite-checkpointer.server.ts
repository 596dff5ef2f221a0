// Moves SQLite's WAL checkpoints off the event loop. SQLite normally checkpoints inside whichever
// commit finds the WAL past 1,000 pages: better-sqlite3 is synchronous, so that commit stalls the
// whole process for the copy and its fsyncs, and every request in flight waits behind it. Measured
// on this disk at 1,000 event inserts/s: 80 stalls of ~15 ms in 10 s. A worker thread with its own
// connection checkpoints instead, every 100 ms:
// - PASSIVE first: copies the WAL into the database file without blocking writers or readers.
// - Under steady writes that never catches up (a commit always lands mid-copy), so the WAL is
//   never rewound and would grow. Once it is past RESTART_PAGES (~4 MB) the thread runs a RESTART
//   checkpoint: it holds the write lock while it copies the few frames PASSIVE left and fsyncs
//   (~8 ms here), and the next commit starts the WAL from its beginning. Writers meanwhile get
//   SQLITE_BUSY and retry asynchronously (sql-driver's withBusyRetry, Prisma's busy_timeout), so
//   the event loop never stalls; only the commits in that window wait.
// Every connection, Prisma's too, still checkpoints by itself past AUTOCHECKPOINT_PAGES (~40 MB):
// the fallback for a process without this thread, or a thread that falls behind. With SQLite's
// default of 1,000, each Prisma commit would checkpoint (and fsync) on the event loop.
// Measured at a steady 1,000 inserts/s (bench/ingress.ts): p99 commit latency ~11 ms, where a
// PASSIVE-only thread gave ~20 ms (one ~20-40 ms event-loop stall every ~1.2 s at the fallback).
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { sqlitePragmas } from "~/data/sqlite-pragmas";

export { AUTOCHECKPOINT_PAGES } from "~/data/sqlite-pragmas";

export const CHECKPOINT_INTERVAL_MS = 100;
/** The WAL size (pages of 4 KB) past which the thread rewinds the WAL with a RESTART checkpoint. */
export const RESTART_PAGES = 1_000;
/**
 * How long the thread waits for the write lock, and then for readers to leave the old WAL, before
 * it gives up until the next tick. Only readers that began after the PASSIVE step can hold it up
 * (older ones make it skip the RESTART), so writers wait at most this long, and rarely.
 */
const RESTART_WAIT_MS = 20;

// Runs in the thread (CommonJS, as eval workers are). A busy or failed checkpoint is retried at
// the next tick; the connection's automatic checkpoint still bounds the WAL if this thread stalls.
// RESTART only when PASSIVE copied every frame it saw: when it could not, a reader still holds an
// older snapshot, and RESTART would hold the write lock while it waits for that reader.
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const timer = setInterval(() => {
  try {
    const [passive] = db.pragma("wal_checkpoint(PASSIVE)");
    if (passive.log > workerData.restartPages && passive.checkpointed === passive.log) {
      db.pragma("wal_checkpoint(RESTART)");
    }
  } catch {}
}, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

const running = new Map<string, { worker: Worker; users: number }>();

/**
 * Starts the checkpoint thread for this database file (one per file per process, shared by every
 * caller). Returns the function that releases it; the thread ends with its last user. The thread
 * never keeps the process alive.
 */
export function startCheckpointer(file: string, intervalMs = CHECKPOINT_INTERVAL_MS): () => void {
  let entry = running.get(file);
  if (!entry) {
    const require = createRequire(import.meta.url);
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        file,
        intervalMs,
        restartPages: RESTART_PAGES,
        pragmas: sqlitePragmas({ synchronous: "NORMAL", busyTimeoutMs: RESTART_WAIT_MS }),
        betterSqlite3: require.resolve("better-sqlite3"),
      },
    });
    worker.unref();
    // A thread that dies takes only the optimisation with it: SQLite's own checkpoints take over.
    worker.on("error", () => running.delete(file));
    worker.on("exit", () => running.get(file)?.worker === worker && running.delete(file));
    entry = { worker, users: 0 };
    running.set(file, entry);
  }
  entry.users++;
  let released = false;
  const current = entry;
  return () => {
    if (released) return;
    released = true;
    if (--current.users > 0) return;
    if (running.get(file) === current) running.delete(file);
    current.worker.postMessage("stop");
  };
}
