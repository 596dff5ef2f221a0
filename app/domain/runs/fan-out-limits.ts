// Fan-out bounds (docs/decisions/0070): how many actions one task run may perform, how many events
// one originating request may lead to across generations of event actions and follow-ups, and the
// shop's rate limit that events created by actions count toward. Mechanic documents none of these
// (its plans say "unlimited runs"), so they are settings with defaults far above what real tasks
// need and far below what a task re-triggering itself reaches (3 event actions per run on its own
// topic: 363 events in 5 generations; 10: 111,110).

/** Actions one task run may render; a run rendering more fails and performs none (TASK_RUN_MAX_ACTIONS). */
export const DEFAULT_MAX_ACTIONS_PER_TASK_RUN = 1_000;
/** Events created by actions from one originating event, every generation together (EVENT_CHAIN_MAX_EVENTS). */
export const DEFAULT_MAX_EVENTS_PER_ORIGIN = 1_000;
/** The window of the shop's rate limit that events created by actions count toward. */
export const EVENT_RATE_WINDOW_MS = 60_000;

export interface FanOutLimits {
  maxActionsPerTaskRun: number;
  maxEventsPerOrigin: number;
  /** Events per minute a shop's actions may create when the shop sets no rate limit of its own. */
  defaultEventsPerMinute: number;
}

export const DEFAULT_FAN_OUT_LIMITS: FanOutLimits = {
  maxActionsPerTaskRun: DEFAULT_MAX_ACTIONS_PER_TASK_RUN,
  maxEventsPerOrigin: DEFAULT_MAX_EVENTS_PER_ORIGIN,
  defaultEventsPerMinute: 600,
};

/** The task run's error when it rendered more actions than allowed, or null. */
export function tooManyActionsProblem(
  count: number,
  limits: Pick<FanOutLimits, "maxActionsPerTaskRun">,
): string | null {
  if (count <= limits.maxActionsPerTaskRun) return null;
  return `this run rendered ${count} actions; a task run may perform at most ${limits.maxActionsPerTaskRun} (TASK_RUN_MAX_ACTIONS), so none were performed. Split the work with event actions, or loop over fewer items per run`;
}

/** What the store counted for one new event created by an action. */
export interface EventBudgetCounts {
  /** Events created so far from the same originating event (every generation). */
  fromOrigin: number;
  /** Events the shop's actions created in the last EVENT_RATE_WINDOW_MS. */
  fromShopRecently: number;
  /** The shop's own rate limit (Settings), or null for the app default. */
  shopRatePerMinute: number | null;
}

/** An event an action may not create now: over the chain's cap (final) or the shop's rate (retry later). */
export class EventBudgetError extends Error {
  constructor(
    message: string,
    /** Null: final, retrying cannot help. Else when the shop's window has room again. */
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = "EventBudgetError";
  }
}

/** The chain has created `maxEventsPerOrigin` events (or more): final, retrying cannot help. */
export function chainFullError(created: number, maxEventsPerOrigin: number): EventBudgetError {
  return new EventBudgetError(
    `event limit reached: the request that started this chain has already led to ${created} events created by actions (at most ${maxEventsPerOrigin}, EVENT_CHAIN_MAX_EVENTS); not creating more, to stop a fan-out`,
    null,
  );
}

/**
 * Null when the event may be created, else why not. A read, so concurrent creators can both pass
 * it: the chain's cap is enforced again, atomically, where the event is inserted (the insert
 * counts and inserts in one step: RunnerDeps.createEvent's maxEventsInChain).
 */
export function eventBudgetProblem(counts: EventBudgetCounts, limits: FanOutLimits): EventBudgetError | null {
  if (counts.fromOrigin >= limits.maxEventsPerOrigin)
    return chainFullError(counts.fromOrigin, limits.maxEventsPerOrigin);
  const rate = counts.shopRatePerMinute ?? limits.defaultEventsPerMinute;
  if (counts.fromShopRecently >= rate) {
    return new EventBudgetError(
      `the shop's rate limit is used up: its actions created ${counts.fromShopRecently} events in the last minute (limit ${rate} per minute, the shop's webhook rate limit)`,
      EVENT_RATE_WINDOW_MS / 4,
    );
  }
  return null;
}
