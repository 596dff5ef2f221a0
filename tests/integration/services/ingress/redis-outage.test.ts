// Durability: Redis stopped during ingress and restarted, and a crash between commit and enqueue.
// Uses its own throwaway redis-server (no persistence, like production's Redis here) so stopping
// it affects nothing else. Every 204'd event must end up with exactly one job.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Worker, type Queue } from "bullmq";
import prisma from "~/data/db.server";
import { loadConfig } from "~/config.server";
import { closeQueues } from "~/data/queues.server";
import { resetIngressState } from "~/services/ingress/handle-ingress.server";
import { enqueuePendingEvents } from "~/data/events.server";
import { freePort } from "../../../../scripts/lib/free-port";
import { SHOP, eventsOf, newWebhook, post, randomUUID, testQueue, until } from "./helpers";

let redis: ChildProcess | null = null;
let port = 0;
const previousRedisUrl = process.env.REDIS_URL;

function startRedis(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    redis = child;
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (!output.includes("Ready to accept connections"))
        reject(new Error(`redis-server exited (${code}): ${output}`));
    });
  });
}

function stopRedis(): Promise<void> {
  const child = redis;
  redis = null;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.on("exit", () => resolve());
    child.kill("SIGKILL"); // an outage, not a clean shutdown
  });
}

/** A pending event row with no job, as a crash right after its commit leaves it. */
async function insertPendingEvent(fields: { createdAt: Date; runAt?: Date }): Promise<string> {
  const webhook = await newWebhook();
  const { id } = await prisma.event.create({
    data: {
      id: randomUUID(),
      shop: SHOP,
      webhookId: webhook.id,
      topic: webhook.topic,
      data: "null",
      source: "user",
      status: "pending",
      ...fields,
    },
  });
  return id;
}

async function jobIds(queue: Queue): Promise<string[]> {
  const jobs = await queue.getJobs(["waiting", "delayed", "active", "completed", "failed", "prioritized", "paused"]);
  return jobs.map((job) => job.id!).sort();
}

let queue: Queue;

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  // Read when the events queue first connects, which happens in this file only.
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  loadConfig();
  queue = testQueue(process.env.REDIS_URL);
  resetIngressState();
});

