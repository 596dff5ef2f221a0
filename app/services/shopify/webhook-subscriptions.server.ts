// Keeps a shop's Shopify webhook subscriptions equal to the Shopify topics its enabled tasks
// subscribe to (docs/decisions/0046): reads the tasks, the granted scopes and the subscriptions
// (Admin GraphQL), plans (app/domain/shopify/subscription-plan.ts) and creates / deletes.
//
// Called after a task is saved, enabled, disabled, deleted or imported, on install (afterAuth), on
// app/scopes_update, and every SUBSCRIPTION_SYNC_INTERVAL_MS by the worker for every installed shop
// (repairing subscriptions Shopify dropped and deleting strays). The app's own topics
// (app/uninstalled, app/scopes_update, compliance) live in shopify.app.toml and are never touched.
// An uninstalled shop is left alone: Shopify deletes an app's subscriptions on uninstall.
import { appUrl } from "~/config.server";
import prisma from "~/data/db.server";
import { addShopSubscriptionSyncs } from "~/data/queues.server";
import { isShopInstalled } from "~/data/shops.server";
import {
  planIsEmpty,
  planSubscriptions,
  shopifyTopicsOf,
  type ExistingSubscription,
  type SubscriptionPlan,
} from "~/domain/shopify/subscription-plan";
import {
  adminGraphql as defaultAdminGraphql,
  MissingSessionError,
  type AdminGraphqlResponse,
} from "./admin-api.server";
import { SHOPIFY_EVENTS_PATH } from "~/domain/shopify/deliveries";

export type AdminGraphqlFn = (
  shop: string,
  query: string,
  variables?: Record<string, unknown>,
  /** Aborts the call when the sync's time is up (fetch's signal). */
  options?: { signal?: AbortSignal },
) => Promise<AdminGraphqlResponse>;

/** How often the worker reconciles every installed shop. */
export const SUBSCRIPTION_SYNC_INTERVAL_MS = 6 * 60 * 60 * 1000;
/**
 * One shop's sync (every Admin API call it makes) ends within this; past it, its calls are aborted
 * and it fails (the next sync tries again). A normal sync takes a few calls of well under a second.
 */
export const SHOP_SYNC_TIME_LIMIT_MS = 2 * 60 * 1000;
/** Shops a worker syncs at once in the periodic sync (one BullMQ job each; docs/decisions/0095). */
export const SHOP_SYNC_CONCURRENCY = 4;
/** At most this many pages of 100 subscriptions are read (the catalog has fewer than 200 topics). */
const MAX_PAGES = 10;

export const LIST_SUBSCRIPTIONS = `query HooklineWebhookSubscriptions($after: String) {
  currentAppInstallation { accessScopes { handle } }
  webhookSubscriptions(first: 100, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const CREATE_SUBSCRIPTION = `mutation HooklineWebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;

export const DELETE_SUBSCRIPTION = `mutation HooklineWebhookSubscriptionDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}`;

/** The address every subscription Hookline creates delivers to. */
export function shopifyEventsCallbackUrl(): string {
  return `${appUrl().replace(/\/+$/, "")}${SHOPIFY_EVENTS_PATH}`;
}

export type SyncResult =
  | { status: "not-installed" }
  | {
      status: "synced";
      created: string[];
      deleted: string[];
      kept: number;
      /** Shopify topics (mechanic names) waiting for a scope, with the scope. */
      missingScopes: { topic: string; scope: string }[];
      /** Steps Shopify refused (userErrors), each with its message. */
      errors: string[];
    };

export class SubscriptionSyncError extends Error {
  constructor(shop: string, reason: string) {
    super(`Could not read ${shop}'s Shopify webhook subscriptions: ${reason}`);
    this.name = "SubscriptionSyncError";
  }
}

export class SubscriptionSyncTimeout extends Error {
  constructor(shop: string, limitMs: number) {
    super(
      `Syncing ${shop}'s Shopify webhook subscriptions took longer than ${Math.round(limitMs / 1000)} s: stopped; the next sync tries again`,
    );
    this.name = "SubscriptionSyncTimeout";
  }
}

interface Listed {
  scopes: string[];
  subscriptions: ExistingSubscription[];
}

function describeFailure(response: AdminGraphqlResponse): string | null {
  const body = response.body as { errors?: unknown } | undefined;
  if (response.status !== 200)
    return `HTTP ${response.status}${body?.errors ? `: ${JSON.stringify(body.errors).slice(0, 300)}` : ""}`;
  if (body?.errors) return JSON.stringify(body.errors).slice(0, 300);
  return null;
}

