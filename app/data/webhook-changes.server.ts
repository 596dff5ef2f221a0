// Webhook changes reach every process at once: a process that changes a webhook (disable, delete,
// regenerate, CORS, signature, rate limit; a shop's settings) publishes its id on one Redis
// channel, and every process caching webhooks for ingress (app/data/webhooks.server.ts) drops the
// entry when the message arrives. See docs/decisions/0066.
//
// Publishing uses a short-lived connection: changes are rare, and a CLI command must not be kept
// alive by an open client. Subscribing uses one connection per process, started on first use;
// while it is not connected (Redis down, reconnecting) messages may be missed, so each (re)connect
// drops the whole cache, and the cache's short TTL stays as the bound during an outage.
import type { Redis } from "ioredis";
import { createRedis, redisKey } from "~/data/queues.server";

/** What changed: webhook ids, or every webhook of the installation ("*", e.g. a shop's settings). */
export const ALL_WEBHOOKS = "*";

const PUBLISH_TIMEOUT_MS = 1000;

function channel(): Promise<string> {
  return redisKey("webhook-changes");
}

/** Tells every process that these webhooks changed. Never throws; false when Redis did not take it. */
export async function publishWebhookChanges(ids: string[]): Promise<boolean> {
  if (ids.length === 0) return true;
  const client = createRedis({
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    connectTimeout: PUBLISH_TIMEOUT_MS,
    commandTimeout: PUBLISH_TIMEOUT_MS,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.publish(await channel(), ids.join(","));
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export interface WebhookChangeSubscription {
  /** Resolves once subscribed (or false after `timeoutMs`). */
  ready(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Calls `onChange` with the changed ids (ALL_WEBHOOKS for all) for each message, and with
 * [ALL_WEBHOOKS] on every (re)subscription, since messages sent while disconnected are lost.
 */
export function subscribeToWebhookChanges(onChange: (ids: string[]) => void): WebhookChangeSubscription {
  const client: Redis = createRedis({ enableOfflineQueue: true, maxRetriesPerRequest: null });
  client.on("error", () => {});
  let subscribed = false;
  const waiters = new Set<() => void>();
  const names = channel();
  const subscribe = async () => {
    try {
      await client.subscribe(await names);
      subscribed = true;
      onChange([ALL_WEBHOOKS]);
      for (const wake of waiters) wake();
    } catch {
      // retried on the next "ready"
    }
  };
  // ioredis re-subscribes by itself after a reconnect; "ready" still fires, so drop the cache then.
  client.on("ready", () => {
    if (subscribed) onChange([ALL_WEBHOOKS]);
    else void subscribe();
  });
  client.on("message", (_channel: string, message: string) => onChange(message.split(",")));
  return {
    ready(timeoutMs = 2000) {
      if (subscribed) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(subscribed);
        };
        const timer = setTimeout(wake, timeoutMs);
        waiters.add(wake);
      });
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
