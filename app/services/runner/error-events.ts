// Errors as events: when an action run, a task run or an event fails for good (after its retries),
// a mechanic/errors/action, mechanic/errors/task or mechanic/errors/event event with the failure's
// details is created for the same shop, so a task can alert someone. Each has an id derived from
// what failed, so a repeated failure report (a re-delivered job, another roll-up) creates it once.
// Loop guard: nothing that fails while handling an error event (or deeper than the event depth
// limit) creates another. Who receives them: app/domain/runs/error-routing.ts.
import { createHash } from "node:crypto";
import type { ActionRunRow, EventRow, TaskRow } from "~/data/run-store";
import { MAX_EVENT_DEPTH } from "~/domain/actions/event";
import { describeError } from "~/domain/actions/types";
import { isErrorTopic, type ErrorTopic } from "~/domain/tasks/producible-topics";
import type { RunnerDeps } from "./deps";
import { parseStored } from "./stored-json";

export const ERROR_EVENT_SOURCE = "error";

function errorEventId(kind: string, id: string): string {
  const hex = createHash("sha256").update(`${kind}:${id}:errors`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-9${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function eventSummary(event: EventRow) {
  return {
    id: event.id,
    topic: event.topic,
    source: event.source,
    created_at: event.createdAt.toISOString(),
    webhook_request_id: event.requestId,
    parent_id: event.parentId,
  };
}

function taskSummary(task: TaskRow) {
  return {
    id: task.id,
    name: task.name,
    subscriptions: task.subscriptions.split(/\r?\n/).filter((line) => line.trim() !== ""),
    version: task.version,
  };
}

type Deps = Pick<RunnerDeps, "createEvent" | "log">;

async function emit(topic: ErrorTopic, sourceId: string, event: EventRow, data: unknown, deps: Deps): Promise<void> {
  // The loop guard: failures while handling an error event report nothing.
  if (isErrorTopic(event.topic)) return;
  if (event.depth + 1 > MAX_EVENT_DEPTH) {
    deps.log(`${topic}: not created for event ${event.id}, the event chain is already ${event.depth} deep`);
    return;
  }
  try {
    await deps.createEvent({
      id: errorEventId(topic, sourceId),
      shop: event.shop,
      topic,
      data,
      source: ERROR_EVENT_SOURCE,
      parentId: event.id,
      depth: event.depth + 1,
      taskIds: null,
      runAt: null,
    });
  } catch (error) {
    deps.log(`${topic}: could not create the error event for ${sourceId}: ${describeError(error)}`);
  }
}

/** An action run failed for good (a permanent failure, retries used up, or orphaned). */
export function emitActionError(
  actionRun: Pick<ActionRunRow, "id" | "type" | "options" | "taskRunId">,
  attempts: number,
  error: string,
  task: TaskRow,
  event: EventRow,
  deps: Deps,
): Promise<void> {
  // Per attempt: an action retried by hand that fails again is reported again.
  return emit(
    "mechanic/errors/action",
    `${actionRun.id}:${attempts}`,
    event,
    {
      message: error,
      action: {
        id: actionRun.id,
        type: actionRun.type,
        options: parseStored(actionRun.options, null),
        error,
        attempts,
        task_run_id: actionRun.taskRunId,
      },
      task: taskSummary(task),
      event: eventSummary(event),
    },
    deps,
  );
}

/** A task run failed (its render errored; task runs are not retried automatically). */
export function emitTaskError(
  taskRunId: string,
  errors: unknown,
  task: TaskRow,
  event: EventRow,
  deps: Deps,
): Promise<void> {
  const list = Array.isArray(errors) ? errors : [errors];
  const message = list.map((e) => (typeof e === "string" ? e : JSON.stringify(e))).join("; ");
  return emit(
    "mechanic/errors/task",
    taskRunId,
    event,
    { message, task_run: { id: taskRunId, errors: list }, task: taskSummary(task), event: eventSummary(event) },
    deps,
  );
}

/** An event finished failed (some of its runs failed for good). */
export function emitEventError(event: EventRow, error: string | null, deps: Deps): Promise<void> {
  return emit(
    "mechanic/errors/event",
    event.id,
    event,
    { message: error ?? "the event failed", event: eventSummary(event) },
    deps,
  );
}

/** The task a task or action error event is about (from its data), or null. */
export function errorOriginTaskId(event: Pick<EventRow, "data">): string | null {
  const data = parseStored(event.data, null) as { task?: { id?: unknown } } | null;
  return data && typeof data === "object" && typeof data.task?.id === "string" ? data.task.id : null;
}
