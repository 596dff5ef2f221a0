// Whether Redis answers, for /health. One client per process, kept open (ioredis reconnects by
// itself), so a load balancer polling /health does not open a connection per request.
import type { Redis } from "ioredis";
import { createRedis } from "~/data/queues.server";

let client: Redis | undefined;

/** True when Redis answers PING within `timeoutMs`. Never throws. */
export async function redisAnswers(timeoutMs = 1000): Promise<boolean> {
  if (!client) {
    client = createRedis({ enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: timeoutMs });
    client.on("error", () => {}); // an outage is reported by the answer, not as unhandled errors
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), timeoutMs);
    });
    return (await Promise.race([client.ping(), timeout])) === "PONG";
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
