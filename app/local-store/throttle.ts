// Shopify's GraphQL Admin API rate limit: a leaky bucket of cost points per app and shop. A query
// needs its requested cost available up front; after it runs, the difference between requested
// and actual cost is refunded. The bucket refills continuously at `restoreRate` points a second.

export interface ThrottleOptions {
  /** Bucket size in points (Shopify's `maximumAvailable`). */
  maximumAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
  /** Milliseconds clock; tests can pin it. */
  now?: () => number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export const DEFAULT_BUCKET_SIZE = 1000;
export const DEFAULT_RESTORE_RATE = 50;

export class LeakyBucket {
  private available: number;
  private updatedAt: number;

  constructor(
    readonly maximumAvailable: number,
    readonly restoreRate: number,
    private readonly now: () => number,
  ) {
    this.available = maximumAvailable;
    this.updatedAt = now();
  }

  private refill(): void {
    const current = this.now();
    const elapsedSeconds = Math.max(0, current - this.updatedAt) / 1000;
    this.available = Math.min(this.maximumAvailable, this.available + elapsedSeconds * this.restoreRate);
    this.updatedAt = current;
  }

  /** Takes `cost` points if that many are available; returns whether it did. */
  tryTake(cost: number): boolean {
    this.refill();
    if (this.available < cost) return false;
    this.available -= cost;
    return true;
  }

  /** Empties the bucket now (as another client of the same app and shop would by using it up). */
  drain(): void {
    this.refill();
    this.available = 0;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}

/** One bucket per shop (the store serves one app, so app+shop is just the shop). */
export class Throttle {
  private buckets = new Map<string, LeakyBucket>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    if (!(options.maximumAvailable > 0) || !(options.restoreRate > 0)) {
      throw new Error("Throttle bucket size and restore rate must be positive numbers");
    }
    this.now = options.now ?? (() => Date.now());
  }

  get maximumAvailable(): number {
    return this.options.maximumAvailable;
  }

  bucket(shop: string): LeakyBucket {
    let bucket = this.buckets.get(shop);
    if (!bucket) {
      bucket = new LeakyBucket(this.options.maximumAvailable, this.options.restoreRate, this.now);
      this.buckets.set(shop, bucket);
    }
    return bucket;
  }

  /** Every bucket full again. */
  reset(): void {
    this.buckets.clear();
  }
}
