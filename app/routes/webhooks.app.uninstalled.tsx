import type { ActionFunctionArgs } from "@remix-run/node";
import { handleShopifyWebhook } from "~/services/shopify/webhook-delivery.server";
import { onShopUninstalled } from "~/data/shops.server";

// Install-scoped: a delivery triggered before the shop's latest authorization (a late retry or a
// replay after a reinstall) is ignored, so it cannot delete the new installation's sessions.
export const action = ({ request }: ActionFunctionArgs) =>
  handleShopifyWebhook(request, async ({ shop }) => onShopUninstalled(shop), { installScoped: true });
