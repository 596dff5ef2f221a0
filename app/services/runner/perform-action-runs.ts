// Performing a rendered task run's actions: in order, honouring the task's sequencing and
// halt-on-error settings, the shop's Admin API throttle, retries with backoff, and the lease that
// tells an action run orphaned by a dead worker: an exactly-once action (cache, event, echo) is
// performed again and finds what the dead attempt did; any other is failed, never re-performed
// (at-most-once; docs/decisions/0071).
import type { ActionRunOutcome, ActionRunRow, EventRow, TaskRow } from "~/data/run-store";
import type { ActionRunStatus } from "~/domain/runs/status";
import { performAction, type PerformDeps } from "~/domain/actions";
import { MAX_ATTEMPTS, nextRetryDelayMs } from "~/domain/actions/backoff";
import { eventActionEventId, isExactlyOnce } from "~/domain/actions/delivery";
import type { ActionOutcome } from "~/domain/actions/types";
import { describeError } from "~/domain/actions/types";
import type { RunnerDeps } from "./deps";
import { createEventWithinBudget } from "./event-budget";
import { emitActionError } from "./error-events";
import { emitFollowUp } from "./follow-up";
import { deliverResponseFor } from "./respond";
import { parseStored, toJsonText } from "./stored-json";

export const ORPHANED_ACTION_MESSAGE =
  "worker stopped during the action; not retried automatically to avoid a duplicate effect (retry it by hand if it did not happen)";

export const RETRIED_ORPHAN_MESSAGE =
  "worker stopped during the action; performing it again (exactly-once: an effect already applied is not repeated)";

/** What became of one action run this call tried to perform. */
export type PerformResult = "succeeded" | "failed" | "retrying" | "lost";

/**
 * Performs the task run's due action runs. `known` are the rows when the caller just created them
 * (saves a read). Stops at an action that is in flight, waiting or retrying when the task performs
 * its actions in sequence; the job that finishes or retries it carries the sequence on.
 * Returns each action run's status after this call, or null where another worker has it now.
 */
export async function performDueActionRuns(
  taskRunId: string,
  task: TaskRow,
  event: EventRow,
  deps: RunnerDeps,
  known?: ActionRunRow[],
): Promise<(ActionRunStatus | null)[]> {
  const { store } = deps;
  const inSequence = task.performActionRunsInSequence;
  const haltOnError = inSequence && task.haltActionRunSequenceOnError;
  const actionRuns = known ?? (await store.listActionRuns(taskRunId));
  const statuses: (ActionRunStatus | null)[] = actionRuns.map((a) => a.status);
  const halt = async (index: number, failedPosition: number) => {
    await skipRest(actionRuns.slice(index + 1), failedPosition, deps);
    for (let i = index + 1; i < statuses.length; i++) if (statuses[i] === "pending") statuses[i] = "skipped";
    return statuses;
  };

  for (let index = 0; index < actionRuns.length; index++) {
    const actionRun = actionRuns[index]!;
    const current = deps.now();

    if (actionRun.status === "running") {
      const startedAt = actionRun.startedAt ?? current;
      if (current.getTime() - startedAt.getTime() <= deps.actionLeaseMs) {
        if (inSequence) return statuses; // being performed right now; its performer continues the sequence
        continue;
      }
      if (isExactlyOnce(actionRun.type)) {
        // Orphaned, and safe to perform again: its effect, if it happened, is found by the retry.
        if (!(await store.requeueOrphanedActionRun(actionRun.id, actionRun.attempts))) {
          statuses[index] = null;
          return statuses;
        }
        deps.log(`action run ${actionRun.id}: ${RETRIED_ORPHAN_MESSAGE}`);
        const outcome = await performActionRun(
          { ...actionRun, status: "pending", nextAttemptAt: null },
          task,
          event,
          deps,
        );
        statuses[index] = outcome === "lost" ? null : outcome === "retrying" ? "pending" : outcome;
        if (outcome === "lost" || outcome === "retrying") {
          if (inSequence) return statuses;
          continue;
        }
        if (outcome === "failed" && haltOnError) return halt(index, actionRun.position);
        continue;
      }
      // Orphaned by a worker that died mid-action: at-most-once, so no automatic retry.
      const failed = await store.failOrphanedActionRun(
        actionRun.id,
        actionRun.attempts,
        ORPHANED_ACTION_MESSAGE,
        current,
      );
      if (!failed) {
        statuses[index] = null;
        return statuses; // someone else changed it; let them carry on
      }
      statuses[index] = "failed";
      deps.log(`action run ${actionRun.id}: ${ORPHANED_ACTION_MESSAGE}`);
      await emitActionError(actionRun, actionRun.attempts, ORPHANED_ACTION_MESSAGE, task, event, deps);
      if (haltOnError) return halt(index, actionRun.position);
      continue;
    }

    if (actionRun.status === "succeeded" || actionRun.status === "skipped" || actionRun.status === "cancelled")
      continue;
    if (actionRun.status === "failed") {
      if (haltOnError) return halt(index, actionRun.position);
      continue;
    }

    // pending
    if (actionRun.nextAttemptAt && actionRun.nextAttemptAt.getTime() > current.getTime()) {
      if (inSequence) return statuses; // waiting for its retry; the retry job continues the sequence
      continue;
    }
    if (actionRun.type === "shopify") {
      const blockedUntil = await deps.throttle.blockedUntil(event.shop);
      if (blockedUntil > current.getTime()) {
        // The shop's bucket is empty: wait without using an attempt or a worker slot.
        const at = new Date(blockedUntil);
        await store.deferActionRun(actionRun.id, at);
        await deps.scheduleTaskRun(taskRunId, at);
        if (inSequence) return statuses;
        continue;
      }
    }
    const outcome = await performActionRun(actionRun, task, event, deps);
    statuses[index] = outcome === "lost" ? null : outcome === "retrying" ? "pending" : outcome;
    if (outcome === "lost" || outcome === "retrying") {
      if (inSequence) return statuses;
      continue;
    }
    if (outcome === "failed" && haltOnError) return halt(index, actionRun.position);
  }
  return statuses;
}

