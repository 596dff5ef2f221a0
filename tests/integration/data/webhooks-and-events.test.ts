// Webhook and event models against the real database.
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import {
  closeQueues,
  enqueueEvent,
  eventJobAdds,
  EVENTS_JOB,
  EVENTS_JOB_ID_PREFIX,
  EVENTS_PER_JOB,
} from "~/data/queues.server";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  getWebhookForIngress,
  listWebhooks,
  rotateSigningSecret,
  updateWebhook,
  WebhookInputError,
  WebhookNotFoundError,
} from "~/data/webhooks.server";
import { createEvent, getEvent, listRecentEvents, purgeDedupeKeys, purgeRawBodies } from "~/data/events.server";
import { randomUUID, testQueue } from "../services/ingress/helpers";

const shop = `models-${Date.now()}.myshopify.com`;
const otherShop = `other-${Date.now()}.myshopify.com`;
const queue = testQueue();

afterAll(async () => {
  await queue.close();
  await closeQueues();
});

async function inputError(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WebhookInputError) return error.fieldErrors;
    throw error;
  }
  throw new Error("expected a WebhookInputError");
}

describe("webhooks", () => {
  it("validates name and topic with field errors", async () => {
    expect(await inputError(createWebhook(shop, { name: "  ", topic: "user/foo" }))).toEqual({
      name: "Name is required",
      topic: 'Topic "user/foo" has 2 segments; expected exactly 3: user/<subject>/<verb>',
    });
    expect((await inputError(createWebhook(shop, { name: "x".repeat(256), topic: "user/a/b" }))).name).toBe(
      "Name is 256 characters; the limit is 255",
    );
    expect(await createWebhook(shop, { name: "x".repeat(255), topic: "user/a/b" })).toMatchObject({
      name: "x".repeat(255),
    });
    expect(
      (await inputError(createWebhook(shop, { name: "n", topic: "user/a/b", dataMode: "xml" as never }))).dataMode,
    ).toBeDefined();
    expect(
      (await inputError(createWebhook(shop, { name: "n", topic: "user/a/b", signatureHeader: "Bad Header" })))
        .signatureHeader,
    ).toContain("not a valid HTTP header name");
    expect(
      (await inputError(createWebhook(shop, { name: "n", topic: "user/a/b", rateLimitPerMinute: 0 })))
        .rateLimitPerMinute,
    ).toBeDefined();
  });

  it("keeps shops apart", async () => {
    const mine = await createWebhook(shop, { name: "Mine", topic: "user/a/b" });
    expect(await getWebhook(otherShop, mine.id)).toBeNull();
    await expect(updateWebhook(otherShop, mine.id, { name: "stolen" })).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(deleteWebhook(otherShop, mine.id)).rejects.toBeInstanceOf(WebhookNotFoundError);
    expect((await listWebhooks(otherShop)).map((w) => w.id)).not.toContain(mine.id);
    expect((await getWebhook(shop, mine.id))?.name).toBe("Mine");
  });

  it("deleted webhooks disappear from list and get, and from ingress", async () => {
    const webhook = await createWebhook(shop, { name: "Gone", topic: "user/a/b" });
    expect(await getWebhookForIngress(webhook.id)).not.toBeNull();
    await deleteWebhook(shop, webhook.id);
    expect(await getWebhook(shop, webhook.id)).toBeNull();
    expect((await listWebhooks(shop)).map((w) => w.id)).not.toContain(webhook.id);
    expect(await getWebhookForIngress(webhook.id)).toBeNull();
    expect(await prisma.webhook.findUnique({ where: { id: webhook.id } })).not.toBeNull(); // soft delete
  });

  it("generates a secret when signatures are turned on, and rotation needs them on", async () => {
    const webhook = await createWebhook(shop, { name: "S", topic: "user/a/b" });
    expect(webhook.signatureSecret).toBeNull();
    await expect(rotateSigningSecret(shop, webhook.id)).rejects.toBeInstanceOf(WebhookInputError);
    const signed = await updateWebhook(shop, webhook.id, { signatureMode: "hmac" });
    expect(signed.signatureSecret).toMatch(/^whsec_/);
    const custom = await updateWebhook(shop, webhook.id, { signatureSecret: "my-sender-secret" });
    expect(custom.signatureSecret).toBe("my-sender-secret");
  });

  it("ingress lookup folds in the shop's settings", async () => {
    await prisma.shop.upsert({
      where: { domain: shop },
      create: { domain: shop, rateLimitPerMinute: 42, corsOrigins: '["https://x.example"]' },
      update: {},
    });
    const webhook = await createWebhook(shop, { name: "L", topic: "user/a/b", dedupeEnabled: true });
    expect(await getWebhookForIngress(webhook.id)).toMatchObject({
      shop,
      topic: "user/a/b",
      shopRateLimitPerMinute: 42,
      shopCorsOrigins: '["https://x.example"]',
      dedupeHeaders: ["Idempotency-Key", "webhook-id", "X-Shopify-Webhook-Id"],
    });
    expect(await getWebhookForIngress(webhook.id.toUpperCase())).toMatchObject({ id: webhook.id });
  });
});

