// `npm run bench:ingress`: ingress throughput and latency of the production server next to a
// bare node:http baseline doing the same durable work, measured in the same run.
//
// Needs `npm run build` first (build/), Redis, and nothing else: it makes its own SQLite
// database under bench/output/, starts both servers on 127.0.0.1, runs autocannon with ~1 KB JSON
// bodies, prints req/s and p50/p99 for each and their ratio, then a steady 1,000 req/s run against
// each (an open-loop generator, bench/lib/constant-rate.ts) for the latency target. Everything it
// starts is stopped; it ends by itself.
//   BENCH_DURATION=8 (seconds per measured run), BENCH_ROUNDS=3, BENCH_CONNECTIONS=32,
//   BENCH_PROFILE=1 (writes the app's CPU profile to bench/output/profile/, for Chrome DevTools)
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import Database from "better-sqlite3";
import { createPrismaClient } from "../app/db.server";
import { freePort } from "../scripts/lib/free-port";
import { constantRate } from "./lib/constant-rate";
import { median } from "./lib/stats";

const DURATION = Number(process.env.BENCH_DURATION || 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 32);
const WARMUP_SECONDS = 3;
const FIXED_RATE = 1000;
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

const runId = `${Date.now()}`;
const prefix = `hookline-bench-${runId}`;
// BENCH_DB_DIR=/dev/shm puts the database in memory-backed storage: the difference to a run on disk
// is what the disk's write stalls add to the tail.
const dbFile = `${process.env.BENCH_DB_DIR || "bench/output"}/ingress-${runId}.sqlite`;
const databaseUrl = `file:${dbFile.startsWith("/") ? "" : "./"}${dbFile}`;
const children: ChildProcess[] = [];

function start(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", () => {});
  child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`));
  children.push(child);
  return child;
}

async function waitForPort(port: number, path: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: "OPTIONS" });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${name} did not start listening on ${port}`);
}

