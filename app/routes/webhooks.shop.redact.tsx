import type { ActionFunctionArgs } from "@remix-run/node";
import { handleShopifyWebhook } from "~/services/shopify/webhook-delivery.server";
import { isInstalled, redactShop } from "~/data/compliance.server";

// Shopify sends shop/redact 48 hours after an uninstall. For a shop where the app is installed (it
// was reinstalled since, or the delivery is a replay) it deletes nothing.
export const action = ({ request }: ActionFunctionArgs) =>
  handleShopifyWebhook(
    request,
    async ({ shop }) => {
      if (await isInstalled(shop)) {
        console.warn(`shop/redact for ${shop} ignored: the app is installed on the shop`);
        return;
      }
      await redactShop(shop);
    },
    { installScoped: true },
  );
