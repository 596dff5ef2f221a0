// Subscription reconciliation against the local development store's Admin API (the only stand-in):
// created for enabled tasks' Shopify topics, deleted when no task wants them, drift repaired (by
// the worker's BullMQ job scheduler too), nothing after uninstall and back after reinstall, topics
// without a granted scope skipped until app/scopes_update. Real database (SQLite or
// TEST_DB=postgres) and Redis.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_API_SECRET, LOCAL_SHOP, loadConfig } from "~/config.server";
import { createLocalStore, type LocalStore } from "~/local-store";
import { seedOfflineSession } from "../../../support/offline-session";
import { shopifyDelivery } from "../../../support/shopify-webhook";

let store: LocalStore;
let prisma: typeof import("~/data/db.server").default;
let subscriptions: typeof import("~/services/shopify/webhook-subscriptions.server");
let tasks: typeof import("~/data/tasks.server");
let shops: typeof import("~/services/shops/installation.server");
let helpers: typeof import("../runner/helpers");

beforeAll(async () => {
  store = createLocalStore();
  const url = await store.listen(0, "127.0.0.1");
  process.env.LOCAL_STORE_URL = url;
  delete process.env.SHOPIFY_API_KEY;
  delete process.env.SHOPIFY_API_SECRET;
  helpers = await import("../runner/helpers"); // this file's own queue prefix
  loadConfig();
  prisma = (await import("~/data/db.server")).default;
  subscriptions = await import("~/services/shopify/webhook-subscriptions.server");
  tasks = await import("~/data/tasks.server");
  shops = await import("~/services/shops/installation.server");
});

afterAll(async () => {
  await prisma?.task.deleteMany({ where: { shop: LOCAL_SHOP } });
  await store?.close();
});

beforeEach(async () => {
  store.reset();
  store.state.installApp(LOCAL_SHOP);
  await prisma.task.deleteMany({ where: { shop: LOCAL_SHOP } });
  await shops.shopInstalled(LOCAL_SHOP, "read_customers,write_customers");
  await seedOfflineSession(prisma, LOCAL_SHOP, store.offlineAccessToken(LOCAL_SHOP));
});

/** The store's subscriptions for the shop as "ENUM uri", sorted. */
function inStore(shop = LOCAL_SHOP): string[] {
  return store.state.webhookSubscriptions
    .list(shop)
    .map((s) => `${s.enumValue} ${s.uri}`)
    .sort();
}

const callback = () => subscriptions.shopifyEventsCallbackUrl();

async function task(subscriptionText: string, extra: { enabled?: boolean; script?: string } = {}) {
  return tasks.createTask(LOCAL_SHOP, {
    name: `Task ${randomUUID().slice(0, 6)}`,
    subscriptions: subscriptionText,
    script: extra.script ?? '{% action "echo", "hi" %}',
    enabled: extra.enabled,
  });
}

