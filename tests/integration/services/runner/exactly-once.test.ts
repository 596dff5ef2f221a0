// Issue 16 items 2 and 9 on the real database (SQLite or PostgreSQL) through real BullMQ workers:
// exactly-once cache and event actions after a worker died mid-action, and the fan-out bounds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { getCacheValue } from "~/data/cache.server";
import { DEFAULT_FAN_OUT_LIMITS, EventBudgetError } from "~/domain/runs/fan-out-limits";
import type { EventRow } from "~/data/run-store";
import { createEventWithinBudget } from "~/services/runner/event-budget";
import { workerRunnerDeps } from "~/services/runner/worker-deps.server";
import { createRedis } from "~/data/queues.server";
import type { Redis } from "ioredis";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";
import { newEvent, newTask, runsOf, shopGraphql, uniqueShop, waitFor, waitForEventDone } from "./helpers";

let worker: StartedWorker;
let redis: Redis;

beforeAll(async () => {
  redis = createRedis();
  worker = await startWorker({
    concurrency: 4,
    lockMs: 5_000,
    sweepIntervalMs: 0,
    log: () => {},
    overrides: {
      adminGraphql: shopGraphql(),
      retryBaseMs: 20,
      actionLeaseMs: 10_000,
      taskLeaseMs: 10_000,
      random: () => 0.5,
      fanOut: { ...DEFAULT_FAN_OUT_LIMITS, maxEventsPerOrigin: 10 },
    },
  });
});

afterAll(async () => {
  redis?.disconnect();
  await worker.close();
  await closeSharedQueues();
});

/** Leaves the event's first action run as a worker that died performing it would (claimed long ago). */
async function orphanFirstAction(eventId: string, extra: { appliedEffect?: null } = {}) {
  const [run] = await runsOf(eventId);
  const action = run!.actionRuns[0]!;
  await prisma.actionRun.update({
    where: { id: action.id },
    data: { status: "running", attempts: 1, startedAt: new Date(Date.now() - 60_000), result: null, ...extra },
  });
  await prisma.event.update({ where: { id: eventId }, data: { status: "running", finishedAt: null } });
  return { taskRunId: run!.id, actionRunId: action.id };
}

describe("exactly-once actions after a dead worker (item 9)", () => {
  it("cache incr applied before the worker died: performed again, recorded, not counted twice", async () => {
    const shop = uniqueShop("once-applied");
    await newTask(shop, { subscriptions: "user/a/b", script: '{% action "cache", "incr", "count" %}' });
    const id = await newEvent(shop, "user/a/b", {});
    await waitForEventDone(id);
    expect(await getCacheValue(shop, "count")).toBe(1);
    const { taskRunId, actionRunId } = await orphanFirstAction(id);

    await worker.runner.processTaskRun(taskRunId);
    expect(await getCacheValue(shop, "count")).toBe(1);
    const action = await prisma.actionRun.findUniqueOrThrow({ where: { id: actionRunId } });
    expect(action).toMatchObject({ status: "succeeded", attempts: 2, appliedEffect: "1" });
    expect(JSON.parse(action.result!)).toMatchObject({ command: "incrby", value: 1 });
    expect((await waitForEventDone(id)).status).toBe("succeeded");
  });

  it("cache incr not applied before the worker died: performed again and applied once", async () => {
    const shop = uniqueShop("once-unapplied");
    await newTask(shop, { subscriptions: "user/a/b", script: '{% action "cache", "incrby", "count", 5 %}' });
    const id = await newEvent(shop, "user/a/b", {});
    await waitForEventDone(id);
    // As if the first attempt died before its transaction: no mark, no increment.
    await prisma.cacheEntry.deleteMany({ where: { shop } });
    const { taskRunId, actionRunId } = await orphanFirstAction(id, { appliedEffect: null });

    await worker.runner.processTaskRun(taskRunId);
    await worker.runner.processTaskRun(taskRunId); // a second look changes nothing
    expect(await getCacheValue(shop, "count")).toBe(5);
    expect(await prisma.actionRun.findUniqueOrThrow({ where: { id: actionRunId } })).toMatchObject({
      status: "succeeded",
      attempts: 2,
      appliedEffect: "5",
    });
  });

  it("cache set and del record their effect with it", async () => {
    const shop = uniqueShop("once-set");
    await newTask(shop, {
      subscriptions: "user/a/b",
      performActionRunsInSequence: true,
      script: '{% action "cache", "set", "a", 1 %}{% action "cache", "del", "a" %}{% action "cache", "del", "never" %}',
    });
    const id = await newEvent(shop, "user/a/b", {});
    expect((await waitForEventDone(id)).status).toBe("succeeded");
    const [run] = await runsOf(id);
    expect(run!.actionRuns.map((a) => a.appliedEffect)).toEqual(["set", "deleted", "absent"]);
    expect(JSON.parse(run!.actionRuns[2]!.result!)).toMatchObject({ deleted: false });
  });

  it("event action: performed again, it finds the event the dead attempt created", async () => {
    const shop = uniqueShop("once-event");
    await newTask(shop, { subscriptions: "user/a/b", script: '{% action "event", topic: "user/c/d", data: 1 %}' });
    const id = await newEvent(shop, "user/a/b", {});
    await waitForEventDone(id);
    const { taskRunId, actionRunId } = await orphanFirstAction(id);
    await worker.runner.processTaskRun(taskRunId);
    const children = await prisma.event.findMany({ where: { parentId: id } });
    expect(children).toHaveLength(1);
    const action = await prisma.actionRun.findUniqueOrThrow({ where: { id: actionRunId } });
    expect(action).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(JSON.parse(action.result!).event_id).toBe(children[0]!.id);
  });
});

