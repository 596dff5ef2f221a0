import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/services/shopify/app.server";
import { onShopUninstalled } from "~/data/shops.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  await onShopUninstalled(shop);
  return new Response();
};
