// The event page stays small whatever was posted (issue 16, item 10): JSON is shown indented only
// to a fixed depth and shortened past a size, and the stored text is a download away.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, asData, call, getRequest, seedSession, statusOf } from "./support";
import prisma from "~/data/db.server";
import * as eventDetail from "~/routes/app.events.$id";
import * as eventRaw from "~/routes/app.events.$id_.raw";
import { JSON_DISPLAY_LIMITS } from "~/domain/json-display";

const deepData = "[".repeat(3000) + '"bottom"' + "]".repeat(3000); // about 6 KB
const bigData = JSON.stringify({ items: Array.from({ length: 40_000 }, (_, i) => ({ i, name: `item ${i}` })) });
let deepEvent: string;
let bigEvent: string;
let actionRunId: string;
let taskRunId: string;

beforeAll(async () => {
  await seedSession(SHOP_A);
  await seedSession(SHOP_B);
  deepEvent = randomUUID();
  bigEvent = randomUUID();
  const task = await prisma.task.create({
    data: { id: randomUUID(), shop: SHOP_A, name: "Echo", subscriptions: "user/deep/posted", script: "" },
  });
  for (const [id, data] of [
    [deepEvent, deepData],
    [bigEvent, bigData],
  ] as const) {
    await prisma.event.create({
      data: { id, shop: SHOP_A, topic: "user/deep/posted", data, source: "user", status: "succeeded" },
    });
  }
  // A task run on the deep event whose action echoed the data back: every block holds the deep JSON.
  taskRunId = randomUUID();
  actionRunId = randomUUID();
  await prisma.taskRun.create({
    data: {
      id: taskRunId,
      eventId: deepEvent,
      taskId: task.id,
      taskVersion: 1,
      status: "succeeded",
      actions: `[{"type":"echo","options":${deepData}}]`,
      logs: JSON.stringify([JSON.parse(deepData)]),
      errors: "[]",
      actionRuns: {
        create: {
          id: actionRunId,
          position: 0,
          type: "echo",
          options: deepData,
          result: deepData,
          status: "succeeded",
        },
      },
    },
  });
});

async function loaded(id: string) {
  return asData(await call(eventDetail.loader, getRequest(SHOP_A, `/app/events/${id}`), { id }));
}

describe("event page size", () => {
  it("a 6 KB body nested 3,000 deep gives a page of a few KB per block, not 18 MB", async () => {
    const data = await loaded(deepEvent);
    const size = JSON.stringify(data).length;
    // Five blocks (data, rendered actions, logs, options, result) of about 6 KB each.
    expect(size).toBeLessThan(60_000);
    expect(data.event.data.note).toBe(
      `Values nested deeper than ${JSON_DISPLAY_LIMITS.maxDepth} levels are shown on one line.`,
    );
    expect(data.event.data.text.replace(/\s/g, "")).toBe(deepData.replace(/\s/g, ""));
    const run = data.taskRuns[0]!;
    expect(run.actionRuns[0]!.result!.shortened).toBe(true);
  });

  it("a large body is shortened to the display limit, with a note", async () => {
    expect(bigData.length).toBeGreaterThan(JSON_DISPLAY_LIMITS.maxChars * 10);
    const data = await loaded(bigEvent);
    expect(JSON.stringify(data).length).toBeLessThan(JSON_DISPLAY_LIMITS.maxChars * 1.5);
    expect(data.event.data.text.length).toBe(JSON_DISPLAY_LIMITS.maxChars);
    expect(data.event.data.note).toBe("Shortened: showing the first 100,000 characters.");
  });
});

describe("raw JSON download", () => {
  async function raw(shop: string, id: string, query: string) {
    return call(eventRaw.loader, getRequest(shop, `/app/events/${id}/raw?${query}`), { id });
  }

  it("serves each stored text exactly, as a JSON attachment", async () => {
    const data = (await raw(SHOP_A, bigEvent, "part=data")) as Response;
    expect(data.status).toBe(200);
    expect(data.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(data.headers.get("content-disposition")).toBe(`attachment; filename="event-${bigEvent}-data.json"`);
    expect(await data.text()).toBe(bigData);
    const result = (await raw(SHOP_A, deepEvent, `part=result&action=${actionRunId}`)) as Response;
    expect(await result.text()).toBe(deepData);
    const actions = (await raw(SHOP_A, deepEvent, `part=actions&run=${taskRunId}`)) as Response;
    expect(await actions.text()).toBe(`[{"type":"echo","options":${deepData}}]`);
  });

  it("answers 404 for another shop's event, run or action, and 400 for an unknown part", async () => {
    expect(statusOf(await raw(SHOP_B, bigEvent, "part=data"))).toBe(404);
    expect(statusOf(await raw(SHOP_B, deepEvent, `part=result&action=${actionRunId}`))).toBe(404);
    expect(statusOf(await raw(SHOP_B, deepEvent, `part=logs&run=${taskRunId}`))).toBe(404);
    expect(statusOf(await raw(SHOP_A, bigEvent, `part=result&action=${actionRunId}`))).toBe(404); // not this event's
    expect(statusOf(await raw(SHOP_A, bigEvent, "part=rawBody"))).toBe(400);
  });
});
