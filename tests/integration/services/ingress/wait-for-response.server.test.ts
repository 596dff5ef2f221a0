// Wait-mode webhooks end to end (issue 15): real ingress (the Node fast path and the Remix
// adapter), real database, real Redis pub/sub, real BullMQ workers.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countingServer, newTask, runsOf, shopGraphql, uniqueShop, waitFor, waitForEventDone } from "../runner/helpers";
import prisma from "~/data/db.server";
import { loadConfig } from "~/config.server";
import { createWebhook, invalidateWebhookCache, type WebhookInput } from "~/data/webhooks.server";
import { parseJson } from "~/domain/json";
import { handleIngressNode, resetIngressState } from "~/services/ingress/handle-ingress.server";
import { closeResponseWaits, waitingRequests } from "~/services/ingress/wait-for-response.server";
import { ALREADY_ANSWERED, CALLER_GONE } from "~/services/runner/respond";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";

let worker: StartedWorker;
let server: http.Server;
let base: string;
const policy = { allowPrivate: true, allowedHosts: [] as string[] };

beforeAll(async () => {
  worker = await startWorker({
    concurrency: 4,
    lockMs: 10_000,
    sweepIntervalMs: 0,
    log: () => {},
    overrides: { adminGraphql: shopGraphql(), httpPolicy: policy, retryBaseMs: 20 },
  });
  server = http.createServer((req, res) => void handleIngressNode(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await worker.close();
  await closeResponseWaits();
  await closeSharedQueues();
});

async function waitWebhook(shop: string, input: WebhookInput = {}) {
  return createWebhook(shop, {
    name: "Quotes",
    topic: "user/quote/requested",
    responseMode: "wait",
    responseTimeoutSeconds: 20,
    ...input,
  });
}

function postJson(id: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}/webhook/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

const RESPOND_TOTAL = `{% assign total = 0 %}{% for line in event.data.lines %}{% assign total = total | plus: line.price %}{% endfor %}
{% action "respond" %}{"status": 200, "headers": {"x-quote": "q1", "cache-control": "no-store"}, "body": {"total": {{ total | json }}}}{% endaction %}`;

async function respondRunsOf(eventId: string) {
  const runs = await runsOf(eventId);
  return runs.flatMap((run) => run.actionRuns.filter((a) => a.type === "respond"));
}

describe("wait mode", () => {
  it("answers with the task's response: status, allowed headers, body, X-Request-Id; recorded on the action run and the event", async () => {
    const shop = uniqueShop("respond-ok");
    const webhook = await waitWebhook(shop);
    await newTask(shop, { script: RESPOND_TOTAL, subscriptions: "user/quote/requested" });

    const response = await postJson(
      webhook.id,
      { lines: [{ price: 5 }, { price: 7 }] },
      { origin: "https://shop.example" },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ total: 12 });
    expect(response.headers.get("x-quote")).toBe("q1");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-expose-headers")).toBe("X-Request-Id, x-quote");
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toBeTruthy();

    const event = await prisma.event.findFirstOrThrow({ where: { webhookId: webhook.id } });
    expect(event.requestId).toBe(requestId);
    await waitForEventDone(event.id);
    const [respond] = await respondRunsOf(event.id);
    expect(respond?.status).toBe("succeeded");
    const result = parseJson(respond!.result!) as Record<string, unknown>;
    expect(result).toMatchObject({ status: 200, body: '{"total":12}', delivered: true });
    expect(Number(result.answeredInMs)).toBeGreaterThanOrEqual(0);
    const recorded = await waitFor(
      async () => (await prisma.event.findUniqueOrThrow({ where: { id: event.id } })).responseStatus,
      10_000,
      "the answer recorded on the event",
    );
    expect(recorded).toBe(200);
    expect(waitingRequests()).toBe(0);
  });

  it("the Remix adapter answers the same way", async () => {
    const { handleIngress } = await import("~/services/ingress/handle-ingress.server");
    const shop = uniqueShop("respond-remix");
    const webhook = await waitWebhook(shop);
    await newTask(shop, { script: RESPOND_TOTAL, subscriptions: "user/quote/requested" });
    const request = new Request(`http://127.0.0.1/webhook/${webhook.id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lines: [{ price: 1 }] }),
    });
    const response = await handleIngress(request, webhook.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ total: 1 });
  });

  it("answers with issue 15's inline form: a hash literal of headers and a body from a variable", async () => {
    const shop = uniqueShop("respond-inline");
    const webhook = await waitWebhook(shop);
    await newTask(shop, {
      script: `{% assign total = 0 %}{% for line in event.data.lines %}{% assign total = total | plus: line.price %}{% endfor %}
{% assign result = hash %}{% assign result["total"] = total %}{% assign result["lines"] = event.data.lines.size %}
{% action "respond", status: 200, headers: {"content-type": "application/json"}, body: result %}`,
      subscriptions: "user/quote/requested",
    });

    const response = await postJson(webhook.id, { lines: [{ price: 5 }, { price: 7 }, { price: 1 }] });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ total: 13, lines: 3 });

    const event = await prisma.event.findFirstOrThrow({ where: { webhookId: webhook.id } });
    await waitForEventDone(event.id);
    const [respond] = await respondRunsOf(event.id);
    expect(respond?.status).toBe("succeeded");
    expect(parseJson(respond!.options!)).toEqual({
      status: 200,
      headers: { "content-type": "application/json" },
      body: { total: 13, lines: 3 },
    });
    expect(parseJson(respond!.result!)).toMatchObject({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"total":13,"lines":3}',
      delivered: true,
    });
  });

  it("no response in time: 202 with the request id, and the event still runs to completion", async () => {
    const shop = uniqueShop("respond-timeout");
    const slow = await countingServer(() => ({ delayMs: 2_500 }));
    try {
      const webhook = await waitWebhook(shop, { responseTimeoutSeconds: 1 });
      await newTask(shop, {
        script: `{% action "http", method: "get", url: "${slow.url}/slow" %}
{% action "respond", status: 200, body: "late" %}`,
        subscriptions: "user/quote/requested",
        performActionRunsInSequence: true,
      });
      const response = await postJson(webhook.id, {});
      expect(response.status).toBe(202);
      const requestId = response.headers.get("x-request-id");
      expect(await response.json()).toEqual({ request_id: requestId, status: "pending" });

      const event = await prisma.event.findFirstOrThrow({ where: { webhookId: webhook.id } });
      const done = await waitForEventDone(event.id, 20_000);
      expect(done.status).toBe("succeeded");
      expect(done.responseStatus).toBe(202);
      const [respond] = await respondRunsOf(event.id);
      expect(parseJson(respond!.result!)).toMatchObject({
        delivered: false,
        reason: "not delivered: the caller's wait had ended (answered 202)",
      });
    } finally {
      await slow.close();
    }
  });

  it("a task run that fails before responding: 502 with the request id and no internals", async () => {
    const shop = uniqueShop("respond-fail");
    const webhook = await waitWebhook(shop);
    await newTask(shop, {
      script: `{% error "secret internal detail" %}{% action "respond", body: "never" %}`,
      subscriptions: "user/quote/requested",
    });
    const response = await postJson(webhook.id, {});
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ request_id: response.headers.get("x-request-id"), status: "failed" });
    expect(text).not.toContain("secret");
  });

  it("two tasks respond: the first wins, the second is recorded as not delivered", async () => {
    const shop = uniqueShop("respond-two");
    const webhook = await waitWebhook(shop);
    await newTask(shop, { script: `{% action "respond", body: "first" %}`, subscriptions: "user/quote/requested" });
    await newTask(shop, { script: `{% action "respond", body: "second" %}`, subscriptions: "user/quote/requested" });
    const response = await postJson(webhook.id, {});
    expect(response.status).toBe(200);
    const body = await response.text();
    const event = await prisma.event.findFirstOrThrow({ where: { webhookId: webhook.id } });
    await waitForEventDone(event.id);
    const results = (await respondRunsOf(event.id)).map((a) => parseJson(a.result!) as Record<string, unknown>);
    expect(results.map((r) => r.body).sort()).toEqual(["first", "second"]);
    const winner = results.find((r) => r.delivered === true)!;
    const loser = results.find((r) => r.delivered === false)!;
    expect(winner.body).toBe(body);
    expect(loser.reason).toBe(ALREADY_ANSWERED);
  });

  it("headers outside the allowlist are stripped and recorded; a body over 1 MiB fails the action (502)", async () => {
    const shop = uniqueShop("respond-limits");
    const webhook = await waitWebhook(shop, { topic: "user/quote/headers" });
    await newTask(shop, {
      script: `{% action "respond" %}{"headers": {"set-cookie": "a=b", "connection": "close", "x-ok": "1", "server": "x"}, "body": "hi"}{% endaction %}`,
      subscriptions: "user/quote/headers",
    });
    const response = await postJson(webhook.id, {});
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hi");
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("x-ok")).toBe("1");
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const event = await prisma.event.findFirstOrThrow({ where: { webhookId: webhook.id } });
    await waitForEventDone(event.id);
    const [respond] = await respondRunsOf(event.id);
    expect(parseJson(respond!.result!)).toMatchObject({ strippedHeaders: ["set-cookie", "connection", "server"] });

    const big = await waitWebhook(shop, { topic: "user/quote/big" });
    await newTask(shop, {
      script: `{% assign body = "x" %}{% for i in (1..20) %}{% assign body = body | append: body %}{% endfor %}{% assign body = body | append: "!" %}{% action "respond", body: body %}`,
      subscriptions: "user/quote/big",
    });
    const tooBig = await postJson(big.id, {});
    expect(tooBig.status).toBe(502);
    const bigEvent = await prisma.event.findFirstOrThrow({ where: { webhookId: big.id } });
    await waitForEventDone(bigEvent.id);
    const [failed] = await respondRunsOf(bigEvent.id);
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toBe("respond body is 1048577 bytes; the limit is 1048576 (1 MiB)");
  });

  it("an event no task can answer: 204 at once, stored as usual", async () => {
    const shop = uniqueShop("respond-none");
    const webhook = await waitWebhook(shop);
    const response = await postJson(webhook.id, { a: 1 });
    expect(response.status).toBe(204);
    const event = await prisma.event.findFirstOrThrow({ where: { webhookId: webhook.id } });
    expect(event.responseWaitUntil).toBeNull();
  });

  it("too many waiting for one webhook: 503 with Retry-After and nothing stored", async () => {
    const shop = uniqueShop("respond-full");
    const slow = await countingServer(() => ({ delayMs: 3_000 }));
    process.env.RESPOND_MAX_WAITING_PER_WEBHOOK = "1";
    loadConfig();
    try {
      const webhook = await waitWebhook(shop, { responseTimeoutSeconds: 15 });
      await newTask(shop, {
        script: `{% action "http", method: "get", url: "${slow.url}/slow" %}{% action "respond", body: "done" %}`,
        subscriptions: "user/quote/requested",
        performActionRunsInSequence: true,
      });
      const first = postJson(webhook.id, { n: 1 });
      await waitFor(() => prisma.event.findFirst({ where: { webhookId: webhook.id } }), 10_000, "the first event");
      const second = await postJson(webhook.id, { n: 2 });
      expect(second.status).toBe(503);
      expect(second.headers.get("retry-after")).toBe("2");
      expect(await second.text()).toMatch(/too many requests are waiting for a response from this webhook/);
      expect(await prisma.event.count({ where: { webhookId: webhook.id } })).toBe(1);
      const answered = await first;
      expect(answered.status).toBe(200);
      expect(await answered.text()).toBe("done");
    } finally {
      delete process.env.RESPOND_MAX_WAITING_PER_WEBHOOK;
      loadConfig();
      await slow.close();
    }
  });

  it("a web process restarted mid-wait loses nothing: the caller's connection breaks, the event runs, the response is recorded", async () => {
    const shop = uniqueShop("respond-restart");
    const slow = await countingServer(() => ({ delayMs: 3_000 }));
    let child: ChildProcess | null = null;
    try {
      const webhook = await waitWebhook(shop);
      await newTask(shop, {
        script: `{% action "http", method: "get", url: "${slow.url}/slow" %}{% action "respond", body: "for nobody" %}`,
        subscriptions: "user/quote/requested",
        performActionRunsInSequence: true,
      });
      child = spawn(process.execPath, ["--import", "tsx", "tests/integration/services/ingress/wait-web-process.ts"], {
        env: process.env,
        stdio: ["ignore", "pipe", "inherit"],
      });
      const port = await new Promise<number>((resolve, reject) => {
        child!.stdout!.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
        child!.once("exit", (code) => reject(new Error(`web process exited ${code}`)));
      });
      const caller = fetch(`http://127.0.0.1:${port}/webhook/${webhook.id}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }).then(
        (r) => `answered ${r.status}`,
        (error: Error) => `failed: ${error.message}`,
      );
      // Killed while a worker runs the event's task (its http action takes 3 s, then it responds).
      const event = await waitFor(
        () => prisma.event.findFirst({ where: { webhookId: webhook.id, status: "running" } }),
        20_000,
        "the event to be stored and running",
      );
      child.kill("SIGKILL");
      expect(await caller).toBe("failed: fetch failed");
      const done = await waitForEventDone(event.id, 20_000);
      expect(done.status).toBe("succeeded");
      const [respond] = await respondRunsOf(event.id);
      expect(parseJson(respond!.result!)).toMatchObject({ body: "for nobody", delivered: false, reason: CALLER_GONE });
    } finally {
      child?.kill("SIGKILL");
      await slow.close();
    }
  }, 90_000);
});

describe("immediate mode", () => {
  it("a respond action in an immediate webhook's task is recorded as not delivered", async () => {
    const shop = uniqueShop("respond-immediate");
    const webhook = await createWebhook(shop, { name: "Plain", topic: "user/quote/requested" });
    await newTask(shop, { script: `{% action "respond", body: "x" %}`, subscriptions: "user/quote/requested" });
    invalidateWebhookCache();
    resetIngressState();
    const response = await postJson(webhook.id, {});
    expect(response.status).toBe(204);
    const event = await prisma.event.findFirstOrThrow({ where: { webhookId: webhook.id } });
    await waitForEventDone(event.id);
    const [respond] = await respondRunsOf(event.id);
    expect(respond?.status).toBe("succeeded");
    expect(parseJson(respond!.result!)).toMatchObject({ delivered: false });
  });
});
