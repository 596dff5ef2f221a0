import type { ActionFunctionArgs } from "@remix-run/node";
import { handleShopifyWebhook } from "~/services/shopify/webhook-delivery.server";
import { shopUninstalled } from "~/services/shops/installation.server";

// Install-scoped: a delivery triggered before the shop's latest authorization (a late retry or a
// replay after a reinstall) is ignored, so it cannot delete the new installation's sessions.
export const action = ({ request }: ActionFunctionArgs) =>
  handleShopifyWebhook(request, async ({ shop }) => shopUninstalled(shop), { installScoped: true });
