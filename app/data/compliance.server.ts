// Shopify's mandatory compliance topics. Hookline stores what external services posted, which may
// include customer data; redaction deletes it.
import prisma from "~/db.server";

/** shop/redact (48 hours after uninstall): delete everything Hookline holds for the shop. */
export async function redactShop(shop: string): Promise<void> {
  await prisma.$transaction([
    prisma.event.deleteMany({ where: { shop } }),
    prisma.task.deleteMany({ where: { shop } }),
    prisma.webhook.deleteMany({ where: { shop } }),
    prisma.cacheEntry.deleteMany({ where: { shop } }),
    prisma.cacheEndpoint.deleteMany({ where: { shop } }),
    prisma.session.deleteMany({ where: { shop } }),
    prisma.shop.deleteMany({ where: { domain: shop } }),
  ]);
}

/**
 * customers/redact: delete events whose data mentions the customer (by id or email).
 * Event data is free-form JSON from external services, so this is a text match.
 */
export async function redactCustomer(
  shop: string,
  customer: { id?: number | string | null; email?: string | null },
): Promise<number> {
  const needles = [customer.id, customer.email].filter(
    (v): v is string | number => v !== null && v !== undefined && v !== "",
  );
  if (needles.length === 0) return 0;
  const { count } = await prisma.event.deleteMany({
    where: { shop, OR: needles.map((needle) => ({ data: { contains: String(needle) } })) },
  });
  return count;
}

/** customers/data_request: what Hookline holds about the customer, for the merchant to send on. */
export async function customerDataSummary(
  shop: string,
  customer: { id?: number | string | null; email?: string | null },
) {
  const needles = [customer.id, customer.email].filter(
    (v): v is string | number => v !== null && v !== undefined && v !== "",
  );
  if (needles.length === 0) return { events: 0 };
  const events = await prisma.event.count({
    where: { shop, OR: needles.map((needle) => ({ data: { contains: String(needle) } })) },
  });
  return { events };
}
