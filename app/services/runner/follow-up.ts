// Mechanic's mechanic/actions/perform follow-up: after an action run finishes, an event carrying
// its result goes to the task that rendered it (only if that task subscribes), so the task can
// react to the result.
import type { ActionRunRow, EventRow, TaskRow } from "~/data/run-store";
import { derivedEventId } from "~/domain/actions/delivery";
import { MAX_EVENT_DEPTH } from "~/domain/actions/event";
import { describeError, isPlainObject } from "~/domain/actions/types";
import { subscriptionFor } from "~/domain/runs/topic-subscription";
import type { RunnerDeps } from "./deps";
import { createEventWithinBudget } from "./event-budget";
import { parseStored } from "./stored-json";

export const ACTIONS_PERFORM_TOPIC = "mechanic/actions/perform";

export interface FinishedActionRun {
  ok: boolean;
  result: unknown;
  error: string | null;
  attempts: number;
  startedAt: Date;
  finishedAt: Date;
}

/** A deterministic UUID-shaped id per action run attempt, so a follow-up event is created once. */
export function followUpEventId(actionRunId: string, attempt: number): string {
  return derivedEventId(`${actionRunId}:${attempt}:actions/perform`);
}

/**
 * Creates the follow-up event, unless: the action is echo, the action said `__perform_event:
 * false`, the task does not subscribe to mechanic/actions/perform, or the chain is at the depth
 * limit. Sent to the originating task only (targeted by task id).
 */
export async function emitFollowUp(
  actionRun: ActionRunRow,
  options: unknown,
  task: TaskRow,
  event: EventRow,
  run: FinishedActionRun,
  deps: Pick<RunnerDeps, "store" | "createEvent" | "now" | "fanOut" | "log">,
): Promise<void> {
  if (actionRun.type === "echo") return;
  if (isPlainObject(options) && options.__perform_event === false) return;
  if (!subscriptionFor(task.subscriptions, ACTIONS_PERFORM_TOPIC)) return;
  if (event.depth + 1 > MAX_EVENT_DEPTH) {
    deps.log(
      `action run ${actionRun.id}: not emitting ${ACTIONS_PERFORM_TOPIC}, the event chain is already ${event.depth} deep`,
    );
    return;
  }
  const cleanOptions = isPlainObject(options)
    ? Object.fromEntries(Object.entries(options).filter(([k]) => k !== "__perform_event" && k !== "__meta"))
    : options;
  const data = {
    type: actionRun.type,
    options: cleanOptions,
    meta: parseStored(actionRun.meta, null),
    run: {
      id: actionRun.id,
      ok: run.ok,
      error: run.error,
      result: run.result ?? null,
      attempts: run.attempts,
      enqueued_at: actionRun.createdAt.toISOString(),
      started_at: run.startedAt.toISOString(),
      stopped_at: run.finishedAt.toISOString(),
      elapsed_time_ms: run.finishedAt.getTime() - run.startedAt.getTime(),
    },
  };
  try {
    await createEventWithinBudget(
      event,
      {
        id: followUpEventId(actionRun.id, run.attempts),
        shop: event.shop,
        topic: ACTIONS_PERFORM_TOPIC,
        data,
        source: "mechanic",
        parentId: event.id,
        depth: event.depth + 1,
        taskIds: [task.id],
        runAt: null,
      },
      deps,
    );
  } catch (error) {
    deps.log(`action run ${actionRun.id}: could not emit ${ACTIONS_PERFORM_TOPIC}: ${describeError(error)}`);
  }
}
