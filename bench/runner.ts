// `npm run bench:runner`: the runner beside BullMQ itself, in the same run.
//
// 1. Throughput: Echo events/s through the worker (`workers/index.ts`: event -> task run -> echo
//    action) at a few concurrency settings, with one and with two worker processes, each beside the
//    same BullMQ setup processing no-op jobs (the baseline); plus the worker's CPU per event beside
//    the no-op worker's CPU per job (steadier than rates on a shared machine), and the local Redis
//    and PostgreSQL servers' CPU per event and per job (they share the machine's cores).
//    Then scaling: one and two warm worker processes, each held to the same share of a core (a cgroup
//    CPU quota, bench/lib/cpu-share.ts) standing in for a core of its own, since on a 2-core machine
//    one unheld worker, Redis and the database already keep both cores busy (target: a second
//    process adds near-linearly, at least x1.8). Skipped, and said so, where cgroups cannot be made.
// 2. The metafield template against the local development store (a burst: limited by the store's
//    cost bucket, as Shopify's would be).
// 3. End to end: POST /webhook/<id> to the production web server -> ingress -> runner -> the local
//    store's customer metafield, at a steady 5 events/s (within Shopify's standard cost bucket),
//    p50/p99 from the request's send until the metafield holds its value; beside it, the store's own
//    floor (the same metafieldsSet sent straight to the store). Then the resident memory of the web
//    process and of the worker, beside a bare node:http server and the no-op worker.
//
// Needs Redis and a build (`npm run bench:runner` builds first): every process runs node on compiled
// JavaScript, the app's as `npm start` and `npm run worker` do, the baselines compiled alike
// (bench/lib/entries.ts). It makes its own SQLite database
// under bench/output/ and its own queue prefix, stops everything it starts, and rewrites its section
// of docs/benchmarks.md (and its summary in the README).
//   BENCH_EVENTS=2000 (events per Echo run), BENCH_CONCURRENCY=1,4,16,32 (32: the default), BENCH_ROUNDS=3 (pairs per
//   setting, the median reported; 1 with BENCH_QUICK), BENCH_METAFIELD_EVENTS=150,
//   BENCH_STEADY_EVENTS=8000 (one longer pair at the highest concurrency, past both sides' warm-up),
//   BENCH_LATENCY_SECONDS=30, BENCH_TIMEOUT=90, BENCH_PROFILE=1 (CPU profiles of the workers in
//   bench/output/profile/), BENCH_WARMUP=200 (events or jobs per worker process before each run's clock),
//   BENCH_SCALING_CORES=0.3 (each worker process's share in the scaling runs), BENCH_SCALING_EVENTS=10000,
//   BENCH_SCALING_WARMUP=8000 (per worker process), BENCH_SCALING_ROUNDS=5 (1 with BENCH_QUICK)
//   BENCH_QUICK=1: part 1 only, one worker process, nothing written (quick checks while tuning); it also
//   prints the worker's CPU per thread. With it, BENCH_TASK=cache runs a task whose action is
//   performed after the commit (an exactly-once `cache set`) instead of Echo. BENCH_PAYLOAD_BYTES=N
//   adds line items as Shopify's order webhooks write them (18-digit ids) to each event's data, about
//   N bytes (Shopify's order payloads run to tens of KB), to measure what a large payload costs.
//   BENCH_QUICK=1 BENCH_SCALING=1: the scaling runs only, their paragraph printed.
//   BENCH_DB=postgres: part 1 (with scaling) only, on PostgreSQL (a database of its own on BENCH_POSTGRES_URL,
//   default the local server); it writes the "Runner on PostgreSQL" section (target: >= 0.4 of
//   the no-op rate with one worker process).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { freePort } from "../scripts/lib/free-port";
import { removeRedisKeys } from "../scripts/lib/redis-keys";
import { fmt, machineLine, table, writeBenchmarkSection } from "./lib/report";
import { percentile } from "./lib/stats";
import { timeOrderedUuid } from "../app/domain/ids";
import { stringifyJson } from "../app/domain/json";
import { webhookExample } from "../app/domain/shopify/webhook-examples";
import { compiledBaseline, WEB_ENTRY, WORKER_ENTRY } from "./lib/entries";
import { cpuShareSupport, holdToCpuShare, type CpuShare } from "./lib/cpu-share";
import { cpuMsOfStat, statCpuMs } from "./lib/proc-stat";

const EVENTS = Number(process.env.BENCH_EVENTS || 2000);
// A longer pair: a 2,000-event run still carries each process's warm-up (JIT and GC on V8's helper
// threads), which weighs differently on the two sides; past it the ratio is the sustained one.
const STEADY_EVENTS = Number(process.env.BENCH_STEADY_EVENTS || 8000);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY || "1,4,16,32")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const METAFIELD_EVENTS = Number(process.env.BENCH_METAFIELD_EVENTS || 150);
/** The order-sized run (full report): events, and their data's line items in bytes (Shopify's orders run to tens of KB). */
const ORDER_SIZED_EVENTS = 2000;
const ORDER_SIZED_BYTES = 30_000;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS || 30);
const LATENCY_RATE = 5;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT || 90) * 1000;
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
/** Jobs or events each measured run starts with, unmeasured (V8 compiles hot code over a worker's first thousands). */
const WARMUP = Number(process.env.BENCH_WARMUP || 200);
const QUICK = process.env.BENCH_QUICK === "1";
/**
 * BENCH_TASK=cache (quick mode only): the pairs run a task whose action is performed after the
 * commit (`cache set`, exactly once) instead of Echo's inline echo, to measure that path.
 */
const TASK =
  process.env.BENCH_TASK === "cache"
    ? {
        label: "Cache task (event -> task -> cache set)",
        taskFields: {
          script: '{% assign key = "k" | append: event.data.n %}{% action "cache", "set", key, event.data.hello %}',
        },
      }
    : { label: "Echo task (event -> task -> action)", taskFields: {} };
if (process.env.BENCH_TASK && (process.env.BENCH_TASK !== "cache" || !QUICK)) {
  console.error("BENCH_TASK=cache is the only other task, and only with BENCH_QUICK=1 (the reports are Echo's)");
  process.exit(2);
}
/** BENCH_PAYLOAD_BYTES (quick mode only): each event's data padded to about this many bytes. */
const PAYLOAD_BYTES = Number(process.env.BENCH_PAYLOAD_BYTES || 0);
if (!Number.isInteger(PAYLOAD_BYTES) || PAYLOAD_BYTES < 0) {
  console.error(
    `BENCH_PAYLOAD_BYTES must be a whole number of bytes, got ${JSON.stringify(process.env.BENCH_PAYLOAD_BYTES)}`,
  );
  process.exit(2);
}
if (PAYLOAD_BYTES && !QUICK) {
  console.error("BENCH_PAYLOAD_BYTES only with BENCH_QUICK=1 (the reports are small payloads')");
  process.exit(2);
}
const PADDING = PAYLOAD_BYTES > 0 ? { line_items: orderLineItems(PAYLOAD_BYTES) } : {};

