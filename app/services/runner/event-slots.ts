// How many events one worker process works on at once (its concurrency, WORKER_CONCURRENCY). A job
// may carry several events (EVENTS_PER_JOB, app/data/queues.server.ts); their fan-outs run side by
// side, each in a slot of its own, so the events in flight (and the data they hold in memory) stay
// bounded however the jobs are shaped, and a slow event holds one slot, never its job's others.

export interface EventSlots {
  /** Runs `work` once a slot is free (first come, first served), freeing it when `work` settles. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Slots in use now. */
  readonly inUse: number;
  /** Callers waiting for a slot now. */
  readonly waiting: number;
}

export function createEventSlots(limit: number): EventSlots {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`event slots: ${limit} is not a whole number >= 1`);
  let inUse = 0;
  const waiters: (() => void)[] = [];
  const release = () => {
    const next = waiters.shift();
    // The slot passes straight to the next waiter (inUse unchanged), so no newcomer overtakes it.
    if (next) next();
    else inUse -= 1;
  };
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (inUse < limit) inUse += 1;
      else await new Promise<void>((resolve) => waiters.push(resolve));
      try {
        return await work();
      } finally {
        release();
      }
    },
    get inUse() {
      return inUse;
    },
    get waiting() {
      return waiters.length;
    },
  };
}
