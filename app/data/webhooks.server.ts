// Inbound webhook records: one per URL a merchant hands to another service. The id is a random
// UUID v4 and is the secret part of the URL; regenerating it changes the URL (events follow the
// new id through the foreign key's ON UPDATE CASCADE). Deletion is soft (deletedAt) so past events
// keep their webhook; a deleted webhook is never returned and never creates events.
import { randomUUID } from "node:crypto";
import type { Webhook } from "@prisma/client";
import prisma from "~/data/db.server";
import { appUrl, limits } from "~/config.server";
import {
  ALL_WEBHOOKS,
  publishWebhookChanges,
  subscribeToWebhookChanges,
  type WebhookChangeSubscription,
} from "~/data/webhook-changes.server";
import { validateUserTopic } from "~/domain/topics";
import type { DataMode } from "~/domain/ingress/body";
import type { CorsMode } from "~/domain/ingress/cors";
import type { ResponseMode } from "~/domain/webhooks/rules";
import { canonicalWebhookId } from "~/domain/ingress/webhook-id";
import { generateSigningSecret, type SignatureEncoding, type SignatureMode } from "~/domain/ingress/signature";
import {
  CORS_MODES,
  DATA_MODES,
  DEFAULT_DEDUPE_HEADERS,
  headerNameProblem,
  nameProblem,
  oneOf,
  rateLimitProblem,
  RESPONSE_MODES,
  responseModeOf,
  responseTimeoutProblem,
  SIGNATURE_ENCODINGS,
  SIGNATURE_MODES,
  signingSecretProblem,
} from "~/domain/webhooks/rules";

export { DEFAULT_DEDUPE_HEADERS, MAX_NAME_LENGTH } from "~/domain/webhooks/rules";

export type WebhookWithUrl = Webhook & { url: string };

export interface WebhookInput {
  name?: string;
  topic?: string;
  enabled?: boolean;
  dataMode?: DataMode;
  corsMode?: CorsMode;
  signatureMode?: SignatureMode;
  /** Only for "hmac" mode (the sender's secret, e.g. a Shopify app secret); "standard" secrets are generated. */
  signatureSecret?: string | null;
  signatureHeader?: string | null;
  signatureEncoding?: SignatureEncoding;
  dedupeEnabled?: boolean;
  dedupeHeader?: string | null;
  /** Requests per minute before 429; null uses the shop's default. */
  rateLimitPerMinute?: number | null;
  /** "immediate" (204 at once) or "wait" (a task's respond action answers; docs/decisions/0075). */
  responseMode?: ResponseMode;
  /** Wait mode: seconds before the caller gets 202 (RESPONSE_TIMEOUT_SECONDS). */
  responseTimeoutSeconds?: number;
}

/** Field name -> what is wrong with it. */
export class WebhookInputError extends Error {
  constructor(readonly fieldErrors: Record<string, string>) {
    super(Object.values(fieldErrors).join("; "));
    this.name = "WebhookInputError";
  }
}

/** Requests per minute a webhook allows: its own limit, else its shop's (Settings), else the app's default. */
export function effectiveRateLimit(webhookRate: number | null, shopRate: number | null): number {
  return webhookRate ?? shopRate ?? limits.ingressRatePerMinute;
}

export function webhookUrl(id: string): string {
  return `${appUrl()}/webhook/${id}`;
}

function withUrl(webhook: Webhook): WebhookWithUrl {
  return { ...webhook, url: webhookUrl(webhook.id) };
}

