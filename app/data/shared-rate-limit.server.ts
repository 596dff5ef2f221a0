// Ingress rate limits shared by every web process: one token bucket per webhook in Redis, taken by
// one Lua script (atomic, one round trip, Redis's clock), with a local bucket in front of it.
//
// The local bucket (app/domain/ingress/rate-limit.ts) counts only what Redis allowed to this
// process, so it never holds more than the shared bucket: when it is empty the shared one is too,
// and the request is refused without asking Redis. A refusal from Redis is remembered until its
// Retry-After, so a flood against a spent limit costs no Redis calls at all. Otherwise: one Redis
// call per webhook per event-loop tick: the requests of one webhook that arrive in the same tick
// take their tokens with one call of the script (as many as the bucket holds, in arrival order),
// which decides exactly as one call per request would have and costs a fraction of the CPU and
// Redis round trips under load (docs/decisions/0110).
//
// Redis down, slow (over COMMAND_TIMEOUT_MS) or not connected yet: the local bucket decides (fail
// open to a per-process limit, docs/decisions/0065). Ingress keeps storing events without Redis
// (decision 0033); a limit is then N per process instead of N in total until Redis is back.
import type { Redis } from "ioredis";
import { createRedis, redisKey } from "~/data/queues.server";
import { TokenBucketLimiter, type RateDecision } from "~/domain/ingress/rate-limit";

/** Longest a request waits for Redis's answer before the local bucket decides. */
export const COMMAND_TIMEOUT_MS = 250;

// KEYS[1] the bucket; ARGV[1] capacity (= requests per minute), ARGV[2] tokens wanted. Returns
// {granted, retryAfterMs}: granted = as many as the bucket holds, up to the number wanted; a
// retry time when fewer were granted. Stored as a hash {tokens, at}; refills capacity/60000 tokens
// per ms; expires once it would be full again, so idle webhooks cost no memory.
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local wanted = tonumber(ARGV[2])
local perMs = capacity / 60000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
else
  tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
end
local granted = math.min(wanted, math.floor(tokens))
if granted < 0 then granted = 0 end
tokens = tokens - granted
local retryMs = 0
if granted < wanted then
  retryMs = math.ceil((1 - tokens) / perMs)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMs) + 1000)
