// The rate limit shared by web processes: two limiters (as two processes have) on one Redis hold
// one limit of N in total, a spent limit is refused without asking Redis again, and with Redis
// unreachable each limiter falls back to its own bucket (fail open, docs/decisions/0065).
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { createServer, type AddressInfo } from "node:net";
import { COMMAND_TIMEOUT_MS, LEASE_MS, maxTakenAhead, SharedRateLimiter } from "~/data/shared-rate-limit.server";
import { freePort } from "../../../scripts/lib/free-port";

const opened: SharedRateLimiter[] = [];
function limiter(options: ConstructorParameters<typeof SharedRateLimiter>[0] = {}): SharedRateLimiter {
  const created = new SharedRateLimiter({ keyPrefix: `test-rate-${randomUUID()}`, log: () => {}, ...options });
  opened.push(created);
  return created;
}

/** Two limiters on one key prefix, as two web processes have, both connected. */
async function twoLimiters(): Promise<[SharedRateLimiter, SharedRateLimiter]> {
  const keyPrefix = `test-rate-${randomUUID()}`;
  const pair: [SharedRateLimiter, SharedRateLimiter] = [limiter({ keyPrefix }), limiter({ keyPrefix })];
  expect(await Promise.all(pair.map((l) => l.ready()))).toEqual([true, true]);
  return pair;
}

afterAll(async () => {
  await Promise.all(opened.map((l) => l.close()));
});

