import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/services/shopify/app.server";
import { redactShop } from "~/data/compliance.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  await redactShop(shop);
  return new Response();
};
