// `npm run bench:runner`: events/s through an Echo task with one worker process
// (`workers/index.ts`) at a few concurrency settings, enqueue-to-finished p50/p99, next to a
// baseline measured in the same run: the same BullMQ setup processing no-op jobs. Then the
// metafield template against the local development store, whose throttle is the expected limit.
//
// Needs Redis only: it makes its own SQLite database under bench/output/ and its own queue prefix,
// and stops everything it starts. Bounded: each measured run stops after BENCH_TIMEOUT seconds.
//   BENCH_EVENTS=2000 (events per Echo run), BENCH_CONCURRENCY=1,4,16, BENCH_METAFIELD_EVENTS=150,
//   BENCH_TIMEOUT=90
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { percentile } from "./lib/stats";

const EVENTS = Number(process.env.BENCH_EVENTS || 2000);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY || "1,4,16")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const METAFIELD_EVENTS = Number(process.env.BENCH_METAFIELD_EVENTS || 150);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT || 90) * 1000;
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

// --- child mode: a BullMQ worker that does nothing (the baseline) ---------------------------
if (process.argv[2] === "--noop-worker") {
  const { Worker } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const worker = new Worker("noop", async () => {}, {
    connection,
    prefix: process.env.HOOKLINE_QUEUE_PREFIX,
    concurrency: Number(process.env.WORKER_CONCURRENCY || 1),
  });
  await worker.waitUntilReady();
  console.log("processing queues");
  process.on("SIGTERM", () => void worker.close().then(() => process.exit(0)));
  await new Promise(() => {});
}

const runId = `${Date.now()}`;
const prefix = `hookline-bench-runner-${runId}`;
const dbFile = `bench/output/runner-${runId}.sqlite`;
process.env.DATABASE_URL = `file:./${dbFile}`;
process.env.HOOKLINE_QUEUE_PREFIX = prefix;
process.env.REDIS_URL = REDIS_URL;
mkdirSync("bench/output", { recursive: true });
execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "pipe", env: process.env });

// Imported after the environment is set: these read DATABASE_URL and the prefix when loaded.
const { default: prisma } = await import("../app/db.server");
const { Queue } = await import("bullmq");
const { Redis } = await import("ioredis");
const { createTask, draftToInput } = await import("../app/data/tasks.server");
const { findTaskTemplate } = await import("../app/domain/tasks/templates");
const { createLocalStore } = await import("../app/local-store");
const { LOCAL_SHOP } = await import("../app/config.server");

const children = new Set<ChildProcess>();

function startProcess(args: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("processing queues")) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes("processing queues")) return;
      process.stderr.write(chunk);
    });
    child.on("exit", (code) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`process exited with ${code}:\n${out}`));
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

