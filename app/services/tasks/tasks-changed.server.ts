// The one hook after a shop's tasks changed (created, saved, enabled, disabled, deleted, imported),
// called by the task screens, the importer and the CLI (docs/decisions/0096). What follows a
// shop's enabled tasks outside the database is brought in line here, not in the data layer (whose
// task writes do database I/O only):
//  - the shop's BullMQ job schedulers (one per schedule interval its enabled tasks use; Redis),
//    awaited, so a scheduled task ticks from the moment its save is answered;
//  - the shop's Shopify webhook subscriptions (the Admin API), not awaited by default: a slow or
//    unreachable Shopify never delays a save (the worker's periodic sync repairs a failure).
// Neither ever throws: the write has happened; a failure is logged and repaired later.
import { syncShopSchedulersQuietly } from "~/data/schedulers.server";
import { syncShopifySubscriptionsQuietly } from "~/services/shopify/webhook-subscriptions.server";

export interface TasksChangedOptions {
  /** Wait for the Shopify subscription sync too (the CLI, which exits afterwards). */
  waitForShopify?: boolean;
  /** Where the subscription sync's one-line summary goes (default console.log). */
  log?: (line: string) => void;
}

export async function tasksChanged(shop: string, reason: string, options: TasksChangedOptions = {}): Promise<void> {
  await syncShopSchedulersQuietly(shop);
  const subscriptions = syncShopifySubscriptionsQuietly(shop, reason, undefined, options.log);
  if (options.waitForShopify) await subscriptions;
}
