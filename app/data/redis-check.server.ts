// Start-up check shared by the web server, the worker and the dev script: if Redis cannot be
// reached, say so in one line with how to start it, and exit 1 (no stack trace).
import { Redis } from "ioredis";
import { redisUrl } from "~/config.server";

export async function canReachRedis(url = redisUrl(), timeoutMs = 2000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function redisHelpLine(process: string, url = redisUrl()): string {
  return `Hookline ${process}: cannot reach Redis at ${url}. Start it (e.g. "redis-server --daemonize yes") or set REDIS_URL.`;
}

export async function checkRedisOrExit(processName: string): Promise<void> {
  if (!(await canReachRedis())) {
    console.error(redisHelpLine(processName));
    process.exit(1);
  }
}
