// POST /webhooks/shopify: Shopify's deliveries of task topics become events. Real database
// (SQLite, or TEST_DB=postgres), real Redis and worker, and the local development store sending
// real signed deliveries over HTTP to the route.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_API_SECRET, LOCAL_SHOP, loadConfig } from "~/config.server";
import { createLocalStore, type LocalStore } from "~/local-store";
import { seedOfflineSession } from "../../../support/offline-session";
import { shopifyDelivery } from "../../../support/shopify-webhook";

let store: LocalStore;
let receiver: Server;
let receiverUrl = "";
let prisma: typeof import("~/data/db.server").default;
let events: typeof import("~/services/shopify/shopify-events.server");
let route: typeof import("~/routes/webhooks.shopify");
let shops: typeof import("~/services/shops/installation.server");

const CUSTOMER = { id: 1001, email: "grace@example.com", first_name: "Grace" };

beforeAll(async () => {
  store = createLocalStore({ webhookTimeScale: 0.001 });
  const url = await store.listen(0, "127.0.0.1");
  process.env.LOCAL_STORE_URL = url;
  delete process.env.SHOPIFY_API_KEY;
  delete process.env.SHOPIFY_API_SECRET;
  // Its own queues (the runner helpers set a prefix for this file), then the configuration.
  await import("../runner/helpers");
  loadConfig();
  prisma = (await import("~/data/db.server")).default;
  events = await import("~/services/shopify/shopify-events.server");
  route = await import("~/routes/webhooks.shopify");
  shops = await import("~/services/shops/installation.server");
  // The app's HTTP side for the store's deliveries and the "node" runs below: the production
  // server's fast path (app/web-server.ts calls it the same way; anything else would be Remix's).
  receiver = createServer((req, res) => {
    void events.handleShopifyEventsNode(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404);
        res.end("not the fast path\n");
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await store?.close();
});

function uniqueShop(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}.myshopify.com`;
}

async function installedShop(label: string): Promise<string> {
  const shop = uniqueShop(label);
  await shops.shopInstalled(shop, "read_customers,write_customers");
  return shop;
}

type Adapter = "remix" | "node";

/** The request, answered by the Remix route (in process) or the node fast path (over HTTP). */
async function send(adapter: Adapter, request: Request): Promise<Response> {
  if (adapter === "remix") {
    const args = { request, params: {}, context: {} };
    return request.method === "GET" ? route.loader(args) : route.action(args);
  }
  const body = request.method === "GET" ? undefined : Buffer.from(await request.arrayBuffer());
  const url = new URL(request.url);
  return fetch(`${receiverUrl}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body,
  });
}

/** A delivery to /webhooks/shopify (shopifyDelivery builds it with the topic in its URL). */
function toEventsPath(request: Request): Request {
  return new Request("http://localhost/webhooks/shopify", {
    method: request.method,
    headers: request.headers,
    body: request.body,
    duplex: "half",
  } as RequestInit);
}

const eventsOf = (shop: string) => prisma.event.findMany({ where: { shop }, orderBy: { createdAt: "asc" } });

