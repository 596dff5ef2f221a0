// Shopify's webhooks to the app: HMAC verified, then handled against the real database.
import { createHmac, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "~/config.server";

const SECRET = "test-secret-for-webhooks";
process.env.SHOPIFY_API_KEY = "test-api-key";
process.env.SHOPIFY_API_SECRET = SECRET;
loadConfig();

let prisma: typeof import("~/data/db.server").default;
let uninstalled: typeof import("~/routes/webhooks.app.uninstalled");
let shopRedact: typeof import("~/routes/webhooks.shop.redact");
let customersRedact: typeof import("~/routes/webhooks.customers.redact");
let dataRequest: typeof import("~/routes/webhooks.customers.data_request");
let scopesUpdate: typeof import("~/routes/webhooks.app.scopes_update");

beforeAll(async () => {
  prisma = (await import("~/data/db.server")).default;
  uninstalled = await import("~/routes/webhooks.app.uninstalled");
  shopRedact = await import("~/routes/webhooks.shop.redact");
  customersRedact = await import("~/routes/webhooks.customers.redact");
  dataRequest = await import("~/routes/webhooks.customers.data_request");
  scopesUpdate = await import("~/routes/webhooks.app.scopes_update");
});

function shopifyWebhook(topic: string, shop: string, payload: unknown, secret = SECRET): Request {
  const body = JSON.stringify(payload);
  return new Request(`http://localhost/webhooks/${topic}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body).digest("base64"),
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": "2025-10",
      "X-Shopify-Webhook-Id": randomUUID(),
    },
  });
}

async function status(promise: Promise<Response>): Promise<number> {
  try {
    return (await promise).status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

async function seedShop(shop: string) {
  await prisma.shop.create({ data: { domain: shop } });
  await prisma.session.create({
    data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "tok", scope: "read_customers" },
  });
}

describe("Shopify webhooks", () => {
  it("app/uninstalled deletes sessions and marks the shop uninstalled", async () => {
    const shop = `uninstall-${Date.now()}.myshopify.com`;
    await seedShop(shop);
    const res = await uninstalled.action({
      request: shopifyWebhook("app/uninstalled", shop, { id: 1 }),
      params: {},
      context: {},
    });
    expect(res.status).toBe(200);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect((await prisma.shop.findUnique({ where: { domain: shop } }))?.uninstalledAt).toBeInstanceOf(Date);
  });

  it("refuses a bad HMAC with 401 and changes nothing", async () => {
    const shop = `badhmac-${Date.now()}.myshopify.com`;
    await seedShop(shop);
    const request = shopifyWebhook("app/uninstalled", shop, { id: 1 }, "wrong-secret");
    expect(await status(uninstalled.action({ request, params: {}, context: {} }))).toBe(401);
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
  });

  it("app/scopes_update records the new scopes", async () => {
    const shop = `scopes-${Date.now()}.myshopify.com`;
    await seedShop(shop);
    const request = shopifyWebhook("app/scopes_update", shop, { current: ["read_customers", "write_customers"] });
    expect((await scopesUpdate.action({ request, params: {}, context: {} })).status).toBe(200);
    expect((await prisma.shop.findUnique({ where: { domain: shop } }))?.scopes).toBe("read_customers,write_customers");
    expect((await prisma.session.findFirst({ where: { shop } }))?.scope).toBe("read_customers,write_customers");
  });

  it("customers/redact deletes events that mention the customer; customers/data_request answers 200", async () => {
    const shop = `redact-${Date.now()}.myshopify.com`;
    await seedShop(shop);
    const mk = (data: unknown) =>
      prisma.event.create({
        data: { id: randomUUID(), shop, topic: "user/a/b", data: JSON.stringify(data), source: "webhook" },
      });
    await mk({ customer_id: 987654321012, note: "x" });
    await mk({ email: "jane@example.com" });
    await mk({ other: true });
    const payload = { shop_domain: shop, customer: { id: 987654321012, email: "jane@example.com" } };
    expect(
      (
        await dataRequest.action({
          request: shopifyWebhook("customers/data_request", shop, payload),
          params: {},
          context: {},
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await customersRedact.action({
          request: shopifyWebhook("customers/redact", shop, payload),
          params: {},
          context: {},
        })
      ).status,
    ).toBe(200);
    const left = await prisma.event.findMany({ where: { shop } });
    expect(left.map((e) => JSON.parse(e.data))).toEqual([{ other: true }]);
  });

  it("shop/redact deletes everything held for an uninstalled shop", async () => {
    const shop = `shopredact-${Date.now()}.myshopify.com`;
    await prisma.shop.create({ data: { domain: shop, uninstalledAt: new Date() } });
    await prisma.webhook.create({ data: { id: randomUUID(), shop, name: "W", topic: "user/a/b" } });
    await prisma.event.create({ data: { id: randomUUID(), shop, topic: "user/a/b", data: "{}", source: "webhook" } });
    const request = shopifyWebhook("shop/redact", shop, { shop_domain: shop });
    expect((await shopRedact.action({ request, params: {}, context: {} })).status).toBe(200);
    expect(await prisma.webhook.count({ where: { shop } })).toBe(0);
    expect(await prisma.event.count({ where: { shop } })).toBe(0);
    expect(await prisma.shop.count({ where: { domain: shop } })).toBe(0);
  });
});
