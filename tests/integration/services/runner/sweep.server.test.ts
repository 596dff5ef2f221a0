// The recovery sweep and lost work: rows whose jobs never existed are found and finished.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "@prisma/client";
import prisma from "~/data/db.server";
import { enqueuePendingEvents } from "~/data/events.server";
import { Queue } from "bullmq";
import {
  createRedis,
  enqueueEvent,
  EVENT_JOB,
  EVENTS_JOB,
  EVENTS_JOB_ID_PREFIX,
  EVENTS_QUEUE,
  queuePrefix,
  requeueEvent,
  scheduleTaskRun,
} from "~/data/queues.server";
import { sweepOnce } from "~/services/runner/sweep.server";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";
import { newTask, runsOf, shopGraphql, uniqueShop, waitFor, waitForEventDone } from "./helpers";

let worker: StartedWorker;

beforeAll(async () => {
  // The worker's own sweep is slowed down so this file's explicit sweeps are what recover work.
  worker = await startWorker({
    concurrency: 2,
    sweepIntervalMs: 0,
    log: () => {},
    overrides: { adminGraphql: shopGraphql(), taskLeaseMs: 1_000, actionLeaseMs: 1_000 },
  });
});

afterAll(async () => {
  await worker.close();
  await closeSharedQueues();
});

function sweep() {
  return sweepOnce({
    db: prisma,
    enqueueEvent: requeueEvent, // as the worker's sweep does
    enqueuePendingEvents: () => enqueuePendingEvents({ pendingAfterMs: 0 }),
    scheduleTaskRun,
    rollUpEvent: (id) => worker.runner.rollUpEvent(id),
    actionLeaseMs: 1_000,
    taskLeaseMs: 1_000,
    graceMs: 0,
  });
}

/**
 * A user/a/b event row and a failed job under its id, as a worker leaves them when the database went
 * away mid-job (failed jobs are kept under their id, so a plain add of the event's job is a no-op).
 * The worker fails the job because its eventId is not a string.
 */
async function eventWithFailedJob(
  row: Pick<Prisma.EventUncheckedCreateInput, "shop" | "data" | "status" | "createdAt" | "startedAt">,
) {
  const event = await prisma.event.create({ data: { id: randomUUID(), topic: "user/a/b", source: "user", ...row } });
  const queue = new Queue(EVENTS_QUEUE, { connection: createRedis(), prefix: await queuePrefix() });
  try {
    await queue.add(EVENT_JOB, { eventId: 0 }, { jobId: event.id, removeOnFail: 1000 });
    await waitFor(async () => (await queue.getJob(event.id))?.failedReason, 15_000, "the job to fail");
  } finally {
    await queue.close();
  }
  return event;
}

