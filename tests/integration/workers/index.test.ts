// The worker as a real process (build/worker.js, what `npm run worker` runs; `npm run dev` runs its source,
// tests/integration/scripts/dev.test.ts):
// start-up without Redis, heartbeat, graceful SIGTERM, several processes without double work, and
// a SIGKILL in the middle of a run.
import { spawn, type ChildProcess } from "node:child_process";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { createRedis, EVENTS_QUEUE, queuePrefix } from "~/data/queues.server";
import { readAllWorkerHeartbeats, readWorkerHeartbeat } from "~/data/heartbeat.server";
import { ORPHANED_ACTION_MESSAGE } from "~/services/runner/perform-action-runs";
import { closeSharedQueues } from "~/services/runner/worker.server";
import {
  countingServer,
  newEvent,
  newTask,
  runsOf,
  uniqueShop,
  waitFor,
  waitForEventDone,
} from "../services/runner/helpers";
import { freePort } from "../../../scripts/lib/free-port";
import { ensureProductionBuild } from "../../support/production-build";
import { hooklineSync } from "../../support/hookline-cli";

interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: Spawned[] = [];

function spawnWorker(env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, ["build/worker.js"], {
    cwd: process.cwd(),
    env: { ...process.env, HTTP_ACTION_ALLOW_PRIVATE: "1", WORKER_CONCURRENCY: "4", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const spawned = { child, output: () => out, exited };
  children.push(spawned);
  return spawned;
}

async function waitUntilReady(worker: Spawned) {
  await waitFor(
    async () => worker.output().includes("processing queues") || worker.child.exitCode !== null,
    20_000,
    "the worker to start",
  );
  if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.output()}`);
}

const redis = createRedis();

beforeAll(async () => {
  ensureProductionBuild();
  await redis.ping();
}, 600_000);

afterEach(async () => {
  // Stop any worker a failed test left running (only the processes this file started).
  for (const spawned of children.splice(0)) {
    if (spawned.child.exitCode === null && spawned.child.signalCode === null) {
      spawned.child.kill("SIGKILL");
      await spawned.exited;
    }
  }
});

afterAll(async () => {
  await redis.quit();
  await closeSharedQueues();
});

describe("worker process", () => {
  it("without Redis: prints one line saying how to start it, and exits 1", async () => {
    const worker = spawnWorker({ REDIS_URL: "redis://127.0.0.1:1" });
    const { code } = await worker.exited;
    expect(code).toBe(1);
    const lines = worker.output().trim().split("\n");
    // The same line the web server and `npm run dev` print (app/data/redis-check.server.ts).
    expect(lines).toEqual([
      'Hookline worker: cannot reach Redis at redis://127.0.0.1:1. Start it (e.g. "redis-server --daemonize yes") or set REDIS_URL.',
    ]);
  });

  it("writes a readable heartbeat, and on SIGTERM finishes the in-flight job and exits 0", async () => {
    const server = await countingServer((path) => ({ delayMs: path === "/slow" ? 1500 : 0 }));
    try {
      const worker = spawnWorker();
      await waitUntilReady(worker);
      const beat = await waitFor(
        async () => (await readAllWorkerHeartbeats(redis)).find((b) => b.pid === worker.child.pid),
        10_000,
        "heartbeat",
      );
      expect(beat).toMatchObject({ concurrency: 4 });
      expect(beat.ageMs).toBeLessThan(15_000);
      expect(Date.parse(beat.startedAt)).toBeLessThanOrEqual(Date.parse(beat.at));
      expect(await readWorkerHeartbeat(redis)).not.toBeNull();
      expect(await redis.ttl(`${await queuePrefix()}:worker-heartbeat`)).toBeGreaterThan(0);

      const shop = uniqueShop("sigterm");
      await newTask(shop, {
        subscriptions: "user/a/b",
        script: `{% action "http", method: "get", url: "${server.url}/slow" %}`,
      });
      const id = await newEvent(shop, "user/a/b", {});
      await waitFor(async () => server.count("/slow") === 1, 10_000, "the request to arrive");
      worker.child.kill("SIGTERM");
      const { code } = await worker.exited;
      expect(code).toBe(0);
      expect(worker.output()).toContain("[worker] stopped");
      const event = await prisma.event.findUniqueOrThrow({ where: { id } });
      expect(event.status).toBe("succeeded"); // the in-flight action finished before exit
      const [taskRun] = await runsOf(id);
      expect(taskRun.actionRuns[0]).toMatchObject({ status: "succeeded", attempts: 1 });
      expect((await readAllWorkerHeartbeats(redis)).find((b) => b.pid === worker.child.pid)).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it("with WORKER_HEALTH_PORT: serves /health (heartbeat, Redis, database), announced in its heartbeat for doctor", async () => {
    const port = await freePort();
    const worker = spawnWorker({ WORKER_HEALTH_PORT: String(port) });
    await waitUntilReady(worker);
    expect(worker.output()).toContain(`health at http://127.0.0.1:${port}/health`);
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
    const health = await response.json();
    expect(health).toMatchObject({ ok: true, pid: worker.child.pid, redis: "ok", database: "ok", problems: [] });
    expect(health.heartbeat.ageMs).toBeLessThan(15_000);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    const beat = await waitFor(
      async () => (await readAllWorkerHeartbeats(redis)).find((b) => b.pid === worker.child.pid),
      10_000,
      "heartbeat",
    );
    expect(beat.healthPort).toBe(port);
    // `hookline doctor` reads the heartbeat and asks the endpoint.
    const doctor = hooklineSync(["doctor"]);
    const line = doctor.stdout.split("\n").find((l) => l.includes("worker "));
    expect(line).toMatch(/^ok {3}worker/);
    expect(line).toContain(`pid ${worker.child.pid}@`);
    expect(line).toContain(`http://127.0.0.1:${port}/health ok`);
    worker.child.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
  }, 90_000);

  it("several worker processes with duplicate jobs never perform an action twice", async () => {
    const server = await countingServer();
    const queue = new Queue(EVENTS_QUEUE, { connection: createRedis(), prefix: await queuePrefix() });
    try {
      const workers = [spawnWorker({ SWEEP_INTERVAL_MS: "300" }), spawnWorker({ SWEEP_INTERVAL_MS: "300" })];
      await Promise.all(workers.map(waitUntilReady));
      const shop = uniqueShop("many");
      await newTask(shop, {
        subscriptions: "user/a/b",
        script: `{% action "http", method: "post", url: event.data.url, body: event.data %}{% action "cache", "incr", "total" %}`,
      });
      const ids: string[] = [];
      for (let n = 0; n < 60; n++) {
        const id = await newEvent(shop, "user/a/b", { n, url: `${server.url}/n/${n}` });
        ids.push(id);
        // A second and third job for the same event, as a re-delivery would produce.
        await queue.add("event", { eventId: id }, { jobId: `${id}-dup1` });
        await queue.add("event", { eventId: id }, { jobId: `${id}-dup2`, delay: 20 });
      }
      for (const id of ids) {
        try {
          expect((await waitForEventDone(id, 30_000)).status).toBe("succeeded");
        } catch (error) {
          const stuck = await prisma.event.findUnique({
            where: { id },
            include: { taskRuns: { include: { actionRuns: true } } },
          });
          console.error(
            JSON.stringify(stuck, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2),
            workers.map((w) => w.output().slice(-3000)).join("\n-----\n"),
          );
          throw error;
        }
      }
      for (let n = 0; n < 60; n++) expect(server.count(`/n/${n}`), `/n/${n}`).toBe(1);
      const actionRuns = await prisma.actionRun.findMany({ where: { taskRun: { event: { shop } } } });
      expect(actionRuns).toHaveLength(120);
      expect(actionRuns.every((a) => a.status === "succeeded" && a.attempts === 1)).toBe(true);
      expect((await prisma.cacheEntry.findUniqueOrThrow({ where: { shop_key: { shop, key: "total" } } })).value).toBe(
        "60",
      );
      expect(await prisma.taskRun.count({ where: { event: { shop } } })).toBe(60);
      for (const worker of workers) worker.child.kill("SIGTERM");
      for (const worker of workers) expect((await worker.exited).code).toBe(0);
    } finally {
      await queue.close();
      await server.close();
    }
  }, 180_000);

  it("killed with SIGKILL mid-run: no succeeded action repeats, the orphan is failed as documented, the event completes", async () => {
    const server = await countingServer((path) => ({ delayMs: path === "/slow" ? 30_000 : 0 }));
    const env = { ACTION_LEASE_MS: "1500", TASK_LEASE_MS: "1500", WORKER_LOCK_MS: "2000", SWEEP_INTERVAL_MS: "300" };
    try {
      const first = spawnWorker(env);
      await waitUntilReady(first);
      const shop = uniqueShop("sigkill");
      await newTask(shop, {
        subscriptions: "user/a/b",
        performActionRunsInSequence: true,
        script: `{% action "http", method: "get", url: "${server.url}/fast" %}{% action "http", method: "get", url: "${server.url}/slow" %}{% action "echo", "after" %}`,
      });
      const id = await newEvent(shop, "user/a/b", {});
      await waitFor(async () => server.count("/slow") === 1, 15_000, "the slow request to arrive");
      first.child.kill("SIGKILL");
      expect((await first.exited).signal).toBe("SIGKILL");
      const [during] = await runsOf(id);
      expect(during.actionRuns.map((a) => a.status)).toEqual(["succeeded", "running", "pending"]);

      const second = spawnWorker(env);
      await waitUntilReady(second);
      const event = await waitForEventDone(id, 30_000);
      expect(server.count("/fast")).toBe(1); // the succeeded action was not performed again
      expect(server.count("/slow")).toBe(1); // nor the one that was in flight (at-most-once)
      const [after] = await runsOf(id);
      expect(after.actionRuns.map((a) => a.status)).toEqual(["succeeded", "failed", "succeeded"]);
      expect(after.actionRuns[1].error).toBe(ORPHANED_ACTION_MESSAGE);
      expect(after.actionRuns[1].attempts).toBe(1);
      expect(event.status).toBe("failed");
      second.child.kill("SIGTERM");
      expect((await second.exited).code).toBe(0);
    } finally {
      await server.close();
    }
  }, 180_000);
});
