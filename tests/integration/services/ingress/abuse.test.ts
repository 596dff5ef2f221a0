// Ingress against senders who mean harm (issue 16, items 4 and 8): one rate limit per webhook whatever
// the case of its id, capped multipart parts, and unknown ids answered without reading their bodies.
// Real database and Redis; both adapters (Fetch and the production server's node:http fast path).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "~/config.server";
import { closeQueues } from "~/data/queues.server";
import { handleIngressNode, resetIngressState } from "~/services/ingress/handle-ingress.server";
import { MULTIPART_LIMITS } from "~/domain/ingress/multipart";
import { eventsOf, newWebhook, post, randomUUID } from "./helpers";
import { streamPost, type Streamed } from "../../../support/stream-post";

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (await handleIngressNode(req, res)) return;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
beforeEach(() => resetIngressState());
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeQueues();
});

/** Every upper/lower-case mix of a few letters of the id. */
function spellings(id: string): string[] {
  const upper = id.toUpperCase();
  return [
    upper,
    id.slice(0, 8).toUpperCase() + id.slice(8),
    id.slice(0, 4) + upper.slice(4, 20) + id.slice(20),
    id.replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c)),
  ].filter((s) => s !== id);
}

describe("canonical webhook ids", () => {
  it("after a 429, every other case spelling of the id also gets 429", async () => {
    const webhook = await newWebhook({ rateLimitPerMinute: 3 });
    const variants = spellings(webhook.id);
    expect(variants.length).toBeGreaterThanOrEqual(3);
    // The allowance is spent across spellings: one bucket, not one per spelling.
    expect((await post(variants[0]!, { body: "1", contentType: "application/json" })).status).toBe(204);
    expect((await post(variants[1]!, { body: "2", contentType: "application/json" })).status).toBe(204);
    expect((await post(webhook.id, { body: "3", contentType: "application/json" })).status).toBe(204);
    expect((await post(webhook.id, { body: "4", contentType: "application/json" })).status).toBe(429);
    for (const id of variants) {
      const response = await post(id, { body: "5", contentType: "application/json" });
      expect(response.status, id).toBe(429);
    }
    const events = await eventsOf(webhook.id);
    expect(events.map((e) => e.data)).toEqual(["1", "2", "3"]);
    expect(events.every((e) => e.webhookId === webhook.id)).toBe(true);
  });

  it("dedupe keys are shared by every spelling, and full mode records the canonical id", async () => {
    const webhook = await newWebhook({ dedupeEnabled: true, dataMode: "full" });
    const key = randomUUID();
    for (const id of [webhook.id.toUpperCase(), webhook.id]) {
      const response = await post(id, {
        body: "{}",
        contentType: "application/json",
        headers: { "Idempotency-Key": key },
      });
      expect(response.status).toBe(204);
    }
    const events = await eventsOf(webhook.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.parsed).toMatchObject({ webhook_id: webhook.id });
  });
});

const MB = 1024 * 1024;

/** POSTs `total` bytes of JSON chunked to the server under test (tests/support/stream-post.ts). */
function streamTo(path: string, total: number): Promise<Streamed> {
  return streamPost(port, path, total, { "Content-Type": "application/json" });
}

function multipartOf(parts: number, file: boolean): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const chunks: string[] = [];
  for (let i = 0; i < parts; i++) {
    const filename = file ? `; filename="f${i}.txt"` : "";
    chunks.push(`--b\r\nContent-Disposition: form-data; name="p${i}"${filename}\r\n\r\nv\r\n`);
  }
  return {
    body: new TextEncoder().encode(chunks.join("") + "--b--\r\n"),
    contentType: "multipart/form-data; boundary=b",
  };
}

describe("multipart limits", () => {
  it("a 1 MiB body of 15,000 file parts is refused with 413 and a clear reason", async () => {
    const webhook = await newWebhook();
    const { body, contentType } = multipartOf(15_000, true);
    expect(body.byteLength).toBeGreaterThan(1_000_000);
    expect(body.byteLength).toBeLessThanOrEqual(1024 * 1024 * 1.2);
    process.env.INGRESS_BODY_LIMIT_BYTES = String(2 * 1024 * 1024);
    loadConfig();
    try {
      const response = await post(webhook.id, { body, contentType });
      expect(response.status).toBe(413);
      expect(await response.text()).toBe(
        `Payload Too Large: the multipart body has more than ${MULTIPART_LIMITS.files} files\n`,
      );
    } finally {
      delete process.env.INGRESS_BODY_LIMIT_BYTES;
      loadConfig();
    }
    expect(await eventsOf(webhook.id)).toHaveLength(0);
  });

  it("15,000 field parts are refused with 413; a form within the limits is accepted", async () => {
    const webhook = await newWebhook();
    const tooMany = multipartOf(15_000, false);
    const refused = await post(webhook.id, tooMany);
    expect(refused.status).toBe(413);
    expect(await refused.text()).toBe(
      `Payload Too Large: the multipart body has more than ${MULTIPART_LIMITS.parts} parts (fields and files)\n`,
    );
    const fine = multipartOf(MULTIPART_LIMITS.files, true);
    expect((await post(webhook.id, fine)).status).toBe(204);
    const [event] = await eventsOf(webhook.id);
    expect(Object.keys(event!.parsed as object)).toHaveLength(MULTIPART_LIMITS.files);
  });
});

describe("unknown ids", () => {
  it("are answered 204 without reading the body (Fetch adapter)", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024));
        if (pulled > 1_000) controller.close();
      },
    });
    const response = await post(randomUUID(), { body: endless, contentType: "application/json" });
    expect(response.status).toBe(204);
    expect(pulled).toBeLessThan(5);
  });

  it("are answered 204 with Connection: close before a large streamed body is sent (node:http)", async () => {
    const { status, connection, sentBeforeAnswer } = await streamTo(`/webhook/${randomUUID()}`, 256 * MB);
    expect(status).toBe(204);
    expect(connection).toBe("close");
    // Socket buffers hold a few MB; the point is that the server did not wait for (or read) 256 MB.
    expect(sentBeforeAnswer).toBeLessThan(32 * MB);
  });
});

describe("a body over the limit over node:http", () => {
  it("gets its 413 (not a reset connection) while the sender is still sending", async () => {
    const webhook = await newWebhook();
    for (let i = 0; i < 3; i++) {
      const result = await streamTo(`/webhook/${webhook.id}`, 64 * MB);
      expect(result.status).toBe(413);
      expect(result.body).toBe(`Payload Too Large: the body limit is ${1024 * 1024} bytes\n`);
      expect(result.connection).toBe("close");
      expect(result.sentBeforeAnswer).toBeLessThan(32 * MB);
    }
    expect(await eventsOf(webhook.id)).toHaveLength(0);
  });
});
