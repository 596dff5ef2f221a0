// The scheduler against real Redis (BullMQ job schedulers) and the real database: one scheduler per
// shop and interval while an enabled task needs it, and exactly one event per tick however many
// workers run, with a clock the test controls.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { schedulerQueue, SCHEDULER_TICK_JOB } from "~/data/queues.server";
import { schedulerId, storeShopTimeZone, syncShopSchedulers } from "~/data/schedulers.server";
import { deleteTask, setTaskEnabled } from "~/data/tasks.server";
import { shopUninstalled } from "~/services/shops/installation.server";
import { saveTaskFromForm } from "~/services/admin/tasks.server";
import { tasksChanged } from "~/services/tasks/tasks-changed.server";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";
import { schedulerEventId } from "~/services/runner/scheduler-tick";
import { newTask, shopGraphql, uniqueShop, waitFor } from "./helpers";

async function schedulersOf(shop: string) {
  const queue = await schedulerQueue();
  const all = await queue.getJobSchedulers(0, -1, true);
  return all
    .filter((s) => s.key.startsWith(`${shop}/`))
    .map((s) => ({ id: s.key, pattern: s.pattern, tz: s.tz }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

afterAll(async () => {
  await closeSharedQueues();
});

describe("job schedulers follow the enabled tasks", () => {
  it("one per shop and interval, offsets sharing their interval's, in the shop's time zone; gone when unneeded", async () => {
    const shop = uniqueShop("sched-sync");
    await prisma.shop.create({ data: { domain: shop } });
    const daily = await newTask(shop, {
      subscriptions: ["mechanic/scheduler/daily+5.hours", "mechanic/scheduler/daily", "user/a/b"],
      script: "",
    });
    const hourly = await newTask(shop, { subscriptions: "mechanic/scheduler/hourly", script: "" });
    // The data layer's writes touch the database only; the services' hook syncs (decision 0096).
    expect(await schedulersOf(shop)).toEqual([]);
    await tasksChanged(shop, "test");
    expect(await schedulersOf(shop)).toEqual([
      { id: `${shop}/daily`, pattern: "0 0 * * *", tz: "UTC" },
      { id: `${shop}/hourly`, pattern: "0 * * * *", tz: "UTC" },
    ]);

    // Three processes syncing at once still leave one scheduler each.
    await storeShopTimeZone(shop, "America/New_York");
    await Promise.all([syncShopSchedulers(shop), syncShopSchedulers(shop), syncShopSchedulers(shop)]);
    expect(await schedulersOf(shop)).toEqual([
      { id: `${shop}/daily`, pattern: "0 0 * * *", tz: "America/New_York" },
      { id: `${shop}/hourly`, pattern: "0 * * * *", tz: "America/New_York" },
    ]);

    await setTaskEnabled(shop, hourly.id, false);
    await tasksChanged(shop, "task disabled");
    expect((await schedulersOf(shop)).map((s) => s.id)).toEqual([`${shop}/daily`]);
    await setTaskEnabled(shop, hourly.id, true);
    await tasksChanged(shop, "task enabled");
    expect((await schedulersOf(shop)).map((s) => s.id)).toEqual([`${shop}/daily`, `${shop}/hourly`]);
    await deleteTask(shop, daily.id);
    await tasksChanged(shop, "task deleted");
    expect((await schedulersOf(shop)).map((s) => s.id)).toEqual([`${shop}/hourly`]);
    // The task screen's save calls the hook itself: a new Monday task has its scheduler once saved.
    const saved = await saveTaskFromForm(shop, null, {
      name: "Mondays",
      subscriptions: "mechanic/scheduler/monday",
      script: '{% action "echo", "monday" %}',
      options: {},
      performActionRunsInSequence: false,
      haltActionRunSequenceOnError: false,
      enabled: true,
    });
    expect(saved).toMatchObject({ ok: true });
    expect((await schedulersOf(shop)).map((s) => s.id)).toEqual([`${shop}/hourly`, `${shop}/monday`]);
    await shopUninstalled(shop);
    expect(await schedulersOf(shop)).toEqual([]);
  });
});

describe("ticks", () => {
  const workers: StartedWorker[] = [];
  // The clock every worker reads; the test moves it.
  let clock = new Date("2026-03-08T05:00:00.000Z");

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      workers.push(
        await startWorker({
          concurrency: 4,
          sweepIntervalMs: 0,
          syncSchedulers: false,
          log: () => {},
          schedulerClock: () => clock,
          overrides: { adminGraphql: shopGraphql() },
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
  });

  it("three workers and repeated jobs for one tick create exactly one event, which reaches the subscribed task", async () => {
    const shop = uniqueShop("sched-tick");
    await prisma.shop.create({ data: { domain: shop, ianaTimezone: "America/New_York" } });
    const task = await newTask(shop, { subscriptions: "mechanic/scheduler/daily", script: '{% action "echo" 1 %}' });
    // New York's midnight on the day clocks go forward (2026-03-08): 05:00 UTC.
    clock = new Date("2026-03-08T05:00:00.300Z");
    const queue = await schedulerQueue();
    const job = { shop, interval: "daily", timeZone: "America/New_York" };
    // Six deliveries of the same tick (three producers, retries) for three workers.
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => queue.add(SCHEDULER_TICK_JOB, job, { jobId: `test-${shop}-${i}` })),
    );
    const tickId = schedulerEventId(shop, "daily", new Date("2026-03-08T05:00:00.000Z"));
    await waitFor(
      async () =>
        (await queue.getJobCounts("wait", "active", "delayed")).wait === 0 && (await queue.getActiveCount()) === 0,
      30_000,
      "tick jobs processed",
    );
    const events = await prisma.event.findMany({ where: { shop }, select: { id: true, topic: true, source: true } });
    expect(events).toEqual([{ id: tickId, topic: "mechanic/scheduler/daily", source: "scheduler" }]);
    const run = await waitFor(
      () => prisma.taskRun.findFirst({ where: { eventId: tickId, status: "succeeded" } }),
      30_000,
      "the task run",
    );
    expect(run.taskId).toBe(task.id);

    // The clock moves on a day: the next tick is a new event; a late job (workers were down for three
    // days) creates only the latest tick, not the missed ones.
    clock = new Date("2026-03-12T04:59:58.000Z"); // 2 s before New York's midnight (EDT now): counts as that tick
    await queue.add(SCHEDULER_TICK_JOB, job, { jobId: `test-${shop}-late` });
    await waitFor(async () => (await prisma.event.count({ where: { shop } })) === 2, 30_000, "the late tick");
    const ids = (await prisma.event.findMany({ where: { shop }, select: { id: true } })).map((e) => e.id).sort();
    expect(ids).toEqual([tickId, schedulerEventId(shop, "daily", new Date("2026-03-12T04:00:00.000Z"))].sort());
  });

  it("a real job scheduler's repeated firings within one tick make one event", async () => {
    const shop = uniqueShop("sched-real");
    await prisma.shop.create({ data: { domain: shop, ianaTimezone: "Europe/Paris" } });
    clock = new Date("2026-10-25T00:07:00.000Z"); // after Paris goes back to CET: 01:07 local
    const queue = await schedulerQueue();
    // Every second, so the test need not wait for a 10-minute boundary; the workers' clock stays in one tick.
    await queue.upsertJobScheduler(
      schedulerId(shop, "10min"),
      { every: 300 },
      { name: SCHEDULER_TICK_JOB, data: { shop, interval: "10min", timeZone: "Europe/Paris" } },
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    } finally {
      await queue.removeJobScheduler(schedulerId(shop, "10min"));
    }
    await waitFor(async () => (await prisma.event.count({ where: { shop } })) === 1, 15_000, "one event");
    const event = await prisma.event.findFirstOrThrow({ where: { shop } });
    expect(event.id).toBe(schedulerEventId(shop, "10min", new Date("2026-10-25T00:00:00.000Z")));
  });
});
