// Environment, read in one place. Every variable is documented in the README's table.

export const LOCAL_API_KEY = "hookline-local-api-key";
export const LOCAL_API_SECRET = "hookline-local-api-secret";
export const LOCAL_SHOP = "demo-store.myshopify.com";
export const API_VERSION = "2025-10";

/** The local development store is used only outside production and only when asked for. */
export function localStoreUrl(): string | null {
  if (process.env.NODE_ENV === "production") return null;
  return process.env.LOCAL_STORE_URL || null;
}

/** Where `npm run dev` starts the local store when no Shopify credentials are set. */
export function defaultLocalStoreUrl(): string {
  return `http://127.0.0.1:${process.env.LOCAL_STORE_PORT || 3001}`;
}

/** The local store's mail catcher (SMTP) port; the app sends email there in local mode. */
export function localStoreSmtpPort(): number {
  const raw = process.env.LOCAL_STORE_SMTP_PORT;
  const port = raw === undefined || raw === "" ? 3025 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`LOCAL_STORE_SMTP_PORT must be a port number, got ${JSON.stringify(raw)}`);
  }
  return port;
}

/** Where the email action sends mail (smtp://user:pass@host:port or smtps://...); null: email is not configured. */
export function smtpUrl(): string | null {
  return process.env.SMTP_URL || null;
}

export function isLocalMode(): boolean {
  return localStoreUrl() !== null;
}

export function appUrl(): string {
  return (process.env.SHOPIFY_APP_URL || "http://localhost:3000").replace(/\/+$/, "");
}

export function redisUrl(): string {
  return process.env.REDIS_URL || "redis://127.0.0.1:6379";
}

/** Prefix for every BullMQ queue and Redis key, so test runs and apps can share one Redis. */
export function queuePrefix(): string {
  return process.env.HOOKLINE_QUEUE_PREFIX || "hookline";
}

export function apiKey(): string {
  return process.env.SHOPIFY_API_KEY || (isLocalMode() ? LOCAL_API_KEY : "");
}

export function apiSecret(): string {
  return process.env.SHOPIFY_API_SECRET || (isLocalMode() ? LOCAL_API_SECRET : "");
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

export const limits = {
  /** Largest webhook body accepted, in bytes (1 MiB by default). */
  get ingressBodyBytes() {
    return intFromEnv("INGRESS_BODY_LIMIT_BYTES", 1024 * 1024);
  },
  /** Default per-webhook requests per minute before 429. */
  get ingressRatePerMinute() {
    return intFromEnv("INGRESS_RATE_LIMIT_PER_MINUTE", 600);
  },
  get workerConcurrency() {
    return intFromEnv("WORKER_CONCURRENCY", 10);
  },
};
