// Signed Shopify webhook deliveries to the app, as Shopify sends them (HMAC of the body with the app
// secret, base64, plus the X-Shopify-* headers), for tests of the /webhooks/* routes.
import { createHmac, randomUUID } from "node:crypto";

export interface DeliveryOptions {
  secret: string;
  webhookId?: string;
  triggeredAt?: Date | null;
  body?: string;
}

export function shopifyDelivery(topic: string, shop: string, payload: unknown, options: DeliveryOptions): Request {
  const body = options.body ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Hmac-Sha256": createHmac("sha256", options.secret).update(body).digest("base64"),
    "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-API-Version": "2025-10",
    "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
  };
  const triggeredAt = options.triggeredAt === undefined ? new Date() : options.triggeredAt;
  if (triggeredAt) headers["X-Shopify-Triggered-At"] = triggeredAt.toISOString().replace("Z", "123456Z");
  return new Request(`http://localhost/webhooks/${topic}`, { method: "POST", body, headers });
}

/** The status of a route's answer, whether it returned or threw a Response. */
export async function statusOf(promise: Promise<Response>): Promise<number> {
  try {
    return (await promise).status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}
