// Optional per-webhook signature verification.
// - "standard": Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: "v1,<base64>"
//   separated by spaces), HMAC-SHA256 over "<id>.<timestamp>.<body>" keyed by the base64 part of a
//   "whsec_" secret.
// - "hmac": a generic HMAC-SHA256 header for Shopify/GitHub/Stripe-style senders, keyed by the
//   secret's UTF-8 bytes. The header holds the digest (hex or base64, optional "sha256=" prefix),
//   or Stripe's "t=<timestamp>,v1=<hex>" form, which signs "<t>.<body>" and is time-checked.
// Up to two secrets are active (the current one and the previous one during a rotation).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type SignatureMode = "none" | "standard" | "hmac";
export type SignatureEncoding = "hex" | "base64";

export interface SignatureConfig {
  mode: SignatureMode;
  /** Active secrets, current first; empty secrets are ignored. */
  secrets: readonly string[];
  /** Header carrying the signature in "hmac" mode. */
  header: string;
  encoding: SignatureEncoding;
  /** Allowed clock difference for signed timestamps, in seconds. */
  toleranceSeconds: number;
}

/** The header an "hmac" webhook reads when none is named (the rule is in app/domain/webhooks/rules.ts). */
export { DEFAULT_SIGNATURE_HEADER as DEFAULT_HMAC_HEADER } from "../webhooks/rules";
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type SignatureResult = { ok: true } | { ok: false; reason: string };

/** A new secret in Standard Webhooks form: "whsec_" + base64 of 24 random bytes. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** The HMAC key of a Standard Webhooks secret: the base64 after "whsec_" (or the whole secret without the prefix). */
export function standardSecretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
}

function hmac(key: Buffer | string, ...parts: (string | Uint8Array)[]): Buffer {
  const mac = createHmac("sha256", key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Signature header value for Standard Webhooks ("v1,<base64>"). */
export function signStandard(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: Uint8Array | string,
): string {
  const digest = hmac(standardSecretKey(secret), `${messageId}.${timestampSeconds}.`, body);
  return `v1,${digest.toString("base64")}`;
}

/** The generic HMAC-SHA256 digest of the body, in the given encoding. */
export function signHmac(secret: string, body: Uint8Array | string, encoding: SignatureEncoding): string {
  return hmac(secret, body).toString(encoding);
}

/** A Stripe-style header value "t=<timestamp>,v1=<hex>". */
export function signTimestamped(secret: string, timestampSeconds: number, body: Uint8Array | string): string {
  return `t=${timestampSeconds},v1=${hmac(secret, `${timestampSeconds}.`, body).toString("hex")}`;
}

function sameBytes(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function decodeDigest(text: string, encoding: SignatureEncoding): Buffer | null {
  const trimmed = text.trim();
  if (encoding === "hex")
    return /^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0 ? Buffer.from(trimmed, "hex") : null;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return null;
  return Buffer.from(trimmed, trimmed.includes("-") || trimmed.includes("_") ? "base64url" : "base64");
}

function timestampProblem(raw: string, nowSeconds: number, toleranceSeconds: number): string | null {
  if (!/^\d{1,12}$/.test(raw)) return `timestamp "${raw.slice(0, 20)}" is not a number of seconds`;
  const skew = nowSeconds - Number(raw);
  if (skew > toleranceSeconds) return `timestamp is ${skew} s old (limit ${toleranceSeconds} s)`;
  if (-skew > toleranceSeconds) return `timestamp is ${-skew} s in the future (limit ${toleranceSeconds} s)`;
  return null;
}

export interface SignedRequest {
  /** Header lookup by name (case-insensitive), as Fetch's Headers.get. */
  header(name: string): string | null;
  body: Uint8Array;
  nowSeconds: number;
}

export function verifySignature(config: SignatureConfig, request: SignedRequest): SignatureResult {
  if (config.mode === "none") return { ok: true };
  const secrets = config.secrets.filter((secret) => secret.length > 0);
  if (secrets.length === 0) return { ok: false, reason: "signature verification is on but no secret is configured" };
  return config.mode === "standard"
    ? verifyStandard(config, secrets, request)
    : verifyGeneric(config, secrets, request);
}

function verifyStandard(config: SignatureConfig, secrets: string[], request: SignedRequest): SignatureResult {
  const id = request.header("webhook-id");
  const timestamp = request.header("webhook-timestamp");
  const signatures = request.header("webhook-signature");
  if (!id) return { ok: false, reason: "missing webhook-id header" };
  if (!timestamp) return { ok: false, reason: "missing webhook-timestamp header" };
  if (!signatures) return { ok: false, reason: "missing webhook-signature header" };
  const problem = timestampProblem(timestamp.trim(), request.nowSeconds, config.toleranceSeconds);
  if (problem) return { ok: false, reason: problem };
  const given = signatures
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => decodeDigest(entry.slice(3), "base64"))
    .filter((digest): digest is Buffer => digest !== null);
  if (given.length === 0) return { ok: false, reason: 'webhook-signature has no "v1,<base64>" signature' };
  for (const secret of secrets) {
    const expected = hmac(standardSecretKey(secret), `${id}.${timestamp.trim()}.`, request.body);
    if (given.some((digest) => sameBytes(expected, digest))) return { ok: true };
  }
  return { ok: false, reason: "signature does not match" };
}

function verifyGeneric(config: SignatureConfig, secrets: string[], request: SignedRequest): SignatureResult {
  const value = request.header(config.header);
  if (!value) return { ok: false, reason: `missing ${config.header} header` };

  const stripe = parseTimestamped(value);
  if (stripe) {
    const problem = timestampProblem(stripe.timestamp, request.nowSeconds, config.toleranceSeconds);
    if (problem) return { ok: false, reason: problem };
    const given = stripe.signatures.map((sig) => decodeDigest(sig, "hex")).filter((d): d is Buffer => d !== null);
    for (const secret of secrets) {
      const expected = hmac(secret, `${stripe.timestamp}.`, request.body);
      if (given.some((digest) => sameBytes(expected, digest))) return { ok: true };
    }
    return { ok: false, reason: "signature does not match" };
  }

  const digestText = value.trim().replace(/^sha256=/i, "");
  const given = decodeDigest(digestText, config.encoding);
  if (!given) return { ok: false, reason: `${config.header} is not a ${config.encoding} digest` };
  for (const secret of secrets) {
    if (sameBytes(hmac(secret, request.body), given)) return { ok: true };
  }
  return { ok: false, reason: "signature does not match" };
}

function parseTimestamped(value: string): { timestamp: string; signatures: string[] } | null {
  if (!/^\s*t=/.test(value)) return null;
  let timestamp = "";
  const signatures: string[] = [];
  for (const part of value.split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const item = part.slice(eq + 1).trim();
    if (key === "t") timestamp = item;
    else if (key === "v1") signatures.push(item);
  }
  return { timestamp, signatures };
}
