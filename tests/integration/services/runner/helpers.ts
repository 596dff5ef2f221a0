// Shared helpers for the runner's integration tests: real database, real Redis, real worker code.
import http from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import prisma from "~/data/db.server";
import { loadConfig } from "~/config.server";
import { createEvent } from "~/data/events.server";
import { createTask, type TaskInput } from "~/data/tasks.server";
import type { RunnerDeps } from "~/services/runner/deps";
import { isShopDetailsQuery, shopDetailsResponse } from "../../../support/shop-details";

// Each runner test file gets its own queues (the database is shared by the whole run): jobs other
// files leave behind are never picked up by this file's workers, and this file's never by theirs.
process.env.HOOKLINE_QUEUE_PREFIX = `${process.env.HOOKLINE_QUEUE_PREFIX ?? "hookline-test"}-runner-${randomUUID().slice(0, 8)}`;
loadConfig();

export function uniqueShop(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}.myshopify.com`;
}

/** Stands in for the Admin API where a test only needs the shop's details or a canned answer. */
export function shopGraphql(
  handler?: (
    query: string,
    variables?: Record<string, unknown>,
  ) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>,
): RunnerDeps["adminGraphql"] {
  return async (shop, query, variables) => {
    if (isShopDetailsQuery(query)) return shopDetailsResponse(shop);
    if (!handler) throw new Error(`unexpected Admin API call in test: ${query.slice(0, 80)}`);
    return handler(query, variables);
  };
}

export async function newTask(
  shop: string,
  input: Partial<TaskInput> & { script: string; subscriptions: string | string[] },
) {
  return createTask(shop, { name: `Task ${randomUUID().slice(0, 6)}`, ...input });
}

export async function newEvent(
  shop: string,
  topic: string,
  data: unknown,
  extra: { taskIds?: string[]; runAt?: Date } = {},
): Promise<string> {
  const result = await createEvent({ shop, topic, data, source: "user", ...extra });
  if (result.status !== "created") throw new Error(`event not created: ${result.status}`);
  return result.id;
}

export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function waitForEventDone(eventId: string, timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const event = await prisma.event.findUnique({ where: { id: eventId } });
      return event && (event.status === "succeeded" || event.status === "failed") ? event : null;
    },
    timeoutMs,
    `event ${eventId} to finish`,
  );
}

export async function runsOf(eventId: string) {
  return prisma.taskRun.findMany({
    where: { eventId },
    include: { actionRuns: { orderBy: { position: "asc" } } },
    orderBy: { createdAt: "asc" },
  });
}

/** A local HTTP server that counts hits per path and answers with `respond`. */
export async function countingServer(
  respond: (
    path: string,
    hit: number,
    req: http.IncomingMessage,
    body: string,
  ) => { status?: number; body?: unknown; delayMs?: number } = () => ({}),
) {
  const hits = new Map<string, number>();
  const bodies: { path: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0];
      const hit = (hits.get(path) ?? 0) + 1;
      hits.set(path, hit);
      const body = Buffer.concat(chunks).toString();
      bodies.push({ path, body });
      const answer = respond(path, hit, req, body);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer.body ?? { ok: true, hit }));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits,
    bodies,
    count: (path: string) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
