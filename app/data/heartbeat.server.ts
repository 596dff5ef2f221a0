// Worker health, kept in Redis under this installation's prefix:
// - heartbeats: each worker process writes a small JSON record with a short TTL every few seconds;
//   `heartbeatKey()` holds the latest beat of any worker, `<key>:<pid>@<host>` one per process.
// - foreign jobs: a job for an event this installation's database does not hold (another
//   installation sharing the prefix took it, or the event was deleted). Workers count them, and
//   `hookline doctor` reports them.
import type { Redis } from "ioredis";
import { heartbeatKey, redisKey } from "~/data/queues.server";

export const HEARTBEAT_INTERVAL_MS = 5_000;
export const HEARTBEAT_TTL_SECONDS = 15;
/** How long a foreign job is remembered (doctor reports those seen in this time). */
export const FOREIGN_JOBS_TTL_SECONDS = 24 * 60 * 60;

export interface WorkerHeartbeat {
  pid: number;
  hostname: string;
  startedAt: string;
  at: string;
  concurrency: number;
  /** WORKER_HEALTH_PORT when the worker serves /health (on its host), else absent or null. */
  healthPort?: number | null;
}

export interface HeartbeatReading extends WorkerHeartbeat {
  ageMs: number;
}

export async function processHeartbeatKey(beat: Pick<WorkerHeartbeat, "pid" | "hostname">): Promise<string> {
  return `${await heartbeatKey()}:${beat.pid}@${beat.hostname}`;
}

export async function writeHeartbeat(redis: Redis, beat: WorkerHeartbeat): Promise<void> {
  const text = JSON.stringify(beat);
  await redis
    .multi()
    .set(await heartbeatKey(), text, "EX", HEARTBEAT_TTL_SECONDS)
    .set(await processHeartbeatKey(beat), text, "EX", HEARTBEAT_TTL_SECONDS)
    .exec();
}

export async function clearHeartbeat(redis: Redis, beat: WorkerHeartbeat): Promise<void> {
  await redis.del(await processHeartbeatKey(beat));
  const latest = await redis.get(await heartbeatKey());
  if (latest && parse(latest)?.pid === beat.pid) await redis.del(await heartbeatKey());
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
  const text = await redis.get(await heartbeatKey());
  const beat = text ? parse(text) : null;
  if (!beat) return null;
  return { ...beat, ageMs: Math.max(0, now - Date.parse(beat.at)) };
}

/** Every live worker process's heartbeat. */
export async function readAllWorkerHeartbeats(redis: Redis, now = Date.now()): Promise<HeartbeatReading[]> {
  const found: HeartbeatReading[] = [];
  const pattern = `${await heartbeatKey()}:*`;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 100);
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

export interface ForeignJobs {
  /** Jobs seen in the last FOREIGN_JOBS_TTL_SECONDS (the count restarts once none came for that long). */
  count: number;
  lastAt: string;
  lastEventId: string;
  lastPid: number;
}

/** Counts a job for an event this database does not hold. */
export async function recordForeignJob(redis: Redis, eventId: string, now = new Date()): Promise<void> {
  const key = await redisKey("foreign-jobs");
  await redis
    .multi()
    .hincrby(key, "count", 1)
    .hset(key, { lastAt: now.toISOString(), lastEventId: eventId, lastPid: String(process.pid) })
    .expire(key, FOREIGN_JOBS_TTL_SECONDS)
    .exec();
}

/** The foreign jobs seen lately, or null when there were none. */
export async function readForeignJobs(redis: Redis): Promise<ForeignJobs | null> {
  const fields = await redis.hgetall(await redisKey("foreign-jobs"));
  if (!fields.count) return null;
  return {
    count: Number(fields.count),
    lastAt: fields.lastAt ?? "",
    lastEventId: fields.lastEventId ?? "",
    lastPid: Number(fields.lastPid ?? 0),
  };
}
