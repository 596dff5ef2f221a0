// Cache endpoints end to end against the real database and Redis (SQLite by default, PostgreSQL with
// TEST_DB=postgres): a POST to a webhook, a real in-process worker runs a task whose `cache` action
// stores a result, and GET /cache/<uuid> (the real route module) returns it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import prisma from "~/data/db.server";
import { closeQueues } from "~/data/queues.server";
import { handleIngress, resetIngressState } from "~/services/ingress/handle-ingress.server";
import { createWebhook } from "~/data/webhooks.server";
import { cacheStoreFor } from "~/data/cache.server";
import {
  CacheEndpointInputError,
  cacheEndpointUrl,
  createCacheEndpoint,
  deleteCacheEndpoint,
  listCacheEndpoints,
  readCacheEndpoint,
} from "~/data/cache-endpoints.server";
import { action, loader } from "~/routes/cache.$id";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";
import { newTask, shopGraphql, uniqueShop, waitFor, waitForEventDone } from "../runner/helpers";

let worker: StartedWorker;

beforeAll(async () => {
  resetIngressState();
  worker = await startWorker({
    concurrency: 2,
    lockMs: 5_000,
    sweepIntervalMs: 1_000,
    log: () => {},
    overrides: { adminGraphql: shopGraphql(), retryBaseMs: 20 },
  });
});

afterAll(async () => {
  await worker.close();
  await closeSharedQueues();
  await closeQueues();
});

/** Calls the /cache/:id route module the way Remix does: GET/HEAD to the loader, the rest to the action. */
function request(id: string, method = "GET", headers: Record<string, string> = {}): Promise<Response> {
  const req = new Request(`http://127.0.0.1/cache/${id}`, { method, headers });
  const args = { request: req, params: { id }, context: {} };
  return Promise.resolve(method === "GET" || method === "HEAD" ? loader(args) : action(args));
}

