// The statuses an event, a task run and an action run move through, as the database stores them.
// Every module that writes or compares a status uses these names, never a bare string.
//
//   event:      pending -> running -> succeeded | failed   (pending until a worker claims it)
//   task run:   pending -> running -> succeeded | failed   (running = being rendered)
//   action run: pending -> running -> succeeded | failed | skipped   (skipped: a halted sequence)
//
// cancelled (all three): the merchant cancelled the event (app/services/runner/cancel.server.ts):
// what had not started yet never will. Final, like succeeded; nothing reopens it.

export const EVENT_STATUSES = ["pending", "running", "succeeded", "failed", "cancelled"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const TASK_RUN_STATUSES = ["pending", "running", "succeeded", "failed", "cancelled"] as const;
export type TaskRunStatus = (typeof TASK_RUN_STATUSES)[number];

export const ACTION_RUN_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "cancelled"] as const;
export type ActionRunStatus = (typeof ACTION_RUN_STATUSES)[number];

/** Any run's status (task run or action run). */
export type RunStatus = TaskRunStatus | ActionRunStatus;

/** Statuses nothing will change without an operator (a manual retry). */
export const FINISHED_RUN_STATUSES = [
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
] as const satisfies readonly RunStatus[];

export function isOpenStatus(status: RunStatus | EventStatus): status is "pending" | "running" {
  return status === "pending" || status === "running";
}

export function isFinishedEventStatus(status: EventStatus): status is "succeeded" | "failed" | "cancelled" {
  return status === "succeeded" || status === "failed" || status === "cancelled";
}

/** A status read from the database, checked (a row written by something else fails loudly). */
export function eventStatus(value: unknown): EventStatus {
  return checked(value, EVENT_STATUSES, "event");
}
export function taskRunStatus(value: unknown): TaskRunStatus {
  return checked(value, TASK_RUN_STATUSES, "task run");
}
export function actionRunStatus(value: unknown): ActionRunStatus {
  return checked(value, ACTION_RUN_STATUSES, "action run");
}

function checked<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`unknown ${what} status ${JSON.stringify(value)}`);
}
