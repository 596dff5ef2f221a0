// Sends the store's changes to the app like Shopify does: one POST per subscription, signed with
// X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the body with the app secret) and Shopify's other
// headers; 5 s for an answer, redirects not followed, anything but a 2xx is a failure. A failed delivery is
// retried 8 times with exponential backoff (Shopify: "8 times over 4 hours"), with the original
// payload and address; when the retries run out, an Admin-API subscription is deleted, as Shopify
// deletes subscriptions after 8 consecutive failures. `timeScale` shrinks the waits for tests.
import { createHmac, randomUUID } from "node:crypto";
import type { ChangeFeed, ResourceChange } from "../changes";
import type { AppWebhookSubscription } from "../app-config";
import type { WebhookSubscriptions } from "./subscriptions";

/** Minutes between attempts: 1, 2, 4 ... 128 (about 4 hours in all). */
export const RETRY_DELAYS_MS = [1, 2, 4, 8, 16, 32, 64, 128].map((minutes) => minutes * 60_000);
export const DELIVERY_TIMEOUT_MS = 5_000;
const MAX_RECORDS = 500;

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryRecord {
  webhookId: string;
  eventId: string;
  shop: string;
  topic: string;
  /** "api:<id>" for Admin API subscriptions, "app:<uri>" for shopify.app.toml ones. */
  subscription: string;
  url: string;
  apiVersion: string;
  triggeredAt: string;
  body: string;
  state: "pending" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
  nextAttemptAt: string | null;
  /** Set when the failure removed the subscription. */
  subscriptionRemoved: boolean;
}

export interface DispatcherOptions {
  feed: ChangeFeed;
  subscriptions: WebhookSubscriptions;
  /** App-wide subscriptions from shopify.app.toml; relative uris resolve against appUrl. */
  appSubscriptions: AppWebhookSubscription[];
  appUrl: string | null;
  apiSecret: string;
  /** API version of shopify.app.toml subscriptions (`[webhooks] api_version`). */
  apiVersion: string;
  isInstalled: (shop: string) => boolean;
  /** Multiplies every retry delay (1 = Shopify's schedule; 0.001 turns minutes into tens of ms). */
  timeScale?: number;
  timeoutMs?: number;
}

export class WebhookDispatcher {
  private records: DeliveryRecord[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = new Set<AbortController>();
  private readonly timeScale: number;
  private readonly timeoutMs: number;
  private unsubscribe: () => void;

  constructor(private readonly options: DispatcherOptions) {
    this.timeScale = options.timeScale ?? 1;
    this.timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
    this.unsubscribe = options.feed.subscribe((change) => this.dispatch(change));
  }

  /** Every delivery, newest first (at most 500 kept). */
  deliveries(filter: { shop?: string; topic?: string } = {}): DeliveryRecord[] {
    return this.records
      .filter(
        (record) =>
          (filter.shop === undefined || record.shop === filter.shop) &&
          (filter.topic === undefined || record.topic === filter.topic),
      )
      .map((record) => structuredClone(record))
      .reverse();
  }

  /** Resolves when no delivery is pending (tests). */
  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.records.some((record) => record.state === "pending")) {
      if (Date.now() > deadline) throw new Error("webhook deliveries still pending");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Forget records and stop pending retries (the store's reset). */
  clear(): void {
    this.stopTimers();
    this.records = [];
  }

  close(): void {
    this.unsubscribe();
    this.stopTimers();
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
    for (const record of this.records) if (record.state === "pending") record.state = "failed";
  }

  private dispatch(change: ResourceChange): void {
    // An uninstalled app hears only its own app/uninstalled.
    if (!this.options.isInstalled(change.shop) && change.topic !== "app/uninstalled") return;
    const eventId = randomUUID();
    const targets: { subscription: string; url: string; includeFields: string[]; apiVersion: string }[] = [];
    for (const subscription of this.options.subscriptions.forTopic(change.shop, change.topic)) {
      targets.push({
        subscription: `api:${subscription.id}`,
        url: subscription.uri,
        includeFields: subscription.includeFields,
        apiVersion: subscription.apiVersion,
      });
    }
    for (const subscription of this.options.appSubscriptions) {
      if (!subscription.topics.includes(change.topic)) continue;
      const url = this.resolveAppUri(subscription.uri);
      if (url) {
        targets.push({
          subscription: `app:${subscription.uri}`,
          url,
          includeFields: [],
          apiVersion: this.options.apiVersion,
        });
      }
    }
    for (const target of targets) {
      const payload =
        target.includeFields.length === 0
          ? change.payload
          : Object.fromEntries(Object.entries(change.payload).filter(([key]) => target.includeFields.includes(key)));
      const record: DeliveryRecord = {
        webhookId: randomUUID(),
        eventId,
        shop: change.shop,
        topic: change.topic,
        subscription: target.subscription,
        url: target.url,
        apiVersion: target.apiVersion,
        triggeredAt: change.occurredAt,
        body: JSON.stringify(payload),
        state: "pending",
        attempts: [],
        nextAttemptAt: new Date().toISOString(),
        subscriptionRemoved: false,
      };
      this.records.push(record);
      if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
      void this.attempt(record);
    }
  }

  private resolveAppUri(uri: string): string | null {
    try {
      return new URL(uri, this.options.appUrl ?? undefined).href;
    } catch {
      return null;
    }
  }

  /** The headers Shopify sends with every delivery. */
  headersFor(record: DeliveryRecord): Record<string, string> {
    return {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": record.topic,
      "X-Shopify-Hmac-Sha256": createHmac("sha256", this.options.apiSecret)
        .update(record.body, "utf8")
        .digest("base64"),
      "X-Shopify-Shop-Domain": record.shop,
      "X-Shopify-API-Version": record.apiVersion,
      "X-Shopify-Webhook-Id": record.webhookId,
      "X-Shopify-Event-Id": record.eventId,
      "X-Shopify-Triggered-At": record.triggeredAt,
    };
  }

  private async attempt(record: DeliveryRecord): Promise<void> {
    const started = Date.now();
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(record.url, {
        method: "POST",
        headers: this.headersFor(record),
        body: record.body,
        redirect: "manual",
        signal: controller.signal,
      });
      status = response.status;
      await response.body?.cancel().catch(() => {});
    } catch (caught) {
      error = controller.signal.aborted
        ? `No answer within ${this.timeoutMs} ms`
        : caught instanceof Error
          ? ((caught.cause as Error | undefined)?.message ?? caught.message)
          : String(caught);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    if (record.state !== "pending") return; // cleared meanwhile
    record.attempts.push({ at: new Date(started).toISOString(), status, error, durationMs: Date.now() - started });
    if (status !== null && status >= 200 && status < 300) {
      record.state = "delivered";
      record.nextAttemptAt = null;
      return;
    }
    const retriesDone = record.attempts.length - 1;
    if (retriesDone >= RETRY_DELAYS_MS.length) {
      record.state = "failed";
      record.nextAttemptAt = null;
      if (record.subscription.startsWith("api:")) {
        const removed = this.options.subscriptions.delete(record.shop, Number(record.subscription.slice(4)));
        record.subscriptionRemoved = removed.deletedId !== null;
      }
      return;
    }
    const delay = RETRY_DELAYS_MS[retriesDone] * this.timeScale;
    record.nextAttemptAt = new Date(Date.now() + delay).toISOString();
    const retry = setTimeout(() => {
      this.timers.delete(retry);
      void this.attempt(record);
    }, delay);
    retry.unref?.();
    this.timers.add(retry);
  }
}