describe("events", () => {
  it("creates, lists and reads events per shop, keeping 64-bit integers", async () => {
    const created = await createEvent({
      shop,
      topic: "user/a/b",
      data: { id: 820982911946154508n },
      source: "user",
      requestId: randomUUID(),
      rawBody: new TextEncoder().encode("raw"),
    });
    expect(created.status).toBe("created");
    if (created.status !== "created") return;
    expect(created.enqueued).toBe(true);
    const event = await getEvent(shop, created.id);
    expect(event?.data).toEqual({ id: 820982911946154508n });
    expect(Buffer.from(event!.rawBody!).toString()).toBe("raw");
    expect(event?.status).toBe("pending"); // until a worker claims it
    expect((await queue.getJob(created.id))?.data).toEqual({ eventId: created.id });
    expect(await getEvent(otherShop, created.id)).toBeNull();
    const recent = await listRecentEvents(shop);
    expect(recent[0]?.id).toBe(created.id);
    expect(recent[0]).not.toHaveProperty("rawBody");
    expect(await listRecentEvents(otherShop)).toEqual([]);
  });

  it("a fixed id is created once (idempotent follow-up events)", async () => {
    const id = randomUUID();
    const first = await createEvent({
      id,
      shop,
      topic: "user/a/b",
      data: 1,
      source: "event_action",
      depth: 1,
      runAt: null,
      taskIds: ["t1"],
    });
    const second = await createEvent({ id, shop, topic: "user/a/b", data: 2, source: "event_action" });
    expect(first.status).toBe("created");
    expect(second).toEqual({ status: "duplicate", id });
    const row = await prisma.event.findUnique({ where: { id } });
    expect(row?.data).toBe("1");
    expect(row?.taskIds).toBe('["t1"]');
    expect(row?.depth).toBe(1);
  });

  it("a future runAt becomes a delayed job", async () => {
    const runAt = new Date(Date.now() + 60_000);
    const created = await createEvent({ shop, topic: "user/a/b", data: null, source: "event_action", runAt });
    if (created.status !== "created") throw new Error("not created");
    const job = await queue.getJob(created.id);
    expect(await job?.getState()).toBe("delayed");
    expect(job!.opts.delay).toBeGreaterThan(55_000);
  });

  it("jobs asked for in one tick are added together: due events share jobs, a delayed or asked-again one has its own, each caller told", async () => {
    const ids = Array.from({ length: 25 }, () => randomUUID());
    const askedAgain = randomUUID();
    const runAt = new Date(Date.now() + 60_000);
    const existing = randomUUID();
    await queue.add("event", { eventId: existing }, { jobId: existing });
    const before = eventJobAdds.calls;
    const added = await Promise.all([
      ...ids.map((id, i) => enqueueEvent(id, i === 0 ? runAt : null)),
      enqueueEvent(existing), // already has its job: that one is left as it is
      enqueueEvent(askedAgain, null, { ownJob: true }), // as the sweep asks: a job of its own
    ]);
    expect(added.every(Boolean)).toBe(true);
    expect(eventJobAdds.calls - before).toBe(1);
    // The delayed event: a job of its own, under its id.
    const delayed = await queue.getJob(ids[0]!);
    expect(delayed?.data).toEqual({ eventId: ids[0] });
    expect(await delayed!.getState()).toBe("delayed");
    expect(delayed!.opts.delay).toBeGreaterThan(55_000);
    // The 25 due events (24 new and the existing one), in order, 16 to a job.
    const due = [...ids.slice(1), existing];
    const first = await queue.getJob(`${EVENTS_JOB_ID_PREFIX}${due[0]}`);
    const second = await queue.getJob(`${EVENTS_JOB_ID_PREFIX}${due[EVENTS_PER_JOB]}`);
    expect(first?.name).toBe(EVENTS_JOB);
    expect(first?.data).toEqual({ eventIds: due.slice(0, EVENTS_PER_JOB) });
    expect(second?.data).toEqual({ eventIds: due.slice(EVENTS_PER_JOB) });
    expect(await first!.getState()).toBe("waiting");
    expect(first!.opts.attempts).toBe(3);
    expect((await queue.getJob(existing))?.data).toEqual({ eventId: existing });
    expect((await queue.getJob(askedAgain))?.data).toEqual({ eventId: askedAgain });
    for (const id of due.slice(0, -1)) expect(await queue.getJob(id)).toBeUndefined();
    // Added one after another, each is its own add, with a job of its own.
    const one = randomUUID();
    const two = randomUUID();
    expect(await enqueueEvent(one)).toBe(true);
    expect(await enqueueEvent(two)).toBe(true);
    expect(eventJobAdds.calls - before).toBe(3);
    expect((await queue.getJob(one))?.data).toEqual({ eventId: one });
    expect((await queue.getJob(two))?.data).toEqual({ eventId: two });
  });

  it("purges raw bodies past the retention and keeps the rest of the event", async () => {
    const old = await createEvent({
      shop,
      topic: "user/a/b",
      data: "old",
      source: "user",
      rawBody: new TextEncoder().encode("old"),
    });
    const fresh = await createEvent({
      shop,
      topic: "user/a/b",
      data: "fresh",
      source: "user",
      rawBody: new TextEncoder().encode("fresh"),
    });
    if (old.status !== "created" || fresh.status !== "created") throw new Error("not created");
    await prisma.event.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 100 * 3600_000) } });
    expect(await purgeRawBodies()).toBeGreaterThanOrEqual(1);
    expect((await getEvent(shop, old.id))?.rawBody).toBeNull();
    expect((await getEvent(shop, old.id))?.data).toBe("old");
    expect(Buffer.from((await getEvent(shop, fresh.id))!.rawBody!).toString()).toBe("fresh");
  });

  it("purges dedupe keys past 24 hours", async () => {
    const webhookId = randomUUID();
    await prisma.dedupeKey.createMany({
      data: [
        { webhookId, key: "old", createdAt: new Date(Date.now() - 25 * 3600_000) },
        { webhookId, key: "new" },
      ],
    });
    await purgeDedupeKeys();
    expect((await prisma.dedupeKey.findMany({ where: { webhookId } })).map((k) => k.key)).toEqual(["new"]);
  });
});
