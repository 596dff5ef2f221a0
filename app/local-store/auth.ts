// Shopify's token exchange (`POST /admin/oauth/access_token`) and the access tokens it hands out.
// A session token is an HS256 JWT signed with the app secret (what App Bridge's idToken() returns);
// the store verifies it the way Shopify does and answers with an offline or online access token.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const REFRESH_TOKEN_GRANT_TYPE = "refresh_token";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";

/** Seconds of clock skew tolerated on exp/nbf, as Shopify's libraries allow. */
const CLOCK_TOLERANCE_SECONDS = 10;
const ONLINE_TOKEN_SECONDS = 86399;
const EXPIRING_OFFLINE_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;

export interface SessionTokenPayload {
  iss?: string;
  dest: string;
  aud: string | string[];
  sub?: string;
  exp: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  sid?: string;
}

export type SessionTokenCheck =
  { ok: true; payload: SessionTokenPayload; shop: string } | { ok: false; reason: string };

function base64UrlDecode(segment: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return null;
  return Buffer.from(segment, "base64url");
}

function hmacSha256(secret: string, data: string): Buffer {
  return createHmac("sha256", secret).update(data).digest();
}

/** Signs a session token the way Shopify does (and `@shopify/shopify-api/test-helpers`' getJwt). */
export function signSessionToken(payload: SessionTokenPayload, secret: string): string {
  const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const signature = hmacSha256(secret, `${header}.${body}`).toString("base64url");
  return `${header}.${body}.${signature}`;
}

/** Verifies signature (HS256 with the app secret), exp/nbf, audience (the API key) and dest. */
export function verifySessionToken(
  token: string,
  options: { apiKey: string; apiSecret: string; nowSeconds: number },
): SessionTokenCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "Session token is not a JWT" };
  const [headerPart, payloadPart, signaturePart] = parts;
  let header: { alg?: unknown };
  let payload: Partial<SessionTokenPayload>;
  try {
    header = JSON.parse(base64UrlDecode(headerPart)?.toString("utf8") ?? "") as { alg?: unknown };
    payload = JSON.parse(base64UrlDecode(payloadPart)?.toString("utf8") ?? "") as Partial<SessionTokenPayload>;
  } catch {
    return { ok: false, reason: "Session token is not a JWT" };
  }
  if (header.alg !== "HS256") return { ok: false, reason: "Session token must be signed with HS256" };
  const signature = base64UrlDecode(signaturePart);
  const expected = hmacSha256(options.apiSecret, `${headerPart}.${payloadPart}`);
  if (!signature || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    return { ok: false, reason: "Session token signature is invalid" };
  }
  if (typeof payload.exp !== "number" || payload.exp + CLOCK_TOLERANCE_SECONDS < options.nowSeconds) {
    return { ok: false, reason: "Session token has expired" };
  }
  if (typeof payload.nbf === "number" && payload.nbf - CLOCK_TOLERANCE_SECONDS > options.nowSeconds) {
    return { ok: false, reason: "Session token is not valid yet" };
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(options.apiKey)) return { ok: false, reason: "Session token audience is not this app" };
  if (typeof payload.dest !== "string") return { ok: false, reason: "Session token has no dest" };
  let shop: string;
  try {
    shop = new URL(payload.dest).hostname;
  } catch {
    return { ok: false, reason: "Session token dest is not a URL" };
  }
  return { ok: true, payload: payload as SessionTokenPayload, shop };
}

interface IssuedToken {
  shop: string;
  expiresAt: number;
}

/**
 * Access tokens. A non-expiring offline token is derived from the shop and the app secret, so it
 * stays valid when the store restarts while the app keeps its stored session. Online and expiring
 * tokens live in memory until they expire.
 */
export class AccessTokens {
  private issued = new Map<string, IssuedToken>();
  private refreshTokens = new Map<string, IssuedToken>();

  constructor(
    private readonly apiSecret: string,
    private readonly nowMs: () => number,
  ) {}

  offlineToken(shop: string): string {
    return `shpat_${hmacSha256(this.apiSecret, `offline:${shop}`).toString("hex").slice(0, 32)}`;
  }

  issueExpiring(shop: string, prefix: "shpua" | "shpat", seconds: number): string {
    const token = `${prefix}_${randomBytes(16).toString("hex")}`;
    this.issued.set(token, { shop, expiresAt: this.nowMs() + seconds * 1000 });
    return token;
  }

  issueRefreshToken(shop: string): string {
    const token = `shprt_${randomBytes(16).toString("hex")}`;
    this.refreshTokens.set(token, { shop, expiresAt: this.nowMs() + REFRESH_TOKEN_SECONDS * 1000 });
    return token;
  }

  /** Uses up a refresh token; returns its shop or null when unknown or expired. */
  consumeRefreshToken(token: string): string | null {
    const found = this.refreshTokens.get(token);
    this.refreshTokens.delete(token);
    return found && found.expiresAt > this.nowMs() ? found.shop : null;
  }

  /** Whether `token` is a valid access token for `shop`. */
  isValidFor(shop: string, token: string): boolean {
    const offline = this.offlineToken(shop);
    if (token.length === offline.length && timingSafeEqual(Buffer.from(token), Buffer.from(offline))) return true;
    const found = this.issued.get(token);
    return found !== undefined && found.shop === shop && found.expiresAt > this.nowMs();
  }
}