function jsonBody(): string {
  const base = {
    order_id: "820982911946154508",
    customer: { id: 6543210987654321, email: "ann@example.com", tags: ["vip", "wholesale"] },
    note: "",
  };
  const filler = "x".repeat(1024 - JSON.stringify(base).length);
  return JSON.stringify({ ...base, note: filler });
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

/** Throughput: autocannon's closed loop, every connection sending as fast as answers come back. */
async function measure(url: string, body: string, options: { duration: number }): Promise<Measured> {
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections: CONNECTIONS,
    duration: options.duration,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}

/** Latency at a steady rate, each request timed from when it was due. */
function measureSteady(url: string, body: string): Promise<Measured> {
  return constantRate({
    url,
    body,
    headers: { "content-type": "application/json" },
    rate: FIXED_RATE,
    durationSeconds: DURATION,
  });
}

function row(label: string, m: Measured): string {
  return `${label.padEnd(30)} ${m.rps.toFixed(0).padStart(8)} req/s   p50 ${String(m.p50).padStart(4)} ms   p99 ${String(m.p99).padStart(4)} ms   non-2xx ${m.non2xx}  errors ${m.errors}`;
}

async function cleanup(): Promise<void> {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await Promise.all(
    children.map((child) =>
      child.exitCode !== null
        ? null
        : new Promise((r) => {
            child.once("exit", r);
            setTimeout(() => {
              child.kill("SIGKILL");
              r(null);
            }, 5_000).unref();
          }),
    ),
  );
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    for (const name of ["events", "baseline-events"]) {
      const queue = new Queue(name, { connection, prefix });
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  } finally {
    connection.disconnect();
  }
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
}

async function main(): Promise<void> {
  if (!existsSync("build/server/index.js")) {
    console.error("bench:ingress: build/server/index.js is missing; run `npm run build` first.");
    process.exit(1);
  }
  mkdirSync("bench/output", { recursive: true });
  const env = { DATABASE_URL: databaseUrl, REDIS_URL, HOOKLINE_QUEUE_PREFIX: prefix };
  execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "pipe", env: { ...process.env, ...env } });

  // Both servers write to this one file. WAL is a property of the file, so both get it.
  const sqlite = new Database(dbFile);
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
  const prisma = createPrismaClient(databaseUrl);
  const webhookId = randomUUID();
  await prisma.webhook.create({
    data: {
      id: webhookId,
      shop: "bench.myshopify.com",
      name: "Benchmark",
      topic: "user/bench/ingress",
      rateLimitPerMinute: 1_000_000,
    },
  });
  await prisma.$disconnect();

  const appPort = await freePort();
  const basePort = await freePort();
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", "bench/output/profile"] : [];
  const app = start("app", [...profile, "--import", "tsx", "app/web-server.ts"], {
    ...env,
    NODE_ENV: "production",
    PORT: String(appPort),
    HOST: "127.0.0.1",
    SHOPIFY_APP_URL: `http://127.0.0.1:${appPort}`,
    SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY || "bench-api-key",
    SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET || "bench-api-secret",
    INGRESS_RATE_LIMIT_PER_MINUTE: "100000000",
  });
  const baseline = start("baseline", ["--import", "tsx", "bench/lib/baseline-server.ts"], {
    ...env,
    PORT: String(basePort),
  });
  await Promise.all([
    waitForPort(appPort, `/webhook/${webhookId}`, app, "app"),
    waitForPort(basePort, "/", baseline, "baseline"),
  ]);

  const body = jsonBody();
  const appUrl = `http://127.0.0.1:${appPort}/webhook/${webhookId}`;
  const baseUrl = `http://127.0.0.1:${basePort}/`;
  console.log(
    `Ingress benchmark: ${Buffer.byteLength(body)}-byte JSON, ${CONNECTIONS} connections, ${DURATION} s per run, SQLite (WAL) ${dbFile}`,
  );

  const appRuns: Measured[] = [await measure(appUrl, body, { duration: WARMUP_SECONDS })];
  await measure(baseUrl, body, { duration: WARMUP_SECONDS });
  // Rounds alternate baseline and app, so a noisy minute on a shared machine hits both; the
  // summary takes each figure's median over the rounds.
  const rounds: { base: Measured; baseSteady: Measured; app: Measured; appSteady: Measured }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const base = await measure(baseUrl, body, { duration: DURATION });
    const app = await measure(appUrl, body, { duration: DURATION });
    // The same steady run against the baseline shows how much of the tail is the machine's own.
    const baseSteady = await measureSteady(baseUrl, body);
    const appSteady = await measureSteady(appUrl, body);
    appRuns.push(app, appSteady);
    rounds.push({ base, baseSteady, app, appSteady });
    console.log(`\nround ${round} of ${ROUNDS}`);
    console.log(row("baseline (node:http + insert + add)", base));
    console.log(row("hookline /webhook/:id", app));
    console.log(row(`baseline, steady ${FIXED_RATE} req/s`, baseSteady));
    console.log(row(`hookline, steady ${FIXED_RATE} req/s`, appSteady));
  }

  const verify = new Database(dbFile, { readonly: true });
  const appEvents = (
    verify.prepare(`SELECT COUNT(*) AS n FROM "Event" WHERE webhookId = ?`).get(webhookId) as { n: number }
  ).n;
  verify.close();

  const ratio = median(rounds.map((r) => r.app.rps / r.base.rps));
  const p99 = median(rounds.map((r) => r.appSteady.p99));
  const baseP99 = median(rounds.map((r) => r.baseSteady.p99));
  console.log(`\nmedians over ${ROUNDS} rounds`);
  console.log(
    `throughput ratio app/baseline: ${ratio.toFixed(2)} (target >= 0.50: ${ratio >= 0.5 ? "met" : "NOT met"})`,
  );
  console.log(
    `p99 at a steady ${FIXED_RATE} req/s: ${p99} ms (target < 20 ms: ${p99 < 20 ? "met" : "NOT met"}); the baseline's: ${baseP99} ms`,
  );
  const answered2xx = appRuns.reduce((sum, m) => sum + m.total - m.non2xx - m.errors, 0);
  console.log(
    `events stored by the app: ${appEvents}; 2xx answers: ${answered2xx} (${appEvents >= answered2xx ? "every 204 stored; requests cut off at the end of a run may add a few" : "MISMATCH: fewer events than 204s"})`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(`bench:ingress: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup().catch(() => {}));
