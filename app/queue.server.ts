// BullMQ queues and the Redis connection they share. Only the worker processes jobs;
// the web app enqueues. Job ids are the event id, so enqueueing twice is harmless.
import { Queue } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { queuePrefix, redisUrl } from "./config.server";

export const EVENTS_QUEUE = "events";

export function createRedis(options: RedisOptions = {}): Redis {
  return new Redis(redisUrl(), {
    maxRetriesPerRequest: null, // required by BullMQ workers
    enableOfflineQueue: true,
    ...options,
  });
}

let eventsQueue: Queue | undefined;

export function getEventsQueue(): Queue {
  if (!eventsQueue) {
    // Fail fast when Redis is down: ingress must answer, and the recovery sweep enqueues later.
    const connection = createRedis({ maxRetriesPerRequest: 1, enableOfflineQueue: false });
    connection.on("error", () => {}); // reported by the calls that fail, not as unhandled errors
    eventsQueue = new Queue(EVENTS_QUEUE, { connection, prefix: queuePrefix() });
    eventsQueue.on("error", () => {});
  }
  return eventsQueue;
}

export async function closeQueues(): Promise<void> {
  if (eventsQueue) {
    const q = eventsQueue;
    eventsQueue = undefined;
    await q.close();
    await q.disconnect();
  }
}

export function heartbeatKey(): string {
  return `${queuePrefix()}:worker-heartbeat`;
}
