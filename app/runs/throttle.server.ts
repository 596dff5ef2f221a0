// Per-shop Admin API throttle state, shared by every worker through Redis: when one shop's cost
// bucket is empty, its shopify actions wait (as delayed jobs) while other shops carry on.
import type { Redis } from "ioredis";
import { queuePrefix } from "~/config.server";
import type { ThrottleGate } from "./runner.server";

function key(shop: string): string {
  return `${queuePrefix()}:throttle:${shop}`;
}

export function redisThrottleGate(redis: Redis): ThrottleGate {
  return {
    async blockedUntil(shop) {
      const value = await redis.get(key(shop));
      return value ? Number(value) || 0 : 0;
    },
    async block(shop, untilMs) {
      const ttl = Math.max(1, untilMs - Date.now());
      await redis.set(key(shop), String(untilMs), "PX", ttl);
    },
  };
}
