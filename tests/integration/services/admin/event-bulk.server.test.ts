// "Retry failed" and "Cancel" on many events (the Events page) on the real database and the runner's
// real processors: the confirmation's counts match what is done, and only the shop's events move.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import prisma from "~/data/db.server";
import { createRedis } from "~/data/queues.server";
import { cancelEvents, previewBulk, retryEvents } from "~/services/admin/event-bulk.server";
import { cancelConfirmation, retryConfirmation } from "~/domain/events/bulk-confirmation";
import { ORPHANED_ACTION_MESSAGE } from "~/services/runner/perform-action-runs";
import { fanOutEvent } from "~/services/runner/fan-out-event";
import { processTaskRun } from "~/services/runner/process-task-run";
import { closeSharedQueues } from "~/services/runner/worker.server";
import { workerRunnerDeps } from "~/services/runner/worker-deps.server";
import type { RunnerDeps } from "~/services/runner/deps";
import { countingServer, newEvent, newTask, runsOf, shopGraphql, uniqueShop } from "../runner/helpers";

let redis: Redis;
let deps: RunnerDeps;
let failing = true;

beforeAll(() => {
  redis = createRedis();
  deps = workerRunnerDeps(redis, {
    adminGraphql: shopGraphql(() =>
      failing
        ? { status: 200, body: { errors: [{ message: "Access denied" }] } }
        : { status: 200, body: { data: { ok: true } } },
    ),
    httpPolicy: { allowPrivate: true, allowedHosts: [] },
    log: () => {},
  });
});

afterAll(async () => {
  await closeSharedQueues();
  redis.disconnect();
});

describe("bulk retry", () => {
  it("counts the failed actions (and Shopify writes), retries exactly those, and ignores other shops' ids", async () => {
    const server = await countingServer();
    try {
      const shop = uniqueShop("bulk-retry");
      await newTask(shop, {
        subscriptions: "user/a/b",
        script: `{% action "http", method: "get", url: "${server.url}/x" %}{% action "shopify" %}mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["x"]) { userErrors { message } } }{% endaction %}{% action "echo", 1 %}`,
      });
      const failedEvent = await newEvent(shop, "user/a/b", { n: 1 });
      await fanOutEvent(failedEvent, deps);
      const [run] = await runsOf(failedEvent);
      expect(run!.errors).toBe("[]");
      // The HTTP call was made, but its worker died before recording it: failed, not retried
      // automatically (at-most-once). The merchant retries it by hand.
      await prisma.actionRun.update({
        where: { id: run!.actionRuns[0]!.id },
        data: { status: "failed", error: ORPHANED_ACTION_MESSAGE },
      });
      expect((await runsOf(failedEvent))[0]!.actionRuns.map((a) => a.status)).toEqual([
        "failed",
        "failed",
        "succeeded",
      ]);
      await prisma.event.update({ where: { id: failedEvent }, data: { status: "failed" } });
      const untouched = await newEvent(shop, "user/c/d", {}); // no subscriber: succeeds with nothing to retry
      await fanOutEvent(untouched, deps);
      const otherShop = uniqueShop("bulk-other");
      const foreign = await newEvent(otherShop, "user/a/b", {});

      const preview = await previewBulk(shop, [failedEvent, untouched, foreign]);
      expect(preview.events).toBe(2);
      expect(preview.retry).toEqual({ events: 1, taskRuns: 0, actionRuns: 2, shopifyActionRuns: 1, unprocessed: 0 });
      expect(retryConfirmation(preview.retry)).toBe(
        "2 failed actions will be performed again. 1 of the actions is a Shopify write: it will change the store again.",
      );

      failing = false;
      expect(await retryEvents(shop, [failedEvent, untouched, foreign])).toEqual({
        events: 1,
        taskRuns: 0,
        actionRuns: 2,
      });
      await processTaskRun(run!.id, deps); // the job retryEvent scheduled
      const [after] = await runsOf(failedEvent);
      expect(after!.actionRuns.map((a) => a.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
      expect(server.count("/x")).toBe(2); // the failed one again, never the succeeded echo's neighbours
      expect((await prisma.event.findUniqueOrThrow({ where: { id: failedEvent } })).status).toBe("succeeded");
      // The other shop's event was not touched.
      expect((await prisma.event.findUniqueOrThrow({ where: { id: foreign } })).status).toBe("pending");
      // Nothing failed any more.
      expect((await previewBulk(shop, [failedEvent])).retry.actionRuns).toBe(0);
    } finally {
      await server.close();
      failing = true;
    }
  });
});

describe("bulk cancel", () => {
  it("counts and cancels pending events and scheduled runs; cancelled ones perform nothing", async () => {
    const shop = uniqueShop("bulk-cancel");
    await newTask(shop, { subscriptions: "user/a/b+1.hour", script: '{% action "echo", 1 %}' });
    const scheduled = await newEvent(shop, "user/a/b", {});
    await fanOutEvent(scheduled, deps);
    const pending = await newEvent(shop, "user/a/b", {});
    const foreign = await newEvent(uniqueShop("bulk-cancel-other"), "user/a/b", {});

    const preview = await previewBulk(shop, [scheduled, pending, foreign]);
    expect(preview.cancel).toEqual({ events: 2, pendingEvents: 1, taskRuns: 1, actionRuns: 0 });
    expect(cancelConfirmation(preview.cancel)).toBe(
      "1 event not started yet, 1 task run waiting will be cancelled and never performed. Actions already being performed finish.",
    );
    expect(await cancelEvents(shop, [scheduled, pending, foreign])).toEqual({
      events: 2,
      taskRuns: 1,
      actionRuns: 0,
      inFlight: 0,
    });
    expect(await fanOutEvent(pending, deps)).toBe("finished-before");
    const [run] = await runsOf(scheduled);
    await prisma.taskRun.update({ where: { id: run!.id }, data: { runAt: new Date(0) } });
    await processTaskRun(run!.id, deps);
    expect((await runsOf(scheduled))[0]!.actionRuns).toEqual([]);
    const statuses = await prisma.event.findMany({ where: { id: { in: [scheduled, pending, foreign] } } });
    expect(Object.fromEntries(statuses.map((e) => [e.id, e.status]))).toEqual({
      [scheduled]: "cancelled",
      [pending]: "cancelled",
      [foreign]: "pending",
    });
    expect((await previewBulk(shop, [scheduled, pending])).cancel.events).toBe(0);
  });
});
