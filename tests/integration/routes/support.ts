// Calling the screens' loaders and actions the way App Bridge does: a fetch with a Bearer session token.
import "./env";
import prisma from "~/data/db.server";
import { mintSessionToken } from "~/services/local-mode/session-token.server";
import { seedOfflineSession } from "../../support/offline-session";

export const SHOP_A = "shop-a.myshopify.com";
export const SHOP_B = "shop-b.myshopify.com";
export const APP = process.env.SHOPIFY_APP_URL!;

/** An offline session like the one token exchange would store, so authenticate.admin makes no network call. */
export async function seedSession(shop: string): Promise<void> {
  await seedOfflineSession(prisma, shop, `shpat_ui_test_${shop}`, process.env.SCOPES!);
}

export function bearer(shop: string): string {
  return `Bearer ${mintSessionToken(shop, process.env.SHOPIFY_API_KEY!, process.env.SHOPIFY_API_SECRET!)}`;
}

export function getRequest(shop: string, path: string): Request {
  return new Request(`${APP}${path}`, { headers: { Authorization: bearer(shop) } });
}

export function postRequest(shop: string, path: string, fields: Record<string, string>): Request {
  return new Request(`${APP}${path}`, {
    method: "POST",
    headers: { Authorization: bearer(shop), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

type RouteFn<T> = (args: {
  request: Request;
  params: Record<string, string>;
  context: Record<string, unknown>;
}) => Promise<T>;

/** Runs a loader or action; a thrown Response (404, redirect) is returned instead of thrown. */
export async function call<T>(
  fn: RouteFn<T>,
  request: Request,
  params: Record<string, string> = {},
): Promise<T | Response> {
  try {
    return await fn({ request, params, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

export function asData<T>(result: T | Response): Exclude<T, Response> {
  if (result instanceof Response) throw new Error(`Expected data, got a Response with status ${result.status}`);
  return result as Exclude<T, Response>;
}

export function statusOf(result: unknown): number | null {
  return result instanceof Response ? result.status : null;
}
