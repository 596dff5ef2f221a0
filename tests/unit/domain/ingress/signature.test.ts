import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  generateSigningSecret,
  signHmac,
  signStandard,
  signTimestamped,
  verifySignature,
  type SignatureConfig,
} from "~/domain/ingress/signature";

const body = new TextEncoder().encode('{"id":1}');
const now = 1_700_000_000;

function headersOf(map: Record<string, string>) {
  const headers = new Headers(map);
  return (name: string) => headers.get(name);
}

function config(partial: Partial<SignatureConfig>): SignatureConfig {
  return { mode: "standard", secrets: [], header: "X-Signature", encoding: "hex", toleranceSeconds: 300, ...partial };
}

describe("Standard Webhooks", () => {
  // The published Standard Webhooks test vector (also used by the svix libraries).
  it("matches the reference test vector", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const ts = 1614265330;
    const payload = '{"test": 2432232314}';
    expect(signStandard(secret, id, ts, payload)).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    const result = verifySignature(config({ secrets: [secret] }), {
      header: headersOf({
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": `v1,bad= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=`,
      }),
      body: new TextEncoder().encode(payload),
      nowSeconds: ts + 10,
    });
    expect(result).toEqual({ ok: true });
  });

  const secret = generateSigningSecret();
  const signed = (overrides: Record<string, string> = {}, at = now) => ({
    header: headersOf({
      "webhook-id": "msg_1",
      "webhook-timestamp": String(at),
      "webhook-signature": signStandard(secret, "msg_1", at, body),
      ...overrides,
    }),
    body,
    nowSeconds: now,
  });

  it("generates whsec_ secrets of 24 random bytes", () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it("accepts a valid signature", () => {
    expect(verifySignature(config({ secrets: [secret] }), signed())).toEqual({ ok: true });
  });

  it("refuses a wrong signature, a changed body and a wrong secret", () => {
    expect(verifySignature(config({ secrets: [secret] }), signed({ "webhook-signature": "v1,AAAA" }))).toEqual({
      ok: false,
      reason: "signature does not match",
    });
    expect(
      verifySignature(config({ secrets: [secret] }), { ...signed(), body: new TextEncoder().encode('{"id":2}') }).ok,
    ).toBe(false);
    expect(verifySignature(config({ secrets: [generateSigningSecret()] }), signed()).ok).toBe(false);
  });

  it("refuses missing headers, naming the header", () => {
    const { header: _h, ...rest } = signed();
    expect(verifySignature(config({ secrets: [secret] }), { ...rest, header: headersOf({}) })).toEqual({
      ok: false,
      reason: "missing webhook-id header",
    });
    expect(
      verifySignature(config({ secrets: [secret] }), { ...rest, header: headersOf({ "webhook-id": "m" }) }),
    ).toEqual({ ok: false, reason: "missing webhook-timestamp header" });
    expect(verifySignature(config({ secrets: [secret] }), signed({ "webhook-signature": "v2,abc" }))).toEqual({
      ok: false,
      reason: 'webhook-signature has no "v1,<base64>" signature',
    });
  });

  it("refuses timestamps outside the window, either way, and non-numeric ones", () => {
    expect(verifySignature(config({ secrets: [secret] }), signed({}, now - 301))).toEqual({
      ok: false,
      reason: "timestamp is 301 s old (limit 300 s)",
    });
    expect(verifySignature(config({ secrets: [secret] }), signed({}, now + 400))).toEqual({
      ok: false,
      reason: "timestamp is 400 s in the future (limit 300 s)",
    });
    expect(verifySignature(config({ secrets: [secret] }), signed({}, now - 300))).toEqual({ ok: true });
    expect(verifySignature(config({ secrets: [secret] }), signed({ "webhook-timestamp": "soon" })).ok).toBe(false);
  });

  it("accepts either of two active secrets during a rotation", () => {
    const newSecret = generateSigningSecret();
    expect(verifySignature(config({ secrets: [newSecret, secret] }), signed())).toEqual({ ok: true });
    expect(verifySignature(config({ secrets: [newSecret] }), signed()).ok).toBe(false);
  });

  it("refuses when no secret is configured", () => {
    expect(verifySignature(config({ secrets: ["", ""] }), signed()).ok).toBe(false);
  });
});