/** Checks and normalizes input; `creating` requires name and topic. Throws WebhookInputError. */
export function validateWebhookInput(input: WebhookInput, creating: boolean): WebhookInput {
  const errors: Record<string, string> = {};
  const clean: WebhookInput = {};
  if (input.name !== undefined || creating) {
    const name = typeof input.name === "string" ? input.name.trim() : "";
    const problem = nameProblem(name);
    if (problem) errors.name = problem;
    else clean.name = name;
  }
  if (input.topic !== undefined || creating) {
    const topic = typeof input.topic === "string" ? input.topic : "";
    const result = validateUserTopic(topic);
    if (!result.ok) errors.topic = result.message;
    else clean.topic = topic;
  }
  if (input.enabled !== undefined) clean.enabled = Boolean(input.enabled);
  const choose = <T extends string>(value: unknown, allowed: readonly T[], field: string, label: string) => {
    const chosen = oneOf(value, allowed);
    if (chosen === null) errors[field] = `${label} must be ${allowed.map((a) => `"${a}"`).join(" or ")}`;
    return chosen ?? undefined;
  };
  if (input.dataMode !== undefined) clean.dataMode = choose(input.dataMode, DATA_MODES, "dataMode", "Event data mode");
  if (input.corsMode !== undefined) clean.corsMode = choose(input.corsMode, CORS_MODES, "corsMode", "CORS mode");
  if (input.signatureMode !== undefined)
    clean.signatureMode = choose(input.signatureMode, SIGNATURE_MODES, "signatureMode", "Signature mode");
  if (input.signatureEncoding !== undefined)
    clean.signatureEncoding = choose(
      input.signatureEncoding,
      SIGNATURE_ENCODINGS,
      "signatureEncoding",
      "Signature encoding",
    );
  for (const field of ["signatureHeader", "dedupeHeader"] as const) {
    const value = input[field];
    if (value === undefined) continue;
    const trimmed = typeof value === "string" ? value.trim() : "";
    const problem = trimmed === "" ? null : headerNameProblem(trimmed);
    if (problem) errors[field] = problem;
    else clean[field] = trimmed === "" ? null : trimmed;
  }
  if (input.signatureSecret !== undefined) {
    const secret = typeof input.signatureSecret === "string" ? input.signatureSecret.trim() : "";
    const problem = secret === "" ? null : signingSecretProblem(secret);
    if (problem) errors.signatureSecret = problem;
    else clean.signatureSecret = secret === "" ? null : secret;
  }
  if (input.dedupeEnabled !== undefined) clean.dedupeEnabled = Boolean(input.dedupeEnabled);
  if (input.rateLimitPerMinute !== undefined) {
    const rate = input.rateLimitPerMinute;
    const problem = rate === null ? null : rateLimitProblem(rate);
    if (problem) errors.rateLimitPerMinute = problem;
    else clean.rateLimitPerMinute = rate;
  }
  if (input.responseMode !== undefined)
    clean.responseMode = choose(input.responseMode, RESPONSE_MODES, "responseMode", "Response mode");
  if (input.responseTimeoutSeconds !== undefined) {
    const problem = responseTimeoutProblem(input.responseTimeoutSeconds);
    if (problem) errors.responseTimeoutSeconds = problem;
    else clean.responseTimeoutSeconds = input.responseTimeoutSeconds;
  }
  if (Object.keys(errors).length > 0) throw new WebhookInputError(errors);
  return clean;
}

// A "standard" or "hmac" webhook needs a secret; generate one when none is set.
function secretFields(clean: WebhookInput, current: Pick<Webhook, "signatureMode" | "signatureSecret"> | null) {
  const mode = clean.signatureMode ?? current?.signatureMode ?? "none";
  const secret = clean.signatureSecret !== undefined ? clean.signatureSecret : (current?.signatureSecret ?? null);
  if (mode !== "none" && !secret) return { signatureSecret: generateSigningSecret() };
  return clean.signatureSecret !== undefined ? { signatureSecret: clean.signatureSecret } : {};
}

export async function createWebhook(shop: string, input: WebhookInput): Promise<WebhookWithUrl> {
  const clean = validateWebhookInput(input, true);
  const webhook = await prisma.webhook.create({
    data: {
      ...clean,
      ...secretFields(clean, null),
      id: randomUUID(),
      shop,
      name: clean.name!,
      topic: clean.topic!,
    },
  });
  return withUrl(webhook);
}

export async function listWebhooks(shop: string): Promise<WebhookWithUrl[]> {
  const rows = await prisma.webhook.findMany({ where: { shop, deletedAt: null }, orderBy: { createdAt: "asc" } });
  return rows.map(withUrl);
}

export async function getWebhook(shop: string, id: string): Promise<WebhookWithUrl | null> {
  const row = await prisma.webhook.findFirst({ where: { id, shop, deletedAt: null } });
  return row ? withUrl(row) : null;
}

async function requireWebhook(shop: string, id: string): Promise<Webhook> {
  const row = await prisma.webhook.findFirst({ where: { id, shop, deletedAt: null } });
  if (!row) throw new WebhookNotFoundError(id);
  return row;
}

export class WebhookNotFoundError extends Error {
  constructor(id: string) {
    super(`Webhook ${id} not found`);
    this.name = "WebhookNotFoundError";
  }
}

export async function updateWebhook(shop: string, id: string, input: WebhookInput): Promise<WebhookWithUrl> {
  const current = await requireWebhook(shop, id);
  const clean = validateWebhookInput(input, false);
  const row = await prisma.webhook.update({ where: { id }, data: { ...clean, ...secretFields(clean, current) } });
  await forgetWebhooks([id]);
  return withUrl(row);
}

export function setWebhookEnabled(shop: string, id: string, enabled: boolean): Promise<WebhookWithUrl> {
  return updateWebhook(shop, id, { enabled });
}

