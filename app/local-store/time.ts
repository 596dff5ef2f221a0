// Shopify's DateTime format, shared by every part of the local store.

/** ISO 8601 in UTC without milliseconds, as Shopify's GraphQL DateTime values are written. */
export function toShopifyDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
