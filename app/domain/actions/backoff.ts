// Retry policy for transient action failures: 5 attempts in all, waiting roughly 30 s, 1 min,
// 2.5 min and 5 min between them (Mechanic's documented schedule), each with +-20% jitter so a burst
// of failures does not come back as a burst. The base is configurable (RETRY_BASE_MS) so tests can use milliseconds.

export const MAX_ATTEMPTS = 5;
/** Multipliers of the base for the waits after attempts 1..4 (30 s base -> 30 s, 60 s, 150 s, 300 s). */
const STEPS = [1, 2, 5, 10];

/**
 * The wait before the next attempt after `attemptsMade` failed attempts, or null when the run is dead.
 * `random` is injectable for tests; `atLeastMs` honours a server's own hint (Shopify's cost bucket).
 */
export function nextRetryDelayMs(
  attemptsMade: number,
  baseMs: number,
  random: () => number = Math.random,
  atLeastMs = 0,
): number | null {
  if (attemptsMade >= MAX_ATTEMPTS) return null;
  const step = STEPS[Math.min(Math.max(attemptsMade, 1), STEPS.length) - 1];
  const jitter = 0.8 + 0.4 * random();
  return Math.max(Math.round(baseMs * step * jitter), Math.ceil(atLeastMs));
}
