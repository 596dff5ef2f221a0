// Shopify's webhooks to the app cannot destroy data they should not (issue 16, item 6): signed
// deliveries through the real routes, against the real database (SQLite and PostgreSQL).
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "~/config.server";
import { SHOPIFY_WEBHOOK_BODY_LIMIT } from "~/domain/http/body-limits";
import { shopifyDelivery, statusOf } from "../../support/shopify-webhook";

const SECRET = "test-secret-for-compliance";
process.env.SHOPIFY_API_KEY = "test-api-key";
process.env.SHOPIFY_API_SECRET = SECRET;
loadConfig();

let prisma: typeof import("~/data/db.server").default;
let shopInstalled: typeof import("~/services/shops/installation.server").shopInstalled;
let uninstalled: typeof import("~/routes/webhooks.app.uninstalled");
let scopesUpdate: typeof import("~/routes/webhooks.app.scopes_update");
let shopRedact: typeof import("~/routes/webhooks.shop.redact");
let customersRedact: typeof import("~/routes/webhooks.customers.redact");
let dataRequest: typeof import("~/routes/webhooks.customers.data_request");
let deliveries: typeof import("~/data/shopify-webhook-deliveries.server");

beforeAll(async () => {
  prisma = (await import("~/data/db.server")).default;
  shopInstalled = (await import("~/services/shops/installation.server")).shopInstalled;
  uninstalled = await import("~/routes/webhooks.app.uninstalled");
  scopesUpdate = await import("~/routes/webhooks.app.scopes_update");
  shopRedact = await import("~/routes/webhooks.shop.redact");
  customersRedact = await import("~/routes/webhooks.customers.redact");
  dataRequest = await import("~/routes/webhooks.customers.data_request");
  deliveries = await import("~/data/shopify-webhook-deliveries.server");
});

type Route = { action: (args: ActionFunctionArgs) => Promise<Response> };

function deliver(route: Route, request: Request): Promise<Response> {
  return route.action({ request, params: {}, context: {} });
}

const HOUR = 60 * 60 * 1000;
const ago = (ms: number) => new Date(Date.now() - ms);
const uniqueShop = (name: string) => `${name}-${randomUUID().slice(0, 8)}.myshopify.com`;

async function install(shop: string, at: Date) {
  await shopInstalled(shop, "read_customers", at);
  await prisma.session.upsert({
    where: { id: `offline_${shop}` },
    create: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "tok", scope: "read_customers" },
    update: {},
  });
}

async function eventWith(shop: string, data: unknown) {
  return prisma.event.create({
    data: { id: randomUUID(), shop, topic: "user/form/submitted", data: JSON.stringify(data), source: "user" },
  });
}

async function dataLeft(shop: string): Promise<unknown[]> {
  const rows = await prisma.event.findMany({ where: { shop }, orderBy: { id: "asc" } });
  return rows.map((row) => JSON.parse(row.data));
}

describe("customers/redact matches exactly", () => {
  it("deletes the customer's events by id, GID and whole email (any case), and nobody else's", async () => {
    const shop = uniqueShop("exact");
    await install(shop, ago(HOUR));
    const theirs = [
      { customer_id: 12 },
      { customer: { admin_graphql_api_id: "gid://shopify/Customer/12" } },
      { customer_id: "12" },
      { email: "bob@example.com" },
      { note: "Reply to Bob <BOB@Example.COM>, thanks." },
      { nested: [{ deep: { list: ["x", { contact: "mailto:bob@example.com" }] } }] },
    ];
    const others = [
      { customer_id: 121 },
      { customer_id: "122" },
      { order: { customer_id: 123, total: "12.00" } },
      { customer: { admin_graphql_api_id: "gid://shopify/Customer/1234" } },
      { email: "jimbob@example.com" },
      { email: "bob@example.com.au" },
      { email: "bob.smith@example.com" },
      { "12": "a key is not a value", "bob@example.com": true },
      { phone: "+1 555 0112" },
    ];
    for (const data of [...theirs, ...others]) await eventWith(shop, data);
    const bystander = uniqueShop("bystander");
    await eventWith(bystander, { customer_id: 12, email: "bob@example.com" });

    const payload = { shop_domain: shop, customer: { id: 12, email: "Bob@Example.com" }, orders_to_redact: [] };
    const asked = await deliver(
      dataRequest,
      shopifyDelivery("customers/data_request", shop, payload, { secret: SECRET }),
    );
    expect(asked.status).toBe(200);

    const redacted = await deliver(
      customersRedact,
      shopifyDelivery("customers/redact", shop, payload, { secret: SECRET }),
    );
    expect(redacted.status).toBe(200);
    const left = await dataLeft(shop);
    expect(left).toHaveLength(others.length);
    expect(left).toEqual(expect.arrayContaining(others));
    expect(await dataLeft(bystander)).toHaveLength(1); // another shop's data is never touched
  });

  it("a payload with neither id nor email deletes nothing", async () => {
    const shop = uniqueShop("nobody");
    await eventWith(shop, { email: "" });
    await eventWith(shop, { customer_id: 0 });
    const payload = { shop_domain: shop, customer: { id: null, email: "" } };
    expect(
      (await deliver(customersRedact, shopifyDelivery("customers/redact", shop, payload, { secret: SECRET }))).status,
    ).toBe(200);
    expect(await dataLeft(shop)).toHaveLength(2);
  });
});

