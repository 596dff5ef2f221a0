// How many PostgreSQL connections a worker's runner opens (decision 0114).

/** The most, whatever WORKER_CONCURRENCY is. */
export const RUNNER_POOL_MAX = 16;

/**
 * One per job slot, at least a few (the respond, runs and scheduler queues run beside the events
 * queue) and at most RUNNER_POOL_MAX. A statement holds a connection for well under a millisecond,
 * so more slots share them without measurable waits (pools of 2 to 16 ran the runner benchmark
 * alike), and raising the concurrency does not multiply the database's connections.
 */
export function runnerPoolSize(concurrency: number): number {
  return Math.min(RUNNER_POOL_MAX, Math.max(4, concurrency));
}
