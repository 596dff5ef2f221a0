// Errors as events through real workers, the real database and Redis: a task that fails produces
// mechanic/errors/task, which an error-only task receives; its own failure produces nothing more.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { parseJson } from "~/domain/json";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";
import { newEvent, newTask, shopGraphql, uniqueShop, waitFor, waitForEventDone } from "./helpers";

let worker: StartedWorker;

beforeAll(async () => {
  worker = await startWorker({
    concurrency: 4,
    sweepIntervalMs: 0,
    syncSchedulers: false,
    log: () => {},
    overrides: { adminGraphql: shopGraphql() },
  });
});

afterAll(async () => {
  await worker.close();
  await closeSharedQueues();
});

describe("error events", () => {
  it("a failed task run reaches an error-only task; a failing handler adds none (loop guard)", async () => {
    const shop = uniqueShop("errors");
    const failing = await newTask(shop, { subscriptions: "user/orders/created", script: '{% error "no email" %}' });
    const alerter = await newTask(shop, {
      subscriptions: "mechanic/errors/task",
      script:
        '{% action "echo" event.data.message %}{% if event.data.message == "no email" %}{% error "alert failed too" %}{% endif %}',
    });
    const id = await newEvent(shop, "user/orders/created", { id: 1 });
    await waitForEventDone(id, 30_000);
    const taskError = await waitFor(
      () => prisma.event.findFirst({ where: { shop, topic: "mechanic/errors/task" } }),
      30_000,
      "the error event",
    );
    expect(taskError).toMatchObject({ parentId: id, source: "error", depth: 1 });
    expect(parseJson(taskError.data)).toMatchObject({ message: "no email", task: { id: failing.id }, event: { id } });
    await waitForEventDone(taskError.id, 30_000);
    const runs = await prisma.taskRun.findMany({ where: { eventId: taskError.id } });
    expect(runs).toEqual([expect.objectContaining({ taskId: alerter.id, status: "failed" })]);
    // Give a wrongly created second error event time to appear, then check there is none.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const topics = (await prisma.event.findMany({ where: { shop }, select: { topic: true } })).map((e) => e.topic);
    expect(topics.sort()).toEqual(["mechanic/errors/event", "mechanic/errors/task", "user/orders/created"]);
  });
});
