// Requests to unknown webhook ids are answered 204 without reading them (docs/decisions/0030), as
// Mechanic does, so a mistyped URL looks like it works. To let a merchant find one, the app counts
// them per shop where it can tell the shop (issue 13): a browser's Origin or Referer naming a
// *.myshopify.com domain (a storefront's, or the local store's storefront preview path).
const MYSHOPIFY = /(?:^|[/.])([a-z0-9][a-z0-9-]{0,60}\.myshopify\.com)(?:$|[/:?#])/;

/** The shop a request to an unknown webhook id came from, or null when the headers do not say. */
export function shopFromOriginOrReferer(origin: string | null, referer: string | null): string | null {
  for (const value of [origin, referer]) {
    if (!value || value.length > 2000) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    const host = url.hostname.toLowerCase();
    if (host.endsWith(".myshopify.com") && MYSHOPIFY.test(host)) return MYSHOPIFY.exec(host)![1]!;
    const inPath = MYSHOPIFY.exec(decodeURIComponent(url.pathname).toLowerCase());
    if (inPath) return inPath[1]!;
  }
  return null;
}

export const HOUR_MS = 60 * 60 * 1000;
/** Counts are kept per hour; the last 24 hourly buckets (this one included) make "the last 24 h". */
export const UNKNOWN_COUNT_BUCKETS = 24;

export function hourBucket(nowMs: number): number {
  return Math.floor(nowMs / HOUR_MS);
}

export function lastDayBuckets(nowMs: number): number[] {
  const current = hourBucket(nowMs);
  return Array.from({ length: UNKNOWN_COUNT_BUCKETS }, (_, i) => current - i);
}
