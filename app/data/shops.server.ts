// Installed shops and their settings.
import prisma from "~/data/db.server";
import { ALL_WEBHOOKS } from "~/data/webhook-changes.server";
import { forgetWebhooks } from "~/data/webhooks.server";

/**
 * After every authorization (install, reinstall, a new offline session): the shop is installed as of
 * now (authorizedAt), and a shop marked uninstalled starts a new installation (installedAt).
 * Shopify deliveries for install-scoped topics triggered before authorizedAt are stale
 * (app/services/shopify/webhook-delivery.server.ts). Callers go through
 * app/services/shops/installation.server.ts, which also brings the shop's schedulers in line.
 */
export async function recordShopInstalled(domain: string, scopes: string | null, now = new Date()): Promise<void> {
  await prisma.$transaction([
    prisma.shop.updateMany({
      where: { domain, uninstalledAt: { not: null } },
      data: { installedAt: now, uninstalledAt: null },
    }),
    prisma.shop.upsert({
      where: { domain },
      create: { domain, scopes, installedAt: now, authorizedAt: now },
      update: { scopes, authorizedAt: now, uninstalledAt: null },
    }),
  ]);
  await forgetWebhooks(ALL_WEBHOOKS);
}

/** app/uninstalled: forget the shop's sessions, mark it uninstalled and stop its webhooks. */
export async function recordShopUninstalled(domain: string): Promise<void> {
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop: domain } }),
    prisma.shop.updateMany({ where: { domain }, data: { uninstalledAt: new Date() } }),
  ]);
  await forgetWebhooks(ALL_WEBHOOKS); // every process stops taking its webhooks at once
}

export async function getShop(domain: string) {
  return prisma.shop.findUnique({ where: { domain } });
}

export async function isShopInstalled(domain: string): Promise<boolean> {
  const shop = await prisma.shop.findUnique({ where: { domain }, select: { uninstalledAt: true } });
  return shop !== null && shop.uninstalledAt === null;
}
