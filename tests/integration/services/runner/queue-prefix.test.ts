// Two installations (two databases) sharing one Redis (issue 13, bug 2). Without
// HOOKLINE_QUEUE_PREFIX each derives its queue prefix from its database's identity, so neither
// takes the other's jobs; and a worker that does get a job for an event its database does not hold
// says so loudly and counts it for `hookline doctor`, instead of dropping it silently.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { createPrismaClient, databaseUrl } from "~/data/db.server";
import { readInstallationId } from "~/data/installation.server";
import { createRedis, defaultQueuePrefix, EVENT_JOB, EVENTS_QUEUE } from "~/data/queues.server";
import { createTask } from "~/data/tasks.server";
import { waitFor } from "./helpers";
import { ensureProductionBuild } from "../../../support/production-build";
import { hooklineSync } from "../../../support/hookline-cli";
import { removeRedisKeys } from "../../../../scripts/lib/redis-keys";

const secondFile = `tests/output/second-installation-${randomUUID().slice(0, 8)}.sqlite`;
const secondUrl = `file:./${secondFile}`;
const second = createPrismaClient(secondUrl);
const redis = createRedis();
const children: ChildProcess[] = [];
const started: Started[] = [];
const prefixes: string[] = [];

interface Started {
  child: ChildProcess;
  output: () => string;
  prefix: string;
}

/** A worker process for a database, with no HOOKLINE_QUEUE_PREFIX (the default prefix). */
async function startWorker(url: string): Promise<Started> {
  // The compiled worker (`npm run worker`): it starts without compiling the app's sources each time.
  const child = spawn(process.execPath, ["build/worker.js"], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      HOOKLINE_QUEUE_PREFIX: "",
      WORKER_CONCURRENCY: "2",
      SWEEP_INTERVAL_MS: "3600000", // this test adds every job itself
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  await waitFor(async () => out.includes("processing queues") || child.exitCode !== null, 30_000, "a worker");
  if (child.exitCode !== null) throw new Error(`worker exited:\n${out}`);
  const prefix = /\(prefix ([^,]+),/.exec(out)?.[1];
  if (!prefix) throw new Error(`no prefix in:\n${out}`);
  prefixes.push(prefix);
  const worker = { child, output: () => out, prefix };
  started.push(worker);
  return worker;
}

async function eventDone(db: typeof prisma, id: string) {
  return waitFor(
    async () => {
      const row = await db.event.findUnique({ where: { id } });
      return row && (row.status === "succeeded" || row.status === "failed") ? row : null;
    },
    30_000,
    `event ${id}`,
  );
}

/** An event committed in `db` and its job added under `prefix`, as that installation's ingress does. */
async function eventFor(db: typeof prisma, prefix: string, shop: string, data: unknown): Promise<string> {
  const id = randomUUID();
  await db.event.create({ data: { id, shop, topic: "user/a/b", source: "user", data: JSON.stringify(data) } });
  const queue = new Queue(EVENTS_QUEUE, { connection: createRedis(), prefix });
  await queue.add(EVENT_JOB, { eventId: id }, { jobId: id, removeOnComplete: true });
  await queue.close();
  return id;
}

beforeAll(() => {
  ensureProductionBuild();
  mkdirSync("tests/output", { recursive: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    stdio: "pipe",
    env: { ...process.env, DATABASE_URL: secondUrl },
  });
}, 600_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  for (const prefix of prefixes) await removeRedisKeys(prefix);
  await redis.quit();
  await second.$disconnect();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(secondFile + suffix, { force: true });
});

describe("two installations on one Redis", () => {
  it("each database has one installation id, the same for every process that asks", async () => {
    const [a, b] = await Promise.all([readInstallationId(prisma), readInstallationId(createPrismaClient())]);
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    const other = await readInstallationId(second);
    expect(other).not.toBe(a);
    expect(defaultQueuePrefix(a)).toBe(`hookline-${a.slice(0, 12)}`);
    expect(defaultQueuePrefix(other)).not.toBe(defaultQueuePrefix(a));
  });

  it("get different default prefixes: each worker processes only its own database's events", async () => {
    const [first, other] = await Promise.all([startWorker(databaseUrl()), startWorker(secondUrl)]);
    expect(first.prefix).toBe(defaultQueuePrefix(await readInstallationId(prisma)));
    expect(other.prefix).toBe(defaultQueuePrefix(await readInstallationId(second)));
    expect(first.prefix).not.toBe(other.prefix);

    const shop = `prefix-${randomUUID().slice(0, 8)}.myshopify.com`;
    const task = { name: "Echo", subscriptions: "user/a/b", script: '{% action "echo", event.data %}' };
    await createTask(shop, task);
    await createTask(shop, task, second);
    const ids = { first: [] as string[], other: [] as string[] };
    for (let n = 0; n < 10; n++) {
      ids.first.push(await eventFor(prisma, first.prefix, shop, { db: 1, n }));
      ids.other.push(await eventFor(second, other.prefix, shop, { db: 2, n }));
    }
    for (const id of ids.first) expect((await eventDone(prisma, id)).status).toBe("succeeded");
    for (const id of ids.other) expect((await eventDone(second, id)).status).toBe("succeeded");
    for (const worker of [first, other]) {
      expect(worker.output()).not.toContain("is not in this database");
      expect(await redis.exists(`${worker.prefix}:foreign-jobs`)).toBe(0);
    }
  });

  it("a job for an event the database does not hold is logged loudly and counted; doctor reports it", async () => {
    const worker = await startWorker(databaseUrl());
    // What a second installation sharing this prefix would enqueue: its own event's id.
    const queue = new Queue(EVENTS_QUEUE, { connection: createRedis(), prefix: worker.prefix });
    const foreignId = randomUUID();
    await queue.add(EVENT_JOB, { eventId: foreignId }, { jobId: foreignId, removeOnComplete: true });
    await queue.close();
    // Any worker of this installation may take it (the previous test's is still running).
    const logged = () =>
      started
        .filter((w) => w.prefix === worker.prefix)
        .map((w) => w.output())
        .join("\n");
    await waitFor(async () => logged().includes(`event ${foreignId} is not in this database`), 20_000, "the log");
    expect(logged()).toContain(`queue prefix "${worker.prefix}"`);
    // The worker logs first, then counts (a Redis write that may land a moment after the log line).
    await waitFor(async () => (await redis.exists(`${worker.prefix}:foreign-jobs`)) === 1, 20_000, "the count");
    const counted = await redis.hgetall(`${worker.prefix}:foreign-jobs`);
    expect(counted).toMatchObject({ count: "1", lastEventId: foreignId });

    const doctor = hooklineSync(["doctor"], {
      env: { ...process.env, DATABASE_URL: databaseUrl(), HOOKLINE_QUEUE_PREFIX: "" },
    });
    const line = doctor.stdout.split("\n").find((l) => l.includes("foreign jobs"));
    expect(line, doctor.stdout + doctor.stderr).toMatch(/^FAIL foreign jobs +1 job\(s\) in the last 24 h/);
    expect(line).toContain(foreignId);
    expect(doctor.code).toBe(1);
  });
});
