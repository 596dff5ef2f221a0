// `npm run bench:respond`: POST -> response latency of a wait-mode webhook (issue 15) at a steady
// 50 requests/s, with a task that responds at once, beside the same POST to a 204-mode webhook
// (same task, same data) in the same run. Targets on a 2-core machine: p50 < 20 ms, p99 < 100 ms.
//
// Starts the production web server (build/web-server.js) and one worker (build/worker.js) on a
// SQLite database of its own under bench/output/ and a Redis prefix of its own; everything it starts
// is stopped. Needs Redis and a build (`npm run bench:respond` builds first). Rewrites its section
// of docs/benchmarks.md.
//   BENCH_DURATION=20 (seconds per measured run), BENCH_RATE=50, BENCH_ROUNDS=2
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { createPrismaClient } from "../app/data/db.server";
import { freePort } from "../scripts/lib/free-port";
import { removeRedisKeys } from "../scripts/lib/redis-keys";
import { constantRate, type ConstantRateResult } from "./lib/constant-rate";
import { fmt, machineLine, table, writeBenchmarkSection } from "./lib/report";
import { median } from "./lib/stats";
import { WEB_ENTRY, WORKER_ENTRY } from "./lib/entries";

const DURATION = Number(process.env.BENCH_DURATION || 20);
const RATE = Number(process.env.BENCH_RATE || 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 2);
const WARMUP_SECONDS = 3;
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const SHOP = "bench-respond.myshopify.com";

const runId = `${Date.now()}`;
const prefix = `hookline-bench-respond-${runId}`;
const dbFile = `bench/output/respond-${runId}.sqlite`;
const databaseUrl = `file:./${dbFile}`;
const children: ChildProcess[] = [];

function start(name: string, args: string[], env: Record<string, string>, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with code ${code}`)));
  });
}

async function stopAll(): Promise<void> {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
  await removeRedisKeys(prefix, REDIS_URL);
}

// Answers at once with the posted lines' total (the shape of the "Respond with a quote" template).
const SCRIPT = `{% assign total = 0 %}{% for line in event.data.lines %}{% assign total = total | plus: line.price %}{% endfor %}
{% action "respond" %}{"status": 200, "headers": {"cache-control": "no-store"}, "body": {"total": {{ total | json }}}}{% endaction %}`;

async function seed(): Promise<{ wait: string; immediate: string }> {
  const prisma = createPrismaClient(databaseUrl);
  try {
    const wait = randomUUID();
    const immediate = randomUUID();
    const common = { shop: SHOP, rateLimitPerMinute: 1_000_000 };
    await prisma.webhook.create({
      data: {
        ...common,
        id: wait,
        name: "Wait",
        topic: "user/bench/wait",
        responseMode: "wait",
        responseTimeoutSeconds: 10,
      },
    });
    await prisma.webhook.create({
      data: { ...common, id: immediate, name: "Immediate", topic: "user/bench/immediate" },
    });
    for (const topic of ["user/bench/wait", "user/bench/immediate"]) {
      await prisma.task.create({
        data: { id: randomUUID(), shop: SHOP, name: topic, subscriptions: topic, script: SCRIPT },
      });
    }
    return { wait, immediate };
  } finally {
    await prisma.$disconnect();
  }
}

interface Row {
  mode: string;
  runs: ConstantRateResult[];
}

async function main(): Promise<void> {
  if (!existsSync("build/server/index.js")) {
    console.error("bench:respond: build/server/index.js is missing; run `npm run build` first.");
    process.exit(1);
  }
  mkdirSync("bench/output", { recursive: true });
  const env = { DATABASE_URL: databaseUrl, REDIS_URL, HOOKLINE_QUEUE_PREFIX: prefix };
  execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "pipe", env: { ...process.env, ...env } });
  const ids = await seed();
  const port = await freePort();
  const appEnv = {
    ...env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    SHOPIFY_API_KEY: "bench-api-key",
    SHOPIFY_API_SECRET: "bench-api-secret",
  };
  await start("web", WEB_ENTRY, appEnv, "Hookline listening");
  await start("worker", WORKER_ENTRY, appEnv, "processing queues");

  const body = JSON.stringify({
    lines: [
      { sku: "A", price: 12 },
      { sku: "B", price: 30 },
    ],
  });
  const url = (id: string) => `http://127.0.0.1:${port}/webhook/${id}`;
  const check = await fetch(url(ids.wait), { method: "POST", headers: { "content-type": "application/json" }, body });
  const answer = await check.text();
  if (check.status !== 200 || !answer.includes('"total":42')) {
    throw new Error(`the wait-mode webhook answered ${check.status} ${answer}; expected 200 {"total":42}`);
  }

  const measure = (id: string, seconds: number) =>
    constantRate({
      url: url(id),
      body,
      headers: { "content-type": "application/json" },
      rate: RATE,
      durationSeconds: seconds,
    });
  await measure(ids.wait, WARMUP_SECONDS);
  await measure(ids.immediate, WARMUP_SECONDS);
  const rows: Row[] = [
    { mode: "wait (200 with the task's response)", runs: [] },
    { mode: "immediate (204)", runs: [] },
  ];
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternated so drifting machine load falls on both alike.
    rows[0]!.runs.push(await measure(ids.wait, DURATION));
    rows[1]!.runs.push(await measure(ids.immediate, DURATION));
    console.log(`round ${round}/${ROUNDS} done`);
  }

  const summary = rows.map((row) => ({
    mode: row.mode,
    p50: median(row.runs.map((r) => r.p50)),
    p99: median(row.runs.map((r) => r.p99)),
    rps: median(row.runs.map((r) => r.rps)),
    bad: row.runs.reduce((n, r) => n + r.non2xx + r.errors, 0),
  }));
  const [wait, immediate] = summary as [(typeof summary)[0], (typeof summary)[0]];
  const lines = [
    `### Respond (wait mode)`,
    "",
    machineLine(),
    "",
    `POST -> response at a steady ${RATE} requests/s for ${DURATION} s (median of ${ROUNDS} rounds), one web process and one worker on SQLite; the task answers at once with the total of the posted lines. Targets: p50 < 20 ms, p99 < 100 ms.`,
    "",
    table(
      ["mode", "req/s", "p50 ms", "p99 ms", "non-2xx + errors"],
      summary.map((s) => [s.mode, fmt.int(s.rps), s.p50.toFixed(1), s.p99.toFixed(1), s.bad]),
    ),
    "",
    `Wait mode costs ${(wait.p50 / immediate.p50).toFixed(1)}× the 204 mode's p50 and ${(wait.p99 / immediate.p99).toFixed(1)}× its p99 (the 204 mode answers before the task runs; wait mode includes the queue, the render, the action and Redis pub/sub). Targets ${wait.p50 < 20 ? "met" : "missed"} (p50) and ${wait.p99 < 100 ? "met" : "missed"} (p99).`,
  ];
  const section = lines.join("\n");
  console.log(`\n${section}`);
  writeBenchmarkSection(
    "respond",
    section,
    `**Respond** (\`npm run bench:respond\`): a wait-mode webhook answers with a task's response in p50 ${wait.p50.toFixed(1)} ms / p99 ${wait.p99.toFixed(1)} ms at ${RATE} req/s (204 mode in the same run: p50 ${immediate.p50.toFixed(1)} ms / p99 ${immediate.p99.toFixed(1)} ms).`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(stopAll);
