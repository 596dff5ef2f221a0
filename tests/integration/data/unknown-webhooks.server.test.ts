// Issue 13: "requests to unknown webhook ids in the last 24 h: N" per shop, told by Origin/Referer,
// counted in Redis only for shops installed here, answered 204 as before (decision 0030).
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { closeQueues } from "~/data/queues.server";
import {
  countUnknownWebhookRequest,
  resetUnknownWebhookShopCache,
  unknownWebhookRequestsLastDay,
} from "~/data/unknown-webhooks.server";
import { HOUR_MS } from "~/domain/ingress/unknown-webhook";
import { post, until } from "../services/ingress/helpers";

afterAll(async () => {
  await closeQueues();
});

async function installedShop(): Promise<string> {
  const shop = `unknown-${randomUUID().slice(0, 8)}.myshopify.com`;
  await prisma.shop.create({ data: { domain: shop } });
  resetUnknownWebhookShopCache();
  return shop;
}

describe("requests to unknown webhook ids", () => {
  it("are answered 204 and counted for the shop their Origin or Referer names", async () => {
    const shop = await installedShop();
    expect(await unknownWebhookRequestsLastDay(shop)).toBe(0);
    const mistyped = randomUUID();
    const fromStorefront = await post(mistyped, {
      body: '{"a":1}',
      contentType: "application/json",
      headers: { origin: `https://${shop}` },
    });
    expect(fromStorefront.status).toBe(204);
    const fromPreview = await post(mistyped, {
      body: "x",
      contentType: "text/plain",
      headers: { referer: `http://127.0.0.1:3101/_local/storefront/${shop}?customer=1` },
    });
    expect(fromPreview.status).toBe(204);
    // Counted after the answer.
    await until("both counted", async () => (await unknownWebhookRequestsLastDay(shop)) === 2, 10_000);
    // Without a shop in the headers: answered the same, counted nowhere.
    expect((await post(mistyped, { body: "x", contentType: "text/plain" })).status).toBe(204);
  });

  it("count nothing for a shop not installed here (a forged Origin adds no keys)", async () => {
    const stranger = `stranger-${randomUUID().slice(0, 8)}.myshopify.com`;
    await countUnknownWebhookRequest(stranger);
    expect(await unknownWebhookRequestsLastDay(stranger)).toBe(0);
  });

  it("keep the last 24 hours: an hour counted a day ago is not in the sum", async () => {
    const shop = await installedShop();
    const now = new Date();
    await countUnknownWebhookRequest(shop, new Date(now.getTime() - 25 * HOUR_MS));
    await countUnknownWebhookRequest(shop, new Date(now.getTime() - 23 * HOUR_MS));
    await countUnknownWebhookRequest(shop, now);
    expect(await unknownWebhookRequestsLastDay(shop, now)).toBe(2);
  });
});