describe("Shopify webhook subscription reconciliation", () => {
  it("subscribes to the enabled tasks' Shopify topics (offsets stripped, once each) at /webhooks/shopify", async () => {
    expect(callback()).toMatch(/^http:\/\/localhost:\d+\/webhooks\/shopify$/);
    await task("shopify/customers/update+1.hour\nshopify/customers/create\nuser/foo/bar");
    await task("shopify/customers/update");
    await task("shopify/customers/delete", { enabled: false });
    await task("mechanic/scheduler/daily");
    const result = await subscriptions.syncShopifySubscriptions(LOCAL_SHOP);
    expect(result).toMatchObject({ status: "synced", kept: 0, errors: [], missingScopes: [] });
    expect(result.status === "synced" && [...result.created].sort()).toEqual([
      "shopify/customers/create",
      "shopify/customers/update",
    ]);
    expect(inStore()).toEqual([`CUSTOMERS_CREATE ${callback()}`, `CUSTOMERS_UPDATE ${callback()}`]);
    // Nothing to do the second time.
    expect(await subscriptions.syncShopifySubscriptions(LOCAL_SHOP)).toMatchObject({
      created: [],
      deleted: [],
      kept: 2,
    });
  });

  it("deletes what no enabled task wants any more: disabled, changed, deleted tasks", async () => {
    const a = await task("shopify/customers/update\nshopify/customers/create");
    const b = await task("shopify/customers/update");
    await subscriptions.syncShopifySubscriptions(LOCAL_SHOP);
    expect(inStore()).toHaveLength(2);
    await tasks.setTaskEnabled(LOCAL_SHOP, a.id, false);
    expect(await subscriptions.syncShopifySubscriptions(LOCAL_SHOP)).toMatchObject({
      created: [],
      deleted: ["CUSTOMERS_CREATE"],
    });
    expect(inStore()).toEqual([`CUSTOMERS_UPDATE ${callback()}`]);
    await tasks.deleteTask(LOCAL_SHOP, b.id);
    await subscriptions.syncShopifySubscriptions(LOCAL_SHOP);
    expect(inStore()).toEqual([]);
  });

  it("repairs drift: recreates what Shopify dropped, deletes strays at old addresses and unwanted topics", async () => {
    await task("shopify/customers/update\nshopify/customers/create");
    await subscriptions.syncShopifySubscriptions(LOCAL_SHOP);
    const [dropped] = store.state.webhookSubscriptions.forTopic(LOCAL_SHOP, "customers/create");
    store.state.webhookSubscriptions.delete(LOCAL_SHOP, dropped!.id);
    // An old app address and a topic nobody wants (the app lost track of them).
    store.state.webhookSubscriptions.create(LOCAL_SHOP, "CUSTOMERS_UPDATE", {
      uri: "https://old.example.com/webhooks/shopify",
    });
    store.state.webhookSubscriptions.create(LOCAL_SHOP, "CUSTOMERS_DELETE", { uri: callback() });
    const result = await subscriptions.syncShopifySubscriptions(LOCAL_SHOP);
    expect(result).toMatchObject({ created: ["shopify/customers/create"], kept: 1, errors: [] });
    expect(result.status === "synced" && [...result.deleted].sort()).toEqual(["CUSTOMERS_DELETE", "CUSTOMERS_UPDATE"]);
    expect(inStore()).toEqual([`CUSTOMERS_CREATE ${callback()}`, `CUSTOMERS_UPDATE ${callback()}`]);
  });

  it("the worker's job scheduler reconciles every installed shop", async () => {
    const { startWorker, closeSharedQueues } = await import("~/services/runner/worker.server");
    await task("shopify/customers/update");
    expect(inStore()).toEqual([]);
    const worker = await startWorker({
      concurrency: 1,
      sweepIntervalMs: 0,
      subscriptionSyncIntervalMs: 60_000,
      log: () => {},
    });
    try {
      await helpers.waitFor(async () => inStore().length === 1, 20_000, "the scheduled sync");
      expect(inStore()).toEqual([`CUSTOMERS_UPDATE ${callback()}`]);
    } finally {
      await worker.close();
      const { shopifySubscriptionsQueue } = await import("~/data/queues.server");
      await (await shopifySubscriptionsQueue()).obliterate({ force: true });
      await closeSharedQueues();
    }
  });

  it("leaves nothing after uninstall, does nothing while uninstalled, and subscribes again on reinstall (afterAuth)", async () => {
    await task("shopify/customers/update");
    await subscriptions.syncShopifySubscriptions(LOCAL_SHOP);
    expect(inStore()).toHaveLength(1);
    store.state.uninstallApp(LOCAL_SHOP); // Shopify drops the app's subscriptions
    await shops.shopUninstalled(LOCAL_SHOP); // what app/uninstalled does
    expect(inStore()).toEqual([]);
    expect(await subscriptions.syncShopifySubscriptions(LOCAL_SHOP)).toEqual({ status: "not-installed" });
    expect(await subscriptions.syncAllShopifySubscriptions()).toMatchObject({ failed: expect.any(Number) });
    expect(inStore()).toEqual([]);

    // The merchant opens the app again: token exchange, then afterAuth.
    const { authenticate } = await import("~/services/shopify/app.server");
    const { mintSessionToken } = await import("~/services/local-mode/session-token.server");
    const { apiKey, apiSecret, appUrl } = await import("~/config.server");
    const request = new Request(`${appUrl()}/app?shop=${LOCAL_SHOP}`, {
      headers: { Authorization: `Bearer ${mintSessionToken(LOCAL_SHOP, apiKey(), apiSecret())}` },
    });
    await authenticate.admin(request);
    await helpers.waitFor(async () => inStore().length === 1, 15_000, "the subscription after reinstall");
    expect(inStore()).toEqual([`CUSTOMERS_UPDATE ${callback()}`]);
  });

  it("skips topics whose scope the shop has not granted, and subscribes once app/scopes_update says it has", async () => {
    await task("shopify/orders/create\nshopify/customers/update");
    const result = await subscriptions.syncShopifySubscriptions(LOCAL_SHOP);
    expect(result).toMatchObject({
      created: ["shopify/customers/update"],
      missingScopes: [{ topic: "shopify/orders/create", scope: "read_orders" }],
      errors: [],
    });
    expect(inStore()).toEqual([`CUSTOMERS_UPDATE ${callback()}`]);

    // The merchant grants read_orders (App Bridge scopes.request); Shopify sends app/scopes_update.
    const granted = store.state.installations.request(LOCAL_SHOP, ["read_orders"]);
    expect("detail" in granted).toBe(true);
    const route = await import("~/routes/webhooks.app.scopes_update");
    const delivery = shopifyDelivery(
      "app/scopes_update",
      LOCAL_SHOP,
      {
        id: 1,
        previous: ["read_customers", "write_customers"],
        current: ["read_customers", "write_customers", "read_orders"],
      },
      { secret: LOCAL_API_SECRET },
    );
    expect((await route.action({ request: delivery, params: {}, context: {} })).status).toBe(200);
    await helpers.waitFor(async () => inStore().length === 2, 15_000, "the orders/create subscription");
    expect(inStore()).toEqual([`CUSTOMERS_UPDATE ${callback()}`, `ORDERS_CREATE ${callback()}`]);
  });

  it("follows the task screens: a save and an import subscribe", async () => {
    const admin = await import("~/services/admin/tasks.server");
    const saved = await admin.saveTaskFromForm(LOCAL_SHOP, null, {
      name: "Customer changed",
      subscriptions: "shopify/customers/update",
      script: '{% action "echo", customer.id %}',
      options: {},
      performActionRunsInSequence: false,
      haltActionRunSequenceOnError: false,
      enabled: true,
      template: null,
    } as Parameters<typeof admin.saveTaskFromForm>[2]);
    expect(saved?.ok).toBe(true);
    await helpers.waitFor(async () => inStore().length === 1, 15_000, "the subscription after save");
    const imported = await admin.importTaskJson(
      LOCAL_SHOP,
      JSON.stringify({ name: "Imported", subscriptions: ["shopify/customers/create"], script: "", options: {} }),
    );
    expect(imported.ok).toBe(true);
    await helpers.waitFor(async () => inStore().length === 2, 15_000, "the subscription after import");
  });
});

