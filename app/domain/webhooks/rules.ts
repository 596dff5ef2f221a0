// The rules of a webhook's settings, in one place: the create/edit form (webhook-form.ts), the model
// (app/data/webhooks.server.ts), the CLI and ingress all check and default them here.
// Imported by the browser's forms too: only types from the ingress modules (which use node:crypto).
import type { DataMode } from "~/domain/ingress/body";
import type { CorsMode } from "~/domain/ingress/cors";
import type { SignatureEncoding, SignatureMode } from "~/domain/ingress/signature";

export { MAX_NAME_LENGTH, nameProblem } from "~/domain/names";

export const DATA_MODES = ["auto", "full"] as const satisfies readonly DataMode[];
export const CORS_MODES = ["any", "restricted"] as const satisfies readonly CorsMode[];
export const SIGNATURE_MODES = ["none", "standard", "hmac"] as const satisfies readonly SignatureMode[];
export const SIGNATURE_ENCODINGS = ["hex", "base64"] as const satisfies readonly SignatureEncoding[];

/** The header an "hmac" webhook reads its signature from when none is named. */
export const DEFAULT_SIGNATURE_HEADER = "X-Signature";

/** The headers dedupe reads, in order, when none is named. */
export const DEFAULT_DEDUPE_HEADERS = ["Idempotency-Key", "webhook-id", "X-Shopify-Webhook-Id"] as const;
export const DEFAULT_DEDUPE_HEADERS_TEXT = `${DEFAULT_DEDUPE_HEADERS.slice(0, -1).join(", ")} or ${DEFAULT_DEDUPE_HEADERS.at(-1)}`;

export const MAX_HEADER_NAME_LENGTH = 100;
// RFC 9110 token characters: what a header name may contain.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** What is wrong with a header name (signature or dedupe header), or null. */
export function headerNameProblem(name: string): string | null {
  if (name.length > MAX_HEADER_NAME_LENGTH) {
    return `Header name is ${name.length} characters; the limit is ${MAX_HEADER_NAME_LENGTH}`;
  }
  if (!HEADER_NAME.test(name)) {
    return `"${name}" is not a valid HTTP header name: use letters, digits and - _ . ! # $ % & ' * + ^ \` | ~ (no spaces or colons)`;
  }
  return null;
}

export const SIGNING_SECRET_LENGTH = { min: 8, max: 500 } as const;

/** What is wrong with a sender's shared secret ("hmac" mode), or null. */
export function signingSecretProblem(secret: string): string | null {
  if (secret.length < SIGNING_SECRET_LENGTH.min || secret.length > SIGNING_SECRET_LENGTH.max) {
    return `Secret must be ${SIGNING_SECRET_LENGTH.min} to ${SIGNING_SECRET_LENGTH.max} characters`;
  }
  return null;
}

/** Requests per minute a webhook or a shop may set (ingress answers 429 above it). */
export const RATE_LIMIT_PER_MINUTE = { min: 1, max: 1_000_000 } as const;

/** What is wrong with a rate limit, or null. */
export function rateLimitProblem(rate: number): string | null {
  if (!Number.isInteger(rate) || rate < RATE_LIMIT_PER_MINUTE.min || rate > RATE_LIMIT_PER_MINUTE.max) {
    return `Rate limit must be a whole number from ${RATE_LIMIT_PER_MINUTE.min} to ${RATE_LIMIT_PER_MINUTE.max.toLocaleString("en-US")} per minute`;
  }
  return null;
}

/** `value` when it is one of `allowed`, else null. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | null {
  return typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/**
 * How a webhook answers a POST (docs/decisions/0075): "immediate" answers 204 once the event is
 * stored (Mechanic's behaviour); "wait" holds the request until a task's respond action answers it.
 */
export const RESPONSE_MODES = ["immediate", "wait"] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** Seconds a wait-mode caller waits for a response before a 202 (kept under common 30 s client and proxy timeouts). */
export const RESPONSE_TIMEOUT_SECONDS = { min: 1, max: 25, default: 10 } as const;

/** What is wrong with a response timeout, or null. */
export function responseTimeoutProblem(seconds: number): string | null {
  if (!Number.isInteger(seconds) || seconds < RESPONSE_TIMEOUT_SECONDS.min || seconds > RESPONSE_TIMEOUT_SECONDS.max) {
    return `Response timeout must be a whole number of seconds from ${RESPONSE_TIMEOUT_SECONDS.min} to ${RESPONSE_TIMEOUT_SECONDS.max}`;
  }
  return null;
}

/** A stored response mode, read safely (anything unknown is the default). */
export function responseModeOf(value: string | null | undefined): ResponseMode {
  return value === "wait" ? "wait" : "immediate";
}