/** Gives the webhook a new id (so a new URL); the old URL stops creating events at once. */
export async function regenerateWebhookId(shop: string, id: string): Promise<WebhookWithUrl> {
  await requireWebhook(shop, id);
  const newId = randomUUID();
  const [row] = await prisma.$transaction([
    prisma.webhook.update({ where: { id }, data: { id: newId } }),
    // Dedupe keys are not a foreign key; carry them over so a retried delivery stays a duplicate.
    prisma.dedupeKey.updateMany({ where: { webhookId: id }, data: { webhookId: newId } }),
  ]);
  await forgetWebhooks([id, newId]);
  return withUrl(row);
}

/** Starts a secret rotation: a new secret becomes current and the previous one stays valid until finishSecretRotation. */
export async function rotateSigningSecret(shop: string, id: string, newSecret?: string): Promise<WebhookWithUrl> {
  const current = await requireWebhook(shop, id);
  if (current.signatureMode === "none")
    throw new WebhookInputError({ signatureMode: "Turn on signature verification before rotating its secret" });
  const clean = newSecret === undefined ? {} : validateWebhookInput({ signatureSecret: newSecret }, false);
  const row = await prisma.webhook.update({
    where: { id },
    data: {
      signatureSecretOld: current.signatureSecret,
      signatureSecret: clean.signatureSecret ?? generateSigningSecret(),
    },
  });
  await forgetWebhooks([id]);
  return withUrl(row);
}

/** Ends a rotation: only the current secret stays valid. */
export async function finishSecretRotation(shop: string, id: string): Promise<WebhookWithUrl> {
  await requireWebhook(shop, id);
  const row = await prisma.webhook.update({ where: { id }, data: { signatureSecretOld: null } });
  await forgetWebhooks([id]);
  return withUrl(row);
}

/** Soft delete: the URL stops creating events; past events keep their webhook. */
export async function deleteWebhook(shop: string, id: string): Promise<void> {
  await requireWebhook(shop, id);
  await prisma.webhook.update({ where: { id }, data: { deletedAt: new Date(), enabled: false } });
  await forgetWebhooks([id]);
}

// ------------------------------------------------------------------ ingress lookup

/** What ingress needs to know about a webhook id, with the shop's settings folded in. */
export interface IngressWebhook {
  id: string;
  shop: string;
  topic: string;
  dataMode: DataMode;
  corsMode: CorsMode;
  signatureMode: SignatureMode;
  signatureSecrets: string[];
  signatureHeader: string | null;
  signatureEncoding: SignatureEncoding;
  dedupeHeaders: string[] | null;
  /** null: use the shop's or the app's default (effectiveRateLimit). */
  rateLimitPerMinute: number | null;
  shopRateLimitPerMinute: number | null;
  shopCorsOrigins: string;
  responseMode: ResponseMode;
  responseTimeoutSeconds: number;
}

// The TTL bounds staleness only while the change channel is down: changes reach every process's
// cache through Redis at once (forgetWebhooks, app/data/webhook-changes.server.ts).
const CACHE_TTL_MS = 5_000;
// In an entry's last second, the first request that reads it starts a reload in the background and
// is answered from the entry: a busy webhook never finds its entry expired, so its requests never
// queue behind the reload's two queries (with many requests in flight, each of them used to start
// its own reload: a stall of the event loop every TTL).
const REFRESH_AHEAD_MS = 1_000;
const CACHE_MAX_ENTRIES = 10_000;
const ingressCache = new Map<string, { value: IngressWebhook | null; expiresAt: number }>();
// Reloads in flight, one per id: concurrent lookups of an id share it (single flight). A lookup
// joins only a reload that started after the last invalidation (same generation).
const loading = new Map<string, { generation: number; value: Promise<IngressWebhook | null> }>();
// Bumped by every invalidation: a lookup that started before one does not cache what it read.
let generation = 0;
let changes: WebhookChangeSubscription | undefined;

/** Reads of webhooks from the database by getWebhookForIngress (tests read it). */
export const ingressWebhookLoads = { count: 0 };

export function invalidateWebhookCache(id?: string): void {
  generation++;
  if (id === undefined || id === ALL_WEBHOOKS) ingressCache.clear();
  else ingressCache.delete(id);
}

/** Drops the webhooks from this process's cache and tells every other process to (awaited, bounded, never throws). */
export async function forgetWebhooks(ids: string[] | typeof ALL_WEBHOOKS): Promise<void> {
  const list = ids === ALL_WEBHOOKS ? [ALL_WEBHOOKS] : ids.map(canonicalWebhookId);
  for (const id of list) invalidateWebhookCache(id);
  await publishWebhookChanges(list);
}

