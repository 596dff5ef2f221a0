// In-memory token bucket per key (webhook id). Each bucket holds up to `perMinute` tokens and
// refills at perMinute/60 tokens per second, so a burst of a full minute's allowance is accepted.
// Per process: ingress puts it in front of the shared bucket in Redis
// (app/data/shared-rate-limit.server.ts), which holds the limit across processes.

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: { maxKeys?: number; now?: () => number } = {}) {}

  take(key: string, perMinute: number): RateDecision {
    const now = (this.options.now ?? Date.now)();
    const capacity = Math.max(1, perMinute);
    const perMs = capacity / 60_000;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: now };
      this.remember(key, bucket);
    } else {
      bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updatedAt) * perMs);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
  }

  /** Gives back the token of a request that was refused after all (by the shared bucket). */
  refund(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens += 1;
  }

  clear(): void {
    this.buckets.clear();
  }

  get size(): number {
    return this.buckets.size;
  }

  // Bounded memory: when full, forget the oldest bucket (a forgotten key starts full again, which
  // only errs on the generous side).
  private remember(key: string, bucket: Bucket): void {
    const maxKeys = this.options.maxKeys ?? 10_000;
    if (this.buckets.size >= maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    this.buckets.set(key, bucket);
  }
}
