// Cache endpoints (Mechanic's first way to get results back): an unguessable public URL
// `<SHOPIFY_APP_URL>/cache/<uuid>` that answers GET with the current value of one cache key of one
// shop. The value itself lives in CacheEntry (written by the `cache` action); an endpoint only
// names which key to expose. Deleting the endpoint makes its URL answer 404.
import { randomUUID } from "node:crypto";
import type { CacheEndpoint, PrismaClient } from "@prisma/client";
import defaultPrisma from "~/data/db.server";
import { appUrl } from "~/config.server";
import { CACHE_KEY_PATTERN, CACHE_MAX_KEY_LENGTH } from "~/domain/actions/cache";

export type CacheEndpointWithUrl = CacheEndpoint & { url: string };

export class CacheEndpointInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CacheEndpointInputError";
  }
}

// The id is the secret part of the URL; anything that is not a v4 UUID cannot be one of ours.
const ENDPOINT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isCacheEndpointId(id: string): boolean {
  return ENDPOINT_ID.test(id);
}

export function cacheEndpointUrl(id: string): string {
  return `${appUrl()}/cache/${id}`;
}

/** Why a cache key cannot be exposed, or null when it is fine. Same rules as the cache action's keys. */
export function cacheKeyProblem(key: string): string | null {
  if (key === "") return "Enter a cache key.";
  if (key.length > CACHE_MAX_KEY_LENGTH) return `A cache key is at most ${CACHE_MAX_KEY_LENGTH} characters.`;
  if (!CACHE_KEY_PATTERN.test(key)) return "A cache key may only contain letters, digits and _ : - . /";
  return null;
}

function withUrl(endpoint: CacheEndpoint): CacheEndpointWithUrl {
  return { ...endpoint, url: cacheEndpointUrl(endpoint.id) };
}

export async function createCacheEndpoint(
  shop: string,
  rawKey: string,
  db: PrismaClient = defaultPrisma,
): Promise<CacheEndpointWithUrl> {
  const key = rawKey.trim();
  const problem = cacheKeyProblem(key);
  if (problem) throw new CacheEndpointInputError(problem);
  const endpoint = await db.cacheEndpoint.create({ data: { id: randomUUID(), shop, key } });
  return withUrl(endpoint);
}

export async function listCacheEndpoints(
  shop: string,
  db: PrismaClient = defaultPrisma,
): Promise<CacheEndpointWithUrl[]> {
  const rows = await db.cacheEndpoint.findMany({ where: { shop }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(withUrl);
}

/** Deletes one of the shop's endpoints; false when the shop has no endpoint with that id. */
export async function deleteCacheEndpoint(
  shop: string,
  id: string,
  db: PrismaClient = defaultPrisma,
): Promise<boolean> {
  if (!isCacheEndpointId(id)) return false;
  const { count } = await db.cacheEndpoint.deleteMany({ where: { id, shop } });
  return count > 0;
}

export type CacheEndpointRead = { found: true; json: string } | { found: false };

/**
 * What GET /cache/<id> answers: the key's stored JSON text (kept as stored, so 64-bit integers stay
 * exact), or not found when the endpoint is unknown or deleted, or the key is unset or expired.
 */
export async function readCacheEndpoint(
  id: string,
  db: PrismaClient = defaultPrisma,
  now: Date = new Date(),
): Promise<CacheEndpointRead> {
  if (!isCacheEndpointId(id)) return { found: false };
  const endpoint = await db.cacheEndpoint.findUnique({ where: { id } });
  if (!endpoint) return { found: false };
  const entry = await db.cacheEntry.findUnique({ where: { shop_key: { shop: endpoint.shop, key: endpoint.key } } });
  if (!entry || entry.expiresAt.getTime() <= now.getTime()) return { found: false };
  return { found: true, json: entry.value };
}

export type CacheEndpointListing = CacheEndpointWithUrl & { valueExpiresAt: Date | null };

/** The shop's endpoints with when each key's current value expires (null: no value now). */
export async function listCacheEndpointsWithValues(
  shop: string,
  db: PrismaClient = defaultPrisma,
  now: Date = new Date(),
): Promise<CacheEndpointListing[]> {
  const endpoints = await listCacheEndpoints(shop, db);
  if (endpoints.length === 0) return [];
  const entries = await db.cacheEntry.findMany({
    where: { shop, key: { in: [...new Set(endpoints.map((e) => e.key))] }, expiresAt: { gt: now } },
    select: { key: true, expiresAt: true },
  });
  const expiries = new Map(entries.map((entry) => [entry.key, entry.expiresAt]));
  return endpoints.map((endpoint) => ({ ...endpoint, valueExpiresAt: expiries.get(endpoint.key) ?? null }));
}
