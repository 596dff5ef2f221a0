// Session tokens minted for the local login, as Shopify admin mints them for an embedded app.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { adminHost, mintSessionToken } from "~/services/local-mode/session-token.server";

describe("session tokens", () => {
  it("are HS256 JWTs signed with the app secret, with Shopify's claims", () => {
    const token = mintSessionToken("demo-store.myshopify.com", "key", "secret");
    const [header, payload, signature] = token.split(".");
    expect(createHmac("sha256", "secret").update(`${header}.${payload}`).digest("base64url")).toBe(signature);
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    expect(claims).toMatchObject({ aud: "key", dest: "https://demo-store.myshopify.com" });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(claims.nbf).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it("host is base64 of the admin URL", () => {
    expect(Buffer.from(adminHost("demo-store.myshopify.com"), "base64").toString()).toBe(
      "admin.shopify.com/store/demo-store",
    );
  });
});