async function listSubscriptions(shop: string, adminGraphql: AdminGraphqlFn): Promise<Listed> {
  const listed: Listed = { scopes: [], subscriptions: [] };
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await adminGraphql(shop, LIST_SUBSCRIPTIONS, { after });
    const failure = describeFailure(response);
    if (failure) throw new SubscriptionSyncError(shop, failure);
    const data = (response.body as { data?: any }).data;
    if (page === 0) {
      listed.scopes = ((data?.currentAppInstallation?.accessScopes ?? []) as { handle: string }[]).map((s) => s.handle);
    }
    const connection = data?.webhookSubscriptions;
    for (const node of (connection?.nodes ?? []) as ExistingSubscription[]) {
      listed.subscriptions.push({ id: String(node.id), topic: String(node.topic), uri: String(node.uri) });
    }
    if (!connection?.pageInfo?.hasNextPage) return listed;
    after = connection.pageInfo.endCursor;
  }
  throw new SubscriptionSyncError(shop, `more than ${MAX_PAGES * 100} subscriptions`);
}

/** The subscription texts of the shop's enabled tasks. */
async function enabledTaskSubscriptions(shop: string): Promise<string[]> {
  const tasks = await prisma.task.findMany({
    where: { shop, enabled: true, subscriptions: { contains: "shopify/" } },
    select: { subscriptions: true },
  });
  return tasks.map((task) => task.subscriptions);
}

async function perform(shop: string, plan: SubscriptionPlan, callbackUrl: string, adminGraphql: AdminGraphqlFn) {
  const created: string[] = [];
  const deleted: string[] = [];
  const errors: string[] = [];
  // Deletions first: a subscription to the same topic at an old address must go before the new one.
  for (const subscription of plan.delete) {
    const response = await adminGraphql(shop, DELETE_SUBSCRIPTION, { id: subscription.id });
    const failure = describeFailure(response);
    const result = (response.body as { data?: any }).data?.webhookSubscriptionDelete;
    const userErrors = (result?.userErrors ?? []) as { message: string }[];
    if (failure || userErrors.length > 0) {
      errors.push(`delete ${subscription.topic}: ${failure ?? userErrors.map((e) => e.message).join("; ")}`);
    } else deleted.push(subscription.topic);
  }
  for (const topic of plan.create) {
    const response = await adminGraphql(shop, CREATE_SUBSCRIPTION, { topic: topic.enumValue, uri: callbackUrl });
    const failure = describeFailure(response);
    const result = (response.body as { data?: any }).data?.webhookSubscriptionCreate;
    const userErrors = (result?.userErrors ?? []) as { message: string }[];
    if (failure || userErrors.length > 0 || !result?.webhookSubscription) {
      // Another process created it a moment ago: what was wanted is there.
      if (userErrors.some((e) => /already been taken/i.test(e.message))) continue;
      errors.push(`create ${topic.mechanic}: ${failure ?? userErrors.map((e) => e.message).join("; ")}`);
    } else created.push(topic.mechanic);
  }
  return { created, deleted, errors };
}

/**
 * syncOnce within `limitMs`: every Admin API call gets a signal that aborts when the time is up,
 * and the sync rejects with SubscriptionSyncTimeout then, even if a call ignores its signal.
 */