describe("fan-out bounds (item 2)", () => {
  it(
    "a task emitting 3 events on its own topic stops at the chain's cap (10 here), all with the root as origin",
    {
      timeout: 60_000,
    },
    async () => {
      const shop = uniqueShop("fan");
      await newTask(shop, {
        subscriptions: "user/fan/out",
        script: '{% for i in (1..3) %}{% action "event", topic: "user/fan/out", data: i %}{% endfor %}',
      });
      const root = await newEvent(shop, "user/fan/out", 0);
      // Stops when every event is finished and none was added for a while.
      let last = -1;
      const events = await waitFor(
        async () => {
          const rows = await prisma.event.findMany({ where: { shop } });
          const settled = rows.length === last && rows.every((e) => e.status === "succeeded" || e.status === "failed");
          last = rows.length;
          if (!settled) await new Promise((resolve) => setTimeout(resolve, 400));
          return settled ? rows : null;
        },
        40_000,
        "the fan-out to stop",
      );
      // Without the cap: 363 events. With it, exactly 10, although 4 task runs create events at once:
      // the insert counts and reserves atomically (decision 0090).
      // Refused event actions also report mechanic/errors/action events (decision 0052): not part of the chain.
      const children = events.filter((e) => e.id !== root && !e.topic.startsWith("mechanic/errors/"));
      expect(children).toHaveLength(10);
      expect(children.every((e) => e.originId === root)).toBe(true);
      const refused = await prisma.actionRun.findMany({ where: { taskRun: { event: { shop } }, status: "failed" } });
      expect(refused.length).toBeGreaterThan(0);
      for (const a of refused) expect(a.error).toMatch(/^event limit reached/);
    },
  );

  it("creators of one chain racing each other never pass its cap: 40 at once, cap 10, exactly 10 created", async () => {
    const shop = uniqueShop("fan-race");
    const root = await newEvent(shop, "user/fan/out", 0);
    const cause = (await prisma.event.findUniqueOrThrow({ where: { id: root } })) as unknown as EventRow;
    const deps = workerRunnerDeps(redis, {
      renderTask: async () => {
        throw new Error("not rendering here");
      },
      fanOut: { ...DEFAULT_FAN_OUT_LIMITS, maxEventsPerOrigin: 10 },
    });
    // Every creator reads the count before any inserts: a read-then-insert budget would create all 40.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, n) =>
        createEventWithinBudget(
          cause,
          {
            shop,
            topic: "user/fan/child",
            data: n,
            source: "event_action",
            parentId: root,
            depth: 1,
            runAt: null,
            taskIds: null,
          },
          deps,
        ),
      ),
    );
    const created = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(created).toHaveLength(10);
    expect(refused).toHaveLength(30);
    for (const outcome of refused) {
      expect(outcome.reason).toBeInstanceOf(EventBudgetError);
      expect((outcome.reason as Error).message).toMatch(
        /^event limit reached: .*\(at most 10, EVENT_CHAIN_MAX_EVENTS\)/,
      );
    }
    expect(await prisma.event.count({ where: { originId: root } })).toBe(10);
  });

  it("events created by actions count toward the shop's rate limit from Settings", async () => {
    const shop = uniqueShop("fan-rate");
    await prisma.shop.create({ data: { domain: shop, rateLimitPerMinute: 2 } });
    await newTask(shop, {
      subscriptions: "user/a/b",
      script: '{% for i in (1..3) %}{% action "event", topic: "user/c/d", data: i %}{% endfor %}',
    });
    const id = await newEvent(shop, "user/a/b", {});
    const [run] = await waitFor(
      async () => {
        const runs = await runsOf(id);
        return runs[0]?.actionRuns.length === 3 &&
          runs[0].actionRuns.every((a) => a.status !== "running" && a.attempts >= 1)
          ? runs
          : null;
      },
      15_000,
      "the actions to be performed",
    );
    expect(await prisma.event.count({ where: { originId: id } })).toBe(2);
    const waiting = run!.actionRuns.filter((a) => a.status === "pending");
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.error).toMatch(/rate limit is used up: .*\(limit 2 per minute/);
  });

  it("a task run rendering more actions than TASK_RUN_MAX_ACTIONS fails and performs none", async () => {
    const shop = uniqueShop("fan-actions");
    await newTask(shop, {
      subscriptions: "user/a/b",
      script: `{% for i in (1..${DEFAULT_FAN_OUT_LIMITS.maxActionsPerTaskRun + 1}) %}{% action "echo", i %}{% endfor %}`,
    });
    const id = await newEvent(shop, "user/a/b", {});
    expect((await waitForEventDone(id, 30_000)).status).toBe("failed");
    const [run] = await runsOf(id);
    expect(run!.actionRuns).toHaveLength(0);
    expect(JSON.parse(run!.errors!)[0]).toMatch(/rendered 1001 actions; a task run may perform at most 1000/);
  });
});
