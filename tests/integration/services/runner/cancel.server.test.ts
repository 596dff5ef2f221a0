// Cancelling an event on the real database with the runner's real processors (fan-out, task-run
// jobs) called directly, so each step of the race is placed exactly: what had not started when
// the merchant cancelled is never performed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import prisma from "~/data/db.server";
import { createRedis } from "~/data/queues.server";
import { createSqlRunStore } from "~/data/hot-sql.server";
import { cancelEvent } from "~/services/runner/cancel.server";
import { fanOutEvent } from "~/services/runner/fan-out-event";
import { processTaskRun } from "~/services/runner/process-task-run";
import { closeSharedQueues } from "~/services/runner/worker.server";
import { workerRunnerDeps } from "~/services/runner/worker-deps.server";
import type { RunnerDeps } from "~/services/runner/deps";
import { countingServer, newEvent, newTask, runsOf, shopGraphql, uniqueShop } from "./helpers";

let redis: Redis;
let deps: RunnerDeps;

beforeAll(() => {
  redis = createRedis();
  deps = workerRunnerDeps(redis, {
    adminGraphql: shopGraphql(),
    httpPolicy: { allowPrivate: true, allowedHosts: [] },
    retryBaseMs: 60_000, // a failed attempt waits: the test decides when the retry comes due
    log: () => {},
  });
});

afterAll(async () => {
  await closeSharedQueues();
  redis.disconnect();
});

describe("cancelEvent", () => {
  it("a pending event is cancelled whole: its job later finds nothing to do", async () => {
    const shop = uniqueShop("cancel-pending");
    await newTask(shop, { subscriptions: "user/a/b", script: '{% action "echo", 1 %}' });
    const id = await newEvent(shop, "user/a/b", {});
    expect(await cancelEvent(id)).toEqual({ event: true, taskRuns: 0, actionRuns: 0, inFlight: 0 });
    expect(await fanOutEvent(id, deps)).toBe("finished-before");
    expect(await runsOf(id)).toEqual([]);
    const event = await prisma.event.findUniqueOrThrow({ where: { id } });
    expect(event.status).toBe("cancelled");
    expect(event.finishedAt).not.toBeNull();
  });

  it("a scheduled task run (subscription offset) is cancelled and never renders or performs", async () => {
    const shop = uniqueShop("cancel-scheduled");
    await newTask(shop, { subscriptions: "user/a/b+1.hour", script: '{% action "echo", 1 %}' });
    const id = await newEvent(shop, "user/a/b", {});
    expect(await fanOutEvent(id, deps)).toBe("processed");
    const [scheduled] = await runsOf(id);
    expect(scheduled!.status).toBe("pending");
    expect(await cancelEvent(id)).toMatchObject({ event: false, taskRuns: 1, actionRuns: 0 });
    // The run comes due (as its delayed job would): nothing happens.
    await prisma.taskRun.update({ where: { id: scheduled!.id }, data: { runAt: new Date(Date.now() - 1000) } });
    await processTaskRun(scheduled!.id, deps);
    const [after] = await runsOf(id);
    expect(after!.status).toBe("cancelled");
    expect(after!.actionRuns).toEqual([]);
    expect((await prisma.event.findUniqueOrThrow({ where: { id } })).status).toBe("cancelled");
  });

  it("an action waiting for its retry is cancelled and never performed again", async () => {
    const server = await countingServer(() => ({ status: 503 }));
    try {
      const shop = uniqueShop("cancel-retry");
      await newTask(shop, {
        subscriptions: "user/a/b",
        script: `{% action "http", method: "get", url: "${server.url}/down", error_on_5xx: true %}{% action "echo", 2 %}`,
      });
      const id = await newEvent(shop, "user/a/b", {});
      await fanOutEvent(id, deps);
      expect(server.count("/down")).toBe(1);
      const [taskRun] = await runsOf(id);
      expect(taskRun!.actionRuns.map((a) => a.status)).toEqual(["pending", "succeeded"]);
      expect(await cancelEvent(id)).toMatchObject({ event: false, taskRuns: 0, actionRuns: 1, inFlight: 0 });
      await prisma.actionRun.updateMany({ where: { taskRunId: taskRun!.id }, data: { nextAttemptAt: new Date(0) } });
      await processTaskRun(taskRun!.id, deps);
      expect(server.count("/down")).toBe(1);
      const [after] = await runsOf(id);
      expect(after!.actionRuns.map((a) => a.status)).toEqual(["cancelled", "succeeded"]);
      expect((await prisma.event.findUniqueOrThrow({ where: { id } })).status).toBe("cancelled");
    } finally {
      await server.close();
    }
  });

  it("a task run being rendered when cancelled stores nothing (no action runs appear)", async () => {
    const shop = uniqueShop("cancel-render");
    await newTask(shop, { subscriptions: "user/a/b+1.hour", script: '{% action "echo", 1 %}' });
    const id = await newEvent(shop, "user/a/b", {});
    await fanOutEvent(id, deps);
    const [run] = await runsOf(id);
    await prisma.taskRun.update({ where: { id: run!.id }, data: { runAt: new Date(Date.now() - 1000) } });
    const store = createSqlRunStore();
    expect(await store.claimTaskRun(run!.id, new Date(), new Date(0))).toBe(true); // a worker starts rendering
    expect(await cancelEvent(id)).toMatchObject({ taskRuns: 1 });
    const stored = await store.finishTaskRun(
      run!.id,
      1,
      { status: "succeeded", taskVersion: 1, actions: "[]", logs: "[]", errors: "[]", finishedAt: new Date() },
      [
        {
          id: `${run!.id.slice(0, -4)}beef`,
          taskRunId: run!.id,
          position: 0,
          type: "echo",
          options: "1",
          meta: null,
          status: "pending",
          attempts: 0,
          nextAttemptAt: null,
          startedAt: null,
          createdAt: new Date(),
        },
      ],
    );
    expect(stored).toBe(false);
    const [after] = await runsOf(id);
    expect(after!.status).toBe("cancelled");
    expect(after!.actionRuns).toEqual([]);
  });

  it("a finished event has nothing to cancel; an unknown id is null", async () => {
    const shop = uniqueShop("cancel-done");
    await newTask(shop, { subscriptions: "user/a/b", script: '{% action "echo", 1 %}' });
    const id = await newEvent(shop, "user/a/b", {});
    await fanOutEvent(id, deps);
    expect((await prisma.event.findUniqueOrThrow({ where: { id } })).status).toBe("succeeded");
    expect(await cancelEvent(id)).toEqual({ event: false, taskRuns: 0, actionRuns: 0, inFlight: 0 });
    expect((await prisma.event.findUniqueOrThrow({ where: { id } })).status).toBe("succeeded");
    expect(await cancelEvent("no-such-event")).toBeNull();
  });
});