describe.each<Adapter>(["remix", "node"])("POST /webhooks/shopify through %s", (adapter) => {
  const deliver = (topic: string, shop: string, payload: unknown, options: Parameters<typeof shopifyDelivery>[3]) =>
    send(adapter, toEventsPath(shopifyDelivery(topic, shop, payload, options)));

  it("commits an event shopify/<topic> with the payload as data before answering 200", async () => {
    const shop = await installedShop("events-commit");
    const webhookId = randomUUID();
    const response = await deliver("customers/update", shop, CUSTOMER, { secret: LOCAL_API_SECRET, webhookId });
    expect(response.status).toBe(200);
    const rows = await eventsOf(shop);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ topic: "shopify/customers/update", source: "shopify", status: "pending" });
    expect(JSON.parse(rows[0]!.data)).toEqual(CUSTOMER);
    expect(
      await prisma.dedupeKey.findUnique({
        where: { webhookId_key: { webhookId: events.SHOPIFY_DEDUPE_NAMESPACE, key: `${shop}:${webhookId}` } },
      }),
    ).not.toBeNull();
  });

  it("names dotted topics the Mechanic way: customer.tags_added -> shopify/customer/tags_added", async () => {
    const shop = await installedShop("events-dotted");
    const response = await deliver(
      "customer.tags_added",
      shop,
      { customerId: 1, tags: ["vip"] },
      { secret: LOCAL_API_SECRET },
    );
    expect(response.status).toBe(200);
    expect((await eventsOf(shop)).map((row) => row.topic)).toEqual(["shopify/customer/tags_added"]);
  });

  it("refuses a wrong HMAC with 401 and stores nothing", async () => {
    const shop = await installedShop("events-hmac");
    const webhookId = randomUUID();
    const response = await deliver("customers/update", shop, CUSTOMER, { secret: "not-the-app-secret", webhookId });
    expect(response.status).toBe(401);
    expect(await response.text()).toMatch(/X-Shopify-Hmac-Sha256/);
    // A body changed after signing fails the same way.
    const signed = shopifyDelivery("customers/update", shop, CUSTOMER, { secret: LOCAL_API_SECRET });
    const tampered = new Request("http://localhost/webhooks/shopify", {
      method: "POST",
      headers: signed.headers,
      body: JSON.stringify({ ...CUSTOMER, email: "mallory@example.com" }),
    });
    expect((await send(adapter, tampered)).status).toBe(401);
    expect(await eventsOf(shop)).toHaveLength(0);
    expect(await prisma.dedupeKey.count({ where: { key: { startsWith: `${shop}:` } } })).toBe(0);
  });

  it("makes one event of a delivery sent twice, one after the other or at once", async () => {
    const shop = await installedShop("events-dedupe");
    const webhookId = randomUUID();
    const first = await deliver("orders/create", shop, { id: 1 }, { secret: LOCAL_API_SECRET, webhookId });
    const second = await deliver("orders/create", shop, { id: 1 }, { secret: LOCAL_API_SECRET, webhookId });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.text()).toMatch(/already handled/);

    const together = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        deliver("orders/create", shop, { id: 2 }, { secret: LOCAL_API_SECRET, webhookId: together }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await eventsOf(shop)).map((row) => JSON.parse(row.data).id)).toEqual([1, 2]);

    // Two days later (past the 24-hour purge of other keys) Shopify's copy is still recognised.
    await prisma.dedupeKey.updateMany({
      where: { key: `${shop}:${webhookId}` },
      data: { createdAt: new Date(Date.now() - 2 * 24 * 3600 * 1000) },
    });
    const { purgeDedupeKeys } = await import("~/data/events.server");
    await purgeDedupeKeys();
    const later = await deliver("orders/create", shop, { id: 1 }, { secret: LOCAL_API_SECRET, webhookId });
    expect(await later.text()).toMatch(/already handled/);
    expect(await eventsOf(shop)).toHaveLength(2);
  });

  it("ignores uninstalled and unknown shops (200, nothing stored)", async () => {
    const gone = await installedShop("events-uninstalled");
    await shops.shopUninstalled(gone);
    const unknown = uniqueShop("events-unknown");
    for (const shop of [gone, unknown]) {
      const response = await deliver("customers/update", shop, CUSTOMER, { secret: LOCAL_API_SECRET });
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/not installed/);
      expect(await eventsOf(shop)).toHaveLength(0);
    }
  });

  it("answers what it cannot take: unsupported topic, stale, missing headers, not JSON, oversize, GET", async () => {
    const shop = await installedShop("events-refusals");
    const unsupported = await deliver("app/uninstalled", shop, { id: 1 }, { secret: LOCAL_API_SECRET });
    expect(unsupported.status).toBe(200);
    expect(await unsupported.text()).toMatch(/not a topic Hookline handles/);
    const stale = await deliver("customers/update", shop, CUSTOMER, {
      secret: LOCAL_API_SECRET,
      triggeredAt: new Date(Date.now() - 8 * 24 * 3600 * 1000),
    });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toMatch(/more than 7 days ago/);
    const notJson = await deliver("customers/update", shop, null, { secret: LOCAL_API_SECRET, body: "{nope" });
    expect(notJson.status).toBe(400);
    const noId = shopifyDelivery("customers/update", shop, CUSTOMER, { secret: LOCAL_API_SECRET });
    const headers = new Headers(noId.headers);
    headers.delete("x-shopify-webhook-id");
    const withoutId = new Request("http://localhost/webhooks/shopify", {
      method: "POST",
      headers,
      body: await noId.text(),
    });
    const missing = await send(adapter, withoutId);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toBe(
      "Bad Request: X-Shopify-Topic, X-Shopify-Shop-Domain and X-Shopify-Webhook-Id are required\n",
    );
    const big = "x".repeat(2 * 1024 * 1024 + 10);
    const oversize = await deliver("customers/update", shop, null, {
      secret: LOCAL_API_SECRET,
      body: JSON.stringify({ big }),
    });
    expect(oversize.status).toBe(413);
    expect(await oversize.text()).toBe(`Payload Too Large: the body limit for this URL is ${2 * 1024 * 1024} bytes\n`);
    const get = await send(adapter, new Request("http://localhost/webhooks/shopify"));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(await eventsOf(shop)).toHaveLength(0);
  });
});

