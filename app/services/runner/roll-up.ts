// An event's status from its runs: running while anything is open, then failed if any run failed,
// then cancelled if the merchant cancelled any (app/services/runner/cancel.server.ts), else succeeded.
import type { EventRow, RunStatuses } from "~/data/run-store";
import { isOpenStatus, type EventStatus } from "~/domain/runs/status";
import type { RunnerDeps } from "./deps";
import { emitEventError } from "./error-events";
import { announceEventFinished } from "./respond";

export const CANCELLED_MESSAGE = "cancelled by the merchant: runs that had not started were not performed";

export interface RolledUp {
  status: Extract<EventStatus, "running" | "succeeded" | "failed" | "cancelled">;
  /** "1 task run failed, 2 action runs failed", or null. */
  error: string | null;
}

/** The pure rule. */
export function rollUp(runs: RunStatuses[]): RolledUp {
  let open = 0;
  let failedTasks = 0;
  let failedActions = 0;
  let cancelled = 0;
  for (const { taskRun, actionRuns } of runs) {
    if (isOpenStatus(taskRun)) open++;
    if (taskRun === "failed") failedTasks++;
    if (taskRun === "cancelled") cancelled++;
    for (const actionRun of actionRuns) {
      if (isOpenStatus(actionRun)) open++;
      if (actionRun === "failed") failedActions++;
      if (actionRun === "cancelled") cancelled++;
    }
  }
  if (open > 0) return { status: "running", error: null };
  if (failedTasks + failedActions === 0)
    return cancelled ? { status: "cancelled", error: CANCELLED_MESSAGE } : { status: "succeeded", error: null };
  const problems = [
    failedTasks ? `${failedTasks} task run${failedTasks === 1 ? "" : "s"} failed` : "",
    failedActions ? `${failedActions} action run${failedActions === 1 ? "" : "s"} failed` : "",
  ].filter(Boolean);
  return { status: "failed", error: problems.join(", ") };
}

/**
 * Reads the event's runs and stores its rolled-up status; returns it. `event` (when the caller has
 * it) saves a read when a waiting caller must be told the event finished. A failed event is reported
 * as mechanic/errors/event when `createEvent` is given (the worker's deps always give it).
 */
export async function rollUpEvent(
  eventId: string,
  deps: Pick<RunnerDeps, "store" | "now"> & Partial<Pick<RunnerDeps, "log" | "claimAnswer" | "createEvent">>,
  event?: Pick<EventRow, "requestId" | "responseWaitUntil" | "createdAt">,
): Promise<RolledUp["status"]> {
  const rolled = rollUp(await deps.store.runStatuses(eventId));
  if (rolled.status === "running") {
    // Never overwrite a finished status here: another worker may have finished the last run after
    // this snapshot was read. Only a manual retry reopens a finished event.
    await deps.store.markEventOpen(eventId, deps.now());
  } else {
    await deps.store.markEventFinished(eventId, rolled.status, rolled.error, deps.now());
    if (deps.claimAnswer) {
      const finished = event ?? (await deps.store.getEvent(eventId));
      if (finished) await announceEventFinished(finished, rolled.status, deps);
    }
    if (rolled.status === "failed" && deps.createEvent) {
      const failed = await deps.store.getEvent(eventId);
      if (failed)
        await emitEventError(failed, rolled.error, { createEvent: deps.createEvent, log: deps.log ?? (() => {}) });
    }
  }
  return rolled.status;
}
