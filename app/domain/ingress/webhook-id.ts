// One spelling per webhook id. Ids are UUIDs, which are case-insensitive, and the database holds
// them in lower case; every per-webhook key (rate limit, dedupe, lookup cache, counters) uses this
// form, so "ABC..." and "abc..." are one webhook with one limit.
export function canonicalWebhookId(id: string): string {
  return id.toLowerCase();
}