return {granted, retryMs}
`;

type TakeCommand = (key: string, capacity: number, wanted: number) => Promise<[number, number]>;

/** The takes of one bucket waiting for this tick's call of the script, in arrival order. */
interface PendingTakes {
  key: string;
  perMinute: number;
  /** When they were taken from the local bucket (Retry-After counts from it). */
  now: number;
  waiters: { local: RateDecision; resolve: (decision: RateDecision) => void }[];
}

/** The most takes one call of the script answers (more in one tick make further calls). */
export const MAX_TAKES_PER_CALL = 1000;

export interface SharedRateLimiterOptions {
  /** A Redis client of its own (closed by close()); default: one for REDIS_URL. */
  redis?: Redis;
  /** Key prefix; default the installation's (redisKey). */
  keyPrefix?: string;
  now?: () => number;
  log?: (message: string) => void;
}

export class SharedRateLimiter {
  private readonly local: TokenBucketLimiter;
  private readonly blockedUntil = new Map<string, number>();
  private readonly redis: Redis;
  private readonly take_: TakeCommand;
  private prefix: Promise<string> | undefined;
  private outageLogged = false;
  // This tick's takes that go to Redis, by bucket and capacity; sent together by flush().
  private pending = new Map<string, PendingTakes>();
  /** How many calls of the script went to Redis (tests and benchmarks read it). */
  redisCalls = 0;

  constructor(private readonly options: SharedRateLimiterOptions = {}) {
    this.local = new TokenBucketLimiter({ now: options.now });
    this.redis =
      options.redis ??
      createRedis({ enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS });
    this.redis.on("error", () => {}); // an outage shows as local decisions (and one log line)
    this.redis.on("ready", () => (this.outageLogged = false));
    this.redis.defineCommand("hooklineTakeToken", { numberOfKeys: 1, lua: TAKE_SCRIPT });
    this.take_ = (key, capacity, wanted) =>
      (this.redis as unknown as { hooklineTakeToken: TakeCommand }).hooklineTakeToken(key, capacity, wanted);
  }

  /** Resolves once the Redis connection is ready (or after `timeoutMs`): call before serving. */
  async ready(timeoutMs = 2000): Promise<boolean> {
    if (this.redis.status === "ready") return true;
    if (this.redis.status === "wait") this.redis.connect().catch(() => {});
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off("ready", onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.on("ready", onReady);
    });
  }

  /** Takes one request from `key`'s bucket of `perMinute` requests per minute. */
  async take(key: string, perMinute: number): Promise<RateDecision> {
    const now = (this.options.now ?? Date.now)();
    const blocked = this.blockedUntil.get(key);
    if (blocked !== undefined) {
      if (blocked > now) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((blocked - now) / 1000)) };
      this.blockedUntil.delete(key);
    }
    const local = this.local.take(key, perMinute);
    if (!local.allowed) return local;
    if (this.redis.status !== "ready") return this.failOpen(local, "not connected");
    return new Promise((resolve) => {
      if (this.pending.size === 0) setImmediate(() => this.flush());
      const batch = `${perMinute}\0${key}`;
      let takes = this.pending.get(batch);
      if (!takes) this.pending.set(batch, (takes = { key, perMinute, now, waiters: [] }));
      takes.waiters.push({ local, resolve });
    });
  }

  /** Sends this tick's takes: one call of the script per bucket (and per MAX_TAKES_PER_CALL takes). */
  private flush(): void {
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const takes of batches) {
      for (let i = 0; i < takes.waiters.length; i += MAX_TAKES_PER_CALL) {
        void this.takeShared(takes, takes.waiters.slice(i, i + MAX_TAKES_PER_CALL));
      }
    }
  }

  private async takeShared(takes: PendingTakes, waiters: PendingTakes["waiters"]): Promise<void> {
    let answer: [number, number];
    try {
      this.redisCalls++;
      answer = await this.take_(await this.keyFor(takes.key), Math.max(1, takes.perMinute), waiters.length);
    } catch (error) {
      for (const w of waiters) w.resolve(this.failOpen(w.local, (error as Error).message));
      return;
    }
    const [granted, retryMs] = answer;
    // The first `granted` in arrival order are allowed, as one call each would have decided.
    for (const w of waiters.slice(0, granted)) w.resolve({ allowed: true });
    const refused = waiters.slice(granted);
    if (!refused.length) return;
    this.block(takes.key, takes.now + retryMs);
    const retryAfterSeconds = Math.max(1, Math.ceil(retryMs / 1000));
    for (const w of refused) {
      this.local.refund(takes.key);
      w.resolve({ allowed: false, retryAfterSeconds });
    }
  }

  /** Forgets local state (buckets and remembered refusals); Redis's buckets stay. */
  clear(): void {
    this.local.clear();
    this.blockedUntil.clear();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private keyFor(key: string): Promise<string> {
    if (this.options.keyPrefix !== undefined) return Promise.resolve(`${this.options.keyPrefix}:rate:${key}`);
    this.prefix ??= redisKey("rate").catch((error: unknown) => {
      this.prefix = undefined;
      throw error;
    });
    return this.prefix.then((prefix) => `${prefix}:${key}`);
  }

  private block(key: string, until: number): void {
    if (this.blockedUntil.size >= 10_000) this.blockedUntil.clear();
    this.blockedUntil.set(key, until);
  }

  private failOpen(local: RateDecision, reason: string): RateDecision {
    if (!this.outageLogged) {
      this.outageLogged = true;
      (this.options.log ?? console.warn)(
        `ingress: rate limits are per process until Redis answers again (${reason}); docs/decisions/0065`,
      );
    }
    return local;
  }
}
