import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/services/shopify/app.server";
import { redactCustomer } from "~/data/compliance.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, payload } = await authenticate.webhook(request);
  const customer = (payload as { customer?: { id?: number; email?: string } }).customer ?? {};
  await redactCustomer(shop, customer);
  return new Response();
};
