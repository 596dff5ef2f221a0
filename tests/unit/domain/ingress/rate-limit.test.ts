import { describe, expect, it } from "vitest";
import { TokenBucketLimiter } from "~/domain/ingress/rate-limit";

describe("TokenBucketLimiter", () => {
  it("allows a burst of the per-minute allowance, then refuses with Retry-After", () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ now: () => now });
    for (let i = 0; i < 60; i++) expect(limiter.take("w", 60)).toEqual({ allowed: true });
    expect(limiter.take("w", 60)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1000; // one token per second at 60/min
    expect(limiter.take("w", 60)).toEqual({ allowed: true });
    expect(limiter.take("w", 60).allowed).toBe(false);
  });

  it("computes Retry-After from the refill rate", () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ now: () => now });
    expect(limiter.take("w", 2)).toEqual({ allowed: true });
    expect(limiter.take("w", 2)).toEqual({ allowed: true });
    expect(limiter.take("w", 2)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    now += 15_000;
    expect(limiter.take("w", 2)).toEqual({ allowed: false, retryAfterSeconds: 15 });
    now += 15_000;
    expect(limiter.take("w", 2)).toEqual({ allowed: true });
  });

  it("keeps keys independent", () => {
    const limiter = new TokenBucketLimiter({ now: () => 0 });
    expect(limiter.take("a", 1).allowed).toBe(true);
    expect(limiter.take("a", 1).allowed).toBe(false);
    expect(limiter.take("b", 1).allowed).toBe(true);
  });

  it("never refills beyond the capacity", () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ now: () => now });
    limiter.take("w", 3);
    now += 10 * 60_000;
    for (let i = 0; i < 3; i++) expect(limiter.take("w", 3).allowed).toBe(true);
    expect(limiter.take("w", 3).allowed).toBe(false);
  });

  it("bounds memory by forgetting the oldest key", () => {
    const limiter = new TokenBucketLimiter({ now: () => 0, maxKeys: 2 });
    limiter.take("a", 1);
    limiter.take("b", 1);
    limiter.take("c", 1);
    expect(limiter.size).toBe(2);
    expect(limiter.take("a", 1).allowed).toBe(true); // forgotten, starts full
  });
});

describe("TokenBucketLimiter.refund", () => {
  it("gives back a token taken for a request refused elsewhere (the shared bucket)", () => {
    const limiter = new TokenBucketLimiter({ now: () => 0 });
    expect(limiter.take("w", 1).allowed).toBe(true);
    expect(limiter.take("w", 1).allowed).toBe(false);
    limiter.refund("w");
    expect(limiter.take("w", 1).allowed).toBe(true);
    limiter.refund("unknown"); // no bucket: nothing to give back
    expect(limiter.size).toBe(1);
  });
});
