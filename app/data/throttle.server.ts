// Per-shop Admin API throttle state, shared by every worker through Redis: when one shop's cost
// bucket is empty, its shopify actions wait (as delayed jobs) while other shops carry on.
import type { Redis } from "ioredis";
import { redisKey } from "~/data/queues.server";

export interface ThrottleGate {
  /** Epoch ms until which the shop's Admin API bucket is known to be empty (0 when it is not). */
  blockedUntil(shop: string): Promise<number>;
  block(shop: string, untilMs: number): Promise<void>;
}

function key(shop: string): Promise<string> {
  return redisKey(`throttle:${shop}`);
}

export function redisThrottleGate(redis: Redis): ThrottleGate {
  return {
    async blockedUntil(shop) {
      const value = await redis.get(await key(shop));
      return value ? Number(value) || 0 : 0;
    },
    async block(shop, untilMs) {
      const ttl = Math.max(1, untilMs - Date.now());
      await redis.set(await key(shop), String(untilMs), "PX", ttl);
    },
  };
}