/**
 * Starts listening for other processes' webhook changes (once per process; getWebhookForIngress
 * starts it on first use). The web server awaits it before it listens, so no change is missed.
 */
export function listenForWebhookChanges(timeoutMs = 2000): Promise<boolean> {
  changes ??= subscribeToWebhookChanges((ids) => {
    for (const id of ids) invalidateWebhookCache(id);
  });
  return changes.ready(timeoutMs);
}

/** Stops listening (tests, shutdown). */
export async function stopListeningForWebhookChanges(): Promise<void> {
  const current = changes;
  changes = undefined;
  await current?.close();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The active (enabled, not deleted) webhook for an id, or null. Cached, negative answers included,
 * so floods of unknown ids do not reach the database. Every process drops an entry as soon as the
 * webhook changes anywhere (through Redis); without Redis, other processes see it within the TTL.
 */
export async function getWebhookForIngress(anyCaseId: string): Promise<IngressWebhook | null> {
  const id = canonicalWebhookId(anyCaseId);
  const now = Date.now();
  const cached = ingressCache.get(id);
  if (cached && cached.expiresAt > now) {
    if (cached.expiresAt - now <= REFRESH_AHEAD_MS) void reload(id).catch(() => {}); // a failed reload leaves the entry to expire
    return cached.value;
  }
  if (!changes) void listenForWebhookChanges();
  return reload(id);
}

/** Reads the webhook and caches it, or joins the read of it in flight. */
function reload(id: string): Promise<IngressWebhook | null> {
  const inFlight = loading.get(id);
  if (inFlight && inFlight.generation === generation) return inFlight.value;
  const entry = { generation, value: readAndCache(id, generation) };
  loading.set(id, entry);
  void entry.value
    .finally(() => {
      if (loading.get(id) === entry) loading.delete(id);
    })
    .catch(() => {});
  return entry.value;
}

async function readAndCache(id: string, startedAt: number): Promise<IngressWebhook | null> {
  // Not a UUID: cannot exist. Still a cache hit next time, with no database work.
  const found = UUID.test(id) ? await loadIngressWebhook(id) : null;
  if (generation !== startedAt) return found; // changed while it was read: do not keep it
  if (!ingressCache.has(id) && ingressCache.size >= CACHE_MAX_ENTRIES) {
    const oldest = ingressCache.keys().next().value;
    if (oldest !== undefined) ingressCache.delete(oldest);
  }
  ingressCache.set(id, { value: found, expiresAt: Date.now() + CACHE_TTL_MS });
  return found;
}

async function loadIngressWebhook(id: string): Promise<IngressWebhook | null> {
  ingressWebhookLoads.count++;
  const row = await prisma.webhook.findUnique({ where: { id } });
  if (!row || !row.enabled || row.deletedAt) return null;
  const shop = await prisma.shop.findUnique({
    where: { domain: row.shop },
    select: { rateLimitPerMinute: true, corsOrigins: true, uninstalledAt: true },
  });
  if (shop?.uninstalledAt) return null;
  return {
    id: row.id,
    shop: row.shop,
    topic: row.topic,
    dataMode: row.dataMode === "full" ? "full" : "auto",
    corsMode: row.corsMode === "restricted" ? "restricted" : "any",
    signatureMode: row.signatureMode === "standard" || row.signatureMode === "hmac" ? row.signatureMode : "none",
    signatureSecrets: [row.signatureSecret, row.signatureSecretOld].filter((s): s is string => !!s),
    signatureHeader: row.signatureHeader,
    signatureEncoding: row.signatureEncoding === "base64" ? "base64" : "hex",
    dedupeHeaders: row.dedupeEnabled ? (row.dedupeHeader ? [row.dedupeHeader] : [...DEFAULT_DEDUPE_HEADERS]) : null,
    rateLimitPerMinute: row.rateLimitPerMinute,
    shopRateLimitPerMinute: shop?.rateLimitPerMinute ?? null,
    shopCorsOrigins: shop?.corsOrigins ?? "[]",
    responseMode: responseModeOf(row.responseMode),
    responseTimeoutSeconds: row.responseTimeoutSeconds,
  };
}

// lastReceivedAt is informative; writing it on every request would double ingress writes, so
// each process records it at most once a minute per webhook, after the response.
const lastTouched = new Map<string, number>();
export function noteWebhookReceived(id: string, at: Date): void {
  const previous = lastTouched.get(id) ?? 0;
  if (at.getTime() - previous < 60_000) return;
  if (lastTouched.size >= CACHE_MAX_ENTRIES) lastTouched.clear();
  lastTouched.set(id, at.getTime());
  prisma.webhook.updateMany({ where: { id }, data: { lastReceivedAt: at } }).catch(() => {});
}
