// Shared helpers for the ingress integration tests (real database, real Redis).
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import prisma from "~/data/db.server";
import { handleIngress, type IngressContext } from "~/services/ingress/handle-ingress.server";
import { createWebhook, type WebhookInput } from "~/data/webhooks.server";
import { parseEventData } from "~/data/events.server";

export const SHOP = "ingress-test.myshopify.com";

export function testQueue(redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"): Queue {
  const url = new URL(redisUrl);
  return new Queue("events", {
    connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
    prefix: process.env.HOOKLINE_QUEUE_PREFIX,
  });
}

export async function newWebhook(input: WebhookInput = {}, shop = SHOP) {
  return createWebhook(shop, { name: "Test hook", topic: "user/test/received", ...input });
}

export function post(
  id: string,
  init: {
    body?: BodyInit | null;
    contentType?: string | null;
    query?: string;
    headers?: Record<string, string>;
    method?: string;
  } = {},
  context?: IngressContext,
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.contentType) headers.set("content-type", init.contentType);
  const request = new Request(`http://127.0.0.1/webhook/${id}${init.query ? `?${init.query}` : ""}`, {
    method: init.method ?? "POST",
    body: init.body ?? null,
    headers,
    ...(init.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  // Without an explicit content type, fetch labels string bodies text/plain; drop it to send none.
  if (init.contentType === null) request.headers.delete("content-type");
  return handleIngress(request, id, context);
}

export async function eventsOf(webhookId: string) {
  const rows = await prisma.event.findMany({ where: { webhookId }, orderBy: { createdAt: "asc" } });
  return rows.map((row) => ({ ...row, parsed: parseEventData(row.data) }));
}

export async function onlyEventOf(webhookId: string) {
  const events = await eventsOf(webhookId);
  if (events.length !== 1) throw new Error(`expected 1 event for ${webhookId}, found ${events.length}`);
  return events[0]!;
}

/** Polls `check` every 100 ms until it returns something truthy (a job, a row), or fails after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { randomUUID };
