// Shop B, signed in with its own session token, cannot read or change shop A's webhook, task or
// event by id: every loader and action answers 404 and nothing of A's changes.
import { beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { SHOP_A, SHOP_B, asData, call, getRequest, postRequest, seedSession, statusOf } from "./support";
import prisma from "~/data/db.server";
import { createWebhook } from "~/data/webhooks.server";
import { createTask } from "~/data/tasks.server";
import * as home from "~/routes/app._index";
import * as webhooksIndex from "~/routes/app.webhooks._index";
import * as webhookDetail from "~/routes/app.webhooks.$id";
import * as tasksIndex from "~/routes/app.tasks._index";
import * as taskNew from "~/routes/app.tasks.new";
import * as taskEdit from "~/routes/app.tasks.$id";
import * as eventDetail from "~/routes/app.events.$id";

const ECHO = '{% action "echo", event.data %}';
let webhookId: string;
let taskId: string;
let eventId: string;

async function snapshot() {
  return {
    webhook: await prisma.webhook.findUnique({ where: { id: webhookId } }),
    task: await prisma.task.findUnique({ where: { id: taskId } }),
    event: await prisma.event.findUnique({
      where: { id: eventId },
      include: { taskRuns: { include: { actionRuns: true } } },
    }),
    events: await prisma.event.count(),
  };
}

describe("tenant isolation of the screens", () => {
  beforeAll(async () => {
    await seedSession(SHOP_A);
    await seedSession(SHOP_B);
    webhookId = (await createWebhook(SHOP_A, { name: "A's webhook", topic: "user/secret/thing" })).id;
    taskId = (await createTask(SHOP_A, { name: "A's task", subscriptions: "user/secret/thing", script: ECHO })).id;
    eventId = randomUUID();
    await prisma.event.create({
      data: {
        id: eventId,
        shop: SHOP_A,
        webhookId,
        topic: "user/secret/thing",
        data: '{"secret":"A"}',
        source: "user",
        status: "failed",
      },
    });
    const taskRunId = randomUUID();
    await prisma.taskRun.create({
      data: { id: taskRunId, eventId, taskId, taskVersion: 1, status: "succeeded", actions: "[]" },
    });
    await prisma.actionRun.create({
      data: {
        id: randomUUID(),
        taskRunId,
        position: 0,
        type: "echo",
        options: "{}",
        status: "failed",
        error: "boom",
        attempts: 5,
      },
    });
  });

  it("B gets 404 for A's webhook page and every webhook action, and A's webhook is unchanged", async () => {
    const before = await snapshot();
    expect(
      statusOf(await call(webhookDetail.loader, getRequest(SHOP_B, `/app/webhooks/${webhookId}`), { id: webhookId })),
    ).toBe(404);
    const attempts: Record<string, string>[] = [
      { intent: "update", name: "Hijacked", topic: "user/hijacked/now" },
      { intent: "test" },
      { intent: "disable" },
      { intent: "enable" },
      { intent: "regenerate" },
      { intent: "rotate-secret" },
      { intent: "finish-rotation" },
      { intent: "delete" },
    ];
    for (const fields of attempts) {
      const result = await call(webhookDetail.action, postRequest(SHOP_B, `/app/webhooks/${webhookId}`, fields), {
        id: webhookId,
      });
      expect(statusOf(result), `intent ${fields.intent}`).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
    // A still sees it.
    expect(
      statusOf(await call(webhookDetail.loader, getRequest(SHOP_A, `/app/webhooks/${webhookId}`), { id: webhookId })),
    ).toBeNull();
  });

  it("B gets 404 for A's task page and every task action, and A's task is unchanged", async () => {
    const before = await snapshot();
    expect(statusOf(await call(taskEdit.loader, getRequest(SHOP_B, `/app/tasks/${taskId}`), { id: taskId }))).toBe(404);
    const payload = JSON.stringify({ name: "Hijacked", subscriptions: "user/x/y", script: ECHO, options: {} });
    const attempts: Record<string, string>[] = [
      { intent: "save", payload },
      { intent: "dry-run", payload },
      { intent: "sentence", payload },
      { intent: "disable" },
      { intent: "enable" },
      { intent: "delete" },
    ];
    for (const fields of attempts) {
      const result = await call(taskEdit.action, postRequest(SHOP_B, `/app/tasks/${taskId}`, fields), { id: taskId });
      expect(statusOf(result), `intent ${fields.intent}`).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("B gets 404 for A's event page, replay and retry, and no event is created", async () => {
    const before = await snapshot();
    expect(
      statusOf(await call(eventDetail.loader, getRequest(SHOP_B, `/app/events/${eventId}`), { id: eventId })),
    ).toBe(404);
    for (const intent of ["replay", "retry"]) {
      const result = await call(eventDetail.action, postRequest(SHOP_B, `/app/events/${eventId}`, { intent }), {
        id: eventId,
      });
      expect(statusOf(result), `intent ${intent}`).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("B cannot dry-run a task against A's event", async () => {
    const result = asData(
      await call(
        taskNew.action,
        postRequest(SHOP_B, "/app/tasks/new", {
          intent: "dry-run",
          payload: JSON.stringify({ name: "x", subscriptions: "", script: ECHO, options: {}, eventId }),
        }),
      ),
    );
    expect(result).toMatchObject({
      intent: "dry-run",
      result: { ok: false, error: "That event does not exist in this store" },
    });
  });

  it("B's lists show none of A's webhooks, tasks or events; A's show them", async () => {
    const b = {
      home: asData(await call(home.loader, getRequest(SHOP_B, "/app"))),
      webhooks: asData(await call(webhooksIndex.loader, getRequest(SHOP_B, "/app/webhooks"))),
      tasks: asData(await call(tasksIndex.loader, getRequest(SHOP_B, "/app/tasks"))),
      editor: asData(await call(taskNew.loader, getRequest(SHOP_B, "/app/tasks/new"))),
    };
    expect(b.home.activity.map((e) => e.id)).not.toContain(eventId);
    expect(b.home.counts.events).toBe(0);
    expect(b.webhooks.webhooks.map((w) => w.id)).not.toContain(webhookId);
    expect(b.tasks.tasks.map((t) => t.id)).not.toContain(taskId);
    expect(b.editor.recentEvents.map((e) => e.id)).not.toContain(eventId);
    expect(b.editor.webhookTopics.map((w) => w.topic)).not.toContain("user/secret/thing");

    const a = asData(await call(home.loader, getRequest(SHOP_A, "/app")));
    expect(a.activity.map((e) => e.id)).toContain(eventId);
    expect(a.activity.find((e) => e.id === eventId)?.status).toBe("failed");
  });

  it("A can retry its failed action run and replay its event", async () => {
    const retried = asData(
      await call(eventDetail.action, postRequest(SHOP_A, `/app/events/${eventId}`, { intent: "retry" }), {
        id: eventId,
      }),
    );
    expect(retried).toMatchObject({ ok: true });
    const run = await prisma.actionRun.findFirstOrThrow({ where: { taskRun: { eventId } } });
    expect(run.status).toBe("pending");
    const replay = await call(eventDetail.action, postRequest(SHOP_A, `/app/events/${eventId}`, { intent: "replay" }), {
      id: eventId,
    });
    expect(statusOf(replay)).toBe(302);
    const newId = (replay as Response).headers.get("Location")!.match(/events\/([0-9a-f-]{36})/)![1]!;
    const copy = await prisma.event.findUniqueOrThrow({ where: { id: newId } });
    expect(copy).toMatchObject({
      shop: SHOP_A,
      topic: "user/secret/thing",
      data: '{"secret":"A"}',
      parentId: eventId,
      source: "replay",
    });
  });
});
