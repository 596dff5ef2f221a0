// Dedupe and replay keys go through the same grouped SQL insert as every other event (issue 16,
// items 7 and 10): the key and the event are one all-or-nothing unit inside the group commit, so
// concurrent duplicates never make a request fail, and a signed message is stored at most once.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { afterAll, describe, expect, it } from "vitest";
import prisma, { databaseUrl, isPostgresUrl } from "~/data/db.server";
import { closeQueues } from "~/data/queues.server";
import { signStandard } from "~/domain/ingress/signature";
import { REPLAY_WINDOW_MS, resetIngressState } from "~/services/ingress/handle-ingress.server";
import { eventsOf, newWebhook, post, randomUUID } from "./helpers";

afterAll(async () => {
  await closeQueues();
});

/**
 * Another process committing to the same SQLite file every millisecond, as a worker does: a
 * transaction that reads and then writes (Prisma's interactive transaction did) loses its snapshot
 * to these commits (SQLITE_BUSY_SNAPSHOT) and its request got 503. Null on PostgreSQL.
 */
function otherProcessWriting(): { stop: () => Promise<number> } | null {
  const url = databaseUrl();
  if (isPostgresUrl(url)) return null;
  const betterSqlite3 = createRequire(import.meta.url).resolve("better-sqlite3");
  const source = `
    const Database = require(${JSON.stringify(betterSqlite3)});
    const db = new Database(process.argv[1], { timeout: 5000 });
    db.pragma("journal_mode = WAL");
    const upsert = db.prepare('INSERT INTO "CacheEntry" ("shop", "key", "value", "expiresAt", "updatedAt") VALUES (?, ?, ?, ?, ?) ON CONFLICT ("shop", "key") DO UPDATE SET "value" = excluded."value"');
    let n = 0;
    const timer = setInterval(() => {
      const at = new Date().toISOString().replace("Z", "+00:00");
      upsert.run("dedupe-writer.myshopify.com", "n", String(++n), at, at);
    }, 1);
    process.on("message", () => { clearInterval(timer); process.send(n, () => process.exit(0)); });
    process.send("ready");
  `;
  const child = spawn(process.execPath, ["-e", source, url.replace(/^file:/, "")], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const ready = new Promise<void>((resolve) => child.once("message", () => resolve()));
  return {
    stop: async () => {
      await ready;
      const count = new Promise<number>((resolve) => child.once("message", (n) => resolve(Number(n))));
      child.send("stop");
      return count;
    },
  };
}

describe("dedupe through the grouped insert", () => {
  it("concurrent duplicate keys, beside plain inserts and other writers, all get 204 and one event per key", async () => {
    resetIngressState();
    const deduped = await newWebhook({ dedupeEnabled: true, rateLimitPerMinute: 100_000 });
    const plain = await newWebhook({ rateLimitPerMinute: 100_000 });
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    const statuses: number[] = [];
    const otherProcess = otherProcessWriting();
    await new Promise((resolve) => setTimeout(resolve, 200));
    let otherWrites = 0;
    let writing = true;
    // Another connection writing all along, as the worker and the screens do.
    const writer = (async () => {
      while (writing) {
        await prisma.cacheEntry.upsert({
          where: { shop_key: { shop: "dedupe-writer.myshopify.com", key: "n" } },
          create: {
            shop: "dedupe-writer.myshopify.com",
            key: "n",
            value: "0",
            expiresAt: new Date(Date.now() + 60_000),
          },
          update: { value: String(++otherWrites) },
        });
        // Prisma on SQLite can settle without I/O: yield, or this loop would starve the event loop.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      for (let round = 0; round < 5; round++) {
        const requests = [
          ...keys.map((key, i) =>
            post(deduped.id, {
              body: `{"round":${round},"i":${i}}`,
              contentType: "application/json",
              headers: { "Idempotency-Key": key },
            }),
          ),
          ...keys.map((_, i) =>
            post(plain.id, { body: `{"round":${round},"i":${i}}`, contentType: "application/json" }),
          ),
        ];
        for (const response of await Promise.all(requests)) statuses.push(response.status);
      }
    } finally {
      writing = false;
      await writer;
      if (otherProcess) expect(await otherProcess.stop()).toBeGreaterThan(0);
    }
    expect(statuses.filter((s) => s !== 204)).toEqual([]);
    expect(statuses).toHaveLength(400);
    const dedupedEvents = await eventsOf(deduped.id);
    expect(dedupedEvents).toHaveLength(keys.length);
    expect(new Set(dedupedEvents.map((e) => (e.parsed as { i: number }).i)).size).toBe(keys.length);
    expect(await eventsOf(plain.id)).toHaveLength(200);
    expect(await prisma.dedupeKey.count({ where: { webhookId: deduped.id } })).toBe(keys.length);
    expect(otherWrites).toBeGreaterThan(0);
  });

  it("a request whose event cannot be stored leaves no key behind (the key and the event are one unit)", async () => {
    resetIngressState();
    const webhook = await newWebhook({ dedupeEnabled: true });
    // Prime the lookup cache, then remove the row: the insert fails on the foreign key.
    await post(webhook.id, { body: "1", contentType: "application/json", headers: { "Idempotency-Key": "first" } });
    await prisma.webhook.delete({ where: { id: webhook.id } });
    const response = await post(webhook.id, {
      body: "2",
      contentType: "application/json",
      headers: { "Idempotency-Key": "second" },
    });
    expect(response.status).toBe(204); // like an unknown id
    expect((await prisma.dedupeKey.findMany({ where: { webhookId: webhook.id } })).map((k) => k.key)).toEqual([
      "idempotency-key:first",
    ]);
  });
});

describe("replay of a Standard-Webhooks signed request", () => {
  async function signedWebhook() {
    resetIngressState();
    const webhook = await newWebhook({ signatureMode: "standard" });
    const row = await prisma.webhook.findUniqueOrThrow({ where: { id: webhook.id } });
    const send = (messageId: string, body: string, timestamp = Math.floor(Date.now() / 1000)) =>
      post(webhook.id, {
        body,
        contentType: "application/json",
        headers: {
          "webhook-id": messageId,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signStandard(row.signatureSecret!, messageId, timestamp, body),
        },
      });
    return { webhook, send };
  }

  it("is stored once even with dedupe off; another message id is a new event", async () => {
    const { webhook, send } = await signedWebhook();
    expect(webhook.dedupeEnabled).toBe(false);
    const messageId = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await send(messageId, '{"n":1}', timestamp)).status).toBe(204);
    // The same bytes again, within the 300 s tolerance: answered like a duplicate, nothing stored.
    expect((await send(messageId, '{"n":1}', timestamp)).status).toBe(204);
    expect((await send(`msg_${randomUUID()}`, '{"n":2}')).status).toBe(204);
    expect((await eventsOf(webhook.id)).map((e) => e.data)).toEqual(['{"n":1}', '{"n":2}']);
    const key = await prisma.dedupeKey.findUniqueOrThrow({
      where: { webhookId_key: { webhookId: webhook.id, key: `replay:webhook-id:${messageId}` } },
    });
    expect(Math.abs(key.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("the message id is remembered for twice the tolerance, then forgotten", async () => {
    const { webhook, send } = await signedWebhook();
    expect(REPLAY_WINDOW_MS).toBe(600_000);
    const messageId = `msg_${randomUUID()}`;
    await send(messageId, '{"n":1}');
    await prisma.dedupeKey.updateMany({
      where: { webhookId: webhook.id },
      data: { createdAt: new Date(Date.now() - REPLAY_WINDOW_MS + 30_000) },
    });
    await send(messageId, '{"n":1}');
    expect(await eventsOf(webhook.id)).toHaveLength(1);
    await prisma.dedupeKey.updateMany({
      where: { webhookId: webhook.id },
      data: { createdAt: new Date(Date.now() - REPLAY_WINDOW_MS - 1_000) },
    });
    await send(messageId, '{"n":1}');
    expect(await eventsOf(webhook.id)).toHaveLength(2);
  });

  it("an unsigned webhook records no key (nothing to replay-protect)", async () => {
    resetIngressState();
    const webhook = await newWebhook();
    await post(webhook.id, { body: "1", contentType: "application/json", headers: { "webhook-id": "m1" } });
    await post(webhook.id, { body: "2", contentType: "application/json", headers: { "webhook-id": "m1" } });
    expect(await eventsOf(webhook.id)).toHaveLength(2);
    expect(await prisma.dedupeKey.count({ where: { webhookId: webhook.id } })).toBe(0);
  });
});
