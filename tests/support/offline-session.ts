// Stores an offline session like the one Shopify's token exchange leaves behind, so code that calls the
// Admin API for a shop (authenticate.admin, adminGraphql, the worker) finds a token without a network call.
import type { PrismaClient } from "@prisma/client";

export async function seedOfflineSession(
  prisma: PrismaClient,
  shop: string,
  accessToken: string,
  scope = "read_customers,write_customers",
): Promise<void> {
  const id = `offline_${shop}`;
  const data = { shop, state: "", isOnline: false, scope, accessToken };
  await prisma.session.upsert({ where: { id }, create: { id, ...data }, update: data });
}