interface RunResult {
  label: string;
  concurrency: number;
  count: number;
  done: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Baseline: BullMQ alone, jobs that do nothing, the same Redis and the same concurrency. */
async function runBaseline(concurrency: number): Promise<RunResult> {
  const child = await startProcess(["--import", "tsx", "bench/runner.ts", "--noop-worker"], {
    WORKER_CONCURRENCY: String(concurrency),
  });
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("noop", { connection, prefix });
  const started = Date.now();
  for (let offset = 0; offset < EVENTS; offset += 500) {
    const batch = Array.from({ length: Math.min(500, EVENTS - offset) }, (_, i) => ({
      name: "noop",
      data: { n: offset + i },
      opts: { jobId: `noop-${concurrency}-${offset + i}` },
    }));
    await queue.addBulk(batch);
  }
  let done = 0;
  while (Date.now() < started + TIMEOUT_MS) {
    done = await queue.getCompletedCount();
    if (done >= EVENTS) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Completed jobs are kept here (unlike the app's) so their add and finish times can be read.
  const jobs = await queue.getJobs(["completed"], 0, EVENTS);
  const latencies = jobs
    .filter((j) => j.finishedOn)
    .map((j) => j.finishedOn! - j.timestamp)
    .sort((a, b) => a - b);
  const lastFinish = Math.max(...jobs.map((j) => j.finishedOn ?? 0), started);
  const seconds = (lastFinish - started) / 1000 || 0.001;
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  await stopProcess(child);
  return {
    label: "BullMQ no-op (baseline)",
    concurrency,
    count: EVENTS,
    done,
    seconds,
    perSecond: done / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Events through the real worker: rows committed, jobs added (as ingress does), runs performed. */
async function runEvents(
  label: string,
  shop: string,
  topic: string,
  concurrency: number,
  count: number,
  data: (n: number) => unknown,
  env: Record<string, string> = {},
): Promise<RunResult> {
  const child = await startProcess(["--import", "tsx", "workers/index.ts"], {
    WORKER_CONCURRENCY: String(concurrency),
    ...env,
  });
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("events", { connection, prefix });
  const ids = Array.from({ length: count }, () => randomUUID());
  // Rows first (committed, as ingress does), then the jobs; the clock starts at the first add.
  for (let offset = 0; offset < count; offset += 500) {
    await prisma.event.createMany({
      data: ids.slice(offset, offset + 500).map((id, i) => ({
        id,
        shop,
        topic,
        source: "user",
        data: JSON.stringify(data(offset + i)),
        status: "pending",
      })),
    });
  }
  const started = Date.now();
  const enqueuedAt = new Map<string, number>();
  for (let offset = 0; offset < count; offset += 500) {
    const slice = ids.slice(offset, offset + 500);
    const now = Date.now();
    for (const id of slice) enqueuedAt.set(id, now);
    await queue.addBulk(
      slice.map((id) => ({ name: "event", data: { eventId: id }, opts: { jobId: id, removeOnComplete: true } })),
    );
  }
  const deadline = started + TIMEOUT_MS;
  let done = 0;
  while (Date.now() < deadline) {
    done = await prisma.event.count({ where: { shop, status: { in: ["succeeded", "failed"] } } });
    if (done === count) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
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
  await stopProcess(child);
  return {
    label,
    concurrency,
    count,
    done: rows.length,
    seconds,
    perSecond: rows.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

function row(r: RunResult): string {
  const complete = r.done === r.count ? "" : `  (only ${r.done}/${r.count} within ${TIMEOUT_MS / 1000} s)`;
  return `${r.label.padEnd(34)} c=${String(r.concurrency).padEnd(3)} ${r.perSecond.toFixed(0).padStart(6)} /s   p50 ${String(Math.round(r.p50)).padStart(6)} ms   p99 ${String(Math.round(r.p99)).padStart(6)} ms${complete}`;
}

async function main(): Promise<void> {
  const results: RunResult[] = [];
  console.log(
    `Runner benchmark: ${EVENTS} events per Echo run, one worker process, SQLite (${dbFile}), Redis ${REDIS_URL}`,
  );

  for (const concurrency of CONCURRENCIES) {
    // One shop per run, so each run's events are counted apart.
    const echoShop = `bench-echo-c${concurrency}.myshopify.com`;
    await createTask(echoShop, draftToInput(findTaskTemplate("echo")!.draft));
    const baseline = await runBaseline(concurrency);
    console.log(row(baseline));
    const echo = await runEvents(
      "Echo task (event -> task -> action)",
      echoShop,
      "user/webhook/test",
      concurrency,
      EVENTS,
      (n) => ({ n, hello: "world" }),
    );
    console.log(row(echo));
    console.log(`${"".padEnd(34)}       ratio to baseline: ${(echo.perSecond / baseline.perSecond).toFixed(3)}`);
    results.push(baseline, echo);
  }

  // The metafield template against the local store: limited by the store's cost bucket
  // (1000 points, 50 points/s restore, 10 points per metafieldsSet => ~5 writes/s once drained).
  const store = createLocalStore();
  const storeUrl = await store.listen(0, "127.0.0.1");
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
    const concurrency = CONCURRENCIES[CONCURRENCIES.length - 1];
    const metafield = await runEvents(
      "Metafield task (local store)",
      LOCAL_SHOP,
      "user/customer/metafield",
      concurrency,
      METAFIELD_EVENTS,
      (n) => ({ customer_id: customers[n % customers.length].id, value: { n } }),
      { LOCAL_STORE_URL: storeUrl },
    );
    console.log(row(metafield));
    const throttleLimit = 1000 / 10 + 5 * metafield.seconds; // burst of the bucket + restore
    console.log(
      `${"".padEnd(34)}       the store's bucket allows ~${Math.round(throttleLimit)} writes in ${metafield.seconds.toFixed(1)} s (${((metafield.done / Math.max(1, Math.min(metafield.count, throttleLimit))) * 100).toFixed(0)}% of that used)`,
    );
    results.push(metafield);
  } finally {
    await store.close();
  }

  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    `bench/results/runner-${runId}.json`,
    JSON.stringify({ at: new Date().toISOString(), events: EVENTS, results }, null, 2),
  );
}

try {
  await main();
} finally {
  for (const child of children) child.kill("SIGKILL");
  await prisma.$disconnect();
  const cleanup = new Redis(REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = await cleanup.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await cleanup.del(...keys);
  } while (cursor !== "0");
  await cleanup.quit();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
}
process.exit(0);