describe("every delivery is handled once (X-Shopify-Webhook-Id)", () => {
  it("a repeated customers/redact delivery is answered 200 and does nothing", async () => {
    const shop = uniqueShop("dedupe");
    const webhookId = randomUUID();
    const payload = { shop_domain: shop, customer: { id: 77, email: "ann@example.com" } };
    await eventWith(shop, { customer_id: 77 });
    const first = await deliver(
      customersRedact,
      shopifyDelivery("customers/redact", shop, payload, { secret: SECRET, webhookId }),
    );
    expect(first.status).toBe(200);
    expect(await dataLeft(shop)).toHaveLength(0);

    // Data arriving later is not erased by a copy of the old delivery.
    await eventWith(shop, { customer_id: 77, note: "new" });
    const again = await deliver(
      customersRedact,
      shopifyDelivery("customers/redact", shop, payload, { secret: SECRET, webhookId }),
    );
    expect(again.status).toBe(200);
    expect(await again.text()).toBe("Ignored: this delivery was already handled\n");
    expect(await dataLeft(shop)).toHaveLength(1);
    expect(await prisma.shopifyWebhookDelivery.count({ where: { webhookId } })).toBe(1);
  });

  it("the data module claims an id once, releases it for a retry, and purges old ids", async () => {
    const webhookId = randomUUID();
    const delivery = { webhookId, shop: uniqueShop("module"), topic: "app/uninstalled", triggeredAt: null };
    expect(await deliveries.claimShopifyDelivery(delivery)).toBe("claimed");
    expect(await deliveries.claimShopifyDelivery(delivery)).toBe("duplicate");
    await deliveries.releaseShopifyDelivery(webhookId);
    expect(await deliveries.claimShopifyDelivery(delivery)).toBe("claimed");
    const later = new Date(Date.now() + deliveries.SHOPIFY_DELIVERY_RETENTION_MS + HOUR);
    expect(await deliveries.purgeShopifyDeliveries(later)).toBeGreaterThanOrEqual(1);
    expect(await prisma.shopifyWebhookDelivery.count({ where: { webhookId } })).toBe(0);
  });

  it("a delivery triggered more than 7 days ago is ignored", async () => {
    const shop = uniqueShop("old");
    await eventWith(shop, { customer_id: 5 });
    const payload = { shop_domain: shop, customer: { id: 5 } };
    const stale = shopifyDelivery("customers/redact", shop, payload, {
      secret: SECRET,
      triggeredAt: ago(8 * 24 * HOUR),
    });
    const response = await deliver(customersRedact, stale);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("Ignored: the delivery was triggered more than 7 days ago\n");
    expect(await dataLeft(shop)).toHaveLength(1);
  });
});

describe("deliveries from an earlier installation are ignored", () => {
  it("a replayed app/uninstalled after a reinstall keeps the new sessions and the shop installed", async () => {
    const shop = uniqueShop("replay");
    await install(shop, ago(3 * HOUR));
    const oldUninstall = { secret: SECRET, webhookId: randomUUID(), triggeredAt: ago(2 * HOUR) };
    expect((await deliver(uninstalled, shopifyDelivery("app/uninstalled", shop, { id: 1 }, oldUninstall))).status).toBe(
      200,
    );
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect((await prisma.shop.findUnique({ where: { domain: shop } }))?.uninstalledAt).toBeInstanceOf(Date);

    const reinstallAt = ago(HOUR);
    await install(shop, reinstallAt); // the merchant reinstalls
    const reinstalled = await prisma.shop.findUnique({ where: { domain: shop } });
    expect(reinstalled?.uninstalledAt).toBeNull();
    expect(reinstalled?.installedAt.getTime()).toBe(reinstallAt.getTime());
    expect(reinstalled?.authorizedAt?.getTime()).toBe(reinstallAt.getTime());

    // The same delivery again (same id), and a replay of it under a new id: both ignored.
    for (const webhookId of [oldUninstall.webhookId, randomUUID()]) {
      const replay = shopifyDelivery("app/uninstalled", shop, { id: 1 }, { ...oldUninstall, webhookId });
      expect((await deliver(uninstalled, replay)).status).toBe(200);
    }
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
    expect((await prisma.shop.findUnique({ where: { domain: shop } }))?.uninstalledAt).toBeNull();

    // A fresh uninstall still works.
    expect(
      (await deliver(uninstalled, shopifyDelivery("app/uninstalled", shop, { id: 1 }, { secret: SECRET }))).status,
    ).toBe(200);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
  });

  it("a late app/uninstalled retry that arrives after the app was authorized again is ignored", async () => {
    const shop = uniqueShop("late");
    await install(shop, ago(HOUR)); // authorized an hour ago; the uninstall below was triggered before
    const late = shopifyDelivery("app/uninstalled", shop, { id: 1 }, { secret: SECRET, triggeredAt: ago(2 * HOUR) });
    const response = await deliver(uninstalled, late);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("Ignored: the delivery belongs to an earlier installation of the app\n");
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
  });

  it("an old app/scopes_update does not overwrite the scopes granted since", async () => {
    const shop = uniqueShop("scopes");
    await install(shop, ago(HOUR));
    const old = shopifyDelivery(
      "app/scopes_update",
      shop,
      { current: ["read_products"] },
      { secret: SECRET, triggeredAt: ago(2 * HOUR) },
    );
    expect((await deliver(scopesUpdate, old)).status).toBe(200);
    expect((await prisma.shop.findUnique({ where: { domain: shop } }))?.scopes).toBe("read_customers");
  });
});

