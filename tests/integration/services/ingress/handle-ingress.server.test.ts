// The ingress route against a real database and Redis: every content type, refusal code and
// webhook option. Runs on SQLite by default and on PostgreSQL with TEST_DB=postgres.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { createHash } from "node:crypto";
import { ipHashSalt, loadConfig } from "~/config.server";
import { closeQueues } from "~/data/queues.server";
import { resetIngressState } from "~/services/ingress/handle-ingress.server";
import { ShopDomainsCache } from "~/services/ingress/shop-origins.server";
import {
  deleteWebhook,
  finishSecretRotation,
  regenerateWebhookId,
  rotateSigningSecret,
  setWebhookEnabled,
  updateWebhook,
} from "~/data/webhooks.server";
import { stringifyJson } from "~/domain/json";
import { generateSigningSecret, signHmac, signStandard } from "~/domain/ingress/signature";
import { SHOP, eventsOf, newWebhook, onlyEventOf, post, randomUUID, testQueue, until } from "./helpers";

const queue = testQueue();
/** Request ids are time-ordered (version 7); webhook ids, the URL's secret, are random (version 4). */
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const WEBHOOK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

beforeEach(() => resetIngressState());
afterAll(async () => {
  await queue.close();
  await closeQueues();
});

describe("a JSON POST (the seed fetch example)", () => {
  it("answers 204 with X-Request-Id, commits the event and enqueues its job", async () => {
    const webhook = await newWebhook();
    const response = await post(webhook.id, {
      body: JSON.stringify({ some_data: "yep here it is", order_id: 820982911946154508n.toString() }).replace(
        '"820982911946154508"',
        "820982911946154508",
      ),
      contentType: "application/json",
      headers: { "user-agent": "curl/8.5.0", "x-forwarded-for": "203.0.113.7, 10.0.0.1" },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    const requestId = response.headers.get("x-request-id")!;
    expect(requestId).toMatch(REQUEST_ID);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");

    const event = await onlyEventOf(webhook.id);
    expect(event.topic).toBe("user/test/received");
    expect(event.shop).toBe(SHOP);
    expect(event.source).toBe("user");
    expect(event.data).toBe('{"some_data":"yep here it is","order_id":820982911946154508}');
    expect(stringifyJson(event.parsed)).toBe(event.data);
    expect(event.requestId).toBe(requestId);
    expect(event.status).toBe("pending"); // until a worker claims it; its job is checked below
    expect(event.contentType).toBe("application/json");
    expect(event.bodySize).toBe(Buffer.byteLength('{"some_data":"yep here it is","order_id":820982911946154508}'));
    expect(event.userAgent).toBe("curl/8.5.0");
    expect(event.ipHash).toMatch(/^[0-9a-f]{64}$/);
    expect(event.ipHash).not.toContain("203.0.113.7");
    // The key's hash of the first forwarded address (remembered per address, so made once).
    expect(event.ipHash).toBe(
      createHash("sha256").update(ipHashSalt()).update("\0").update("203.0.113.7").digest("hex"),
    );
    expect(Buffer.from(event.rawBody!).toString()).toBe(event.data);

    // Added right after the answer, which does not wait for Redis.
    const job = await until("the event's job", () => queue.getJob(event.id));
    expect(job.data).toEqual({ eventId: event.id });
    expect(job.name).toBe("event");

    // Written after the answer too, without waiting (a busy machine may take a moment).
    const updated = await until("lastReceivedAt", async () => {
      const row = await prisma.webhook.findUnique({ where: { id: webhook.id } });
      return row?.lastReceivedAt ? row : null;
    });
    expect(updated.lastReceivedAt).not.toBeNull();
  });

  it("keeps each request's own id and creates one event per POST", async () => {
    const webhook = await newWebhook();
    const a = await post(webhook.id, { body: "{}", contentType: "application/json" });
    const b = await post(webhook.id, { body: "{}", contentType: "application/json" });
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
    expect((await eventsOf(webhook.id)).map((e) => e.requestId).sort()).toEqual(
      [a.headers.get("x-request-id"), b.headers.get("x-request-id")].sort(),
    );
  });
});

describe("content types (auto mode)", () => {
  const cases: { name: string; contentType: string | null; body: BodyInit | null; query?: string; data: unknown }[] = [
    {
      name: "curl -d @data.json",
      contentType: "application/json",
      body: '{"customer":{"id":6543210987654321987,"tags":["vip"]}}',
      data: { customer: { id: 6543210987654321987n, tags: ["vip"] } },
    },
    { name: "+json type", contentType: "application/vnd.api+json", body: '{"a":1}', data: { a: 1 } },
    { name: "JSON array", contentType: "application/json", body: "[1,2]", query: "x=1", data: [1, 2] },
    {
      name: "JSON merged over query",
      contentType: "application/json",
      body: '{"a":"body"}',
      query: "a=q&b=q",
      data: { a: "body", b: "q" },
    },
    {
      name: "$.post(url, { foo: 'bar' })",
      contentType: "application/x-www-form-urlencoded; charset=UTF-8",
      body: "foo=bar",
      data: { foo: "bar" },
    },
    {
      name: "jQuery nested objects",
      contentType: "application/x-www-form-urlencoded; charset=UTF-8",
      body: "contact%5Bname%5D=Ann&contact%5BPhone+Number%5D=555&tags%5B%5D=a&tags%5B%5D=b&items%5B0%5D%5Bid%5D=1",
      data: { contact: { name: "Ann", "Phone Number": "555" }, tags: ["a", "b"], items: { "0": { id: "1" } } },
    },
    { name: "repeated plain key", contentType: "application/x-www-form-urlencoded", body: "a=1&a=2", data: { a: "2" } },
    { name: "text/plain", contentType: "text/plain", body: "hello", data: "hello" },
    { name: "text/plain with a query", contentType: "text/plain", body: "hello", query: "a=1", data: { a: "1" } },
    { name: "no content type", contentType: null, body: "raw text", data: "raw text" },
    {
      name: "query-only post",
      contentType: null,
      body: null,
      query: "customer_id=42&tags[]=a&tags[]=b&meta[src]=web",
      data: { customer_id: "42", tags: ["a", "b"], meta: { src: "web" } },
    },
    { name: "empty post", contentType: null, body: null, data: null },
  ];

  for (const c of cases) {
    it(`${c.name}`, async () => {
      const webhook = await newWebhook();
      const response = await post(webhook.id, { body: c.body, contentType: c.contentType, query: c.query });
      expect(response.status).toBe(204);
      const event = await onlyEventOf(webhook.id);
      expect(stringifyJson(event.parsed)).toBe(stringifyJson(c.data));
    });
  }

  it("curl -F foo=bar (multipart, the seed example, exact curl bytes)", async () => {
    const webhook = await newWebhook();
    const boundary = "------------------------3f8c2b0a4f1d9e72";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="foo"\r\n\r\nbar\r\n--${boundary}--\r\n`;
    const response = await post(webhook.id, { body, contentType: `multipart/form-data; boundary=${boundary}` });
    expect(response.status).toBe(204);
    expect((await onlyEventOf(webhook.id)).parsed).toEqual({ foo: "bar" });
  });

  it("FormData with nested fields and a file upload", async () => {
    const webhook = await newWebhook();
    const form = new FormData();
    form.append("contact[name]", "Ann");
    form.append("contact[Phone Number]", "555");
    const bytes = new Uint8Array(2048).map((_, i) => i % 256);
    form.append("upload", new Blob([bytes], { type: "application/pdf" }), "report.pdf");
    const response = await post(webhook.id, { body: form, query: "source=storefront" });
    expect(response.status).toBe(204);
    const event = await onlyEventOf(webhook.id);
    expect(event.parsed).toEqual({
      source: "storefront",
      contact: { name: "Ann", "Phone Number": "555" },
      upload: {
        content_base64: Buffer.from(bytes).toString("base64"),
        mime_type: "application/pdf",
        name: "report.pdf",
        size: 2048,
      },
    });
    expect(event.contentType).toMatch(/^multipart\/form-data; boundary=/);
  });
});

describe("refusals", () => {
  it("405 with Allow for GET, PUT, DELETE, PATCH and HEAD; nothing created", async () => {
    const webhook = await newWebhook();
    for (const method of ["GET", "PUT", "DELETE", "PATCH", "HEAD"]) {
      const response = await post(webhook.id, { method, body: method === "GET" || method === "HEAD" ? null : "{}" });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("POST, OPTIONS");
      expect(response.headers.get("x-request-id")).toMatch(REQUEST_ID);
    }
    expect(await eventsOf(webhook.id)).toHaveLength(0);
  });

  it("415 with the accepted list for other content types", async () => {
    const webhook = await newWebhook();
    const response = await post(webhook.id, { body: "<a/>", contentType: "application/xml" });
    expect(response.status).toBe(415);
    expect(await response.text()).toBe(
      'Unsupported Content-Type "application/xml"; accepted: application/json, application/*+json, application/x-www-form-urlencoded, multipart/form-data, text/plain (or none)\n',
    );
    expect(response.headers.get("x-request-id")).toMatch(REQUEST_ID);
    expect(await eventsOf(webhook.id)).toHaveLength(0);
  });

  it("400 with the reason for JSON nested 5,000 deep (not 503: senders would retry forever)", async () => {
    const webhook = await newWebhook();
    const body = "[".repeat(5_000) + "]".repeat(5_000);
    const response = await post(webhook.id, { body, contentType: "application/json" });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("Malformed JSON body: JSON is nested deeper than 512 levels\n");
    expect(await eventsOf(webhook.id)).toHaveLength(0);
  });

  it("400 with a one-line reason for malformed JSON", async () => {
    const webhook = await newWebhook();
    const response = await post(webhook.id, { body: '{"a": 1,', contentType: "application/json" });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toMatch(/^Malformed JSON body: .+\n$/);
    expect(text.trim()).not.toContain("\n");
    expect(await eventsOf(webhook.id)).toHaveLength(0);
  });

  it("400 for conflicting form keys and broken multipart", async () => {
    const webhook = await newWebhook();
    expect(
      (await post(webhook.id, { body: "a=1&a[b]=2", contentType: "application/x-www-form-urlencoded" })).status,
    ).toBe(400);
    expect(
      (await post(webhook.id, { body: "--x\r\nbroken", contentType: "multipart/form-data; boundary=x" })).status,
    ).toBe(400);
    expect(await eventsOf(webhook.id)).toHaveLength(0);
  });

  it("accepts a body exactly at the limit and refuses one byte more with 413", async () => {
    const limit = 4096;
    process.env.INGRESS_BODY_LIMIT_BYTES = String(limit);
    loadConfig();
    try {
      const webhook = await newWebhook();
      const atLimit = "x".repeat(limit);
      expect((await post(webhook.id, { body: atLimit, contentType: "text/plain" })).status).toBe(204);
      const over = await post(webhook.id, { body: atLimit + "x", contentType: "text/plain" });
      expect(over.status).toBe(413);
      expect(await over.text()).toBe(`Payload Too Large: the body limit is ${limit} bytes\n`);
      const events = await eventsOf(webhook.id);
      expect(events).toHaveLength(1);
      expect(events[0]!.bodySize).toBe(limit);
    } finally {
      delete process.env.INGRESS_BODY_LIMIT_BYTES;
      loadConfig();
    }
  });

  it("stops reading a streamed body at the limit (no Content-Length)", async () => {
    process.env.INGRESS_BODY_LIMIT_BYTES = "1024";
    loadConfig();
    try {
      const webhook = await newWebhook();
      let pulled = 0;
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(512));
          if (pulled > 10_000) controller.close();
        },
      });
      const response = await post(webhook.id, { body: endless, contentType: "text/plain" });
      expect(response.status).toBe(413);
      expect(pulled).toBeLessThan(20);
      expect(await eventsOf(webhook.id)).toHaveLength(0);
    } finally {
      delete process.env.INGRESS_BODY_LIMIT_BYTES;
      loadConfig();
    }
  });

  it("429 with Retry-After over the per-webhook rate limit, per webhook", async () => {
    const webhook = await newWebhook({ rateLimitPerMinute: 3 });
    const other = await newWebhook({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++)
      expect((await post(webhook.id, { body: "{}", contentType: "application/json" })).status).toBe(204);
    const limited = await post(webhook.id, { body: "{}", contentType: "application/json" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("x-request-id")).toMatch(REQUEST_ID);
    expect(await eventsOf(webhook.id)).toHaveLength(3);
    expect((await post(other.id, { body: "{}", contentType: "application/json" })).status).toBe(204);
  });

  it("uses the shop's default rate limit when the webhook has none", async () => {
    const shop = `rate-${randomUUID().slice(0, 8)}.myshopify.com`;
    await prisma.shop.create({ data: { domain: shop, rateLimitPerMinute: 2 } });
    const webhook = await newWebhook({}, shop);
    expect((await post(webhook.id, { body: "1", contentType: "application/json" })).status).toBe(204);
    expect((await post(webhook.id, { body: "2", contentType: "application/json" })).status).toBe(204);
    expect((await post(webhook.id, { body: "3", contentType: "application/json" })).status).toBe(429);
  });

  it("uses INGRESS_RATE_LIMIT_PER_MINUTE when neither the webhook nor its shop (row or not) sets a limit", async () => {
    process.env.INGRESS_RATE_LIMIT_PER_MINUTE = "2";
    loadConfig();
    try {
      const shop = `rate-${randomUUID().slice(0, 8)}.myshopify.com`;
      await prisma.shop.create({ data: { domain: shop } });
      for (const webhook of [await newWebhook({}, shop), await newWebhook()]) {
        expect((await post(webhook.id, { body: "1", contentType: "application/json" })).status).toBe(204);
        expect((await post(webhook.id, { body: "2", contentType: "application/json" })).status).toBe(204);
        expect((await post(webhook.id, { body: "3", contentType: "application/json" })).status).toBe(429);
      }
    } finally {
      delete process.env.INGRESS_RATE_LIMIT_PER_MINUTE;
      loadConfig();
    }
  });
});

describe("ids that do not create events", () => {
  it("unknown, malformed, disabled and deleted ids all get 204 and nothing is created", async () => {
    const disabled = await newWebhook();
    await setWebhookEnabled(SHOP, disabled.id, false);
    const deleted = await newWebhook();
    await deleteWebhook(SHOP, deleted.id);
    const before = await prisma.event.count();
    for (const id of [randomUUID(), "not-a-uuid", disabled.id, deleted.id]) {
      const response = await post(id, { body: '{"a":1}', contentType: "application/json" });
      expect(response.status, id).toBe(204);
      expect(response.headers.get("x-request-id")).toMatch(REQUEST_ID);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
    }
    expect(await prisma.event.count()).toBe(before);
  });

  it("answers unknown ids 204 without parsing the body (a wrong method is still 405)", async () => {
    for (const [body, contentType] of [
      ["{", "application/json"],
      ["x", "image/png"],
    ]) {
      const response = await post(randomUUID(), { body, contentType });
      expect(response.status, contentType).toBe(204);
    }
    expect((await post(randomUUID(), { method: "GET" })).status).toBe(405);
  });

  it("re-enabling a webhook makes it create events again", async () => {
    const webhook = await newWebhook();
    await setWebhookEnabled(SHOP, webhook.id, false);
    await post(webhook.id, { body: "1", contentType: "application/json" });
    await setWebhookEnabled(SHOP, webhook.id, true);
    await post(webhook.id, { body: "2", contentType: "application/json" });
    expect((await eventsOf(webhook.id)).map((e) => e.data)).toEqual(["2"]);
  });

  it("regenerating the id stops the old URL and keeps past events with the webhook", async () => {
    const webhook = await newWebhook();
    await post(webhook.id, { body: '{"n":1}', contentType: "application/json" });
    const regenerated = await regenerateWebhookId(SHOP, webhook.id);
    expect(regenerated.id).not.toBe(webhook.id);
    expect(regenerated.id).toMatch(WEBHOOK_ID);
    expect(regenerated.url).toMatch(new RegExp(`/webhook/${regenerated.id}$`));
    expect((await post(webhook.id, { body: '{"n":2}', contentType: "application/json" })).status).toBe(204);
    expect((await post(regenerated.id, { body: '{"n":3}', contentType: "application/json" })).status).toBe(204);
    expect((await eventsOf(regenerated.id)).map((e) => e.data)).toEqual(['{"n":1}', '{"n":3}']);
    expect(await eventsOf(webhook.id)).toHaveLength(0);
  });
});

describe("full request mode", () => {
  it("stores the whole request with separate repeated headers", async () => {
    const webhook = await newWebhook({ dataMode: "full" });
    const body = '{"id":820982911946154508}';
    const response = await post(
      webhook.id,
      { body, contentType: "application/json", query: "a=1&b[]=2" },
      {
        clientIp: "198.51.100.4",
        rawHeaders: ["Content-Type", "application/json", "X-Tag", "one", "X-Tag", "two, three"],
      },
    );
    expect(response.status).toBe(204);
    const event = await onlyEventOf(webhook.id);
    expect(event.data).toBe(
      stringifyJson({
        body: { id: 820982911946154508n },
        body_base64: Buffer.from(body).toString("base64"),
        headers: { "content-type": ["application/json"], "x-tag": ["one", "two, three"] },
        mime_type: "application/json",
        query_string: "a=1&b[]=2",
        query: { a: "1", b: ["2"] },
        client_ip: "198.51.100.4",
        request_id: response.headers.get("x-request-id"),
        webhook_id: webhook.id,
      }),
    );
  });

  it("accepts content types auto mode refuses, with body null", async () => {
    const webhook = await newWebhook({ dataMode: "full" });
    const response = await post(webhook.id, { body: "<order id='1'/>", contentType: "application/xml" });
    expect(response.status).toBe(204);
    const event = await onlyEventOf(webhook.id);
    expect(event.parsed).toMatchObject({
      body: null,
      body_base64: Buffer.from("<order id='1'/>").toString("base64"),
      mime_type: "application/xml",
    });
  });

  it("falls back to the Fetch headers without raw headers", async () => {
    const webhook = await newWebhook({ dataMode: "full" });
    await post(webhook.id, {
      body: "x=1",
      contentType: "application/x-www-form-urlencoded",
      headers: { "x-one": "1" },
    });
    const event = await onlyEventOf(webhook.id);
    expect(event.parsed).toMatchObject({ body: { x: "1" }, headers: { "x-one": ["1"] }, client_ip: null });
  });
});

describe("signatures", () => {
  const body = '{"order":1}';

  it("standard webhooks: valid, invalid, expired and missing", async () => {
    const webhook = await newWebhook({ signatureMode: "standard" });
    const secret = webhook.signatureSecret!;
    expect(secret).toMatch(/^whsec_/);
    const now = Math.floor(Date.now() / 1000);
    const send = (headers: Record<string, string>) =>
      post(webhook.id, { body, contentType: "application/json", headers });
    const valid = await send({
      "webhook-id": "msg_1",
      "webhook-timestamp": String(now),
      "webhook-signature": signStandard(secret, "msg_1", now, body),
    });
    expect(valid.status).toBe(204);

    const invalid = await send({
      "webhook-id": "msg_2",
      "webhook-timestamp": String(now),
      "webhook-signature": signStandard(generateSigningSecret(), "msg_2", now, body),
    });
    expect(invalid.status).toBe(401);
    expect(await invalid.text()).toBe("Unauthorized: signature does not match\n");

    const old = now - 600;
    const expired = await send({
      "webhook-id": "msg_3",
      "webhook-timestamp": String(old),
      "webhook-signature": signStandard(secret, "msg_3", old, body),
    });
    expect(expired.status).toBe(401);
    expect(await expired.text()).toMatch(/^Unauthorized: timestamp is 6\d\d s old/);

    const missing = await send({});
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe("Unauthorized: missing webhook-id header\n");
    expect(await eventsOf(webhook.id)).toHaveLength(1);
  });

  it("rotation: both secrets work until the rotation is finished", async () => {
    const webhook = await newWebhook({ signatureMode: "standard" });
    const oldSecret = webhook.signatureSecret!;
    const rotated = await rotateSigningSecret(SHOP, webhook.id);
    const newSecret = rotated.signatureSecret!;
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.signatureSecretOld).toBe(oldSecret);
    const now = Math.floor(Date.now() / 1000);
    const sendWith = (secret: string, id: string) =>
      post(webhook.id, {
        body,
        contentType: "application/json",
        headers: {
          "webhook-id": id,
          "webhook-timestamp": String(now),
          "webhook-signature": signStandard(secret, id, now, body),
        },
      });
    expect((await sendWith(oldSecret, "a")).status).toBe(204);
    expect((await sendWith(newSecret, "b")).status).toBe(204);
    await finishSecretRotation(SHOP, webhook.id);
    expect((await sendWith(oldSecret, "c")).status).toBe(401);
    expect((await sendWith(newSecret, "d")).status).toBe(204);
    expect(await eventsOf(webhook.id)).toHaveLength(3);
  });

  it("generic HMAC header (Shopify style, base64) with the sender's secret", async () => {
    const webhook = await newWebhook({
      signatureMode: "hmac",
      signatureHeader: "X-Shopify-Hmac-Sha256",
      signatureEncoding: "base64",
      signatureSecret: "shpss_0123456789abcdef",
    });
    const good = await post(webhook.id, {
      body,
      contentType: "application/json",
      headers: { "X-Shopify-Hmac-Sha256": signHmac("shpss_0123456789abcdef", body, "base64") },
    });
    expect(good.status).toBe(204);
    const bad = await post(webhook.id, {
      body,
      contentType: "application/json",
      headers: { "X-Shopify-Hmac-Sha256": signHmac("wrong-secret", body, "base64") },
    });
    expect(bad.status).toBe(401);
    const tampered = await post(webhook.id, {
      body: '{"order":2}',
      contentType: "application/json",
      headers: { "X-Shopify-Hmac-Sha256": signHmac("shpss_0123456789abcdef", body, "base64") },
    });
    expect(tampered.status).toBe(401);
    expect(await eventsOf(webhook.id)).toHaveLength(1);
  });
});

describe("dedupe", () => {
  it("a repeated Idempotency-Key within 24 hours gets 204 and no second event", async () => {
    const webhook = await newWebhook({ dedupeEnabled: true });
    const send = (key: string, n: number) =>
      post(webhook.id, { body: `{"n":${n}}`, contentType: "application/json", headers: { "Idempotency-Key": key } });
    expect((await send("k1", 1)).status).toBe(204);
    expect((await send("k1", 2)).status).toBe(204);
    expect((await send("k2", 3)).status).toBe(204);
    expect((await eventsOf(webhook.id)).map((e) => e.data)).toEqual(['{"n":1}', '{"n":3}']);
  });

  it("recognizes webhook-id and X-Shopify-Webhook-Id by default, and a custom header when set", async () => {
    const webhook = await newWebhook({ dedupeEnabled: true });
    await post(webhook.id, { body: "1", contentType: "application/json", headers: { "X-Shopify-Webhook-Id": "s1" } });
    await post(webhook.id, { body: "2", contentType: "application/json", headers: { "X-Shopify-Webhook-Id": "s1" } });
    await post(webhook.id, { body: "3", contentType: "application/json", headers: { "webhook-id": "w1" } });
    await post(webhook.id, { body: "4", contentType: "application/json", headers: { "webhook-id": "w1" } });
    await post(webhook.id, { body: "5", contentType: "application/json" });
    await post(webhook.id, { body: "6", contentType: "application/json" });
    expect((await eventsOf(webhook.id)).map((e) => e.data)).toEqual(["1", "3", "5", "6"]);

    const custom = await newWebhook({ dedupeEnabled: true, dedupeHeader: "X-Delivery" });
    await post(custom.id, {
      body: "1",
      contentType: "application/json",
      headers: { "X-Delivery": "d", "Idempotency-Key": "i" },
    });
    await post(custom.id, {
      body: "2",
      contentType: "application/json",
      headers: { "X-Delivery": "e", "Idempotency-Key": "i" },
    });
    expect(await eventsOf(custom.id)).toHaveLength(2);
  });

  it("a key older than 24 hours creates a new event", async () => {
    const webhook = await newWebhook({ dedupeEnabled: true });
    await post(webhook.id, { body: "1", contentType: "application/json", headers: { "Idempotency-Key": "old" } });
    await prisma.dedupeKey.updateMany({
      where: { webhookId: webhook.id },
      data: { createdAt: new Date(Date.now() - 25 * 3600_000) },
    });
    await post(webhook.id, { body: "2", contentType: "application/json", headers: { "Idempotency-Key": "old" } });
    expect(await eventsOf(webhook.id)).toHaveLength(2);
  });

  it("concurrent duplicates create exactly one event", async () => {
    const webhook = await newWebhook({ dedupeEnabled: true });
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(webhook.id, { body: `${i}`, contentType: "application/json", headers: { "Idempotency-Key": "race" } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(204));
    expect(await eventsOf(webhook.id)).toHaveLength(1);
  });

  it("dedupe is off unless enabled", async () => {
    const webhook = await newWebhook();
    await post(webhook.id, { body: "1", contentType: "application/json", headers: { "Idempotency-Key": "same" } });
    await post(webhook.id, { body: "2", contentType: "application/json", headers: { "Idempotency-Key": "same" } });
    expect(await eventsOf(webhook.id)).toHaveLength(2);
  });
});

describe("CORS", () => {
  it("preflight allows POST and the signature and idempotency headers from any origin", async () => {
    const webhook = await newWebhook();
    const response = await post(webhook.id, {
      method: "OPTIONS",
      headers: { Origin: "https://anything.example", "Access-Control-Request-Method": "POST" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toBe("POST, OPTIONS");
    expect(response.headers.get("access-control-allow-headers")).toContain("Content-Type");
    expect(response.headers.get("access-control-allow-headers")).toContain("Idempotency-Key");
    expect(response.headers.get("access-control-allow-headers")).toContain("Webhook-Signature");
    expect(response.headers.get("access-control-max-age")).toBe("86400");
    expect(response.headers.get("x-request-id")).toMatch(REQUEST_ID);
  });

  it("restricted: myshopify, Admin API domains and the shop's extra origins are allowed; others are refused without an event", async () => {
    const shop = `cors-${randomUUID().slice(0, 8)}.myshopify.com`;
    await prisma.shop.create({ data: { domain: shop, corsOrigins: JSON.stringify(["https://partner.example"]) } });
    const fetchedFor: string[] = [];
    resetIngressState({
      shopDomains: new ShopDomainsCache(async (s) => {
        fetchedFor.push(s);
        return ["https://www.brand.example/"];
      }),
    });
    const webhook = await newWebhook({ corsMode: "restricted" }, shop);
    const from = (origin: string | null, n: number) =>
      post(webhook.id, {
        body: `{"n":${n}}`,
        contentType: "application/json",
        headers: origin ? { Origin: origin } : {},
      });

    const allowed = [`https://${shop}`, "https://www.brand.example", "https://partner.example"];
    for (const [i, origin] of allowed.entries()) {
      const response = await from(origin, i);
      expect(response.status).toBe(204);
      expect(response.headers.get("access-control-allow-origin")).toBe(origin);
      expect(response.headers.get("vary")).toBe("Origin");
    }
    const refused = await from("https://evil.example", 10);
    expect(refused.status).toBe(204);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    const server = await from(null, 11); // no Origin: a server, not a browser
    expect(server.status).toBe(204);

    expect((await eventsOf(webhook.id)).map((e) => e.data)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}', '{"n":11}']);
    expect(fetchedFor).toEqual([shop]); // cached after the first request

    const preflightRefused = await post(webhook.id, { method: "OPTIONS", headers: { Origin: "https://evil.example" } });
    expect(preflightRefused.status).toBe(204);
    expect(preflightRefused.headers.get("access-control-allow-origin")).toBeNull();
    const preflightAllowed = await post(webhook.id, {
      method: "OPTIONS",
      headers: { Origin: "https://partner.example" },
    });
    expect(preflightAllowed.headers.get("access-control-allow-origin")).toBe("https://partner.example");
  });

  it("restricted with the Admin API unavailable still allows the myshopify and settings origins", async () => {
    const shop = `cors-${randomUUID().slice(0, 8)}.myshopify.com`;
    resetIngressState({
      shopDomains: new ShopDomainsCache(
        async () => {
          throw new Error("no session");
        },
        () => {},
      ),
    });
    const webhook = await newWebhook({ corsMode: "restricted" }, shop);
    const ok = await post(webhook.id, {
      body: "1",
      contentType: "application/json",
      headers: { Origin: `https://${shop}` },
    });
    expect(ok.headers.get("access-control-allow-origin")).toBe(`https://${shop}`);
    const refused = await post(webhook.id, {
      body: "2",
      contentType: "application/json",
      headers: { Origin: "https://www.brand.example" },
    });
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(await eventsOf(webhook.id)).toHaveLength(1);
  });
});

describe("storage failures", () => {
  it("503 when the event cannot be stored", async () => {
    const webhook = await newWebhook();
    // A real storage failure: with the Event table renamed away, every insert fails.
    await prisma.$executeRawUnsafe(`ALTER TABLE "Event" RENAME TO "EventAway"`);
    try {
      const response = await post(webhook.id, { body: "{}", contentType: "application/json" });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await response.text()).toBe("Service Unavailable: the event could not be stored; retry later\n");
    } finally {
      await prisma.$executeRawUnsafe(`ALTER TABLE "EventAway" RENAME TO "Event"`);
    }
    expect(await eventsOf(webhook.id)).toHaveLength(0);
  });
});

describe("webhook settings take effect at once in this process", () => {
  it("switching to full mode applies to the next request", async () => {
    const webhook = await newWebhook();
    await post(webhook.id, { body: '{"a":1}', contentType: "application/json" });
    await updateWebhook(SHOP, webhook.id, { dataMode: "full" });
    await post(webhook.id, { body: '{"a":2}', contentType: "application/json" });
    const [first, second] = await eventsOf(webhook.id);
    expect(first!.parsed).toEqual({ a: 1 });
    expect(second!.parsed).toMatchObject({ body: { a: 2 }, mime_type: "application/json" });
  });
});
