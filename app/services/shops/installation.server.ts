// A shop installed (every authorization) or uninstalled (app/uninstalled): the database first
// (app/data/shops.server.ts), then what follows the shop outside it, as tasksChanged does for task
// writes (docs/decisions/0096): the shop's BullMQ job schedulers, so a reinstalled shop's scheduled
// tasks tick again and an uninstalled shop's stop. The scheduler sync never throws.
import { syncShopSchedulersQuietly } from "~/data/schedulers.server";
import { recordShopInstalled, recordShopUninstalled } from "~/data/shops.server";

export async function shopInstalled(domain: string, scopes: string | null, now = new Date()): Promise<void> {
  await recordShopInstalled(domain, scopes, now);
  await syncShopSchedulersQuietly(domain);
}

export async function shopUninstalled(domain: string): Promise<void> {
  await recordShopUninstalled(domain);
  await syncShopSchedulersQuietly(domain);
}
