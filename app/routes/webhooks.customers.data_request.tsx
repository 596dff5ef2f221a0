import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/services/shopify/app.server";
import { customerDataSummary } from "~/data/compliance.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, payload } = await authenticate.webhook(request);
  const customer = (payload as { customer?: { id?: number; email?: string } }).customer ?? {};
  const summary = await customerDataSummary(shop, customer);
  console.info(`customers/data_request for ${shop}: ${summary.events} events mention the customer`);
  return new Response();
};
