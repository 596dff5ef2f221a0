// CORS decisions for the ingress route. By default any origin may POST (Mechanic's behaviour:
// the URL is the secret, and CORS never stops servers). A "restricted" webhook accepts browser
// requests only from the shop's storefront origins and the shop's extra origins setting;
// requests without an Origin header (servers) are not browsers and are not restricted.

export type CorsMode = "any" | "restricted";

export type CorsDecision = { allowed: true; allowOrigin: string | null } | { allowed: false; reason: string };

/** Headers a browser may send: Content-Type plus the signature and idempotency headers. */
export const BASE_ALLOWED_HEADERS = [
  "Content-Type",
  "Idempotency-Key",
  "Webhook-Id",
  "Webhook-Timestamp",
  "Webhook-Signature",
  "X-Shopify-Webhook-Id",
  "X-Signature",
];

export const PREFLIGHT_MAX_AGE_SECONDS = 86400;

/** "https://Shop.example.com/" -> "https://shop.example.com"; null for anything that is not an http(s) origin. */
export function normalizeOrigin(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "null") return null;
  try {
    const url = new URL(trimmed.includes("://") ? trimmed : `https://${trimmed}`);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** The shop's "additional CORS origins" setting (JSON array text) as normalized origins; invalid entries are dropped. */
export function parseCorsOriginsSetting(text: string | null | undefined): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value
      .flatMap((entry) => (typeof entry === "string" ? [normalizeOrigin(entry)] : []))
      .filter((o): o is string => o !== null);
  } catch {
    return [];
  }
}

/** Origins a restricted webhook accepts: https://<shop>.myshopify.com, the shop's domains, and the extra origins. */
export function restrictedOrigins(
  shop: string,
  shopDomainUrls: readonly string[],
  extraOrigins: readonly string[],
): Set<string> {
  const origins = new Set<string>();
  for (const candidate of [`https://${shop}`, ...shopDomainUrls, ...extraOrigins]) {
    const origin = normalizeOrigin(candidate);
    if (origin) origins.add(origin);
  }
  return origins;
}

export function decideCors(mode: CorsMode, origin: string | null, allowedOrigins: ReadonlySet<string>): CorsDecision {
  if (mode === "any") return { allowed: true, allowOrigin: "*" };
  if (origin === null) return { allowed: true, allowOrigin: null };
  const normalized = normalizeOrigin(origin);
  if (normalized !== null && allowedOrigins.has(normalized)) return { allowed: true, allowOrigin: normalized };
  return { allowed: false, reason: `origin ${origin.slice(0, 100)} is not allowed for this webhook` };
}

/** Response headers for a POST answer (no Allow-Origin when refused). */
export function corsResponseHeaders(decision: CorsDecision): Record<string, string> {
  if (!decision.allowed || decision.allowOrigin === null) return { Vary: "Origin" };
  const headers: Record<string, string> = {
    "Access-Control-Allow-Origin": decision.allowOrigin,
    "Access-Control-Expose-Headers": "X-Request-Id",
  };
  if (decision.allowOrigin !== "*") headers.Vary = "Origin";
  return headers;
}

/** Response headers for an OPTIONS preflight. */
export function preflightHeaders(
  decision: CorsDecision,
  extraAllowedHeaders: readonly string[] = [],
): Record<string, string> {
  const allowHeaders = [...BASE_ALLOWED_HEADERS];
  for (const header of extraAllowedHeaders) {
    if (header && !allowHeaders.some((h) => h.toLowerCase() === header.toLowerCase())) allowHeaders.push(header);
  }
  return {
    ...corsResponseHeaders(decision),
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": allowHeaders.join(", "),
    "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE_SECONDS),
  };
}
