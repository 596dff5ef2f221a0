// The ingress lookup's cache under load: concurrent lookups of one id share one read of the
// database (single flight), a lookup after an invalidation never takes a read that started before
// it, and a busy webhook's entry is reloaded in the background before it expires, so its requests
// never wait for the reload.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import prisma from "~/data/db.server";
import {
  getWebhookForIngress,
  ingressWebhookLoads,
  invalidateWebhookCache,
  listenForWebhookChanges,
  stopListeningForWebhookChanges,
} from "~/data/webhooks.server";

const SHOP = "ingress-cache.myshopify.com";

// Written directly, without createWebhook's publish: its message coming back through Redis would
// drop the entry at a moment the test does not control.
async function newWebhook(topic: string) {
  return prisma.webhook.create({ data: { id: randomUUID(), shop: SHOP, name: topic, topic } });
}

// Listening drops the whole cache when the subscription is ready: before the tests, not during one.
beforeAll(async () => {
  expect(await listenForWebhookChanges()).toBe(true);
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await stopListeningForWebhookChanges();
});

describe("getWebhookForIngress's cache", () => {
  it("concurrent lookups of an uncached id read the database once", async () => {
    const webhook = await newWebhook("user/cache/flight");
    invalidateWebhookCache(webhook.id);
    const before = ingressWebhookLoads.count;
    const found = await Promise.all(Array.from({ length: 20 }, () => getWebhookForIngress(webhook.id)));
    expect(ingressWebhookLoads.count - before).toBe(1);
    for (const value of found) expect(value?.id).toBe(webhook.id);
  });

  it("a lookup after an invalidation does not join a read that started before it", async () => {
    const webhook = await newWebhook("user/cache/stale");
    invalidateWebhookCache(webhook.id);
    const early = getWebhookForIngress(webhook.id); // reads the enabled webhook
    await prisma.webhook.update({ where: { id: webhook.id }, data: { enabled: false } });
    invalidateWebhookCache(webhook.id); // what the change's publish does
    expect(await getWebhookForIngress(webhook.id)).toBeNull();
    await early;
    // The early read was not kept either.
    expect(await getWebhookForIngress(webhook.id)).toBeNull();
  });

  it("an entry in its last second is answered from the cache and reloaded once in the background", async () => {
    const webhook = await newWebhook("user/cache/ahead");
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    invalidateWebhookCache(webhook.id);
    expect((await getWebhookForIngress(webhook.id))?.topic).toBe("user/cache/ahead");
    const loaded = ingressWebhookLoads.count;
    // Changed without a publish (the change channel is down): seen only once the TTL allows.
    await prisma.webhook.update({ where: { id: webhook.id }, data: { topic: "user/cache/changed" } });
    vi.setSystemTime(start + 3_000);
    expect((await getWebhookForIngress(webhook.id))?.topic).toBe("user/cache/ahead");
    expect(ingressWebhookLoads.count).toBe(loaded); // not yet in its last second
    vi.setSystemTime(start + 4_500);
    const answers = await Promise.all(Array.from({ length: 10 }, () => getWebhookForIngress(webhook.id)));
    // Answered from the entry at once; one reload started for all of them.
    for (const value of answers) expect(value?.topic).toBe("user/cache/ahead");
    expect(ingressWebhookLoads.count).toBe(loaded + 1);
    await vi.waitFor(async () => expect((await getWebhookForIngress(webhook.id))?.topic).toBe("user/cache/changed"));
    // The reloaded entry lasts a full TTL from the reload.
    vi.setSystemTime(start + 8_000);
    expect((await getWebhookForIngress(webhook.id))?.topic).toBe("user/cache/changed");
    expect(ingressWebhookLoads.count).toBe(loaded + 1);
  });
});
