// Facts about Shopify's webhook deliveries shared by the routes that receive them.

/** Where Shopify delivers the topics tasks subscribe to (every subscription Hookline creates). */
export const SHOPIFY_EVENTS_PATH = "/webhooks/shopify";

/** X-Shopify-Triggered-At as a Date (Shopify sends up to nanoseconds), or null when absent or unreadable. */
export function parseTriggeredAt(value: string | null | undefined): Date | null {
  if (!value) return null;
  const trimmed = value.trim().replace(/(\.\d{3})\d+/, "$1");
  const time = Date.parse(trimmed);
  return Number.isFinite(time) ? new Date(time) : null;
}