describe("SharedRateLimiter", () => {
  it("two limiters sharing a prefix allow N requests in total, not N each", async () => {
    const [a, b] = await twoLimiters();
    const key = randomUUID();
    const decisions = [];
    for (let i = 0; i < 60; i++) decisions.push(await (i % 2 ? a : b).take(key, 20));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    // Retry-After: one token comes back every 3 s at 20 per minute.
    const refused = decisions.find((d) => !d.allowed);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 3 });
    // Another key is untouched.
    expect(await a.take(randomUUID(), 20)).toEqual({ allowed: true });
  });

  it("concurrent takes from both limiters still add up to N", async () => {
    const [a, b] = await twoLimiters();
    const key = randomUUID();
    const decisions = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).take(key, 50)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(50);
  });

  it("takes of one tick go to Redis as one call and decide as one call each would, in arrival order", async () => {
    const [a, b] = await twoLimiters();
    const key = randomUUID();
    const otherKey = randomUUID();
    // 7 tokens spent by the other process first; 10 of 30 takes in one tick are left for this one.
    for (let i = 0; i < 7; i++) expect((await b.take(key, 17)).allowed).toBe(true);
    const before = a.redisCalls;
    const decisions = await Promise.all([
      ...Array.from({ length: 30 }, () => a.take(key, 17)),
      ...Array.from({ length: 5 }, () => a.take(otherKey, 17)),
    ]);
    // One call per bucket, not one per request.
    expect(a.redisCalls - before).toBe(2);
    const mine = decisions.slice(0, 30);
    expect(mine.slice(0, 10).every((d) => d.allowed)).toBe(true);
    // 17 per minute: one token every ~3.5 s.
    for (const d of mine.slice(10)) expect(d).toEqual({ allowed: false, retryAfterSeconds: 4 });
    expect(decisions.slice(30).every((d) => d.allowed)).toBe(true);
    // The refusal is remembered locally, and the other process finds the bucket empty too.
    expect((await a.take(key, 17)).allowed).toBe(false);
    expect(a.redisCalls - before).toBe(2);
    expect((await b.take(key, 17)).allowed).toBe(false);
  });

  it("takes of one tick that Redis does not answer in time fall back to the local bucket, each", async () => {
    // A "Redis" that accepts the connection and never answers (a hung server).
    const hung = createServer((socket) => socket.on("data", () => {}));
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    const redis = new Redis({
      port: (hung.address() as AddressInfo).port,
      host: "127.0.0.1",
      enableReadyCheck: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      lazyConnect: true,
    });
    const logged: string[] = [];
    const l = limiter({ redis, log: (m) => logged.push(m) });
    try {
      expect(await l.ready(1000)).toBe(true);
      const key = randomUUID();
      const decisions = await Promise.all(Array.from({ length: 5 }, () => l.take(key, 3)));
      expect(l.redisCalls).toBe(1);
      // The local bucket decides each: 3 allowed, the rest refused by it.
      expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
      expect(decisions.slice(3)).toEqual([
        { allowed: false, retryAfterSeconds: 20 },
        { allowed: false, retryAfterSeconds: 20 },
      ]);
      expect(logged).toHaveLength(1);
    } finally {
      redis.disconnect();
      hung.close();
    }
  });

  it("a busy webhook takes tokens ahead: its next requests need no Redis call until they run out or lapse", async () => {
    let clock = 1_000_000_000;
    const l = limiter({ now: () => clock });
    await l.ready();
    const key = randomUUID();
    const perMinute = 600_000;
    expect(maxTakenAhead(perMinute)).toBe(1000);
    expect(maxTakenAhead(599)).toBe(0); // small limits never take ahead: exact per request
    for (let i = 0; i < 40; i++) expect((await l.take(key, perMinute)).allowed).toBe(true);
    expect(l.redisCalls).toBe(40); // no demand seen before: nothing taken ahead
    clock += LEASE_MS; // the next window: 40 requests in the one before
    expect((await l.take(key, perMinute)).allowed).toBe(true);
    expect(l.redisCalls).toBe(41); // its own token and 40 ahead
    for (let i = 0; i < 40; i++) expect((await l.take(key, perMinute)).allowed).toBe(true);
    expect(l.redisCalls).toBe(41);
    expect((await l.take(key, perMinute)).allowed).toBe(true); // ran out: Redis again, 40 more ahead
    expect(l.redisCalls).toBe(42);
    expect((await l.take(key, perMinute)).allowed).toBe(true);
    expect(l.redisCalls).toBe(42);
    clock += LEASE_MS; // the rest lapse unused
    expect((await l.take(key, perMinute)).allowed).toBe(true);
    expect(l.redisCalls).toBe(43);
  });

  it("taking ahead keeps a limit to N in total across processes, give or take one lease each", async () => {
    const [a, b] = await twoLimiters();
    const key = randomUUID();
    const N = 6000; // up to 10 ahead; refills 100 a second
    const lease = maxTakenAhead(N);
    expect(lease).toBe(10);
    const started = Date.now();
    let allowed = 0;
    let refusedByBoth = false;
    while (!refusedByBoth) {
      const decisions = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).take(key, N)));
      allowed += decisions.filter((d) => d.allowed).length;
      refusedByBoth = decisions.every((d) => !d.allowed);
    }
    const refilled = Math.ceil(((Date.now() - started) * N) / 60_000);
    expect(allowed).toBeLessThanOrEqual(N + refilled);
    expect(allowed).toBeGreaterThanOrEqual(N - 2 * lease);
  });

  it("a spent limit is refused locally until its Retry-After, without a Redis call", async () => {
    const l = limiter();
    await l.ready();
    const key = randomUUID();
    for (let i = 0; i < 3; i++) expect((await l.take(key, 3)).allowed).toBe(true);
    expect((await l.take(key, 3)).allowed).toBe(false);
    const calls = l.redisCalls;
    for (let i = 0; i < 100; i++) expect((await l.take(key, 3)).allowed).toBe(false);
    expect(l.redisCalls).toBe(calls);
  });

  it("a limit spent by another process is learned on the first refusal, then refused locally", async () => {
    const [a, b] = await twoLimiters();
    const key = randomUUID();
    for (let i = 0; i < 5; i++) expect((await a.take(key, 5)).allowed).toBe(true);
    const before = b.redisCalls;
    expect((await b.take(key, 5)).allowed).toBe(false);
    expect((await b.take(key, 5)).allowed).toBe(false);
    expect(b.redisCalls).toBe(before + 1);
  });

  it("with Redis unreachable, each limiter decides on its own (fail open to the local bucket)", async () => {
    const dead = new Redis({
      port: await freePort(), // nothing listens there
      host: "127.0.0.1",
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    const logged: string[] = [];
    const l = limiter({ redis: dead, log: (m) => logged.push(m) });
    expect(await l.ready(300)).toBe(false);
    const key = randomUUID();
    for (let i = 0; i < 4; i++) expect((await l.take(key, 4)).allowed).toBe(true);
    expect(await l.take(key, 4)).toEqual({ allowed: false, retryAfterSeconds: 15 });
    expect(l.redisCalls).toBe(0);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("rate limits are per process until Redis answers again");
  });
});
