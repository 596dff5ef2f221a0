// The job for a task run ("runs" queue: a subscription offset that came due, a retry, a throttled
// shop): render it if it still needs rendering, then perform its due actions.
import type { EventRow, RunStatuses, TaskRow, TaskRunRow } from "~/data/run-store";
import type { ActionRunStatus } from "~/domain/runs/status";
import type { RunnerDeps } from "./deps";
import { performDueActionRuns } from "./perform-action-runs";
import { renderTaskRun } from "./render-task-run";
import { rollUpEvent } from "./roll-up";
import { RunContext } from "./run-context";

export async function processTaskRun(taskRunId: string, deps: RunnerDeps): Promise<void> {
  const { store } = deps;
  const taskRun = await store.getTaskRun(taskRunId);
  if (!taskRun) {
    deps.log(`task run ${taskRunId}: not found (deleted with its task or event); nothing to do`);
    return;
  }
  const [task, event] = await Promise.all([store.getTask(taskRun.taskId), store.getEvent(taskRun.eventId)]);
  if (!task || !event) return;
  await advanceTaskRun(taskRun, task, event, new RunContext(deps), deps);
  await rollUpEvent(event.id, deps, event);
}

/**
 * Moves one task run on: a run not yet due is scheduled for its time; a pending (or orphaned
 * rendering) run is claimed and rendered, then its actions performed; a rendered run gets its
 * due actions performed. Failed runs stay failed until an operator retries them.
 * Returns the run's statuses after this call, or null where another worker has part of it now.
 */
export async function advanceTaskRun(
  taskRun: TaskRunRow,
  task: TaskRow,
  event: EventRow,
  context: RunContext,
  deps: RunnerDeps,
): Promise<RunStatuses | null> {
  const current = deps.now();
  if (taskRun.status === "pending" && taskRun.runAt.getTime() > current.getTime()) {
    await deps.scheduleTaskRun(taskRun.id, taskRun.runAt); // delivered early: look again when due
    return { taskRun: "pending", actionRuns: [] };
  }
  const staleBefore = new Date(current.getTime() - deps.taskLeaseMs);
  const claimable =
    taskRun.status === "pending" || (taskRun.status === "running" && (taskRun.startedAt ?? current) < staleBefore);
  if (claimable) {
    if (!(await deps.store.claimTaskRun(taskRun.id, current, staleBefore))) return null; // another worker has it
    return renderAndPerform(taskRun, task, event, taskRun.attempts + 1, context, deps);
  }
  if (taskRun.status === "failed") return { taskRun: "failed", actionRuns: [] }; // final until retried by hand
  if (taskRun.status !== "succeeded") return null; // being rendered elsewhere
  return known("succeeded", await performDueActionRuns(taskRun.id, task, event, deps));
}

/** Renders a task run this worker has claimed (attempt `claimedAttempt`), then performs its due actions. */
export async function renderAndPerform(
  taskRun: TaskRunRow,
  task: TaskRow,
  event: EventRow,
  claimedAttempt: number,
  context: RunContext,
  deps: RunnerDeps,
): Promise<RunStatuses | null> {
  const rendered = await renderTaskRun(taskRun, task, event, claimedAttempt, context, deps);
  if (rendered.status === "failed") return { taskRun: "failed", actionRuns: [] };
  if (rendered.status === "elsewhere") return null;
  return known("succeeded", await performDueActionRuns(taskRun.id, task, event, deps, rendered.actionRuns));
}

/** A rendered run's statuses, or null when some action run is another worker's now. */
export function known(taskRun: "succeeded", actionRuns: (ActionRunStatus | null)[]): RunStatuses | null {
  return actionRuns.every((s): s is ActionRunStatus => s !== null) ? { taskRun, actionRuns } : null;
}
