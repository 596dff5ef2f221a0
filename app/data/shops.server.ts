// Installed shops and their settings.
import prisma from "~/db.server";

export async function onShopInstalled(domain: string, scopes: string | null): Promise<void> {
  await prisma.shop.upsert({
    where: { domain },
    create: { domain, scopes, installedAt: new Date() },
    update: { scopes, uninstalledAt: null },
  });
}

/** app/uninstalled: forget the shop's sessions, mark it uninstalled and stop its webhooks. */
export async function onShopUninstalled(domain: string): Promise<void> {
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop: domain } }),
    prisma.shop.updateMany({ where: { domain }, data: { uninstalledAt: new Date() } }),
  ]);
}

export async function getShop(domain: string) {
  return prisma.shop.findUnique({ where: { domain } });
}

export async function isShopInstalled(domain: string): Promise<boolean> {
  const shop = await prisma.shop.findUnique({ where: { domain }, select: { uninstalledAt: true } });
  return shop !== null && shop.uninstalledAt === null;
}