/** Line items as Shopify's order webhooks carry them (18-digit ids, string prices), about `bytes` as JSON. */
function orderLineItems(bytes: number): unknown[] {
  const example = (webhookExample("shopify/orders/create") as { line_items: Record<string, unknown>[] }).line_items[0]!;
  const items: unknown[] = [];
  for (let size = 0; size < bytes; size += stringifyJson(items.at(-1)).length + 1) {
    items.push({ ...example, id: 487817672276298554n + BigInt(items.length) });
  }
  return items;
}
/** Pairs (baseline, runner) per setting; the table shows the median round's. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS || (QUICK ? 1 : 3)));

const runId = `${Date.now()}`;
const prefix = `hookline-bench-runner-${runId}`;
const dbFile = `bench/output/runner-${runId}.sqlite`;
const ON_POSTGRES = process.env.BENCH_DB === "postgres";
const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const pgDbName = `hookline_bench_runner_${runId}`;
if (ON_POSTGRES) {
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pgDbName}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${pgDbName}`;
  process.env.DATABASE_URL = url.toString();
} else {
  process.env.DATABASE_URL = `file:./${dbFile}`;
}
process.env.HOOKLINE_QUEUE_PREFIX = prefix;
process.env.REDIS_URL = REDIS_URL;
mkdirSync("bench/output", { recursive: true });
execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "pipe", env: process.env });

// Imported after the environment is set: these read DATABASE_URL and the prefix when loaded.
const { default: prisma } = await import("../app/data/db.server");
const { Queue } = await import("bullmq");
const { Redis } = await import("ioredis");
const { createTask, draftToInput } = await import("../app/data/tasks.server");
const { findTaskTemplate } = await import("../app/domain/tasks/templates");
const { createLocalStore } = await import("../app/local-store");
const { LOCAL_SHOP, API_VERSION } = await import("../app/config.server");
const { EVENT_JOB, EVENTS_QUEUE, EVENTS_PER_JOB, eventJobsFor } = await import("../app/data/queues.server");

/**
 * How the benchmark adds the events' jobs: "shared" as ingress adds the events one tick committed
 * (up to EVENTS_PER_JOB a job, app/data/queues.server.ts), "per-event" one job each (as before
 * decision 0121, and as a trickle of single requests gets them).
 */
type JobShape = "shared" | "per-event";
/** BENCH_JOBS=per-event: the quick check's jobs one per event (the reports measure both). */
const QUICK_JOB_SHAPE: JobShape = process.env.BENCH_JOBS === "per-event" ? "per-event" : "shared";

// The baselines, compiled as the app's processes are (bench/lib/entries.ts).
const NOOP_WORKER = await compiledBaseline("bench/lib/noop-worker.ts");
const BASELINE_SERVER = await compiledBaseline("bench/lib/baseline-server.ts");

const children = new Set<ChildProcess>();
const machine = machineLine();

function startProcess(args: string[], env: Record<string, string>, ready = "processing queues"): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => {
      onData(chunk);
      if (out.includes(ready)) process.stderr.write(chunk);
    });
    child.on("exit", (code) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`process exited with ${code}:\n${out}`));
    });
  });
}

const shares = new Map<ChildProcess, CpuShare>();

/** Worker processes, each held to `cores` of CPU when given (bench/lib/cpu-share.ts). */
async function startWorkers(
  processes: number,
  args: string[],
  env: Record<string, string>,
  cores: number | null,
): Promise<ChildProcess[]> {
  const workers = await Promise.all(Array.from({ length: processes }, () => startProcess(args, env)));
  if (cores !== null) for (const worker of workers) shares.set(worker, holdToCpuShare(worker.pid!, cores, "worker"));
  return workers;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
  shares.get(child)?.release();
  shares.delete(child);
}

/**
 * CPU (ms) the worker processes have used so far: in all, and on their main threads (the event
 * loops). The rest is their other threads': V8's helpers (compiling hot code, GC) and libuv's.
 */
function workersCpuMs(workers: ChildProcess[]): { total: number; main: number } {
  let total = 0;
  let main = 0;
  for (const { pid } of workers) {
    total += statCpuMs(`/proc/${pid}/stat`);
    main += statCpuMs(`/proc/${pid}/task/${pid}/stat`);
  }
  return { total, main };
}

/** CPU time (ms) of each thread of a process so far, by thread id (with its name). */
function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      out.set(`${tid} ${name}`, cpuMsOfStat(stat));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/**
 * CPU (ms) used so far by this machine's database and Redis servers (every process named postgres or
 * redis-server): reported per event beside the worker's, since they share the same cores, so a
 * ratio can be read as the whole machine's work. Only meaningful when the servers run here (the
 * defaults).
 */
function serversCpuMs(): { postgres: number; redis: number } {
  const out = { postgres: 0, redis: 0 };
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (name === "postgres") out.postgres += cpuMsOfStat(stat);
      else if (name === "redis-server") out.redis += cpuMsOfStat(stat);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** The servers' CPU per item since a serversCpuMs reading. */
function serversCpuPerItem(before: { postgres: number; redis: number }, items: number) {
  const after = serversCpuMs();
  return {
    postgres: (after.postgres - before.postgres) / Math.max(1, items),
    redis: (after.redis - before.redis) / Math.max(1, items),
  };
}

/** Resident memory of a process, in bytes. */
function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : NaN;
}

interface RunResult {
  label: string;
  processes: number;
  concurrency: number;
  count: number;
  done: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Worker CPU (all processes) per event or job, in ms. */
  cpuPerItemMs: number;
  /** The part of it on the workers' main threads. */
  mainCpuPerItemMs: number;
  /** This machine's PostgreSQL and Redis servers' CPU per event or job, in ms (serversCpuMs). */
  serversCpuPerItemMs: { postgres: number; redis: number };
  /** Resident memory of the (first) worker process after the run. */
  rss: number;
}

interface RunOptions {
  /** The worker processes' environment, beside WORKER_CONCURRENCY. */
  env?: Record<string, string>;
  jobShape?: JobShape;
  /** Cores each worker process is held to (bench/lib/cpu-share.ts); null: not held. */
  cores?: number | null;
  /** Jobs or events per worker process before the clock starts (runs of 1,000 events or more). */
  warmup?: number;
}