export interface TokenExchangeConfig {
  apiKey: string;
  apiSecret: string;
  /** The scopes the shop has granted, comma separated (as the `scope` field of the answer). */
  scopes: (shop: string) => string;
  tokens: AccessTokens;
  nowMs: () => number;
  /** The shop's owner, reported as the associated user of online tokens. */
  shopOwner: (shop: string) => { firstName: string; lastName: string; email: string } | null;
}

export interface OAuthAnswer {
  status: number;
  body: Record<string, unknown>;
}

function oauthError(status: number, error: string, description: string): OAuthAnswer {
  return { status, body: { error, error_description: description } };
}

/** Answers `POST https://<shop>/admin/oauth/access_token` with the already parsed form/JSON body. */
export function answerAccessTokenRequest(
  config: TokenExchangeConfig,
  shop: string,
  params: Record<string, unknown>,
): OAuthAnswer {
  const text = (name: string): string | null => (typeof params[name] === "string" ? (params[name] as string) : null);
  const clientId = text("client_id");
  const clientSecret = text("client_secret");
  if (clientId === null || clientSecret === null) {
    return oauthError(400, "invalid_request", "client_id and client_secret are required");
  }
  const secretMatches =
    Buffer.byteLength(clientSecret) === Buffer.byteLength(config.apiSecret) &&
    timingSafeEqual(Buffer.from(clientSecret), Buffer.from(config.apiSecret));
  if (clientId !== config.apiKey || !secretMatches) {
    return oauthError(401, "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret");
  }

  const grantType = text("grant_type");
  if (grantType === REFRESH_TOKEN_GRANT_TYPE) {
    const refreshToken = text("refresh_token");
    if (!refreshToken) return oauthError(400, "invalid_request", "refresh_token is required");
    const tokenShop = config.tokens.consumeRefreshToken(refreshToken);
    if (tokenShop !== shop)
      return oauthError(400, "invalid_grant", "The refresh token is invalid, expired or for another shop");
    return { status: 200, body: expiringOfflineBody(config, shop) };
  }
  if (grantType !== TOKEN_EXCHANGE_GRANT_TYPE) {
    return oauthError(
      400,
      "unsupported_grant_type",
      `grant_type must be ${TOKEN_EXCHANGE_GRANT_TYPE} or ${REFRESH_TOKEN_GRANT_TYPE}`,
    );
  }

  const subjectToken = text("subject_token");
  if (!subjectToken) return oauthError(400, "invalid_request", "subject_token is required");
  const subjectTokenType = text("subject_token_type");
  if (subjectTokenType !== ID_TOKEN_TYPE) {
    return oauthError(400, "invalid_request", `subject_token_type must be ${ID_TOKEN_TYPE}`);
  }
  const requestedTokenType = text("requested_token_type") ?? OFFLINE_TOKEN_TYPE;
  if (requestedTokenType !== OFFLINE_TOKEN_TYPE && requestedTokenType !== ONLINE_TOKEN_TYPE) {
    return oauthError(
      400,
      "invalid_request",
      `requested_token_type must be ${OFFLINE_TOKEN_TYPE} or ${ONLINE_TOKEN_TYPE}`,
    );
  }

  const check = verifySessionToken(subjectToken, {
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    nowSeconds: config.nowMs() / 1000,
  });
  if (!check.ok) return oauthError(400, "invalid_subject_token", check.reason);
  if (check.shop !== shop)
    return oauthError(400, "invalid_subject_token", `Session token is for ${check.shop}, not ${shop}`);

  if (requestedTokenType === ONLINE_TOKEN_TYPE) {
    const owner = config.shopOwner(shop);
    const userId = Number(check.payload.sub ?? 1);
    return {
      status: 200,
      body: {
        access_token: config.tokens.issueExpiring(shop, "shpua", ONLINE_TOKEN_SECONDS),
        scope: config.scopes(shop),
        expires_in: ONLINE_TOKEN_SECONDS,
        associated_user_scope: config.scopes(shop),
        session: check.payload.sid ?? null,
        associated_user: {
          id: Number.isSafeInteger(userId) ? userId : 1,
          first_name: owner?.firstName ?? "Local",
          last_name: owner?.lastName ?? "Developer",
          email: owner?.email ?? `owner@${shop}`,
          account_owner: true,
          locale: "en",
          collaborator: false,
          email_verified: true,
        },
      },
    };
  }
  if (text("expiring") === "1") return { status: 200, body: expiringOfflineBody(config, shop) };
  return { status: 200, body: { access_token: config.tokens.offlineToken(shop), scope: config.scopes(shop) } };
}

function expiringOfflineBody(config: TokenExchangeConfig, shop: string): Record<string, unknown> {
  return {
    access_token: config.tokens.issueExpiring(shop, "shpat", EXPIRING_OFFLINE_TOKEN_SECONDS),
    scope: config.scopes(shop),
    expires_in: EXPIRING_OFFLINE_TOKEN_SECONDS,
    refresh_token: config.tokens.issueRefreshToken(shop),
    refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
  };
}
