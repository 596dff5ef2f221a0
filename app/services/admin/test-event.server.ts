// "Send test event": posts a sample payload through the real ingress pipeline (the same code as
// POST /webhook/:id), signing it when the webhook verifies signatures, and finds the event the
// request created by its X-Request-Id.
import { randomUUID } from "node:crypto";
import { handleIngress } from "~/services/ingress/handle-ingress.server";
import { DEFAULT_HMAC_HEADER, signHmac, signStandard, type SignatureEncoding } from "~/domain/ingress/signature";
import { getWebhook, webhookUrl } from "~/data/webhooks.server";
import { findEventByRequestId } from "~/services/admin/activity.server";
import { TEST_EVENT_PAYLOAD } from "~/domain/webhooks/examples";
import { DEFAULT_DEDUPE_HEADERS } from "~/domain/webhooks/rules";

export interface TestEventResult {
  status: number;
  requestId: string | null;
  eventId: string | null;
  message: string;
}

/** Returns null when the shop has no such webhook. */
export async function sendTestEvent(
  shop: string,
  webhookId: string,
  now = new Date(),
): Promise<TestEventResult | null> {
  const webhook = await getWebhook(shop, webhookId);
  if (!webhook) return null;
  if (!webhook.enabled) {
    return {
      status: 0,
      requestId: null,
      eventId: null,
      message: "This webhook is disabled: enable it to receive events.",
    };
  }
  const body = JSON.stringify({ ...TEST_EVENT_PAYLOAD, sent_at: now.toISOString() });
  const headers = new Headers({ "Content-Type": "application/json", "User-Agent": "Hookline test event" });
  const secret = webhook.signatureSecret ?? "";
  if (webhook.signatureMode === "standard") {
    const messageId = `msg_${randomUUID()}`;
    const timestamp = Math.floor(now.getTime() / 1000);
    headers.set("webhook-id", messageId);
    headers.set("webhook-timestamp", String(timestamp));
    headers.set("webhook-signature", signStandard(secret, messageId, timestamp, body));
  } else if (webhook.signatureMode === "hmac") {
    const encoding: SignatureEncoding = webhook.signatureEncoding === "base64" ? "base64" : "hex";
    headers.set(webhook.signatureHeader || DEFAULT_HMAC_HEADER, signHmac(secret, body, encoding));
  }
  // A fresh idempotency key, so a second test is not dropped as a repeat.
  if (webhook.dedupeEnabled) headers.set(webhook.dedupeHeader || DEFAULT_DEDUPE_HEADERS[0], randomUUID());

  const response = await handleIngress(
    new Request(webhookUrl(webhook.id), { method: "POST", headers, body }),
    webhook.id,
    {
      clientIp: "127.0.0.1",
    },
  );
  const requestId = response.headers.get("X-Request-Id");
  const responseText = response.status === 204 ? "" : (await response.text()).slice(0, 300);
  if (response.status !== 204) {
    return {
      status: response.status,
      requestId,
      eventId: null,
      message: `The webhook answered ${response.status}: ${responseText}`,
    };
  }
  const event = requestId ? await findEventByRequestId(shop, requestId) : null;
  return {
    status: response.status,
    requestId,
    eventId: event?.id ?? null,
    message: event ? "Test event received" : "The webhook answered 204 but no event was stored",
  };
}