/** Baseline: BullMQ alone, jobs that do nothing, the same Redis and the same concurrency. */
async function runBaseline(
  concurrency: number,
  processes: number,
  count = EVENTS,
  { cores = null, warmup = WARMUP }: Pick<RunOptions, "cores" | "warmup"> = {},
): Promise<RunResult> {
  const workers = await startWorkers(processes, NOOP_WORKER, { WORKER_CONCURRENCY: String(concurrency) }, cores);
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("noop", { connection, prefix });
  // Warm-up (not measured): the workers' first jobs, as for the runner below; as many for each process.
  const warmJobs = warmup * processes;
  await queue.addBulk(
    Array.from({ length: warmJobs }, (_, i) => ({
      name: "noop",
      data: { n: i },
      opts: { jobId: `warm-${concurrency}-${processes}-${i}` },
    })),
  );
  while ((await queue.getCompletedCount()) < warmJobs) await new Promise((resolve) => setTimeout(resolve, 50));
  await queue.clean(0, warmJobs, "completed");
  const cpuBefore = workersCpuMs(workers);
  const serversBefore = serversCpuMs();
  const started = Date.now();
  for (let offset = 0; offset < count; offset += 500) {
    const batch = Array.from({ length: Math.min(500, count - offset) }, (_, i) => ({
      name: "noop",
      data: { n: offset + i },
      opts: { jobId: `noop-${concurrency}-${processes}-${count}-${offset + i}` },
    }));
    await queue.addBulk(batch);
  }
  let done = 0;
  while (Date.now() < started + TIMEOUT_MS) {
    done = await queue.getCompletedCount();
    if (done >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const cpuAfter = workersCpuMs(workers);
  const serversCpuPerItemMs = serversCpuPerItem(serversBefore, done);
  const rss = rssBytes(workers[0]!.pid!);
  // Completed jobs are kept here (unlike the app's) so their add and finish times can be read.
  const jobs = await queue.getJobs(["completed"], 0, count);
  const latencies = jobs
    .filter((j) => j.finishedOn)
    .map((j) => j.finishedOn! - j.timestamp)
    .sort((a, b) => a - b);
  const lastFinish = Math.max(...jobs.map((j) => j.finishedOn ?? 0), started);
  const seconds = (lastFinish - started) / 1000 || 0.001;
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  await Promise.all(workers.map(stopProcess));
  return {
    label: "BullMQ no-op jobs (baseline)",
    processes,
    concurrency,
    count,
    done,
    seconds,
    perSecond: done / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuPerItemMs: (cpuAfter.total - cpuBefore.total) / Math.max(1, done),
    mainCpuPerItemMs: (cpuAfter.main - cpuBefore.main) / Math.max(1, done),
    serversCpuPerItemMs,
    rss,
  };
}

/** The jobs for events: as ingress adds the events one tick committed (shared jobs), or one job per event. */
function jobsFor(ids: string[], jobShape: JobShape) {
  return jobShape === "per-event"
    ? ids.map((id) => ({ name: EVENT_JOB, data: { eventId: id }, opts: { jobId: id, removeOnComplete: true } }))
    : eventJobsFor(
        EVENTS_QUEUE,
        ids.map((id) => ({ eventId: id, runAt: null })),
      );
}

/** Events through the real worker: rows committed, jobs added (as ingress does), runs performed. */
async function runEvents(
  label: string,
  shop: string,
  topic: string,
  concurrency: number,
  processes: number,
  count: number,
  data: (n: number) => unknown,
  { env = {}, jobShape = "shared", cores = null, warmup = WARMUP }: RunOptions = {},
): Promise<RunResult> {
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", "bench/output/profile"] : [];
  const workers = await startWorkers(
    processes,
    [...profile, ...WORKER_ENTRY],
    { WORKER_CONCURRENCY: String(concurrency), ...env },
    cores,
  );
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("events", { connection, prefix });
  // Warm-up (not measured): the first events compile the template and warm the JIT, and the
  // worker's start-up sweep (loading Prisma) runs meanwhile. Short runs (the metafield burst) start cold.
  if (count >= 1000) {
    const warmShop = `warm-${randomUUID().slice(0, 8)}-${shop}`;
    await prisma.task.createMany({
      data: (await prisma.task.findMany({ where: { shop } })).map((task) => ({
        ...task,
        id: randomUUID(),
        shop: warmShop,
      })),
    });
    // Each process warms on as many events (a worker's hot code is its own).
    const warm = Array.from({ length: warmup * processes }, () => timeOrderedUuid());
    await prisma.event.createMany({
      data: warm.map((id, i) => ({
        id,
        shop: warmShop,
        topic,
        source: "user",
        data: stringifyJson(data(i)),
        status: "pending",
      })),
    });
    await queue.addBulk(jobsFor(warm, jobShape));
    while (
      (await prisma.event.count({ where: { shop: warmShop, status: { in: ["succeeded", "failed"] } } })) < warm.length
    )
      await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Time-ordered, as ingress makes them (app/domain/ids.ts): new rows go at the end of the indexes.
  const ids = Array.from({ length: count }, () => timeOrderedUuid());
  // Rows first (committed, as ingress does), then the jobs; the clock starts at the first add.
  for (let offset = 0; offset < count; offset += 500) {
    await prisma.event.createMany({
      data: ids.slice(offset, offset + 500).map((id, i) => ({
        id,
        shop,
        topic,
        source: "user",
        data: stringifyJson(data(offset + i)),
        status: "pending",
      })),
    });
  }
  const cpuBefore = workersCpuMs(workers);
  const threadsBefore = QUICK ? threadCpuMs(workers[0]!.pid!) : null;
  const serversBefore = serversCpuMs();
  const started = Date.now();
  const enqueuedAt = new Map<string, number>();
  for (let offset = 0; offset < count; offset += 500) {
    const slice = ids.slice(offset, offset + 500);
    const now = Date.now();
    for (const id of slice) enqueuedAt.set(id, now);
    await queue.addBulk(jobsFor(slice, jobShape));
  }
  const deadline = started + TIMEOUT_MS;
  let done = 0;
  while (Date.now() < deadline) {
    done = await prisma.event.count({ where: { shop, status: { in: ["succeeded", "failed"] } } });
    if (done === count) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cpuAfter = workersCpuMs(workers);
  const serversCpuPerItemMs = serversCpuPerItem(serversBefore, done);
  const rss = rssBytes(workers[0]!.pid!);
  if (threadsBefore) {
    // Quick checks: where the worker's CPU went, per thread (ms per event).
    const parts = [...threadCpuMs(workers[0]!.pid!)]
      .map(([thread, ms]) => [thread, (ms - (threadsBefore.get(thread) ?? 0)) / count] as const)
      .filter(([, perEvent]) => perEvent >= 0.005)
      .map(([thread, perEvent]) => `${thread} ${perEvent.toFixed(3)}`);
    console.log(`  worker CPU per event by thread (ms): ${parts.join(", ")}; RSS ${(rss / 1048576).toFixed(0)} MB`);
  }
  const rows = await prisma.event.findMany({
    where: { shop, finishedAt: { not: null } },
    select: { id: true, finishedAt: true, status: true },
  });
  const lastFinish = Math.max(...rows.map((r) => r.finishedAt!.getTime()), started);
  const seconds = (Math.min(lastFinish, Date.now()) - started) / 1000 || 0.001;
  const latencies = rows.map((r) => r.finishedAt!.getTime() - enqueuedAt.get(r.id)!).sort((a, b) => a - b);
  const failed = rows.filter((r) => r.status === "failed").length;
  if (failed) console.error(`  ${failed} of ${count} events failed`);
  await queue.close();
  await connection.quit();
  await Promise.all(workers.map(stopProcess));
  return {
    label,
    processes,
    concurrency,
    count,
    done: rows.length,
    seconds,
    perSecond: rows.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuPerItemMs: (cpuAfter.total - cpuBefore.total) / Math.max(1, rows.length),
    mainCpuPerItemMs: (cpuAfter.main - cpuBefore.main) / Math.max(1, rows.length),
    serversCpuPerItemMs,
    rss,
  };
}

function row(r: RunResult): string {
  const complete = r.done === r.count ? "" : `  (only ${r.done}/${r.count} within ${TIMEOUT_MS / 1000} s)`;
  return `${r.label.padEnd(36)} ${r.processes}×c=${String(r.concurrency).padEnd(3)} ${r.perSecond.toFixed(0).padStart(6)} /s   p50 ${String(Math.round(r.p50)).padStart(6)} ms   p99 ${String(Math.round(r.p99)).padStart(6)} ms   CPU ${r.cpuPerItemMs.toFixed(3)} ms each (main thread ${r.mainCpuPerItemMs.toFixed(3)}; servers: PostgreSQL ${r.serversCpuPerItemMs.postgres.toFixed(3)}, Redis ${r.serversCpuPerItemMs.redis.toFixed(3)})${complete}`;
}

interface Pair {
  baseline: RunResult;
  echo: RunResult;
  jobShape: JobShape;
  /** Every round's ratio (Echo events/s over no-op jobs/s), in the order run; this pair is the median's. */
  ratios: number[];
}

const pairRatio = (p: { baseline: RunResult; echo: RunResult }) => p.echo.perSecond / p.baseline.perSecond;

/** The ratio column: the median round's, then every round's when there were several. */
function ratioCell(p: Pair): string {
  const all = p.ratios.length > 1 ? ` (${p.ratios.map((r) => fmt.ratio(r)).join(", ")})` : "";
  return `**${fmt.ratio(pairRatio(p))}**${all}`;
}

/** A CPU column's cell: all the worker's CPU per event (or job), then its main thread's part. */
const cpuCell = (r: RunResult) => `${r.cpuPerItemMs.toFixed(2)} ms (${r.mainCpuPerItemMs.toFixed(2)})`;

/** A servers column's cell: Redis's CPU per Echo event, then per no-op job. */
/** Worker and server (Redis, PostgreSQL) CPU per item: what one event or no-op job costs the machine. */
const machineCpuPerItemMs = (r: RunResult) =>
  r.cpuPerItemMs + r.serversCpuPerItemMs.redis + r.serversCpuPerItemMs.postgres;

/** How many of the machine's cores a run kept busy: the workers' and servers' CPU per second. */
const coresBusy = (r: RunResult) => (machineCpuPerItemMs(r) * r.perSecond) / 1000;

const redisCell = (p: Pair) =>
  `${p.echo.serversCpuPerItemMs.redis.toFixed(2)} ms / ${p.baseline.serversCpuPerItemMs.redis.toFixed(2)} ms`;

/** What the servers' columns hold, for the reports. */
const SERVERS_NOTE = `The servers' columns are this machine's Redis (and PostgreSQL) server processes' user + system time
per Echo event and per no-op job: they run on the same cores as the workers, so they count against the same
budget.`;

/** What the CPU columns hold, for the reports. */
const CPU_NOTE = `CPU is the worker processes' user + system time per event (per job for the baseline), with the part on their
main threads (the event loops) in brackets; the rest is their other threads', mostly V8 compiling hot code in the
background during a process's first thousands of events.`;

/** How the events' jobs are added, for the reports. */
const JOBS_NOTE = `up to ${EVENTS_PER_JOB} events a job, decision 0121; the row marked "one job per event" adds a job per event instead`;

/** How the throughput table's rows were measured, for the report. */
const ROUNDS_NOTE =
  ROUNDS > 1
    ? ` Each setting ran ${ROUNDS} rounds (a baseline, then the runner, back to back); a row is the round with the median ratio, and the ratio column lists every round's.`
    : "";

/** One pair: no-op jobs (the baseline), then as many events through the shop's Echo task, each printed. */
async function echoBesideBaseline(
  shop: string,
  concurrency: number,
  processes: number,
  count: number,
  options: RunOptions,
): Promise<{ baseline: RunResult; echo: RunResult }> {
  await createTask(shop, { ...draftToInput(findTaskTemplate("echo")!.draft), ...TASK.taskFields });
  const baseline = await runBaseline(concurrency, processes, count, options);
  console.log(row(baseline));
  const echo = await runEvents(
    TASK.label,
    shop,
    "user/webhook/test",
    concurrency,
    processes,
    count,
    (n) => ({ n, hello: "world", ...PADDING }),
    options,
  );
  console.log(row(echo));
  return { baseline, echo };
}

async function throughput(
  shopFor: (concurrency: number, processes: number, count: number, round: number) => string,
  options: { steady?: boolean } = {},
): Promise<Pair[]> {
  const pairs: Pair[] = [];
  const top = CONCURRENCIES[CONCURRENCIES.length - 1]!;
  const plan: { concurrency: number; processes: number; count: number; jobShape: JobShape }[] = [
    ...CONCURRENCIES.map((c) => ({ concurrency: c, processes: 1, count: EVENTS, jobShape: QUICK_JOB_SHAPE })),
    ...(QUICK ? [] : [{ concurrency: top, processes: 2, count: EVENTS, jobShape: "shared" as const }]),
    ...(QUICK ? [] : [{ concurrency: top, processes: 1, count: EVENTS, jobShape: "per-event" as const }]),
    ...(options.steady
      ? [
          { concurrency: top, processes: 1, count: STEADY_EVENTS, jobShape: "shared" as const },
          { concurrency: top, processes: 2, count: STEADY_EVENTS, jobShape: "shared" as const },
        ]
      : []),
  ];
  for (const { concurrency, processes, count, jobShape } of plan) {
    // Several rounds, each a baseline then the runner back to back: a shared machine's speed drifts
    // by more than the differences measured, so one pair alone is as much luck as measurement.
    const rounds: { baseline: RunResult; echo: RunResult }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const shop = `${jobShape === "per-event" ? "per-event-" : ""}${shopFor(concurrency, processes, count, round)}`;
      const { baseline, echo } = await echoBesideBaseline(shop, concurrency, processes, count, { jobShape });
      console.log(
        `${"".padEnd(44)} ratio to baseline: ${pairRatio({ baseline, echo }).toFixed(2)}; CPU per event / per no-op job: ${(echo.cpuPerItemMs / baseline.cpuPerItemMs).toFixed(2)}`,
      );
      rounds.push({ baseline, echo });
    }
    const byRatio = [...rounds].sort((a, b) => pairRatio(a) - pairRatio(b));
    pairs.push({ ...byRatio[Math.floor((byRatio.length - 1) / 2)]!, ratios: rounds.map(pairRatio), jobShape });
  }
  return pairs;
}

/**
 * Scaling: does a second worker process gain what its CPU allows? One and two worker processes,
 * each held to the same share of a core (bench/lib/cpu-share.ts) standing in for a core of its own:
 * on this kind of 2-core machine one unheld worker process, Redis, the database and the benchmark
 * already keep both cores busy, so a second unheld process has no core to gain from (the 2 × rows
 * above). Warm processes (a worker is long-lived; V8 compiles hot code over its first thousands of
 * events), the same events, the same no-op baseline held alike.
 */
interface ScalingRound {
  one: { baseline: RunResult; echo: RunResult };
  two: { baseline: RunResult; echo: RunResult };
}

type Scaling = { skipped: string } | { cores: number; rounds: ScalingRound[]; median: ScalingRound };

/** Cores each worker process is held to: two of them leave this 2-core machine's other 1.4 to Redis, the database and the benchmark. */
const SCALING_CORES = Number(process.env.BENCH_SCALING_CORES || 0.3);
const SCALING_EVENTS = Number(process.env.BENCH_SCALING_EVENTS || 10000);
/** Events (or no-op jobs) per worker process before the clock starts: past V8's warm-up. */
const SCALING_WARMUP = Number(process.env.BENCH_SCALING_WARMUP || 8000);
/** Rounds of the scaling runs: their gain swings by ±0.2 from round to round on a shared 2-core machine. */
const SCALING_ROUNDS = Number(process.env.BENCH_SCALING_ROUNDS || (QUICK ? ROUNDS : 5));
/** "Near-linear": a second process adds at least this much of the first one's rate. */
const NEAR_LINEAR_GAIN = 1.8;

const echoGain = (r: ScalingRound) => r.two.echo.perSecond / r.one.echo.perSecond;
const baselineGain = (r: ScalingRound) => r.two.baseline.perSecond / r.one.baseline.perSecond;

async function scaling(shopPrefix: string): Promise<Scaling> {
  const unsupported = cpuShareSupport();
  if (unsupported) {
    console.log(`scaling: skipped (${unsupported})`);
    return { skipped: unsupported };
  }
  const concurrency = CONCURRENCIES[CONCURRENCIES.length - 1]!;
  const held = { cores: SCALING_CORES, warmup: SCALING_WARMUP };
  const rounds: ScalingRound[] = [];
  for (let round = 0; round < SCALING_ROUNDS; round++) {
    const measured: Partial<ScalingRound> = {};
    for (const processes of [1, 2] as const) {
      const shop = `${shopPrefix}-scaling-p${processes}-r${round}.myshopify.com`;
      measured[processes === 1 ? "one" : "two"] = await echoBesideBaseline(
        shop,
        concurrency,
        processes,
        SCALING_EVENTS,
        held,
      );
    }
    const done = measured as ScalingRound;
    console.log(
      `${"".padEnd(44)} each process held to ${SCALING_CORES} of a core: a second process ×${echoGain(done).toFixed(2)} (the no-op baseline ×${baselineGain(done).toFixed(2)})`,
    );
    rounds.push(done);
  }
  const byGain = [...rounds].sort((a, b) => echoGain(a) - echoGain(b));
  return { cores: SCALING_CORES, rounds, median: byGain[Math.floor((byGain.length - 1) / 2)]! };
}

/** The scaling paragraph and table of a report, and its clause for the README's summary. */
function scalingReport(result: Scaling): { section: string; summary: string } {
  if ("skipped" in result)
    return {
      section: `**A second worker process with a core of its own:** not measured (${result.skipped}).`,
      summary: "",
    };
  const { median, cores, rounds } = result;
  const gain = echoGain(median);
  // Per round, then the median: a single round's CPU figures move with the machine's other load.
  const growths = rounds.map((r) => r.two.echo.cpuPerItemMs / r.one.echo.cpuPerItemMs).sort((a, b) => a - b);
  const cpuGrowth = growths[Math.floor((growths.length - 1) / 2)]!;
  const section = `**A second worker process with a core of its own.** One and two worker processes (concurrency ${median.one.echo.concurrency}), each
held to ${cores} of a core (a Linux cgroup CPU quota, \`bench/lib/cpu-share.ts\`), standing in for a core of its own: on this
2-core machine one unheld worker process, Redis${ON_POSTGRES ? ", PostgreSQL" : ""} and the benchmark keep both cores busy, so a second unheld process
has nothing to gain from (the 2 × rows above). ${fmt.int(median.one.echo.count)} events per run after ${fmt.int(SCALING_WARMUP)} per process unmeasured (a worker
is long-lived: V8 compiles its hot code over the first thousands of events); the no-op baseline held and warmed alike.${
    rounds.length > 1 ? ` ${rounds.length} rounds; the round with the median gain is shown.` : ""
  }

${table(
  ["worker processes", "Echo events/s", "CPU per event", "no-op jobs/s", "CPU per no-op job"],
  [median.one, median.two].map((p) => [
    String(p.echo.processes),
    fmt.int(p.echo.perSecond),
    cpuCell(p.echo),
    fmt.int(p.baseline.perSecond),
    cpuCell(p.baseline),
  ]),
)}

A second worker process: **×${gain.toFixed(2)}** Echo events/s (every round: ${rounds.map((r) => `×${echoGain(r).toFixed(2)}`).join(", ")}; the no-op baseline
×${baselineGain(median).toFixed(2)}: at its rate Redis, on the same cores, is busy ${((median.two.baseline.serversCpuPerItemMs.redis * median.two.baseline.perSecond) / 1000).toFixed(2)} of a core). Target: near-linear (at least ×${NEAR_LINEAR_GAIN}): ${gain >= NEAR_LINEAR_GAIN ? "met" : "not met"}. CPU per event with two
processes, the median over the rounds: ${fmt.ratio(cpuGrowth)}× one process's${
    cpuGrowth <= 1.05
      ? ": a second process's events cost no more CPU than the first's"
      : `: each event costs ${Math.round((cpuGrowth - 1) * 100)}% more with a second process${
          ON_POSTGRES
            ? ""
            : " (SQLite has one writer for the whole file, and a connection drops its page cache whenever another process commits)"
        }`
  }.${ON_POSTGRES ? "" : " More than one worker process is what PostgreSQL is for (README, Deploying for real); its section below measures the same."}`;
  return {
    section,
    summary: `; a second worker process with a core of its own ×${gain.toFixed(2)} (each held to ${cores} of a core)`,
  };
}

interface LatencyResult {
  label: string;
  sent: number;
  visible: number;
  p50: number;
  p99: number;
}

/**
 * Sends `send(n)` at LATENCY_RATE per second for LATENCY_SECONDS and times each from its send until
 * `visible(n)` holds (polled every 2 ms).
 */
async function steadyUntilVisible(
  label: string,
  send: (n: number) => Promise<number>,
  visible: (n: number) => boolean,
): Promise<LatencyResult> {
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const pending = new Set<number>();
  const statusProblems: number[] = [];
  const poll = setInterval(() => {
    for (const n of pending) {
      if (visible(n)) {
        latencies.push(performance.now() - sentAt.get(n)!);
        pending.delete(n);
      }
    }
  }, 2);
  const start = performance.now();
  for (let n = 0; n < total; n++) {
    const due = start + (n * 1000) / LATENCY_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sentAt.set(n, performance.now());
    pending.add(n);
    void send(n).then(
      (status) => status >= 300 && statusProblems.push(status),
      () => statusProblems.push(0),
    );
  }
  const deadline = Date.now() + 30_000;
  while (pending.size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(poll);
  if (statusProblems.length) console.error(`  ${label}: ${statusProblems.length} requests were not answered 2xx`);
  latencies.sort((a, b) => a - b);
  return {
    label,
    sent: total,
    visible: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

interface EndToEnd {
  app: LatencyResult;
  floor: LatencyResult;
  webRss: number;
  workerRss: number;
  bareWebRss: number;
}

/** POST -> metafield visible through the production web server, the worker and the local store. */
async function endToEnd(store: ReturnType<typeof createLocalStore>, storeUrl: string): Promise<EndToEnd> {
  const customers = store.state.listCustomers(LOCAL_SHOP);
  const webhookId = randomUUID();
  await prisma.webhook.create({
    data: {
      id: webhookId,
      shop: LOCAL_SHOP,
      name: "Metafield",
      topic: "user/customer/metafield",
      rateLimitPerMinute: 100_000,
    },
  });
  const webPort = await freePort();
  const barePort = await freePort();
  const env = { DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL, HOOKLINE_QUEUE_PREFIX: prefix };
  const web = await startProcess(
    WEB_ENTRY,
    {
      ...env,
      NODE_ENV: "production",
      PORT: String(webPort),
      HOST: "127.0.0.1",
      SHOPIFY_APP_URL: `http://127.0.0.1:${webPort}`,
      SHOPIFY_API_KEY: "bench-api-key",
      SHOPIFY_API_SECRET: "bench-api-secret",
    },
    "Hookline listening",
  );
  const worker = await startProcess(WORKER_ENTRY, { ...env, LOCAL_STORE_URL: storeUrl });
  const bareWeb = await startProcess(BASELINE_SERVER, { ...env, PORT: String(barePort) }, "listening");

  const marker = `${runId}`;
  const valueOf = (n: number) => ({ bench: marker, n });
  const customerOf = (n: number) => customers[n % customers.length]!;
  const holdsValue = (n: number, expected: { bench: string; n: number }) => {
    const metafield = store.state.getMetafield(LOCAL_SHOP, customerOf(n).id, "hookline", "webhook_data");
    if (!metafield) return false;
    try {
      const value = JSON.parse(metafield.value) as { bench?: string; n?: number };
      return value.bench === expected.bench && value.n === expected.n;
    } catch {
      return false;
    }
  };
  const holds = (n: number) => holdsValue(n, valueOf(n));
  // Warm-up: the first request compiles the task's template and opens the connections.
  await fetch(`http://127.0.0.1:${webPort}/webhook/${webhookId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ customer_id: customerOf(0).id, value: { warm: true } }),
  });
  await new Promise((resolve) => setTimeout(resolve, 2000));

  const app = await steadyUntilVisible(
    `POST -> metafield visible, ${LATENCY_RATE}/s`,
    async (n) => {
      const response = await fetch(`http://127.0.0.1:${webPort}/webhook/${webhookId}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ customer_id: customerOf(n).id, value: valueOf(n) }),
      });
      await response.arrayBuffer();
      return response.status;
    },
    holds,
  );
  // The floor: the same write sent straight to the store (no ingress, queue or render).
  const token = store.offlineAccessToken(LOCAL_SHOP);
  const floorMarker = `${runId}-floor`;
  const floorValueOf = (n: number) => ({ bench: floorMarker, n });
  const floor = await steadyUntilVisible(
    `metafieldsSet sent to the store, ${LATENCY_RATE}/s`,
    async (n) => {
      const response = await fetch(`${storeUrl}/admin/api/${API_VERSION}/graphql.json`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-shopify-access-token": token, "x-hookline-shop": LOCAL_SHOP },
        body: JSON.stringify({
          query: `mutation M($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { userErrors { message } } }`,
          variables: {
            metafields: [
              {
                ownerId: `gid://shopify/Customer/${customerOf(n).id}`,
                namespace: "hookline",
                key: "webhook_data",
                type: "json",
                value: JSON.stringify(floorValueOf(n)),
              },
            ],
          },
        }),
      });
      await response.arrayBuffer();
      return response.status;
    },
    (n) => holdsValue(n, floorValueOf(n)),
  );
  // The bare server gets as many requests as the web process did before its memory is read.
  for (let n = 0; n < app.sent; n++) {
    const response = await fetch(`http://127.0.0.1:${barePort}/`, { method: "POST", body: JSON.stringify({ n }) });
    await response.arrayBuffer();
  }
  const result = {
    app,
    floor,
    webRss: rssBytes(web.pid!),
    workerRss: rssBytes(worker.pid!),
    bareWebRss: rssBytes(bareWeb.pid!),
  };
  await Promise.all([web, worker, bareWeb].map(stopProcess));
  return result;
}

async function main(): Promise<void> {
  if (!existsSync("build/server/index.js") || !existsSync("build/worker.js")) {
    console.error("bench:runner: build/server/index.js or build/worker.js is missing; run `npm run build` first.");
    process.exit(1);
  }
  console.log(
    `Runner benchmark: ${EVENTS} events per Echo run, worker processes of build/worker.js, SQLite (${dbFile}), Redis ${REDIS_URL}`,
  );
  // One shop per run, so each run's events are counted apart.
  const pairs = await throughput((c, p, n, r) => `bench-echo-c${c}-p${p}-n${n}-r${r}.myshopify.com`, { steady: true });
  const orderSized = await orderSizedRun();
  const scaled = await scaling("bench-echo");

  const store = createLocalStore();
  const storeUrl = await store.listen(0, "127.0.0.1");
  let metafield!: RunResult;
  let e2e!: EndToEnd;
  try {
    await prisma.session.create({
      data: {
        id: `offline_${LOCAL_SHOP}`,
        shop: LOCAL_SHOP,
        state: "",
        isOnline: false,
        accessToken: store.offlineAccessToken(LOCAL_SHOP),
        scope: "read_customers,write_customers",
      },
    });
    await createTask(LOCAL_SHOP, draftToInput(findTaskTemplate("customer-metafield")!.draft));
    const customers = store.state.listCustomers(LOCAL_SHOP);
    // A burst, limited by the store's cost bucket (1000 points, 50 points/s restore, 10 points per
    // metafieldsSet => ~5 writes/s once drained).
    metafield = await runEvents(
      "Metafield task (local store), burst",
      LOCAL_SHOP,
      "user/customer/metafield",
      CONCURRENCIES[CONCURRENCIES.length - 1]!,
      1,
      METAFIELD_EVENTS,
      (n) => ({ customer_id: customers[n % customers.length]!.id, value: { n } }),
      { env: { LOCAL_STORE_URL: storeUrl } },
    );
    console.log(row(metafield));
    // Let the bucket refill before the steady run.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    e2e = await endToEnd(store, storeUrl);
  } finally {
    await store.close();
  }
  for (const r of [e2e.app, e2e.floor]) {
    console.log(`${r.label.padEnd(44)} p50 ${fmt.ms(r.p50)}   p99 ${fmt.ms(r.p99)}   (${r.visible}/${r.sent} visible)`);
  }
  console.log(
    `resident memory after the run: web ${fmt.mb(e2e.webRss)} (bare node:http ${fmt.mb(e2e.bareWebRss)}), worker ${fmt.mb(e2e.workerRss)} (no-op BullMQ worker ${fmt.mb(pairs[0]!.baseline.rss)})`,
  );
  report(pairs, scaled, orderSized, metafield, e2e);
}

/** Echo events whose data carries ORDER_SIZED_BYTES of line items as Shopify's order webhooks write them. */
async function orderSizedRun(): Promise<RunResult> {
  const shop = "bench-echo-order-sized.myshopify.com";
  await createTask(shop, draftToInput(findTaskTemplate("echo")!.draft));
  const lineItems = orderLineItems(ORDER_SIZED_BYTES);
  const result = await runEvents(
    "Echo task, order-sized data",
    shop,
    "user/webhook/test",
    CONCURRENCIES[CONCURRENCIES.length - 1]!,
    1,
    ORDER_SIZED_EVENTS,
    (n) => ({ n, hello: "world", line_items: lineItems }),
  );
  console.log(row(result));
  return result;
}

function report(pairs: Pair[], scaled: Scaling, orderSized: RunResult, metafield: RunResult, e2e: EndToEnd): void {
  const scalingText = scalingReport(scaled);
  const single = pairs.filter((p) => p.echo.processes === 1 && p.echo.count === EVENTS && p.jobShape === "shared");
  const perEvent = pairs.find((p) => p.jobShape === "per-event")!;
  const steady = pairs.find((p) => p.echo.count === STEADY_EVENTS && p.echo.count !== EVENTS && p.echo.processes === 1);
  const steadyDouble = pairs.find(
    (p) => p.echo.count === STEADY_EVENTS && p.echo.count !== EVENTS && p.echo.processes === 2,
  );
  const double = pairs.find((p) => p.echo.processes === 2)!;
  const sameConcurrency = single.find((p) => p.echo.concurrency === double.echo.concurrency)!;
  const best = Math.max(...single.map(pairRatio));
  const gain = double.echo.perSecond / sameConcurrency.echo.perSecond;
  const baseGain = double.baseline.perSecond / sameConcurrency.baseline.perSecond;
  const bucket = 1000 / 10 + 5 * metafield.seconds;
  // CPU per event over CPU per no-op job, at the highest single-process concurrency: steadier than
  // the rates on a shared machine, and what bounds the rate ratio when both are CPU-bound.
  const top = single[single.length - 1]!;
  const cpuFactor = top.echo.cpuPerItemMs / top.baseline.cpuPerItemMs;
  const machineFactor = machineCpuPerItemMs(top.echo) / machineCpuPerItemMs(top.baseline);
  const met = (ok: boolean) => (ok ? "met" : "not met");
  const section = `## Runner (\`npm run bench:runner\`)

${machine}

**Throughput.** ${EVENTS.toLocaleString("en-US")} events per run, each through an Echo task (event -> task run -> echo
action run), SQLite; rows are committed first and their jobs added as ingress adds a tick's events (${JOBS_NOTE}); the clock runs from the
first add to the last event finished. Baseline: the same BullMQ setup (worker processes, concurrency, Redis) processing
no-op jobs, measured just before. ${CPU_NOTE} ${SERVERS_NOTE}${ROUNDS_NOTE}

${table(
  [
    "worker processes × concurrency",
    "Echo events/s",
    "no-op jobs/s",
    "ratio",
    "CPU per event",
    "CPU per no-op job",
    "Redis CPU per event / per no-op job",
    "Echo enqueue-to-finished p50 / p99",
  ],
  pairs.map((p) => [
    `${p.echo.processes} × ${p.echo.concurrency}${p === steady || p === steadyDouble ? `, ${fmt.int(p.echo.count)} events` : ""}${p.jobShape === "per-event" ? ", one job per event" : ""}`,
    fmt.int(p.echo.perSecond),
    fmt.int(p.baseline.perSecond),
    ratioCell(p),
    cpuCell(p.echo),
    cpuCell(p.baseline),
    redisCell(p),
    `${fmt.ms(p.echo.p50)} / ${fmt.ms(p.echo.p99)}`,
  ]),
)}

Target: at least 0.5 of the no-op rate with one worker process (best here: **${fmt.ratio(best)}**; ${met(best >= 0.5)}). The rates
swing from run to run on this shared machine; the CPU figures are steadier: an Echo event costs the worker
${cpuFactor.toFixed(1)}× the CPU of a no-op job (concurrency ${top.echo.concurrency}), and the machine (the worker and Redis, on the same cores)
${machineFactor.toFixed(1)}×, which bounds the ratio near ${fmt.ratio(1 / machineFactor)} when both are CPU-bound;
${top.echo.mainCpuPerItemMs.toFixed(2)} ms of its ${top.echo.cpuPerItemMs.toFixed(2)} ms is the main thread's, the rest mostly V8 compiling the worker's hot code.
A second worker process (concurrency ${double.echo.concurrency}): ×${gain.toFixed(2)} Echo events/s (the no-op baseline: ×${baseGain.toFixed(2)}); on two
cores a second process can add at most ×2, less what Redis and SQLite take from the same cores, and one worker process
here already keeps ${coresBusy(top.echo).toFixed(1)} of the 2 cores busy (its event loop, V8's helper threads, Redis); below, each process
is given a core's share of its own.
With one job per event (the row so marked: each event pays BullMQ's whole per-job cost, as before decision 0121 and
as a trickle of single requests does): **${fmt.ratio(pairRatio(perEvent))}** of the no-op rate, ${fmt.int(perEvent.echo.perSecond)} Echo events/s.
${
  steady
    ? `
**Sustained.** The rows marked ${fmt.int(steady.echo.count)} events run that many (and as many no-op jobs), over which both sides' warm-up (V8
compiling hot code on its helper threads, a fixed cost that ${fmt.int(EVENTS)}-event runs carry in full; it lasts a worker's first
several thousand events) weighs less: **${fmt.ratio(pairRatio(steady))}** of the no-op rate, an Echo event costing
${(steady.echo.cpuPerItemMs / steady.baseline.cpuPerItemMs).toFixed(1)}× a no-op job's CPU. This is the ratio a worker sustains under a long burst; the target above is
measured, as the issue set it, on ${fmt.int(EVENTS)}-event runs.${
        steadyDouble
          ? ` Two worker processes over as many events: ×${(steadyDouble.echo.perSecond / steady.echo.perSecond).toFixed(2)} the one process's Echo events/s (the no-op baseline: ×${(steadyDouble.baseline.perSecond / steady.baseline.perSecond).toFixed(2)}).`
          : ""
      }
`
    : ""
}
${scalingText.section}

**Order-sized data.** ${fmt.int(orderSized.count)} Echo events whose data carries ${fmt.int(ORDER_SIZED_BYTES)} bytes of line items as Shopify's order
webhooks write them (18-digit ids, string prices), one worker process, concurrency ${orderSized.concurrency}: **${fmt.int(orderSized.perSecond)}** events/s,
${fmt.ratio(orderSized.perSecond / top.echo.perSecond)} of the small-data Echo rate at the same concurrency above (its baseline here); CPU per event
${cpuCell(orderSized)}. Echo is the heaviest case a task makes of its data: the whole order is parsed, rendered,
parsed back from the script's output and stored three times (the task run's actions, the action run's options and
result).

**Metafield template, burst** (${METAFIELD_EVENTS} events at once, concurrency ${metafield.concurrency}): ${fmt.int(metafield.perSecond)} writes/s; the local
store's cost bucket allows ~${Math.round(bucket)} writes in ${metafield.seconds.toFixed(1)} s (1,000 points, 50 points/s, 10 per \`metafieldsSet\`), and
${((metafield.done / Math.max(1, Math.min(metafield.count, bucket))) * 100).toFixed(0)}% of that was used: the throttle is the limit, as Shopify's would be.

**End to end** at a steady ${LATENCY_RATE} events/s for ${LATENCY_SECONDS} s (within Shopify's standard bucket): \`POST /webhook/<id>\` to the
production web server, ingress, the queue, the worker rendering the customer-metafield template, the Admin API call,
until the local store's customer metafield holds the posted value. Beside it, the store's own floor: the same
\`metafieldsSet\` sent straight to the store.

${table(
  ["", "p50", "p99", "visible"],
  [
    [
      `POST -> metafield visible`,
      fmt.ms(e2e.app.p50),
      `**${fmt.ms(e2e.app.p99)}**`,
      `${e2e.app.visible}/${e2e.app.sent}`,
    ],
    [
      `metafieldsSet straight to the store`,
      fmt.ms(e2e.floor.p50),
      fmt.ms(e2e.floor.p99),
      `${e2e.floor.visible}/${e2e.floor.sent}`,
    ],
  ],
)}

Target p99 < 250 ms: ${met(e2e.app.p99 < 250)}.

**Resident memory after the run** (each process runs node on its build, as \`npm start\` and \`npm run worker\` do;
the baselines are compiled alike):

${table(
  ["process", "RSS", "baseline", "target"],
  [
    [
      "web (`build/web-server.js`)",
      `**${fmt.mb(e2e.webRss)}**`,
      `${fmt.mb(e2e.bareWebRss)} (bare node:http + insert + add)`,
      `< 250 MB: ${met(e2e.webRss < 250 * 1024 * 1024)}`,
    ],
    [
      "worker (`build/worker.js`)",
      `**${fmt.mb(e2e.workerRss)}**`,
      `${fmt.mb(pairs[0]!.baseline.rss)} (no-op BullMQ worker)`,
      `< 200 MB: ${met(e2e.workerRss < 200 * 1024 * 1024)}`,
    ],
  ],
)}
`;
  const summary = `**Runner** (\`npm run bench:runner\`): up to ${fmt.int(Math.max(...single.map((p) => p.echo.perSecond)))} Echo events/s with one worker process,
**${fmt.ratio(best)}** of BullMQ's no-op rate in the same run (target 0.5; an Echo event costs the worker ${cpuFactor.toFixed(1)}× the CPU
of a no-op job${steady ? `; sustained over ${fmt.int(steady.echo.count)} events: ${fmt.ratio(pairRatio(steady))}` : ""}; a burst's events share jobs, ${EVENTS_PER_JOB} to a job: with one job per event ${fmt.ratio(pairRatio(perEvent))}); a second unheld worker process on this 2-core machine ×${gain.toFixed(2)}${steady && steadyDouble ? ` (over ${fmt.int(steady.echo.count)} events ×${(steadyDouble.echo.perSecond / steady.echo.perSecond).toFixed(2)})` : ""}${scalingText.summary}; with ${fmt.int(ORDER_SIZED_BYTES / 1000)} KB
order-sized data ${fmt.int(orderSized.perSecond)} Echo events/s. POST ->
customer metafield visible at ${LATENCY_RATE} events/s: p50 ${fmt.ms(e2e.app.p50)}, p99 **${fmt.ms(e2e.app.p99)}** (the store alone:
${fmt.ms(e2e.floor.p99)}). Memory after the run: web ${fmt.mb(e2e.webRss)}, worker ${fmt.mb(e2e.workerRss)}.`;
  writeBenchmarkSection("runner", section, summary);
}

/** BENCH_DB=postgres: Echo events beside no-op jobs, on PostgreSQL. */
async function mainPostgres(): Promise<void> {
  console.log(
    `Runner benchmark on PostgreSQL: ${EVENTS} events per Echo run, worker processes of build/worker.js, database ${pgDbName}, Redis ${REDIS_URL}`,
  );
  const pairs = await throughput((c, p, _n, r) => `bench-pg-echo-c${c}-p${p}-r${r}.myshopify.com`);
  const scalingText = scalingReport(await scaling("bench-pg-echo"));
  const single = pairs.filter((p) => p.echo.processes === 1 && p.jobShape === "shared");
  const perEvent = pairs.find((p) => p.jobShape === "per-event");
  const best = single.reduce((a, b) => (pairRatio(b) > pairRatio(a) ? b : a));
  const double = pairs.find((p) => p.echo.processes === 2);
  const sameConcurrency = double && single.find((p) => p.echo.concurrency === double.echo.concurrency);
  const gain = double && sameConcurrency ? double.echo.perSecond / sameConcurrency.echo.perSecond : NaN;
  const section = `## Runner on PostgreSQL (\`BENCH_DB=postgres npm run bench:runner\`)

${machine}

${EVENTS.toLocaleString("en-US")} events per run, each through an Echo task (event -> task run -> echo action run), PostgreSQL
(\`synchronous_commit\` on) on the same machine; rows committed first and their jobs added as ingress adds a tick's events
(${JOBS_NOTE});
the clock runs from the first add to the last event finished. Baseline: the same BullMQ setup processing no-op jobs,
measured just before. ${CPU_NOTE} ${SERVERS_NOTE}${ROUNDS_NOTE}

${table(
  [
    "worker processes × concurrency",
    "Echo events/s",
    "no-op jobs/s",
    "ratio",
    "CPU per event",
    "CPU per no-op job",
    "PostgreSQL CPU per event",
    "Redis CPU per event / per no-op job",
    "Echo p50 / p99",
  ],
  pairs.map((p) => [
    `${p.echo.processes} × ${p.echo.concurrency}${p.jobShape === "per-event" ? ", one job per event" : ""}`,
    fmt.int(p.echo.perSecond),
    fmt.int(p.baseline.perSecond),
    ratioCell(p),
    cpuCell(p.echo),
    cpuCell(p.baseline),
    `${p.echo.serversCpuPerItemMs.postgres.toFixed(2)} ms`,
    redisCell(p),
    `${fmt.int(p.echo.p50)} ms / ${fmt.int(p.echo.p99)} ms`,
  ]),
)}

Target: at least 0.4 of the no-op rate with one worker process (best here: **${fmt.ratio(pairRatio(best))}**, concurrency
${best.echo.concurrency}; ${pairRatio(best) >= 0.4 ? "met" : "not met"}).${
    double
      ? ` A second worker process (concurrency ${double.echo.concurrency}) on this 2-core machine: ×${gain.toFixed(2)} Echo events/s.`
      : ""
  }${
    perEvent
      ? ` With one job per event (each event paying BullMQ's whole per-job cost, as before decision 0121): ${fmt.ratio(pairRatio(perEvent))}.`
      : ""
  }

${scalingText.section}
`;
  // The fastest setting and the best ratio are often different rows: each is quoted with its own.
  const fastest = single.reduce((a, b) => (b.echo.perSecond > a.echo.perSecond ? b : a));
  const summary = `**Runner on PostgreSQL** (\`BENCH_DB=postgres\`): up to ${fmt.int(fastest.echo.perSecond)} Echo events/s with one worker
process (concurrency ${fastest.echo.concurrency}); best **${fmt.ratio(pairRatio(best))}** of BullMQ's no-op rate in the same run (concurrency ${best.echo.concurrency}; target 0.4)${
    double ? `; a second unheld worker process on this 2-core machine ×${gain.toFixed(2)}` : ""
  }${scalingText.summary}${perEvent ? `; with one job per event ${fmt.ratio(pairRatio(perEvent))}` : ""}.`;
  writeBenchmarkSection("runner-postgres", section, summary);
}

/** BENCH_QUICK=1: the throughput pairs with one worker process (or, with BENCH_SCALING=1, the scaling runs), printed only. */
async function mainQuick(): Promise<void> {
  if (process.env.BENCH_SCALING === "1") {
    console.log(`\n${scalingReport(await scaling("bench-quick-echo")).section}`);
    return;
  }
  console.log(
    `Runner benchmark (quick): ${EVENTS} events per run of ${TASK.label}, ${ON_POSTGRES ? "PostgreSQL" : "SQLite"}${PAYLOAD_BYTES ? `, data padded to ${PAYLOAD_BYTES} bytes` : ""}`,
  );
  await throughput((c, p, _n, r) => `bench-quick-echo-c${c}-p${p}-r${r}.myshopify.com`);
}

try {
  if (!existsSync("build/worker.js"))
    throw new Error("bench:runner: build/worker.js is missing; run `npm run build` first.");
  await (QUICK ? mainQuick() : ON_POSTGRES ? mainPostgres() : main());
} finally {
  for (const child of children) child.kill("SIGKILL");
  if (shares.size) {
    // A cgroup can only be removed once its processes are gone.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const share of shares.values()) share.release();
  }
  await prisma.$disconnect();
  await removeRedisKeys(prefix, REDIS_URL);
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
  if (ON_POSTGRES) {
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pgDbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}
process.exit(0);
