// The helper test runs and throwaway servers use to leave Redis as they found it: every key under the
// prefix goes, keys of the prefixes derived from it too, and nothing else (not a longer sibling prefix).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { removeRedisKeys } from "../../../../scripts/lib/redis-keys";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
afterAll(() => redis.quit());

describe("removeRedisKeys", () => {
  it("removes the prefix's keys and its derived prefixes', and leaves every other key", async () => {
    const prefix = `redis-keys-test-${randomUUID()}`;
    const other = `redis-keys-other-${randomUUID()}`;
    // More keys than one SCAN page, so the cursor has to go round.
    const mine = Array.from({ length: 2500 }, (_, i) => `${prefix}:events:${i}`);
    await redis.mset(...mine.flatMap((key) => [key, "1"]));
    await redis.hset(`${prefix}-runner-abc:meta`, "a", "1");
    await redis.set(prefix, "the prefix's own key");
    await redis.set(other, "kept");
    // A longer prefix that merely starts the same (port 31000's beside port 3100's).
    const sibling = `${prefix}0:events:1`;
    await redis.set(sibling, "kept");
    try {
      await removeRedisKeys(prefix);
      expect(await redis.exists(...mine.slice(0, 100), `${prefix}-runner-abc:meta`, prefix)).toBe(0);
      expect(await redis.keys(`${prefix}*`)).toEqual([sibling]);
      expect(await redis.get(other)).toBe("kept");
    } finally {
      await redis.del(other, sibling);
    }
  });

  it("refuses an empty prefix (it would match every key)", async () => {
    await expect(removeRedisKeys("")).rejects.toThrow("removeRedisKeys needs a prefix");
  });

  it("reports an unreachable Redis without throwing", async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      await removeRedisKeys("anything", "redis://127.0.0.1:1");
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([expect.stringMatching(/^could not remove the Redis keys under anything: /)]);
  });
});
