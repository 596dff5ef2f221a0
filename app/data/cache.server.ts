// The per-shop cache (Mechanic's cache action and `cache["key"]` in Liquid), stored in CacheEntry.
// Writes that depend on the old value (incr/decr) use compare-and-set on the row, so concurrent
// workers on SQLite or PostgreSQL never lose an increment.
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/data/db.server";
import { CacheValueError, type CacheStore } from "~/domain/actions/cache";
import { parseJson } from "~/domain/json";

const MAX_CAS_TRIES = 200;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

/** The stored value (parsed JSON), or undefined when the key is missing or expired. */
export async function getCacheValue(
  shop: string,
  key: string,
  db: PrismaClient = defaultPrisma,
  now = new Date(),
): Promise<unknown> {
  const row = await db.cacheEntry.findUnique({ where: { shop_key: { shop, key } } });
  if (!row || row.expiresAt.getTime() <= now.getTime()) return undefined;
  return parseJson(row.value);
}

/** Deletes expired rows of every shop; returns how many went. */
export async function purgeExpiredCache(db: PrismaClient = defaultPrisma, now = new Date()): Promise<number> {
  const { count } = await db.cacheEntry.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}

export function cacheStoreFor(
  shop: string,
  db: PrismaClient = defaultPrisma,
  clock: () => Date = () => new Date(),
): CacheStore {
  return {
    async set(key, valueJson, ttlSeconds) {
      const expiresAt = new Date(clock().getTime() + ttlSeconds * 1000);
      await db.cacheEntry.upsert({
        where: { shop_key: { shop, key } },
        create: { shop, key, value: valueJson, expiresAt },
        update: { value: valueJson, expiresAt },
      });
    },
    async del(key) {
      const { count } = await db.cacheEntry.deleteMany({ where: { shop, key } });
      return count > 0;
    },
    async incrBy(key, by, ttlSeconds) {
      for (let attempt = 0; attempt < MAX_CAS_TRIES; attempt++) {
        const now = clock();
        const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
        const row = await db.cacheEntry.findUnique({ where: { shop_key: { shop, key } } });
        if (!row) {
          try {
            await db.cacheEntry.create({ data: { shop, key, value: by.toString(), expiresAt } });
            return by;
          } catch (error) {
            if (isUniqueViolation(error)) continue; // someone created it first: read it again
            throw error;
          }
        }
        let current = 0n;
        if (row.expiresAt.getTime() > now.getTime()) {
          const text = row.value.trim();
          if (!/^-?\d+$/.test(text))
            throw new CacheValueError(
              `cache value at ${JSON.stringify(key)} is not an integer, so it cannot be incremented`,
            );
          current = BigInt(text);
        }
        const next = current + by;
        const { count } = await db.cacheEntry.updateMany({
          where: { shop, key, value: row.value, expiresAt: row.expiresAt },
          data: { value: next.toString(), expiresAt },
        });
        if (count === 1) return next;
        // Lost the race to another writer: back off a little (jittered) and read again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 + attempt)));
      }
      throw new Error(
        `cache key ${JSON.stringify(key)} is too busy: gave up after ${MAX_CAS_TRIES} concurrent updates`,
      );
    },
  };
}

/** A reader for Liquid's `cache` object during rendering. */
export function cacheReaderFor(shop: string, db: PrismaClient = defaultPrisma): { get(key: string): Promise<unknown> } {
  return { get: (key: string) => getCacheValue(shop, key, db) };
}
