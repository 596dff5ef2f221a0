import type { ActionFunctionArgs } from "@remix-run/node";
import { handleShopifyWebhook } from "~/services/shopify/webhook-delivery.server";
import { customerDataSummary } from "~/data/compliance.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleShopifyWebhook(request, async ({ shop, payload }) => {
    const summary = await customerDataSummary(
      shop,
      (payload as { customer?: { id?: unknown; email?: unknown } }).customer,
    );
    console.info(`customers/data_request for ${shop}: ${summary.events} events mention the customer`);
  });
