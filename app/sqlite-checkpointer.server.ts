// Moves SQLite's WAL checkpoints off the event loop. SQLite normally checkpoints inside whichever
// commit finds the WAL past 1,000 pages: better-sqlite3 is synchronous, so that commit stalls the
// whole process for the copy and its fsync, and every request in flight waits behind it. Measured
// on this disk at 1,000 event inserts/s: 80 stalls of ~15 ms in 10 s. A worker thread with its own
// connection runs a PASSIVE checkpoint every 100 ms instead (PASSIVE never blocks writers or readers).
//
// Under steady writes a PASSIVE checkpoint rarely finishes before the next commit, so the WAL is
// never rewound and keeps growing; the connections' own threshold (AUTOCHECKPOINT_PAGES, ~40 MB)
// is what rewinds it: one commit checkpoints the few frames the thread has not copied yet. Every
// SQLite connection uses that threshold, Prisma's too: with SQLite's default of 1,000, once the WAL
// was past it each Prisma commit would checkpoint (and fsync) again. Result at 1,000 inserts/s: one
// ~20 ms stall every ~1.2 s instead of eight ~15 ms stalls a second.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export const CHECKPOINT_INTERVAL_MS = 100;
/** The WAL size (pages of 4 KB) at which a committing connection checkpoints by itself. */
export const AUTOCHECKPOINT_PAGES = 10_000;

// Runs in the thread (CommonJS, as eval workers are). A busy or failed checkpoint is retried at
// the next tick; the connection's automatic checkpoint still bounds the WAL if this thread stalls.
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.file, { timeout: 0 });
db.pragma("synchronous = NORMAL");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
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
      workerData: { file, intervalMs, betterSqlite3: require.resolve("better-sqlite3") },
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