afterAll(async () => {
  await queue?.close().catch(() => {});
  await closeQueues().catch(() => {});
  await stopRedis();
  if (previousRedisUrl === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = previousRedisUrl;
  loadConfig();
});

describe("Redis outage", () => {
  it("accepts while Redis is down, keeps events pending, and enqueues each exactly once after it returns", async () => {
    const webhook = await newWebhook({ rateLimitPerMinute: 10_000 });

    // 1. Redis up: enqueued right after the answer.
    const first = await post(webhook.id, { body: '{"n":0}', contentType: "application/json" });
    expect(first.status).toBe(204);
    const [firstEvent] = await eventsOf(webhook.id);
    expect(firstEvent!.status).toBe("pending");
    await until("the first event's job", async () => (await jobIds(queue)).includes(firstEvent!.id));

    // 2. Redis dies. Its memory (and the first job) is gone: no persistence.
    await stopRedis();
    const started = Date.now();
    for (let n = 1; n <= 5; n++) {
      const response = await post(webhook.id, { body: `{"n":${n}}`, contentType: "application/json" });
      expect(response.status).toBe(204);
    }
    expect(Date.now() - started).toBeLessThan(5 * 2_500); // fails fast, never hangs
    const duringOutage = await eventsOf(webhook.id);
    expect(duringOutage.map((e) => e.status)).toEqual(Array(6).fill("pending"));

    // A sweep while Redis is down changes nothing and reports the failure.
    const failedSweep = await enqueuePendingEvents({ pendingAfterMs: 0 });
    expect(failedSweep).toMatchObject({ enqueued: 0, failed: 1 });

    // 3. Redis returns (empty). Two sweeps at once, as from two processes.
    await startRedis();
    let recovered = 0;
    await until("the events queue to reconnect", async () => {
      const result = await enqueuePendingEvents({ pendingAfterMs: 0 }).catch(() => null);
      recovered += result?.enqueued ?? 0;
      return result && result.failed === 0;
    });
    // All six had no job: five never got one, and Redis lost the first one's.
    expect(recovered).toBeGreaterThanOrEqual(6);
    await Promise.all([enqueuePendingEvents({ pendingAfterMs: 0 }), enqueuePendingEvents({ pendingAfterMs: 0 })]);

    const after = await eventsOf(webhook.id);
    expect(after.map((e) => e.status)).toEqual(Array(6).fill("pending"));
    // Each event has exactly one job, including the first one that Redis lost. (The sweep covers the
    // whole database, so rows left by other test files may have jobs here too.)
    const ours = after.map((e) => e.id).sort();
    const jobs = await jobIds(queue);
    expect(jobs.filter((id) => ours.includes(id))).toEqual(ours);
    expect(new Set(jobs).size).toBe(jobs.length);

    // 4. A worker receives each event exactly once.
    const received: string[] = [];
    const worker = new Worker(
      "events",
      async (job) => {
        received.push(job.data.eventId as string);
      },
      {
        connection: { host: "127.0.0.1", port, maxRetriesPerRequest: null },
        prefix: process.env.HOOKLINE_QUEUE_PREFIX,
      },
    );
    try {
      await until("all events to be delivered", async () => ours.every((id) => received.includes(id)));
      await new Promise((r) => setTimeout(r, 500)); // room for a duplicate delivery to show up
      expect(received.filter((id) => ours.includes(id)).sort()).toEqual(ours);
      expect(new Set(received).size).toBe(received.length);
    } finally {
      await worker.close();
    }
  });

  it("answers without waiting for Redis: a frozen Redis delays no answer, and the job is added when it wakes", async () => {
    const webhook = await newWebhook();
    // Connected and warm, then frozen: the connection stays open and every command hangs, the way a
    // Redis that is swapping or blocked behaves. The enqueue's own time limit is 2 s.
    await post(webhook.id, { body: "warm", contentType: "text/plain" });
    redis!.kill("SIGSTOP");
    let answeredIn: number;
    try {
      const started = Date.now();
      const response = await post(webhook.id, { body: '{"frozen":true}', contentType: "application/json" });
      answeredIn = Date.now() - started;
      expect(response.status).toBe(204);
    } finally {
      redis!.kill("SIGCONT");
    }
    expect(answeredIn).toBeLessThan(1_000);
    const events = await eventsOf(webhook.id);
    const frozen = events.find((e) => e.data === '{"frozen":true}')!;
    expect(frozen.status).toBe("pending");
    // The add that was left waiting goes through once Redis runs again (or the sweep would add it).
    await until("the job of the event stored while Redis was frozen", () => queue.getJob(frozen.id));
    expect((await jobIds(queue)).filter((id) => id === frozen.id)).toHaveLength(1);
  });

  it("a crash between commit and enqueue: the sweep enqueues the pending row once", async () => {
    // The state a crash right after the commit leaves: a pending row and no job.
    const id = await insertPendingEvent({ createdAt: new Date(Date.now() - 60_000) });
    expect(await queue.getJob(id)).toBeUndefined();
    // Too recent rows are left alone (their own request may still be enqueueing them).
    const fresh = await insertPendingEvent({ createdAt: new Date() });

    // No limit in practice: other test files add rows to this database while this runs.
    const [a, b] = await Promise.all([
      enqueuePendingEvents({ limit: 100_000 }),
      enqueuePendingEvents({ limit: 100_000 }),
    ]);
    expect(a.enqueued + b.enqueued).toBeGreaterThanOrEqual(1);
    expect((await queue.getJob(id))?.data).toEqual({ eventId: id });
    expect(await queue.getJob(fresh)).toBeUndefined();
    const row = await prisma.event.findUnique({ where: { id } });
    expect(row?.status).toBe("pending"); // until a worker claims it
    expect((await jobIds(queue)).filter((jobId) => jobId === id)).toHaveLength(1);

    // The job is still waiting (no worker here): the next sweep leaves it alone. It looks only at
    // rows that were already old enough for the sweeps above, so rows other test files create
    // meanwhile (their jobs are in the shared Redis, not this one) cannot count here.
    const again = await enqueuePendingEvents({ pendingAfterMs: 30_000, limit: 100_000 });
    expect(again.enqueued).toBe(0);
    expect((await jobIds(queue)).filter((jobId) => jobId === id)).toHaveLength(1);
  });

  it("a scheduled event whose job was lost is enqueued once it is due, not before", async () => {
    const id = await insertPendingEvent({
      createdAt: new Date(Date.now() - 60_000),
      runAt: new Date(Date.now() + 60_000),
    });
    await enqueuePendingEvents();
    expect(await queue.getJob(id)).toBeUndefined(); // a delayed job is expected to be waiting in Redis

    await prisma.event.update({ where: { id }, data: { runAt: new Date(Date.now() - 1_000) } });
    await enqueuePendingEvents();
    const job = await queue.getJob(id);
    expect(job?.data).toEqual({ eventId: id });
    expect(job?.opts.delay ?? 0).toBe(0); // due already: runs now
  });
});
