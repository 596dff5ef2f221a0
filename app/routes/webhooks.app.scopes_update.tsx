import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/services/shopify/app.server";
import prisma from "../db.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, session, shop } = await authenticate.webhook(request);
  const current = Array.isArray(payload.current) ? (payload.current as string[]).join(",") : null;
  if (session && current !== null) {
    await prisma.session.updateMany({ where: { id: session.id }, data: { scope: current } });
  }
  if (current !== null) await prisma.shop.updateMany({ where: { domain: shop }, data: { scopes: current } });
  return new Response();
};
