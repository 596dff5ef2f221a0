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
// A busy webhook's call also takes tokens ahead: as many as this process's requests for it in the
// previous LEASE_MS, at most LEASE_MS of the limit's rate (limits under 600 a minute take none).
// Requests use them without a Redis call for up to LEASE_MS, then they lapse. The shared bucket
// gave each token once, so the limit still holds across processes; what leasing shifts is bounded
// by one lease per process: a lapsed lease's unused tokens are lost (a process can see a 429 up to
// that many requests early), and a lease spent after the bucket refilled lets a burst exceed the
// bucket's size by at most that many (docs/decisions/0111).
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

/** How long tokens taken ahead stay usable, and the window a webhook's demand is counted over. */
export const LEASE_MS = 100;

/** Tokens taken ahead for a webhook: usable until `until`, then lapsed. */
interface Lease {
  tokens: number;
  until: number;
}

/** A webhook's requests in the current LEASE_MS window and in the one before. */
interface Demand {
  window: number;
  count: number;
  previous: number;
}

/** The most tokens taken ahead for a limit of `perMinute` (LEASE_MS of its rate; 0 under 600 a minute). */
export function maxTakenAhead(perMinute: number): number {
  return Math.min(MAX_TAKES_PER_CALL, Math.floor((perMinute * LEASE_MS) / 60_000));
}

const MAX_KEYS = 10_000;

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
  private readonly leases = new Map<string, Lease>();
  private readonly demand = new Map<string, Demand>();
  private readonly takingAhead = new Set<string>();
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
    this.noteDemand(key, now);
    const lease = this.leases.get(key);
    if (lease) {
      if (lease.until > now && lease.tokens >= 1) {
        lease.tokens--;
        return { allowed: true };
      }
      this.leases.delete(key);
    }
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
    // Tokens ahead: as many as the previous window's requests, within the limit's LEASE_MS; by
    // one call per webhook at a time, so a process never holds more than one lease's worth.
    const ahead = this.takingAhead.has(takes.key)
      ? 0
      : Math.min(maxTakenAhead(takes.perMinute), this.demand.get(takes.key)?.previous ?? 0);
    if (ahead > 0) this.takingAhead.add(takes.key);
    let answer: [number, number];
    try {
      this.redisCalls++;
      answer = await this.take_(await this.keyFor(takes.key), Math.max(1, takes.perMinute), waiters.length + ahead);
    } catch (error) {
      for (const w of waiters) w.resolve(this.failOpen(w.local, (error as Error).message));
      return;
    } finally {
      if (ahead > 0) this.takingAhead.delete(takes.key);
    }
    const [granted, retryMs] = answer;
    // The first `granted` in arrival order are allowed, as one call each would have decided.
    for (const w of waiters.slice(0, granted)) w.resolve({ allowed: true });
    if (granted > waiters.length) this.lease(takes.key, granted - waiters.length);
    const refused = waiters.slice(granted);
    if (!refused.length) return;
    this.block(takes.key, takes.now + retryMs);
    const retryAfterSeconds = Math.max(1, Math.ceil(retryMs / 1000));
    for (const w of refused) {
      this.local.refund(takes.key);
      w.resolve({ allowed: false, retryAfterSeconds });
    }
  }

  private lease(key: string, tokens: number): void {
    const now = (this.options.now ?? Date.now)();
    const held = this.leases.get(key);
    if (held && held.until > now) {
      held.tokens += tokens;
      held.until = now + LEASE_MS;
      return;
    }
    if (this.leases.size >= MAX_KEYS) this.leases.clear();
    this.leases.set(key, { tokens, until: now + LEASE_MS });
  }

  private noteDemand(key: string, now: number): void {
    const window = Math.floor(now / LEASE_MS);
    let demand = this.demand.get(key);
    if (!demand) {
      if (this.demand.size >= MAX_KEYS) this.demand.clear();
      this.demand.set(key, (demand = { window, count: 0, previous: 0 }));
    } else if (demand.window !== window) {
      demand.previous = demand.window === window - 1 ? demand.count : 0;
      demand.window = window;
      demand.count = 0;
    }
    demand.count++;
  }

  /** Forgets local state (buckets, remembered refusals, tokens taken ahead); Redis's buckets stay. */
  clear(): void {
    this.local.clear();
    this.blockedUntil.clear();
    this.leases.clear();
    this.demand.clear();
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
    if (this.blockedUntil.size >= MAX_KEYS) this.blockedUntil.clear();
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
