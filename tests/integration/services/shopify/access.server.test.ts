// The scopes a shop has granted, and learning a new grant from Shopify after the merchant accepts a
// scopes request on a task page: stored, and the subscriptions waiting for it created. Local store,
// real database (SQLite or TEST_DB=postgres).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SHOP, loadConfig } from "~/config.server";
import { createLocalStore, type LocalStore } from "~/local-store";
import { seedOfflineSession } from "../../../support/offline-session";

let store: LocalStore;
let prisma: typeof import("~/data/db.server").default;
let access: typeof import("~/services/shopify/access.server");

beforeAll(async () => {
  store = createLocalStore();
  process.env.LOCAL_STORE_URL = await store.listen(0, "127.0.0.1");
  delete process.env.SHOPIFY_API_KEY;
  delete process.env.SHOPIFY_API_SECRET;
  loadConfig();
  prisma = (await import("~/data/db.server")).default;
  access = await import("~/services/shopify/access.server");
});

afterAll(async () => {
  await prisma?.task.deleteMany({ where: { shop: LOCAL_SHOP } });
  await store?.close();
});

describe("granted scopes", () => {
  it("come from the Shop row, else the offline session", async () => {
    const shop = `access-${Date.now()}.myshopify.com`;
    await seedOfflineSession(prisma, shop, "tok", "read_customers");
    expect(await access.grantedScopes(shop)).toEqual(["read_customers"]);
    await prisma.shop.create({ data: { domain: shop, scopes: "read_customers,read_orders" } });
    expect(await access.grantedScopes(shop)).toEqual(["read_customers", "read_orders"]);
    expect(await access.grantedScopes("nobody.myshopify.com")).toEqual([]);
  });

  it("a task on shopify/orders/create needs orders until the grant; refreshing stores it and subscribes", async () => {
    const { shopInstalled } = await import("~/services/shops/installation.server");
    const { createTask } = await import("~/data/tasks.server");
    const { listTasksForIndex } = await import("~/services/admin/tasks.server");
    const { shopifyEventsCallbackUrl } = await import("~/services/shopify/webhook-subscriptions.server");
    store.reset();
    store.state.installApp(LOCAL_SHOP);
    await prisma.task.deleteMany({ where: { shop: LOCAL_SHOP } });
    await shopInstalled(LOCAL_SHOP, "read_customers,write_customers");
    await seedOfflineSession(prisma, LOCAL_SHOP, store.offlineAccessToken(LOCAL_SHOP));
    const task = await createTask(LOCAL_SHOP, {
      name: "Orders",
      subscriptions: "shopify/orders/create",
      script: '{% action "echo", order.id %}',
    });
    const row = (await listTasksForIndex(LOCAL_SHOP)).find((t) => t.id === task.id);
    expect(row?.needsAccess).toBe("Needs access to orders");
    expect(row).not.toHaveProperty("script");

    // Refreshing before a grant changes nothing; after the grant the scope is known and subscribed.
    expect(await access.refreshGrantedScopes(LOCAL_SHOP)).not.toContain("read_orders");
    expect(store.state.webhookSubscriptions.list(LOCAL_SHOP)).toEqual([]);
    store.state.installations.request(LOCAL_SHOP, ["read_orders"]);
    expect(await access.refreshGrantedScopes(LOCAL_SHOP)).toContain("read_orders");
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: LOCAL_SHOP } })).scopes).toContain("read_orders");
    expect((await prisma.session.findUniqueOrThrow({ where: { id: `offline_${LOCAL_SHOP}` } })).scope).toContain(
      "read_orders",
    );
    expect(store.state.webhookSubscriptions.list(LOCAL_SHOP).map((s) => `${s.enumValue} ${s.uri}`)).toEqual([
      `ORDERS_CREATE ${shopifyEventsCallbackUrl()}`,
    ]);
    expect((await listTasksForIndex(LOCAL_SHOP)).find((t) => t.id === task.id)?.needsAccess).toBeNull();
  });
});