// The periodic sync is one BullMQ job per shop, run a few at a time, each within a time limit
// (docs/decisions/0095): a shop whose Admin API hangs or fails delays no other shop's repair.
describe("the periodic sync, one job per shop", () => {
  const OTHER_SHOP = "other-store.myshopify.com";
  let failingShop = "";

  beforeEach(async () => {
    // A second shop of the local store, installed with its real token.
    store.state.installApp(OTHER_SHOP);
    await prisma.task.deleteMany({ where: { shop: OTHER_SHOP } });
    await shops.shopInstalled(OTHER_SHOP, "read_customers,write_customers");
    await seedOfflineSession(prisma, OTHER_SHOP, store.offlineAccessToken(OTHER_SHOP));
    // A shop Shopify refuses (its token is not valid): every sync of it fails.
    failingShop = `failing-${randomUUID().slice(0, 8)}.myshopify.com`;
    await shops.shopInstalled(failingShop, "read_customers");
    await seedOfflineSession(prisma, failingShop, "shpat_not-a-valid-token");
    for (const shop of [LOCAL_SHOP, OTHER_SHOP, failingShop]) {
      await tasks.createTask(shop, {
        name: `Customers ${randomUUID().slice(0, 6)}`,
        subscriptions: "shopify/customers/update",
        script: '{% action "echo", "hi" %}',
      });
    }
  });

  afterEach(async () => {
    await prisma.task.deleteMany({ where: { shop: { in: [OTHER_SHOP, failingShop] } } });
    await shops.shopUninstalled(failingShop);
  });

  /**
   * The real Admin API, except that every call for `slowShop` waits until `release` is called or
   * its signal aborts (the sync's time limit), as a shop whose Admin API hangs would.
   */
  function hangingFor(slowShop: string) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const aborted: string[] = [];
    const adminGraphql: import("~/services/shopify/webhook-subscriptions.server").AdminGraphqlFn = async (
      shop,
      query,
      variables,
      options,
    ) => {
      if (shop === slowShop) {
        await new Promise<void>((resolve, reject) => {
          void released.then(resolve);
          options?.signal?.addEventListener("abort", () => {
            aborted.push(shop);
            reject(options.signal!.reason);
          });
        });
      }
      const { adminGraphql: real } = await import("~/services/shopify/admin-api.server");
      return real(shop, query, variables, options);
    };
    return { adminGraphql, release, aborted };
  }

  async function runWorker(
    slow: ReturnType<typeof hangingFor>,
    timeLimitMs: number | undefined,
    body: (log: string[]) => Promise<void>,
  ) {
    const { startWorker, closeSharedQueues } = await import("~/services/runner/worker.server");
    const log: string[] = [];
    const worker = await startWorker({
      concurrency: 1,
      sweepIntervalMs: 0,
      syncSchedulers: false,
      subscriptionSyncIntervalMs: 60_000,
      subscriptionSyncTimeLimitMs: timeLimitMs,
      overrides: { adminGraphql: slow.adminGraphql },
      log: (line) => log.push(line),
    });
    try {
      await body(log);
    } catch (error) {
      console.error(`the worker's log:\n${log.join("\n")}`);
      throw error;
    } finally {
      slow.release(); // a failed assertion must not leave close() waiting for the hanging job
      await worker.close();
      const { shopifySubscriptionsQueue } = await import("~/data/queues.server");
      await (await shopifySubscriptionsQueue()).obliterate({ force: true });
      await closeSharedQueues();
    }
  }

  it("syncs the other shops while one shop's Admin API hangs and another's is refused", async () => {
    // demo-store sorts first: a sync visiting shops one after another would wait for it.
    expect([LOCAL_SHOP, failingShop, OTHER_SHOP].sort()[0]).toBe(LOCAL_SHOP);
    // The merchant changed the other shop's time zone since we last read it (the store says Berlin).
    await prisma.shop.update({ where: { domain: OTHER_SHOP }, data: { ianaTimezone: "Pacific/Auckland" } });
    const slow = hangingFor(LOCAL_SHOP);
    await runWorker(slow, undefined, async (log) => {
      await helpers.waitFor(async () => inStore(OTHER_SHOP).length === 1, 30_000, "the other shop's subscription");
      expect(inStore(OTHER_SHOP)).toEqual([`CUSTOMERS_UPDATE ${callback()}`]);
      // The same visit re-reads the shop's time zone, so its daily ticks follow the change.
      const zone = async () =>
        (await prisma.shop.findUnique({ where: { domain: OTHER_SHOP }, select: { ianaTimezone: true } }))?.ianaTimezone;
      await helpers.waitFor(async () => (await zone()) === "Europe/Berlin", 30_000, "the other shop's time zone");
      await helpers.waitFor(
        async () => log.find((line) => line.includes(`sync-shop-${failingShop} failed`)),
        30_000,
        "the failing shop's job to fail",
      );
      expect(log.find((line) => line.includes(`sync-shop-${failingShop} failed`))).toMatch(
        /Could not read failing-\S+'s Shopify webhook subscriptions: HTTP 4\d\d/,
      );
      // The hanging shop is still waiting for Shopify, with nothing created yet.
      expect(inStore(LOCAL_SHOP)).toEqual([]);
      slow.release();
      await helpers.waitFor(async () => inStore(LOCAL_SHOP).length === 1, 30_000, "the slow shop's subscription");
      expect(inStore(LOCAL_SHOP)).toEqual([`CUSTOMERS_UPDATE ${callback()}`]);
    });
    expect(slow.aborted).toEqual([]);
  });

  it("stops a shop's sync at its time limit (its Admin API call aborted) and fails that job alone", async () => {
    const slow = hangingFor(LOCAL_SHOP); // never released
    await runWorker(slow, 5_000, async (log) => {
      await helpers.waitFor(async () => inStore(OTHER_SHOP).length === 1, 30_000, "the other shop's subscription");
      const failure = await helpers.waitFor(
        async () => log.find((line) => line.includes(`sync-shop-${LOCAL_SHOP} failed`)),
        30_000,
        "the slow shop's job to fail",
      );
      expect(failure).toContain(`Syncing ${LOCAL_SHOP}'s Shopify webhook subscriptions took longer than 5 s`);
    });
    expect(slow.aborted).toEqual([LOCAL_SHOP]);
    expect(inStore(LOCAL_SHOP)).toEqual([]);
  });
});