describe("recovery sweep", () => {
  it("enqueues an event committed without a job, a due task run without a job, and rolls up a forgotten event", async () => {
    const shop = uniqueShop("sweep");
    const task = await newTask(shop, { subscriptions: "user/a/b", script: '{% action "echo", event.data %}' });
    // 1. An event row whose enqueue never happened (crash between commit and enqueue).
    const lost = await prisma.event.create({
      data: {
        id: randomUUID(),
        shop,
        topic: "user/a/b",
        data: '{"lost":1}',
        source: "user",
        status: "pending",
        createdAt: new Date(Date.now() - 60_000),
      },
    });
    // 2. A task run that is due but whose delayed job vanished (Redis restarted without persistence).
    const parent = await prisma.event.create({
      data: {
        id: randomUUID(),
        shop,
        topic: "user/a/b",
        data: '{"due":1}',
        source: "user",
        status: "running",
        startedAt: new Date(),
      },
    });
    const dueRun = await prisma.taskRun.create({
      data: {
        id: randomUUID(),
        eventId: parent.id,
        taskId: task.id,
        taskVersion: 1,
        status: "pending",
        runAt: new Date(Date.now() - 10_000),
      },
    });
    // 3. An event whose runs all finished but whose status was never rolled up.
    const forgotten = await prisma.event.create({
      data: {
        id: randomUUID(),
        shop,
        topic: "user/a/b",
        data: "{}",
        source: "user",
        status: "running",
        startedAt: new Date(Date.now() - 10_000),
      },
    });
    await prisma.taskRun.create({
      data: {
        id: randomUUID(),
        eventId: forgotten.id,
        taskId: task.id,
        taskVersion: 1,
        status: "succeeded",
        actions: "[]",
        logs: "[]",
        errors: "[]",
      },
    });

    const report = await sweep();
    expect(report.events).toBeGreaterThanOrEqual(2);
    expect(report.taskRuns).toBeGreaterThanOrEqual(1);

    expect((await waitForEventDone(lost.id)).status).toBe("succeeded");
    const [lostRun] = await runsOf(lost.id);
    expect(lostRun.actionRuns[0].result).toBe('{"lost":1}');
    expect((await waitForEventDone(parent.id)).status).toBe("succeeded");
    const [recovered] = await runsOf(parent.id);
    expect(recovered.id).toBe(dueRun.id);
    expect(recovered.actionRuns[0].result).toBe('{"due":1}');
    expect((await prisma.event.findUniqueOrThrow({ where: { id: forgotten.id } })).status).toBe("succeeded");
  });

  it("leaves an event to the shared job still carrying it, and enqueues one whose shared job failed", async () => {
    const shop = uniqueShop("sweepshared");
    await newTask(shop, { subscriptions: "user/a/b", script: '{% action "echo", "ran" %}' });
    const pendingEvent = () =>
      prisma.event.create({
        data: {
          id: randomUUID(),
          shop,
          topic: "user/a/b",
          data: "{}",
          source: "user",
          status: "pending",
          createdAt: new Date(Date.now() - 60_000),
        },
      });
    const carried = [await pendingEvent(), await pendingEvent()];
    const orphaned = await pendingEvent();
    const queue = new Queue(EVENTS_QUEUE, { connection: createRedis(), prefix: await queuePrefix() });
    const carrierId = `${EVENTS_JOB_ID_PREFIX}${carried[0]!.id}`;
    const failedId = `${EVENTS_JOB_ID_PREFIX}${orphaned.id}`;
    try {
      // A shared job waiting out a retry's backoff still carries its events.
      await queue.add(EVENTS_JOB, { eventIds: carried.map((e) => e.id) }, { jobId: carrierId, delay: 3_600_000 });
      // A shared job the worker failed (one of its ids is not a string), kept for inspection.
      await queue.add(EVENTS_JOB, { eventIds: [orphaned.id, 0] }, { jobId: failedId, removeOnFail: 1000 });
      await waitFor(async () => (await queue.getJob(failedId))?.failedReason, 15_000, "the shared job to fail");

      await enqueuePendingEvents({ pendingAfterMs: 0 });
      // The orphaned event got a job of its own and ran; the carried ones were left to their job.
      expect((await waitForEventDone(orphaned.id)).status).toBe("succeeded");
      for (const event of carried) {
        expect(await queue.getJob(event.id)).toBeUndefined();
        expect((await prisma.event.findUniqueOrThrow({ where: { id: event.id } })).status).toBe("pending");
      }
      // Their job's turn: both run.
      await (await queue.getJob(carrierId))!.promote();
      for (const event of carried) expect((await waitForEventDone(event.id)).status).toBe("succeeded");
    } finally {
      await (await queue.getJob(carrierId))?.remove();
      await (await queue.getJob(failedId))?.remove();
      await queue.close();
    }
  });

  it("gives an event's job retries of its own, so a failure is looked at again within seconds, not at the next sweep", async () => {
    const eventId = randomUUID();
    // Delayed an hour: the worker leaves it alone while its options are read.
    expect(await enqueueEvent(eventId, new Date(Date.now() + 3_600_000))).toBe(true);
    const queue = new Queue(EVENTS_QUEUE, { connection: createRedis(), prefix: await queuePrefix() });
    try {
      const job = await queue.getJob(eventId);
      expect(job?.opts.attempts).toBe(3);
      expect(job?.opts.backoff).toEqual({ type: "exponential", delay: 1000 });
      await job?.remove();
    } finally {
      await queue.close();
    }
  });

  it("an event stuck running whose job failed (kept under the event's id) gets a new job and runs", async () => {
    const shop = uniqueShop("stuckfailed");
    await newTask(shop, { subscriptions: "user/a/b", script: '{% action "echo", "ran" %}' });
    // As a worker leaves it when the database went away after the claim: running, no task run, and
    // its job failed (kept for inspection under the event's id, so a plain add is a no-op).
    const stuck = await eventWithFailedJob({
      shop,
      data: "{}",
      status: "running",
      startedAt: new Date(Date.now() - 60_000),
    });
    // Still running with no task run: the sweep must bring it back.
    const report = await sweep();
    expect(report.events).toBeGreaterThanOrEqual(1);
    expect((await waitForEventDone(stuck.id)).status).toBe("succeeded");
    const [run] = await runsOf(stuck.id);
    expect(run!.actionRuns[0]!.result).toBe('"ran"');
  });

  it("re-renders a task run orphaned mid-render and fails a disabled task's run instantly", async () => {
    const shop = uniqueShop("orphanrender");
    const task = await newTask(shop, { subscriptions: "user/a/b", script: '{% action "echo", "rendered again" %}' });
    const event = await prisma.event.create({
      data: {
        id: randomUUID(),
        shop,
        topic: "user/a/b",
        data: "{}",
        source: "user",
        status: "running",
        startedAt: new Date(),
      },
    });
    await prisma.taskRun.create({
      data: {
        id: randomUUID(),
        eventId: event.id,
        taskId: task.id,
        taskVersion: 1,
        status: "running",
        attempts: 1,
        startedAt: new Date(Date.now() - 5_000),
      },
    });
    const disabled = await newTask(shop, {
      subscriptions: "user/x/y",
      script: '{% action "echo", 1 %}',
      enabled: false,
    });
    const other = await prisma.event.create({
      data: {
        id: randomUUID(),
        shop,
        topic: "user/x/y",
        data: "{}",
        source: "user",
        status: "running",
        startedAt: new Date(),
      },
    });
    await prisma.taskRun.create({
      data: {
        id: randomUUID(),
        eventId: other.id,
        taskId: disabled.id,
        taskVersion: 1,
        status: "pending",
        runAt: new Date(Date.now() - 5_000),
      },
    });

    await sweep();
    expect((await waitForEventDone(event.id)).status).toBe("succeeded");
    const [run] = await runsOf(event.id);
    expect(run.attempts).toBe(2);
    expect(run.actionRuns.map((a) => a.result)).toEqual(['"rendered again"']);
    expect((await waitForEventDone(other.id)).status).toBe("failed");
    const [disabledRun] = await runsOf(other.id);
    expect(disabledRun.status).toBe("failed");
    expect(JSON.parse(disabledRun.errors!)).toEqual(["task is disabled"]);
    expect(disabledRun.actionRuns).toHaveLength(0);
  });

  it("replaces an event's failed job, which would otherwise keep its id taken and the event pending for ever", async () => {
    const shop = uniqueShop("failedjob");
    await newTask(shop, { subscriptions: "user/a/b", script: '{% action "echo", event.data %}' });
    const event = await eventWithFailedJob({
      shop,
      data: '{"again":1}',
      status: "pending",
      createdAt: new Date(Date.now() - 60_000),
    });
    expect((await prisma.event.findUniqueOrThrow({ where: { id: event.id } })).status).toBe("pending");
    await sweep();
    expect((await waitForEventDone(event.id)).status).toBe("succeeded");
    const [run] = await runsOf(event.id);
    expect(run!.actionRuns[0]!.result).toBe('{"again":1}');
  });
});
