import type { ActionFunctionArgs } from "@remix-run/node";
import { handleShopifyWebhook } from "~/services/shopify/webhook-delivery.server";
import prisma from "~/data/db.server";
import { syncShopifySubscriptionsQuietly } from "~/services/shopify/webhook-subscriptions.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleShopifyWebhook(
    request,
    async ({ payload, session, shop }) => {
      const current = Array.isArray(payload.current) ? (payload.current as string[]).join(",") : null;
      if (current === null) return;
      if (session) await prisma.session.updateMany({ where: { id: session.id }, data: { scope: current } });
      await prisma.shop.updateMany({ where: { domain: shop }, data: { scopes: current } });
      // A newly granted scope lets the subscriptions waiting for it be created (a revoked one's go).
      void syncShopifySubscriptionsQuietly(shop, "scopes updated");
    },
    { installScoped: true },
  );