describe("generic HMAC header", () => {
  const secret = "shpss_app_secret";
  const hmacConfig = (partial: Partial<SignatureConfig> = {}) =>
    config({ mode: "hmac", secrets: [secret], ...partial });

  it("accepts Shopify-style base64 digests", () => {
    const digest = createHmac("sha256", secret).update(body).digest("base64");
    expect(signHmac(secret, body, "base64")).toBe(digest);
    const result = verifySignature(hmacConfig({ header: "X-Shopify-Hmac-Sha256", encoding: "base64" }), {
      header: headersOf({ "X-Shopify-Hmac-Sha256": digest }),
      body,
      nowSeconds: now,
    });
    expect(result).toEqual({ ok: true });
  });

  it("accepts hex digests with or without a sha256= prefix (GitHub style)", () => {
    const hex = signHmac(secret, body, "hex");
    for (const value of [hex, `sha256=${hex}`, hex.toUpperCase()]) {
      expect(
        verifySignature(hmacConfig(), { header: headersOf({ "X-Signature": value }), body, nowSeconds: now }),
      ).toEqual({ ok: true });
    }
  });

  it("refuses a digest in the wrong encoding or for another body", () => {
    const base64 = signHmac(secret, body, "base64");
    expect(
      verifySignature(hmacConfig(), { header: headersOf({ "X-Signature": base64 }), body, nowSeconds: now }).ok,
    ).toBe(false);
    const otherBody = signHmac(secret, "x", "hex");
    expect(
      verifySignature(hmacConfig(), { header: headersOf({ "X-Signature": otherBody }), body, nowSeconds: now }),
    ).toEqual({ ok: false, reason: "signature does not match" });
  });

  it("refuses a missing header, naming it", () => {
    expect(
      verifySignature(hmacConfig({ header: "X-Hub-Signature-256" }), { header: headersOf({}), body, nowSeconds: now }),
    ).toEqual({
      ok: false,
      reason: "missing X-Hub-Signature-256 header",
    });
  });

  it("checks Stripe-style t=,v1= signatures and their timestamp", () => {
    const stripe = hmacConfig({ header: "Stripe-Signature" });
    const fresh = signTimestamped(secret, now - 10, body);
    expect(
      verifySignature(stripe, { header: headersOf({ "Stripe-Signature": fresh }), body, nowSeconds: now }),
    ).toEqual({ ok: true });
    const stale = signTimestamped(secret, now - 1000, body);
    expect(
      verifySignature(stripe, { header: headersOf({ "Stripe-Signature": stale }), body, nowSeconds: now }),
    ).toEqual({
      ok: false,
      reason: "timestamp is 1000 s old (limit 300 s)",
    });
    const tampered = fresh.replace(/t=\d+/, `t=${now}`);
    expect(
      verifySignature(stripe, { header: headersOf({ "Stripe-Signature": tampered }), body, nowSeconds: now }).ok,
    ).toBe(false);
  });

  it("accepts the previous secret during a rotation", () => {
    const old = signHmac("old-secret", body, "hex");
    expect(
      verifySignature(hmacConfig({ secrets: [secret, "old-secret"] }), {
        header: headersOf({ "X-Signature": old }),
        body,
        nowSeconds: now,
      }),
    ).toEqual({ ok: true });
  });

  it("accepts anything when verification is off", () => {
    expect(verifySignature(config({ mode: "none" }), { header: headersOf({}), body, nowSeconds: now })).toEqual({
      ok: true,
    });
  });
});
