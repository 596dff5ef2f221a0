// The job for an event ("events" queue): claim it, create one task run per subscribed enabled
// task, run those that are due, and roll the event's status up. Safe to repeat: the claim, the
// unique (event, task) task run and every later claim make a second delivery a no-op.
import type { ActionRunRow, EventRow, NewActionRun, RunStatuses, StartedTaskRun, TaskRow } from "~/data/run-store";
import { performInlineAction } from "~/domain/actions";
import { performsInline } from "~/domain/actions/delivery";
import { timeOrderedUuid } from "~/domain/ids";
import { isFinishedEventStatus } from "~/domain/runs/status";
import { subscriptionFor } from "~/domain/runs/topic-subscription";
import type { RunnerDeps } from "./deps";
import { ACTIONS_PERFORM_TOPIC } from "./follow-up";
import { performDueActionRuns } from "./perform-action-runs";
import { advanceTaskRun, known } from "./process-task-run";
import { renderRun, type RenderedRun } from "./render-task-run";
import { announceEventFinished } from "./respond";
import { rollUp, rollUpEvent } from "./roll-up";
import { RunContext } from "./run-context";
import { emitEventError, emitTaskError, errorOriginTaskId } from "./error-events";
import { isErrorTopic } from "~/domain/tasks/producible-topics";
import { receivesErrorEvent } from "~/domain/runs/error-routing";
import { parseSubscriptions } from "~/domain/tasks/subscriptions";
import { parseStored, toJsonText } from "./stored-json";

/** What became of an event job. */
export type FanOutResult = "processed" | "finished-before" | "not-found";

export async function fanOutEvent(eventId: string, deps: RunnerDeps): Promise<FanOutResult> {
  const found = await deps.store.eventForFanOut(eventId);
  if (!found) return "not-found";
  const { event, candidates } = found;
  // Already finished (a duplicate delivery). Follow-up work, if any, has its own jobs.
  if (isFinishedEventStatus(event.status)) return "finished-before";

  const context = new RunContext(deps);
  // Each task run's statuses after this job, or null where another worker has part of it now.
  const first = event.status === "pending" ? await firstDelivery(event, candidates, context, deps) : null;
  let outcomes = first?.outcomes ?? null;
  if (!outcomes) {
    if (event.status === "pending") {
      // The claim failed: another delivery started it (carry on from what it stored), or the
      // merchant cancelled it meanwhile (nothing may run).
      const current = await deps.store.getEvent(eventId);
      if (!current || current.status === "cancelled") return "finished-before";
    }
    outcomes = await laterDelivery(event, candidates, context, deps);
  }

  if (outcomes.every((o): o is RunStatuses => o !== null)) {
    // Every run's status is known here: roll up without reading them back. Open runs leave the
    // event running (as the claim made it); their own jobs roll it up when they finish.
    const rolled = rollUp(outcomes);
    if (rolled.status !== "running") {
      // Finished in the first delivery's own commit already (every run done before it).
      if (!first?.finishedInCommit)
        await deps.store.markEventFinished(eventId, rolled.status, rolled.error, deps.now());
      await announceEventFinished(event, rolled.status, deps);
      if (rolled.status === "failed") await emitEventError(event, rolled.error, deps);
    }
  } else {
    await rollUpEvent(eventId, deps, event);
  }
  return "processed";
}

/** The tasks that receive the event: enabled, of its shop, subscribed to its topic (with the delay). */
function subscribers(event: EventRow, candidateTasks: TaskRow[]): { task: TaskRow; offsetSeconds: number }[] {
  const targeted = parseStored(event.taskIds, null);
  const targetIds = Array.isArray(targeted) ? targeted.filter((id): id is string => typeof id === "string") : null;
  // Follow-ups of an action go only to the task that performed it (targeted); an untargeted
  // mechanic/actions/perform event would reach every subscriber, so it reaches none.
  if (event.topic === ACTIONS_PERFORM_TOPIC && !targetIds) return [];
  const candidates = targetIds ? candidateTasks.filter((t) => targetIds.includes(t.id)) : candidateTasks;
  const found: { task: TaskRow; offsetSeconds: number }[] = [];
  const origin = isErrorTopic(event.topic) ? errorOriginTaskId(event) : null;
  for (const task of candidates) {
    if (isErrorTopic(event.topic)) {
      const topics = parseSubscriptions(task.subscriptions).subscriptions.map((s) => s.topic);
      if (!receivesErrorEvent(topics, event.topic, origin, task.id)) continue;
    }
    const subscription = subscriptionFor(task.subscriptions, event.topic);
    if (subscription) found.push({ task, offsetSeconds: subscription.offsetSeconds });
  }
  return found;
}

function runAtFor(event: EventRow, offsetSeconds: number): Date {
  const base = event.runAt && event.runAt.getTime() > event.createdAt.getTime() ? event.runAt : event.createdAt;
  return new Date(base.getTime() + offsetSeconds * 1000);
}

/**
 * The event is pending: nobody has processed it. Its due task runs are rendered first (rendering
 * has no effects), and the inline actions of each successful render (echo: a pure function of its
 * options) performed, then the claim (pending -> running), the task runs and their action runs are
 * stored in one commit. When every run finished that way, the same commit finishes the event
 * (docs/decisions/0080). Null when another delivery claimed the event meanwhile: this one's
 * renders are dropped and the event is carried on from what the other stored.
 */