async function postJson(webhookId: string, body: string): Promise<Response> {
  return handleIngress(
    new Request(`http://127.0.0.1/webhook/${webhookId}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://shop.example" },
      body,
    }),
    webhookId,
  );
}

describe("POST to a webhook -> the task caches a result -> GET on the endpoint returns it", () => {
  it("returns the cached JSON exactly as stored, with no-store and open CORS", async () => {
    const shop = uniqueShop("cache-ep");
    const webhook = await createWebhook(shop, { name: "Quote", topic: "user/quote/requested" });
    await newTask(shop, {
      subscriptions: "user/quote/requested",
      script: '{% action "cache", "set", "quotes/latest", event.data %}',
    });
    const endpoint = await createCacheEndpoint(shop, "quotes/latest");
    expect(endpoint.url).toBe(cacheEndpointUrl(endpoint.id));
    expect(endpoint.url).toMatch(/\/cache\/[0-9a-f-]{36}$/);

    // Before anything is cached: 404.
    expect((await request(endpoint.id)).status).toBe(404);

    const posted = await postJson(webhook.id, '{"order":12345678901234567890,"total":"9.99","lines":[1,2]}');
    expect(posted.status).toBe(204);
    const event = await prisma.event.findFirstOrThrow({ where: { webhookId: webhook.id } });
    expect((await waitForEventDone(event.id)).status).toBe("succeeded");

    const response = await request(endpoint.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    // The 64-bit integer survives: the body is the stored JSON text, not a re-serialised double.
    expect(await response.text()).toBe('{"order":12345678901234567890,"total":"9.99","lines":[1,2]}');

    // A second POST replaces the value; the same URL shows the new one.
    await postJson(webhook.id, '{"order":2}');
    await waitFor(async () => (await (await request(endpoint.id)).text()) === '{"order":2}', 15_000, "the new value");

    // HEAD answers like GET without a body.
    const head = await request(endpoint.id, "HEAD");
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("answers 404 once the key has expired, and again 200 after a fresh write", async () => {
    const shop = uniqueShop("cache-exp");
    const endpoint = await createCacheEndpoint(shop, "short");
    const past = () => new Date(Date.now() - 120_000);
    // setex with a 60 s TTL written "two minutes ago": expired now.
    await cacheStoreFor(shop, prisma, past).set("short", '"old"', 60);
    expect(await prisma.cacheEntry.count({ where: { shop, key: "short" } })).toBe(1);
    const expired = await request(endpoint.id);
    expect(expired.status).toBe(404);
    expect(expired.headers.get("cache-control")).toBe("no-store");
    expect(expired.headers.get("access-control-allow-origin")).toBe("*");
    expect(await expired.json()).toEqual({ error: expect.stringContaining("expired") });

    await cacheStoreFor(shop, prisma).set("short", '"fresh"', 60);
    const fresh = await request(endpoint.id);
    expect(fresh.status).toBe(200);
    expect(await fresh.json()).toBe("fresh");
  });

  it("answers 404 after the endpoint is deleted, though the key still holds a value", async () => {
    const shop = uniqueShop("cache-del");
    const endpoint = await createCacheEndpoint(shop, "kept");
    await cacheStoreFor(shop, prisma).set("kept", "[1,2,3]", 600);
    expect((await request(endpoint.id)).status).toBe(200);

    // Another shop cannot delete it.
    expect(await deleteCacheEndpoint(uniqueShop("intruder"), endpoint.id)).toBe(false);
    expect((await request(endpoint.id)).status).toBe(200);

    expect(await deleteCacheEndpoint(shop, endpoint.id)).toBe(true);
    expect((await request(endpoint.id)).status).toBe(404);
    expect(await deleteCacheEndpoint(shop, endpoint.id)).toBe(false);
    expect(await prisma.cacheEntry.count({ where: { shop, key: "kept" } })).toBe(1);
  });

  it("exposes only its own shop's key: the same key in another shop is not readable through it", async () => {
    const shopA = uniqueShop("cache-a");
    const shopB = uniqueShop("cache-b");
    const endpointA = await createCacheEndpoint(shopA, "shared/name");
    await cacheStoreFor(shopB, prisma).set("shared/name", '"b secret"', 600);
    expect((await request(endpointA.id)).status).toBe(404);
    await cacheStoreFor(shopA, prisma).set("shared/name", '"a value"', 600);
    expect(await (await request(endpointA.id)).json()).toBe("a value");
  });
});

describe("the route's refusals", () => {
  it("answers 405 with Allow for every method but GET, HEAD and OPTIONS", async () => {
    const endpoint = await createCacheEndpoint(uniqueShop("cache-405"), "k");
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await request(endpoint.id, method);
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect((await response.json()).error).toContain(method);
    }
  });

  it("answers CORS preflight", async () => {
    const response = await request(randomUUID(), "OPTIONS", {
      origin: "https://shop.example",
      "access-control-request-method": "GET",
      "access-control-request-headers": "x-requested-with",
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, HEAD, OPTIONS");
    expect(response.headers.get("access-control-allow-headers")).toBe("x-requested-with");
    expect(Number(response.headers.get("access-control-max-age"))).toBeGreaterThan(0);
  });

  it("answers 404 for unknown ids and ids that are not UUIDs, including hostile ones", async () => {
    for (const id of [randomUUID(), "not-a-uuid", "", "../../etc/passwd", "' OR 1=1 --", "x".repeat(5000)]) {
      const response = await request(id);
      expect(response.status, id.slice(0, 20)).toBe(404);
    }
  });
});

describe("the model", () => {
  it("validates the key with the cache action's rules and trims it", async () => {
    const shop = uniqueShop("cache-model");
    await expect(createCacheEndpoint(shop, "")).rejects.toBeInstanceOf(CacheEndpointInputError);
    await expect(createCacheEndpoint(shop, "has space")).rejects.toThrow(/only contain/);
    await expect(createCacheEndpoint(shop, "ünïcode")).rejects.toThrow(/only contain/);
    await expect(createCacheEndpoint(shop, "k".repeat(256))).rejects.toThrow(/at most 255/);
    const created = await createCacheEndpoint(shop, "  Results:Daily/1.json-x_y  ");
    expect(created.key).toBe("Results:Daily/1.json-x_y");
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("lists a shop's endpoints only, oldest first; two endpoints may expose the same key", async () => {
    const shop = uniqueShop("cache-list");
    const first = await createCacheEndpoint(shop, "a");
    const second = await createCacheEndpoint(shop, "a");
    await createCacheEndpoint(uniqueShop("cache-other"), "b");
    const listed = await listCacheEndpoints(shop);
    expect(listed.map((e) => e.id).sort()).toEqual([first.id, second.id].sort());
    expect(listed.every((e) => e.url.endsWith(`/cache/${e.id}`))).toBe(true);
    await cacheStoreFor(shop, prisma).set("a", "1", 60);
    expect(await readCacheEndpoint(first.id)).toEqual({ found: true, json: "1" });
    expect(await readCacheEndpoint(second.id)).toEqual({ found: true, json: "1" });
  });
});
