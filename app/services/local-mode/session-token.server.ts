// Mints Shopify-style session tokens (HS256 JWTs signed with the app secret) for local mode,
// the way Shopify admin does for an embedded app.
import { createHmac, randomUUID } from "node:crypto";

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString("base64url");
}

export function mintSessionToken(
  shop: string,
  apiKey: string,
  apiSecret: string,
  { userId = "1", lifetimeSeconds = 3600 }: { userId?: string; lifetimeSeconds?: number } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: apiKey,
    sub: userId,
    exp: now + lifetimeSeconds,
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac("sha256", apiSecret).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}

/** The `host` parameter Shopify admin passes: base64 of admin.shopify.com/store/<name>. */
export function adminHost(shop: string): string {
  const name = shop.replace(/\.myshopify\.com$/, "");
  return Buffer.from(`admin.shopify.com/store/${name}`).toString("base64").replace(/=+$/, "");
}
