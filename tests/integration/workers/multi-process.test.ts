// Many processes on one database and one Redis, as production runs them (issue 17): two web
// processes (build/web-server.js, `npm start`) and three workers (build/worker.js, `npm run
// worker`) from the production build. A steady stream of POSTs split across both web processes,
// one worker SIGKILLed in the middle of it; then: no event lost or doubled, no succeeded action
// performed twice, a rate limit of N allowing N in total, and a disabled webhook refused by both web
// processes within a second.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { createWebhook, setWebhookEnabled } from "~/data/webhooks.server";
import { closeSharedQueues } from "~/services/runner/worker.server";
import { newTask, uniqueShop, waitFor } from "../services/runner/helpers";
import { freePort } from "../../../scripts/lib/free-port";
import { ensureProductionBuild } from "../../support/production-build";

interface Proc {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

const procs: Proc[] = [];
const webBases: string[] = [];
let workers: Proc[] = [];

function start(name: string, script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ["--enable-source-maps", script], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      SHOPIFY_API_KEY: "multi-process-key",
      SHOPIFY_API_SECRET: "multi-process-secret",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const proc = { name, child, output: () => out, exited };
  procs.push(proc);
  return proc;
}

function describeProcesses(): string {
  return procs
    .map((p) => `----- ${p.name} (exit ${p.child.exitCode ?? p.child.signalCode})\n${p.output().slice(-3000)}`)
    .join("\n");
}

async function post(base: string, id: string, body: unknown): Promise<Response> {
  return fetch(`${base}/webhook/${id}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  ensureProductionBuild();
  for (const name of ["web-a", "web-b"]) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const web = start(name, "build/web-server.js", { PORT: String(port), HOST: "127.0.0.1", SHOPIFY_APP_URL: base });
    webBases.push(base);
    await waitFor(
      async () => {
        if (web.child.exitCode !== null) throw new Error(`${name} exited:\n${web.output()}`);
        return (await fetch(`${base}/health`).catch(() => null))?.status === 200;
      },
      60_000,
      `${name} to answer /health`,
    );
  }
  workers = [1, 2, 3].map((n) =>
    start(`worker-${n}`, "build/worker.js", {
      WORKER_CONCURRENCY: "4",
      SWEEP_INTERVAL_MS: "500",
      WORKER_LOCK_MS: "3000",
      ACTION_LEASE_MS: "3000",
      TASK_LEASE_MS: "3000",
    }),
  );
  for (const worker of workers) {
    await waitFor(
      async () => {
        if (worker.child.exitCode !== null) throw new Error(`${worker.name} exited:\n${worker.output()}`);
        return worker.output().includes("processing queues");
      },
      60_000,
      `${worker.name} to start`,
    );
  }
}, 600_000);

afterAll(async () => {
  for (const proc of procs) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill("SIGTERM");
      const timer = setTimeout(() => proc.child.kill("SIGKILL"), 15_000);
      await proc.exited;
      clearTimeout(timer);
    }
  }
  await closeSharedQueues();
}, 60_000);

describe("two web processes and three workers on one database and one Redis", () => {
  it("a steady stream split across both web processes, a worker SIGKILLed mid-stream: nothing lost, no succeeded action repeated", async () => {
    const shop = uniqueShop("multi");
    await newTask(shop, {
      subscriptions: "user/multi/posted",
      script: `{% action "cache", "incr", "total" %}{% action "echo", n: event.data.n %}`,
    });
    const webhook = await createWebhook(shop, {
      name: "Stream",
      topic: "user/multi/posted",
      rateLimitPerMinute: 1_000_000,
    });
    const TOTAL = 300;
    const KILL_AT = 100;
    const statuses: number[] = [];
    const pending: Promise<void>[] = [];
    // Steady: 10 requests every 100 ms (100/s), alternating web processes.
    for (let n = 0; n < TOTAL; n++) {
      if (n === KILL_AT) workers[0]!.child.kill("SIGKILL");
      pending.push(
        post(webBases[n % 2]!, webhook.id, { n }).then(
          (r) => void statuses.push(r.status),
          () => void statuses.push(0),
        ),
      );
      if (n % 10 === 9) await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(pending);
    expect(statuses.filter((s) => s === 204)).toHaveLength(TOTAL);
    expect(workers[0]!.child.signalCode).toBe("SIGKILL");

    // Every answered POST is an event, exactly once, and every event is processed.
    try {
      await waitFor(
        async () =>
          (await prisma.event.count({ where: { webhookId: webhook.id, status: { in: ["succeeded", "failed"] } } })) ===
          TOTAL,
        180_000,
        "every event to finish",
      );
    } catch (error) {
      const open = await prisma.event.groupBy({ by: ["status"], where: { webhookId: webhook.id }, _count: true });
      console.error(JSON.stringify(open), describeProcesses());
      throw error;
    }
    const events = await prisma.event.findMany({ where: { webhookId: webhook.id }, select: { id: true, data: true } });
    expect(events).toHaveLength(TOTAL);
    expect(new Set(events.map((e) => (JSON.parse(e.data) as { n: number }).n)).size).toBe(TOTAL);
    expect(await prisma.taskRun.count({ where: { event: { webhookId: webhook.id } } })).toBe(TOTAL);

    // No succeeded action performed twice: the counter is at least every succeeded incr and at
    // most those plus any that failed. An incr orphaned by the kill is performed once more: cache
    // actions are exactly-once (decision 0071), their effect recorded with the action run.
    const incrs = await prisma.actionRun.findMany({
      where: { type: "cache", taskRun: { event: { webhookId: webhook.id } } },
      select: { status: true, attempts: true },
    });
    expect(incrs).toHaveLength(TOTAL);
    expect(incrs.every((a) => a.attempts <= 2)).toBe(true);
    const succeeded = incrs.filter((a) => a.status === "succeeded").length;
    const failed = incrs.filter((a) => a.status === "failed").length;
    expect(succeeded + failed).toBe(TOTAL);
    const total = Number(
      (await prisma.cacheEntry.findUniqueOrThrow({ where: { shop_key: { shop, key: "total" } } })).value,
    );
    expect(total).toBeGreaterThanOrEqual(succeeded);
    expect(total).toBeLessThanOrEqual(succeeded + failed);
    // Only the killed worker's in-flight work can be orphaned (4 jobs per queue at most).
    expect(failed).toBeLessThanOrEqual(8);
  }, 300_000);

  it("a rate limit of N allows N requests in total across both web processes, each 429 with Retry-After", async () => {
    const shop = uniqueShop("multi-rate");
    const N = 10;
    const webhook = await createWebhook(shop, { name: "Limited", topic: "user/multi/limited", rateLimitPerMinute: N });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => post(webBases[n % 2]!, webhook.id, { n })));
    const accepted = answers.filter((r) => r.status === 204);
    const refused = answers.filter((r) => r.status === 429);
    expect(accepted).toHaveLength(N);
    expect(refused).toHaveLength(40 - N);
    for (const r of refused) expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await prisma.event.count({ where: { webhookId: webhook.id } })).toBe(N);
  }, 60_000);

  it("a webhook disabled in one process is refused by both web processes within a second", async () => {
    const shop = uniqueShop("multi-disable");
    const webhook = await createWebhook(shop, { name: "Disabled", topic: "user/multi/disabled" });
    // Both web processes now have it cached as active.
    for (const base of webBases) expect((await post(base, webhook.id, { before: base })).status).toBe(204);
    expect(await prisma.event.count({ where: { webhookId: webhook.id } })).toBe(2);
    await setWebhookEnabled(shop, webhook.id, false);
    await new Promise((r) => setTimeout(r, 1000));
    for (const base of webBases) {
      for (let i = 0; i < 3; i++) await post(base, webhook.id, { after: base, i });
    }
    // The cache's TTL is 5 s: only the change published through Redis refuses these in time.
    expect(await prisma.event.count({ where: { webhookId: webhook.id } })).toBe(2);
  }, 60_000);
});
