import { describe, expect, it } from "vitest";
import {
  corsResponseHeaders,
  decideCors,
  normalizeOrigin,
  parseCorsOriginsSetting,
  preflightHeaders,
  restrictedOrigins,
} from "~/domain/ingress/cors";

describe("CORS", () => {
  const allowed = restrictedOrigins(
    "demo-store.myshopify.com",
    ["https://www.demo.com", "https://demo.com/"],
    ["https://app.partner.io:8443"],
  );

  it("builds the restricted origin set", () => {
    expect([...allowed]).toEqual([
      "https://demo-store.myshopify.com",
      "https://www.demo.com",
      "https://demo.com",
      "https://app.partner.io:8443",
    ]);
  });

  it("normalizes origins and rejects non-http ones", () => {
    expect(normalizeOrigin("HTTPS://Shop.Example.com/")).toBe("https://shop.example.com");
    expect(normalizeOrigin("shop.example.com")).toBe("https://shop.example.com");
    expect(normalizeOrigin("null")).toBeNull();
    expect(normalizeOrigin("ftp://x.com")).toBeNull();
    expect(normalizeOrigin("")).toBeNull();
  });

  it("reads the shop's extra origins setting and drops invalid entries", () => {
    expect(parseCorsOriginsSetting('["https://a.com", 5, "ftp://b", "c.org/"]')).toEqual([
      "https://a.com",
      "https://c.org",
    ]);
    expect(parseCorsOriginsSetting("not json")).toEqual([]);
    expect(parseCorsOriginsSetting('{"a":1}')).toEqual([]);
    expect(parseCorsOriginsSetting(null)).toEqual([]);
  });

  it("allows any origin by default with *", () => {
    const decision = decideCors("any", "https://evil.example", allowed);
    expect(decision).toEqual({ allowed: true, allowOrigin: "*" });
    expect(corsResponseHeaders(decision)).toEqual({
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Expose-Headers": "X-Request-Id",
    });
  });

  it("echoes an allowed origin in restricted mode", () => {
    const decision = decideCors("restricted", "https://demo-store.myshopify.com", allowed);
    expect(decision).toEqual({ allowed: true, allowOrigin: "https://demo-store.myshopify.com" });
    expect(corsResponseHeaders(decision)).toMatchObject({
      "Access-Control-Allow-Origin": "https://demo-store.myshopify.com",
      Vary: "Origin",
    });
    expect(decideCors("restricted", "https://app.partner.io:8443", allowed)).toMatchObject({ allowed: true });
  });

  it("refuses other origins in restricted mode, without Allow-Origin", () => {
    const decision = decideCors("restricted", "https://evil.example", allowed);
    expect(decision.allowed).toBe(false);
    expect(corsResponseHeaders(decision)).toEqual({ Vary: "Origin" });
    expect(decideCors("restricted", "http://demo.com", allowed).allowed).toBe(false);
    expect(decideCors("restricted", "null", allowed).allowed).toBe(false);
  });

  it("does not restrict requests without an Origin (servers)", () => {
    expect(decideCors("restricted", null, allowed)).toEqual({ allowed: true, allowOrigin: null });
  });

  it("answers preflights with methods, headers and max age", () => {
    const headers = preflightHeaders(decideCors("any", "https://x.com", allowed), ["X-Custom-Sig", "content-type"]);
    expect(headers).toMatchObject({
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "POST, OPTIONS",
      "Access-Control-Max-Age": "86400",
    });
    expect(headers["Access-Control-Allow-Headers"]).toBe(
      "Content-Type, Idempotency-Key, Webhook-Id, Webhook-Timestamp, Webhook-Signature, X-Shopify-Webhook-Id, X-Signature, X-Custom-Sig",
    );
  });
});
