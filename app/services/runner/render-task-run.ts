// Rendering a task run: the task's Liquid against the event, giving the run's outcome (actions,
// logs, errors) and the action runs to create. Rendering has no effects, so it can be done before
// anything is claimed (an event's first delivery stores its claim and its renders in one commit)
// and a render that is lost (a dead worker, a busy database, a lost race) is simply done again.
import type { ActionRunRow, EventRow, FinishedTaskRun, TaskRow, TaskRunRow } from "~/data/run-store";
import { timeOrderedUuid } from "~/domain/ids";
import { DEFAULT_FAN_OUT_LIMITS, tooManyActionsProblem } from "~/domain/runs/fan-out-limits";
import { describeError, isPlainObject } from "~/domain/actions/types";
import type { RenderedAction, RunnerDeps } from "./deps";
import { ACTIONS_PERFORM_TOPIC } from "./follow-up";
import { emitTaskError } from "./error-events";
import type { RunContext } from "./run-context";
import { parseStored, toJsonText } from "./stored-json";

export const LOOP_GUARD_MESSAGE =
  "stopped a loop: this run rendered the same actions as the run whose action result it responds to (mechanic/actions/perform)";
export const DISABLED_TASK_MESSAGE = "task is disabled";

/** A rendered task run, ready to store: its outcome and the action runs it creates (all pending). */
export interface RenderedRun {
  run: FinishedTaskRun;
  actionRuns: ActionRunRow[];
}

/** Renders `task` against `event` for the task run `taskRunId`. Never throws for the script's problems. */
export async function renderRun(
  taskRunId: string,
  task: TaskRow,
  event: EventRow,
  context: RunContext,
  deps: RunnerDeps,
): Promise<RenderedRun> {
  const outcome = (
    status: "succeeded" | "failed",
    fields: { actions?: unknown[]; logs?: unknown[]; errors: unknown[] },
    actions: RenderedAction[] = [],
  ): RenderedRun => {
    const finishedAt = deps.now();
    return {
      run: {
        status,
        taskVersion: task.version,
        actions: toJsonText(fields.actions ?? []),
        logs: toJsonText(fields.logs ?? []),
        errors: toJsonText(fields.errors),
        finishedAt,
      },
      actionRuns: actions.map((action, position) => ({
        id: timeOrderedUuid(),
        taskRunId,
        position,
        type: action.type,
        options: toJsonText(storedOptions(action)),
        meta: action.meta === null || action.meta === undefined ? null : toJsonText(action.meta),
        status: "pending",
        attempts: 0,
        nextAttemptAt: null,
        startedAt: null,
        createdAt: finishedAt,
      })),
    };
  };

  if (!task.enabled) return outcome("failed", { errors: [DISABLED_TASK_MESSAGE] });
  let result;
  try {
    const options = parseStored(task.options, {});
    result = await deps.renderTask({
      script: task.script,
      options: isPlainObject(options) ? options : {},
      event: await context.taskEvent(event),
      shop: await context.shop(event.shop, task.script),
      task: { id: task.id, name: task.name },
      cache: { get: (key) => deps.cacheFor(event.shop).reader.get(key) },
      shopifyQuery: async (query, variables) => (await deps.adminGraphql(event.shop, query, variables)).body,
      templateCacheKey: `${task.id}:${task.version}`,
    });
  } catch (error) {
    return outcome("failed", { errors: [`task run failed: ${describeError(error)}`] });
  }
  // Any error fails the task run and cancels all of its actions (Mechanic's rule).
  if (result.errors.length) return outcome("failed", result);
  const tooMany = tooManyActionsProblem(result.actions.length, deps.fanOut ?? DEFAULT_FAN_OUT_LIMITS);
  if (tooMany) return outcome("failed", { actions: result.actions, logs: result.logs, errors: [tooMany] });
  if (await repeatsItsCause(task, event, result.actions, deps)) {
    return outcome("failed", { actions: result.actions, logs: result.logs, errors: [LOOP_GUARD_MESSAGE] });
  }
  return outcome("succeeded", { actions: result.actions, logs: result.logs, errors: [] }, result.actions);
}

/** What became of a claimed task run. */
export type RenderOutcome =
  /** Stored, with the action runs it created (all pending). */
  | { status: "succeeded"; actionRuns: ActionRunRow[] }
  /** Stored as failed: nothing to perform. */
  | { status: "failed" }
  /** Not stored here: the claim was lost to another worker, or given back to render again shortly. */
  | { status: "elsewhere" };

/**
 * Renders the task run this worker claimed (attempt `claimedAttempt`) and stores the outcome with
 * its action runs in one transaction, while the claim holds.
 */
export async function renderTaskRun(
  taskRun: TaskRunRow,
  task: TaskRow,
  event: EventRow,
  claimedAttempt: number,
  context: RunContext,
  deps: RunnerDeps,
): Promise<RenderOutcome> {
  try {
    const rendered = await renderRun(taskRun.id, task, event, context, deps);
    if (!(await deps.store.finishTaskRun(taskRun.id, claimedAttempt, rendered.run, rendered.actionRuns))) {
      deps.log(`task run ${taskRun.id}: claim lost to another worker; leaving it to them`);
      return { status: "elsewhere" };
    }
    if (rendered.run.status === "succeeded") return { status: "succeeded", actionRuns: rendered.actionRuns };
    await emitTaskError(taskRun.id, parseStored(rendered.run.errors, []), task, event, deps);
    return { status: "failed" };
  } catch (error) {
    // Storing the outcome failed (e.g. the database was busy): nothing was performed, so give the
    // claim back and look again shortly instead of waiting for the lease to expire.
    deps.log(
      `task run ${taskRun.id}: could not store the rendered run (${describeError(error).split("\n").pop()}); retrying shortly`,
    );
    const released = await deps.store.releaseTaskRun(taskRun.id, claimedAttempt).catch(() => false);
    if (!released) throw error;
    await deps.scheduleTaskRun(taskRun.id, new Date(deps.now().getTime() + 500));
    return { status: "elsewhere" };
  }
}

/**
 * Mechanic's loop guard: a task responding to its own action results with exactly the actions that
 * produced them would repeat itself until the depth limit; it fails at the first repeat.
 */
async function repeatsItsCause(
  task: TaskRow,
  event: EventRow,
  actions: RenderedAction[],
  deps: RunnerDeps,
): Promise<boolean> {
  if (event.topic !== ACTIONS_PERFORM_TOPIC || !event.parentId) return false;
  const previous = await deps.store.renderedActions(event.parentId, task.id);
  return previous !== null && previous === toJsonText(actions);
}

/**
 * `__perform_event: false` is kept with the options so the runner still knows it when the action
 * run is performed later (a retry, another worker).
 */
function storedOptions(action: RenderedAction): unknown {
  if (action.performEvent !== false) return action.options;
  if (isPlainObject(action.options)) return { ...action.options, __perform_event: false };
  return action.options;
}
