// Worker health: each worker process writes a small JSON record with a short TTL every few seconds.
// `heartbeatKey()` holds the latest beat of any worker; `<key>:<pid>@<host>` one per process.
import type { Redis } from "ioredis";
import { heartbeatKey } from "~/queue.server";

export const HEARTBEAT_INTERVAL_MS = 5_000;
export const HEARTBEAT_TTL_SECONDS = 15;

export interface WorkerHeartbeat {
  pid: number;
  hostname: string;
  startedAt: string;
  at: string;
  concurrency: number;
}

export interface HeartbeatReading extends WorkerHeartbeat {
  ageMs: number;
}

export function processHeartbeatKey(beat: Pick<WorkerHeartbeat, "pid" | "hostname">): string {
  return `${heartbeatKey()}:${beat.pid}@${beat.hostname}`;
}

export async function writeHeartbeat(redis: Redis, beat: WorkerHeartbeat): Promise<void> {
  const text = JSON.stringify(beat);
  await redis
    .multi()
    .set(heartbeatKey(), text, "EX", HEARTBEAT_TTL_SECONDS)
    .set(processHeartbeatKey(beat), text, "EX", HEARTBEAT_TTL_SECONDS)
    .exec();
}

export async function clearHeartbeat(redis: Redis, beat: WorkerHeartbeat): Promise<void> {
  await redis.del(processHeartbeatKey(beat));
  const latest = await redis.get(heartbeatKey());
  if (latest && parse(latest)?.pid === beat.pid) await redis.del(heartbeatKey());
}

function parse(text: string): WorkerHeartbeat | null {
  try {
    const value = JSON.parse(text) as WorkerHeartbeat;
    return typeof value === "object" && value !== null && typeof value.pid === "number" ? value : null;
  } catch {
    return null;
  }
}

/** The most recent heartbeat of any worker, or null when no worker has beaten within the TTL. */
export async function readWorkerHeartbeat(redis: Redis, now = Date.now()): Promise<HeartbeatReading | null> {
  const text = await redis.get(heartbeatKey());
  const beat = text ? parse(text) : null;
  if (!beat) return null;
  return { ...beat, ageMs: Math.max(0, now - Date.parse(beat.at)) };
}

/** Every live worker process's heartbeat. */
export async function readAllWorkerHeartbeats(redis: Redis, now = Date.now()): Promise<HeartbeatReading[]> {
  const found: HeartbeatReading[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${heartbeatKey()}:*`, "COUNT", 100);
    cursor = next;
    if (keys.length) {
      const values = await redis.mget(...keys);
      for (const value of values) {
        const beat = value ? parse(value) : null;
        if (beat) found.push({ ...beat, ageMs: Math.max(0, now - Date.parse(beat.at)) });
      }
    }
  } while (cursor !== "0");
  return found.sort((a, b) => a.pid - b.pid);
}