async function syncWithin(shop: string, adminGraphql: AdminGraphqlFn, limitMs: number): Promise<SyncResult> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new SubscriptionSyncTimeout(shop, limitMs);
      controller.abort(error);
      reject(error);
    }, limitMs);
  });
  const bounded: AdminGraphqlFn = (s, query, variables) => {
    controller.signal.throwIfAborted();
    return adminGraphql(s, query, variables, { signal: controller.signal });
  };
  try {
    return await Promise.race([syncOnce(shop, bounded), expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function syncOnce(shop: string, adminGraphql: AdminGraphqlFn): Promise<SyncResult> {
  if (!(await isShopInstalled(shop))) return { status: "not-installed" };
  let listed: Listed;
  try {
    listed = await listSubscriptions(shop, adminGraphql);
  } catch (error) {
    // No offline session (never opened, or uninstalled a moment ago): nothing to do until install.
    if (error instanceof MissingSessionError) return { status: "not-installed" };
    throw error;
  }
  const callbackUrl = shopifyEventsCallbackUrl();
  const plan = planSubscriptions({
    wanted: shopifyTopicsOf(await enabledTaskSubscriptions(shop)),
    grantedScopes: listed.scopes,
    existing: listed.subscriptions,
    callbackUrl,
  });
  const missingScopes = plan.missingScopes.map(({ topic, scope }) => ({ topic: topic.mechanic, scope }));
  if (planIsEmpty(plan))
    return { status: "synced", created: [], deleted: [], kept: plan.keep.length, missingScopes, errors: [] };
  const done = await perform(shop, plan, callbackUrl, adminGraphql);
  return { status: "synced", ...done, kept: plan.keep.length, missingScopes };
}

// One sync per shop at a time in this process. A request while one runs queues one more run after
// it (the tasks may have changed since it read them); requests while that run waits share it.
// Processes racing each other are harmless: Shopify refuses a second subscription to a topic and
// address ("already been taken"), and the next sync deletes any duplicate.
const queued = new Map<string, { tail: Promise<unknown>; waiting: Promise<SyncResult> | null }>();

export interface SyncOptions {
  /** The run's time limit (default SHOP_SYNC_TIME_LIMIT_MS). */
  timeLimitMs?: number;
}

/**
 * Reconciles the shop's subscriptions now; throws SubscriptionSyncError when Shopify cannot be
 * read, SubscriptionSyncTimeout when it takes longer than the time limit.
 */
export function syncShopifySubscriptions(
  shop: string,
  adminGraphql: AdminGraphqlFn = defaultAdminGraphql,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const timeLimitMs = options.timeLimitMs ?? SHOP_SYNC_TIME_LIMIT_MS;
  let entry = queued.get(shop);
  if (!entry) {
    entry = { tail: Promise.resolve(), waiting: null };
    queued.set(shop, entry);
  }
  if (entry.waiting) return entry.waiting;
  const own = entry;
  const run = own.tail
    .catch(() => undefined)
    .then(() => {
      own.waiting = null;
      return syncWithin(shop, adminGraphql, timeLimitMs);
    });
  own.waiting = run;
  own.tail = run;
  run
    .finally(() => {
      if (own.tail === run && queued.get(shop) === own) queued.delete(shop);
    })
    .catch(() => undefined);
  return run;
}

/** What a sync changed or was refused, in one line; null when it changed nothing. */
export function describeChanges(result: SyncResult): string | null {
  if (result.status !== "synced" || !(result.created.length || result.deleted.length || result.errors.length)) {
    return null;
  }
  return `created ${result.created.join(", ") || "none"}; deleted ${result.deleted.join(", ") || "none"}${result.errors.length ? `; refused: ${result.errors.join("; ")}` : ""}`;
}

/**
 * For callers that must not fail (a task save, an install, a scopes update): syncs, logs what
 * changed or why it could not, and never throws. The worker's periodic sync repairs a failure.
 */
export async function syncShopifySubscriptionsQuietly(
  shop: string,
  reason: string,
  adminGraphql?: AdminGraphqlFn,
  log: (line: string) => void = console.log,
): Promise<SyncResult | null> {
  try {
    const result = await syncShopifySubscriptions(shop, adminGraphql);
    const changes = describeChanges(result);
    if (changes) log(`[shopify subscriptions] ${shop} (${reason}): ${changes}`);
    return result;
  } catch (error) {
    console.error(`[shopify subscriptions] ${shop} (${reason}): ${(error as Error).message}`);
    return null;
  }
}

/** The installed shops (those the periodic sync visits). */
export async function installedShops(): Promise<string[]> {
  const shops = await prisma.shop.findMany({
    where: { uninstalledAt: null },
    select: { domain: true },
    orderBy: { domain: "asc" },
  });
  return shops.map((shop) => shop.domain);
}

/**
 * The worker's periodic sync: one sync-shop job per installed shop (app/data/queues.server.ts),
 * run SHOP_SYNC_CONCURRENCY at a time by each worker, each within its time limit, so a shop whose
 * Admin API is slow or failing delays no other shop (docs/decisions/0095).
 */
export async function queueAllShopifySubscriptionSyncs(): Promise<number> {
  const shops = await installedShops();
  await addShopSubscriptionSyncs(shops);
  return shops.length;
}

/**
 * Every installed shop now, SHOP_SYNC_CONCURRENCY at a time, each within its time limit (the CLI
 * and tests; the worker queues one job per shop instead). Failures are logged and counted.
 */
export async function syncAllShopifySubscriptions(
  adminGraphql?: AdminGraphqlFn,
): Promise<{ shops: number; failed: number }> {
  const shops = await installedShops();
  let failed = 0;
  let next = 0;
  const lane = async () => {
    while (next < shops.length) {
      const shop = shops[next++]!;
      if ((await syncShopifySubscriptionsQuietly(shop, "periodic", adminGraphql)) === null) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(SHOP_SYNC_CONCURRENCY, shops.length) }, lane));
  return { shops: shops.length, failed };
}
