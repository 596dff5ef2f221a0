// Local-only routes exist only in local mode: never in production, never with real credentials.
import { hasShopifyCredentials, isLocalMode } from "~/config.server";

export function localRoutesEnabled(): boolean {
  return isLocalMode() && !hasShopifyCredentials();
}

export function assertLocalRoutesEnabled(): void {
  if (!localRoutesEnabled()) throw new Response("Not Found", { status: 404 });
}

const SHOP_PATTERN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export function parseShopParam(value: string | null, fallback: string): string | null {
  const shop = (value || fallback).trim().toLowerCase();
  return SHOP_PATTERN.test(shop) ? shop : null;
}