describe("deliveries from the local store", () => {
  it("a real signed delivery from the store runs a task on shopify/customers/update with `customer`", async () => {
    const { createTask } = await import("~/data/tasks.server");
    const { closeSharedQueues, startWorker } = await import("~/services/runner/worker.server");
    const { waitFor, waitForEventDone } = await import("../runner/helpers");
    await shops.shopInstalled(LOCAL_SHOP, "read_customers,write_customers");
    await seedOfflineSession(prisma, LOCAL_SHOP, store.offlineAccessToken(LOCAL_SHOP));
    await prisma.event.deleteMany({ where: { shop: LOCAL_SHOP, topic: "shopify/customers/update" } });
    const task = await createTask(LOCAL_SHOP, {
      name: `Customer changed ${randomUUID().slice(0, 6)}`,
      subscriptions: "shopify/customers/update",
      script: '{% action "echo", email: customer.email, same: event.data.id, id: customer.id %}',
    });
    const subscription = store.state.webhookSubscriptions.create(LOCAL_SHOP, "CUSTOMERS_UPDATE", {
      uri: `${receiverUrl}${events.SHOPIFY_EVENTS_PATH}`,
    });
    expect(subscription.userErrors).toEqual([]);
    const worker = await startWorker({ concurrency: 2, sweepIntervalMs: 0, log: () => {} });
    try {
      const changed = store.state.updateCustomer(LOCAL_SHOP, { id: "gid://shopify/Customer/1001", note: "VIP" });
      expect(changed.userErrors).toEqual([]);
      const event = await waitFor(
        () => prisma.event.findFirst({ where: { shop: LOCAL_SHOP, topic: "shopify/customers/update" } }),
        20_000,
        "the customers/update event",
      );
      // The store saw the 200 (after the commit).
      await waitFor(
        async () =>
          store.webhooks.deliveries({ shop: LOCAL_SHOP, topic: "customers/update" }).at(-1)?.state === "delivered",
        20_000,
        "the store to record the delivery",
      );
      expect((await waitForEventDone(event.id, 20_000)).status).toBe("succeeded");
      const run = await prisma.taskRun.findFirstOrThrow({
        where: { eventId: event.id, taskId: task.id },
        include: { actionRuns: true },
      });
      expect(run.status).toBe("succeeded");
      expect(JSON.parse(run.actionRuns[0]!.options)).toEqual({ email: changed.customer!.email, same: 1001, id: 1001 });
    } finally {
      store.state.webhookSubscriptions.deleteAll(LOCAL_SHOP);
      await prisma.task.delete({ where: { id: task.id } });
      await worker.close();
      await closeSharedQueues();
    }
  });
});
