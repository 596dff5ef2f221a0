// Removes every Redis key under a prefix (and the prefixes derived from it: `<prefix>-runner-...`),
// so a test run or a throwaway server leaves Redis as it found it. Only the prefix's own keys: the
// key itself, `<prefix>:...` and `<prefix>-...`, never a longer sibling prefix (the e2e prefix of
// port 3100 must not take port 31000's keys). Best effort: a Redis that cannot be reached is
// reported, never thrown.
import { Redis } from "ioredis";
import { DEFAULT_REDIS_URL } from "../../app/config.server";

export async function removeRedisKeys(prefix: string, url = process.env.REDIS_URL || DEFAULT_REDIS_URL): Promise<void> {
  if (!prefix) throw new Error("removeRedisKeys needs a prefix");
  const isUnder = (key: string) => key === prefix || key.startsWith(`${prefix}:`) || key.startsWith(`${prefix}-`);
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on("error", () => {}); // reported once, below, rather than as ioredis's unhandled error events
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, matched] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      const keys = matched.filter(isUnder);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } catch (error) {
    console.warn(`could not remove the Redis keys under ${prefix}: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