async function skipRest(rest: ActionRunRow[], failedPosition: number, deps: RunnerDeps): Promise<void> {
  const ids = rest.filter((a) => a.status === "pending").map((a) => a.id);
  await deps.store.skipActionRuns(
    ids,
    `skipped: action ${failedPosition + 1} failed and the task halts the sequence on error`,
    deps.now(),
  );
}

/** Claims one pending action run, performs it, records the outcome and emits its follow-up. */
export async function performActionRun(
  actionRun: ActionRunRow,
  task: TaskRow,
  event: EventRow,
  deps: RunnerDeps,
): Promise<PerformResult> {
  const { store } = deps;
  const startedAt = deps.now();
  const claimedAttempt = actionRun.attempts + 1;
  if (!(await store.claimActionRun(actionRun.id, actionRun.attempts, startedAt))) return "lost";

  const options = parseStored(actionRun.options, null);
  let outcome: ActionOutcome;
  try {
    outcome = await performAction(actionRun.type, options, performDeps(actionRun, event, deps));
  } catch (error) {
    // A performer bug must not leave the run claimed forever.
    outcome = { ok: false, error: `action failed unexpectedly: ${describeError(error)}`, retryable: false };
  }
  const finishedAt = deps.now();
  const durationMs = finishedAt.getTime() - startedAt.getTime();
  const record = (fields: Omit<ActionRunOutcome, "finishedAt" | "durationMs">) =>
    store.recordActionRun(actionRun.id, claimedAttempt, { ...fields, finishedAt, durationMs });
  const finished = { attempts: claimedAttempt, startedAt, finishedAt };

  if (outcome.ok) {
    await record({
      status: "succeeded",
      attempts: claimedAttempt,
      nextAttemptAt: null,
      result: toJsonText(outcome.result),
      error: null,
    });
    await emitFollowUp(
      actionRun,
      options,
      task,
      event,
      { ok: true, result: outcome.result, error: null, ...finished },
      deps,
    );
    return "succeeded";
  }

  if (outcome.retryable) {
    if (outcome.throttled && outcome.retryAfterMs)
      await deps.throttle.block(event.shop, finishedAt.getTime() + outcome.retryAfterMs);
    // Throttling is the shop's bucket, not the action's fault: it does not use up an attempt.
    const countedAttempts = outcome.throttled ? claimedAttempt - 1 : claimedAttempt;
    const delay = outcome.throttled
      ? Math.max(outcome.retryAfterMs ?? 1000, 250)
      : nextRetryDelayMs(countedAttempts, deps.retryBaseMs, deps.random, outcome.retryAfterMs ?? 0);
    if (delay !== null) {
      const at = new Date(finishedAt.getTime() + delay);
      await record({
        status: "pending",
        attempts: countedAttempts,
        nextAttemptAt: at,
        error: `${outcome.error} (attempt ${countedAttempts} of ${MAX_ATTEMPTS}; next at ${at.toISOString()})`,
        result: outcome.result === undefined ? null : toJsonText(outcome.result),
      });
      await deps.scheduleTaskRun(actionRun.taskRunId, at);
      return "retrying";
    }
  }

  const error = outcome.retryable ? `${outcome.error} (gave up after ${MAX_ATTEMPTS} attempts)` : outcome.error;
  await record({
    status: "failed",
    attempts: claimedAttempt,
    nextAttemptAt: null,
    error,
    result: outcome.result === undefined ? null : toJsonText(outcome.result),
  });
  await emitFollowUp(
    actionRun,
    options,
    task,
    event,
    { ok: false, result: outcome.result ?? null, error, ...finished },
    deps,
  );
  await emitActionError(actionRun, claimedAttempt, error, task, event, deps);
  return "failed";
}

function performDeps(actionRun: ActionRunRow, event: EventRow, deps: RunnerDeps): PerformDeps {
  const cache = deps.cacheFor(event.shop);
  return {
    shopifyGraphql: (query, variables) => deps.adminGraphql(event.shop, query, variables),
    http: { policy: deps.httpPolicy, timeoutMs: deps.httpTimeoutMs },
    cache: cache.exactlyOnce?.(actionRun.id) ?? cache.store,
    // One event per action run (a fixed id): a retry finds the event its first attempt created.
    createEvent: (spec) =>
      createEventWithinBudget(
        event,
        {
          ...spec,
          id: eventActionEventId(actionRun.id),
          shop: event.shop,
          source: "event_action",
          parentId: event.id,
        },
        deps,
      ),
    eventDepth: event.depth,
    respond: deliverResponseFor(event, deps),
    email: deps.email,
    now: deps.now,
  };
}
