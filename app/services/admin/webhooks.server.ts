// Read-only webhook queries for the screens. Every query is scoped by shop; deleted webhooks are hidden.
import prisma from "~/data/db.server";

const DAY_MS = 24 * 60 * 60 * 1000;

export async function listWebhooksWithCounts(shop: string, now = new Date()) {
  const since = new Date(now.getTime() - DAY_MS);
  const [webhooks, counts] = await Promise.all([
    prisma.webhook.findMany({
      where: { shop, deletedAt: null },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      select: { id: true, name: true, topic: true, enabled: true, lastReceivedAt: true, createdAt: true },
    }),
    prisma.event.groupBy({
      by: ["webhookId"],
      where: { shop, createdAt: { gte: since }, webhookId: { not: null } },
      _count: { _all: true },
      _max: { createdAt: true },
    }),
  ]);
  const byWebhook = new Map(counts.map((row) => [row.webhookId, row]));
  return webhooks.map((webhook) => {
    const recent = byWebhook.get(webhook.id);
    return {
      ...webhook,
      lastReceivedAt: latestReceipt(webhook.lastReceivedAt, recent?._max.createdAt ?? null),
      eventsLastDay: recent?._count._all ?? 0,
    };
  });
}

/**
 * When the webhook last received a request, as truthfully as the app knows: Webhook.lastReceivedAt
 * is written at most once a minute per process (app/data/webhooks.server.ts), so a newer stored
 * event wins (issue 13: "Last received 44 seconds ago" beside a just-received test event).
 */
export function latestReceipt(stored: Date | null, newestEvent: Date | null): Date | null {
  if (!stored) return newestEvent;
  if (!newestEvent) return stored;
  return newestEvent > stored ? newestEvent : stored;
}

export async function findWebhookForShop(shop: string, id: string) {
  return prisma.webhook.findFirst({ where: { id, shop, deletedAt: null } });
}

export async function recentEventsOfWebhook(shop: string, webhookId: string, limit = 10) {
  return prisma.event.findMany({
    where: { shop, webhookId },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, topic: true, status: true, createdAt: true, requestId: true },
  });
}