describe("shop/redact acts only for an uninstalled shop", () => {
  async function withData(shop: string) {
    await prisma.webhook.create({ data: { id: randomUUID(), shop, name: "W", topic: "user/a/b" } });
    await eventWith(shop, { a: 1 });
  }

  it("an installed shop keeps everything", async () => {
    const shop = uniqueShop("installed");
    await install(shop, ago(HOUR));
    await withData(shop);
    const response = await deliver(
      shopRedact,
      shopifyDelivery("shop/redact", shop, { shop_domain: shop }, { secret: SECRET }),
    );
    expect(response.status).toBe(200);
    expect(await prisma.webhook.count({ where: { shop } })).toBe(1);
    expect(await prisma.event.count({ where: { shop } })).toBe(1);
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
  });

  it("an uninstalled shop is erased; a replay from before a reinstall erases nothing", async () => {
    const shop = uniqueShop("uninstalled");
    await install(shop, ago(72 * HOUR));
    await withData(shop);
    await deliver(
      uninstalled,
      shopifyDelivery("app/uninstalled", shop, { id: 1 }, { secret: SECRET, triggeredAt: ago(50 * HOUR) }),
    );
    const redact = shopifyDelivery(
      "shop/redact",
      shop,
      { shop_domain: shop },
      { secret: SECRET, triggeredAt: ago(2 * HOUR) },
    );
    const body = await redact.clone().text();
    expect((await deliver(shopRedact, redact)).status).toBe(200);
    expect(await prisma.webhook.count({ where: { shop } })).toBe(0);
    expect(await prisma.event.count({ where: { shop } })).toBe(0);
    expect(await prisma.shop.count({ where: { domain: shop } })).toBe(0);

    // Reinstalled and used again; the captured shop/redact is replayed under a new id.
    await install(shop, ago(HOUR));
    await withData(shop);
    const replay = shopifyDelivery("shop/redact", shop, null, { secret: SECRET, body, triggeredAt: ago(2 * HOUR) });
    expect((await deliver(shopRedact, replay)).status).toBe(200);
    expect(await prisma.event.count({ where: { shop } })).toBe(1);
  });
});

describe("body limit", () => {
  it("a body over the limit (2 MiB) is refused with 413 before the HMAC is checked", async () => {
    const shop = uniqueShop("big");
    await install(shop, ago(HOUR));
    const body = JSON.stringify({ id: 1, padding: "x".repeat(SHOPIFY_WEBHOOK_BODY_LIMIT) });
    const response = await deliver(
      uninstalled,
      shopifyDelivery("app/uninstalled", shop, null, { secret: SECRET, body }),
    );
    expect(response.status).toBe(413);
    expect(await response.text()).toBe(
      `Payload Too Large: the body limit for this URL is ${SHOPIFY_WEBHOOK_BODY_LIMIT} bytes\n`,
    );
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
  });

  it("a streamed body is cut off at the limit, unread beyond it", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024));
        if (pulled > 10_000) controller.close();
      },
    });
    const request = new Request("http://localhost/webhooks/app/uninstalled", {
      method: "POST",
      body: endless,
      headers: { "Content-Type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(await statusOf(deliver(uninstalled, request))).toBe(413);
    // The limit in 64 KiB chunks, plus what the stream reads ahead.
    expect(pulled).toBeLessThan(SHOPIFY_WEBHOOK_BODY_LIMIT / (64 * 1024) + 4);
  });

  it("a wrong HMAC is still 401 and changes nothing", async () => {
    const shop = uniqueShop("hmac");
    await install(shop, ago(HOUR));
    const forged = shopifyDelivery("app/uninstalled", shop, { id: 1 }, { secret: "not-the-secret" });
    expect(await statusOf(deliver(uninstalled, forged))).toBe(401);
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
  });
});
