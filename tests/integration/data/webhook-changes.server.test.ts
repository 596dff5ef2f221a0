// Webhook changes reach other processes' ingress caches through Redis at once, not after the
// cache's TTL. "Another process" is played by a direct database write plus the publish the
// changing process makes; the multi-process test (tests/integration/workers/multi-process.test.ts)
// does it with real processes.
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { publishWebhookChanges, subscribeToWebhookChanges } from "~/data/webhook-changes.server";
import {
  createWebhook,
  getWebhookForIngress,
  listenForWebhookChanges,
  setWebhookEnabled,
  stopListeningForWebhookChanges,
} from "~/data/webhooks.server";

const SHOP = "webhook-changes.myshopify.com";

afterAll(async () => {
  await stopListeningForWebhookChanges();
});

async function within<T>(ms: number, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("webhook changes", () => {
  it("a subscriber receives published ids", async () => {
    const received: string[][] = [];
    const subscription = subscribeToWebhookChanges((ids) => received.push(ids));
    try {
      expect(await subscription.ready()).toBe(true);
      expect(await publishWebhookChanges(["a", "b"])).toBe(true);
      const got = await within(
        5000,
        async () => received,
        (r) => r.some((ids) => ids.join() === "a,b"),
      );
      expect(got).toContainEqual(["a", "b"]);
      expect(got[0]).toEqual(["*"]); // every (re)subscription drops the whole cache first
    } finally {
      await subscription.close();
    }
  });

  it("a webhook disabled elsewhere is refused by this process's cache within a second of the publish", async () => {
    expect(await listenForWebhookChanges()).toBe(true);
    const webhook = await createWebhook(SHOP, { name: "Changes", topic: "user/changes/made" });
    expect(await getWebhookForIngress(webhook.id)).not.toBeNull(); // now cached
    // Another process disables it: its database write alone does not reach this cache...
    await prisma.webhook.update({ where: { id: webhook.id }, data: { enabled: false } });
    expect(await getWebhookForIngress(webhook.id)).not.toBeNull();
    // ...its publish does.
    const publishedAt = Date.now();
    await publishWebhookChanges([webhook.id]);
    const after = await within(
      1000,
      () => getWebhookForIngress(webhook.id),
      (value) => value === null,
    );
    expect(after).toBeNull();
    expect(Date.now() - publishedAt).toBeLessThan(5000); // well inside the cache's TTL
  });

  it("setWebhookEnabled publishes the change (and the changing process forgets at once)", async () => {
    const webhook = await createWebhook(SHOP, { name: "Toggle", topic: "user/changes/toggled" });
    expect(await getWebhookForIngress(webhook.id)).not.toBeNull();
    const received: string[][] = [];
    const subscription = subscribeToWebhookChanges((ids) => received.push(ids));
    try {
      await subscription.ready();
      await setWebhookEnabled(SHOP, webhook.id, false);
      expect(await getWebhookForIngress(webhook.id)).toBeNull();
      const got = await within(
        5000,
        async () => received,
        (r) => r.some((ids) => ids.includes(webhook.id)),
      );
      expect(got.some((ids) => ids.includes(webhook.id))).toBe(true);
    } finally {
      await subscription.close();
    }
  });
});
