import type { ActionFunctionArgs } from "@remix-run/node";
import { handleShopifyWebhook } from "~/services/shopify/webhook-delivery.server";
import { redactCustomer } from "~/data/compliance.server";

// Not install-scoped: a customer's erasure request stays valid across reinstalls.
export const action = ({ request }: ActionFunctionArgs) =>
  handleShopifyWebhook(request, async ({ shop, payload }) => {
    const deleted = await redactCustomer(shop, (payload as { customer?: { id?: unknown; email?: unknown } }).customer);
    console.info(`customers/redact for ${shop}: deleted ${deleted} events that mention the customer`);
  });