async function firstDelivery(
  event: EventRow,
  candidates: TaskRow[],
  context: RunContext,
  deps: RunnerDeps,
): Promise<{ outcomes: (RunStatuses | null)[]; finishedInCommit: boolean } | null> {
  const now = deps.now();
  const planned: {
    task: TaskRow;
    run: StartedTaskRun;
    rendered: RenderedRun | null;
    /** The render's action runs already performed (all inline and succeeded), else null. */
    performed: NewActionRun[] | null;
  }[] = [];
  for (const { task, offsetSeconds } of subscribers(event, candidates)) {
    const id = timeOrderedUuid();
    const runAt = runAtFor(event, offsetSeconds);
    const due = runAt.getTime() <= now.getTime();
    const rendered = due ? await renderRun(id, task, event, context, deps) : null;
    planned.push({
      task,
      rendered,
      performed: rendered?.run.status === "succeeded" ? performInline(rendered.actionRuns, deps) : null,
      run: {
        id,
        eventId: event.id,
        taskId: task.id,
        taskVersion: task.version,
        runAt,
        createdAt: now,
        rendered: rendered?.run ?? null,
        startedAt: due ? now : null,
      },
    });
  }
  const actionRuns = planned.flatMap((p) => p.performed ?? p.rendered?.actionRuns ?? []);
  const finishedInCommit = planned.every((p) => p.performed !== null);
  if (
    !(await deps.store.startEvent(
      event.id,
      now,
      planned.map((p) => p.run),
      actionRuns,
      finishedInCommit ? { status: "succeeded", at: deps.now() } : null,
    ))
  )
    return null;

  const outcomes: (RunStatuses | null)[] = [];
  for (const { task, run, rendered, performed } of planned) {
    if (performed) {
      outcomes.push({ taskRun: "succeeded", actionRuns: performed.map(() => "succeeded") });
    } else if (!rendered) {
      await deps.scheduleTaskRun(run.id, run.runAt);
      outcomes.push({ taskRun: "pending", actionRuns: [] });
    } else if (rendered.run.status === "failed") {
      await emitTaskError(run.id, parseStored(rendered.run.errors, []), task, event, deps);
      outcomes.push({ taskRun: "failed", actionRuns: [] });
    } else {
      const claimedEvent: EventRow = { ...event, status: "running" };
      outcomes.push(
        known("succeeded", await performDueActionRuns(run.id, task, claimedEvent, deps, rendered.actionRuns)),
      );
    }
  }
  return { outcomes, finishedInCommit };
}

/**
 * Performs a rendered run's action runs before they are stored, when every one is an inline action
 * (app/domain/actions/delivery.ts) and every one succeeds: the rows to store, finished. Null
 * otherwise: they are stored pending and performed after the commit as any other action, where an
 * inline action's failure is recorded and reported as usual.
 */
function performInline(actionRuns: ActionRunRow[], deps: RunnerDeps): NewActionRun[] | null {
  if (!actionRuns.every((a) => performsInline(a.type))) return null;
  const performed: NewActionRun[] = [];
  for (const actionRun of actionRuns) {
    const startedAt = deps.now();
    // Parsed from the stored text, as performActionRun does: the same value the performer sees there.
    const options = parseStored(actionRun.options, null);
    const outcome = performInlineAction(actionRun.type, options);
    if (!outcome.ok) return null;
    const finishedAt = deps.now();
    // Field by field (a spread of the row cost more than the echo itself).
    performed.push({
      id: actionRun.id,
      taskRunId: actionRun.taskRunId,
      position: actionRun.position,
      type: actionRun.type,
      options: actionRun.options,
      meta: actionRun.meta,
      status: "succeeded",
      attempts: 1,
      nextAttemptAt: actionRun.nextAttemptAt,
      createdAt: actionRun.createdAt,
      startedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      // An echo's result is its options value itself, so its text is the options' text (no second
      // stringify of what may be a whole order).
      result: outcome.result === options && options !== null ? actionRun.options : toJsonText(outcome.result),
    });
  }
  return performed;
}

/**
 * A repeated delivery (a re-delivered job, the sweep): creates the task runs an earlier delivery did
 * not get to (a no-op for those it did) and moves every task run on from where it was left.
 */
async function laterDelivery(
  event: EventRow,
  candidates: TaskRow[],
  context: RunContext,
  deps: RunnerDeps,
): Promise<(RunStatuses | null)[]> {
  const tasks = new Map<string, TaskRow>();
  for (const { task, offsetSeconds } of subscribers(event, candidates)) {
    tasks.set(task.id, task);
    await deps.store.insertTaskRun({
      id: timeOrderedUuid(),
      eventId: event.id,
      taskId: task.id,
      taskVersion: task.version,
      runAt: runAtFor(event, offsetSeconds),
      createdAt: deps.now(),
    });
  }
  const outcomes: (RunStatuses | null)[] = [];
  for (const taskRun of await deps.store.listTaskRuns(event.id)) {
    const task = tasks.get(taskRun.taskId) ?? (await deps.store.getTask(taskRun.taskId));
    outcomes.push(task ? await advanceTaskRun(taskRun, task, event, context, deps) : null);
  }
  return outcomes;
}
