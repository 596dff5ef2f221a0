// The runner's storage contract: every read and conditional write the runner's processors make.
// Two implementations: the SQL one (app/data/hot-sql.server.ts, on SQLite or PostgreSQL) and an
// in-memory one (app/data/memory-run-store.ts) the processors' unit tests run against.
//
// Rows are the Prisma models' fields the runner reads (Pick<...> of Prisma's generated types, so a
// schema change that breaks them fails typecheck), with statuses narrowed to their unions.
// Every claim is a conditional write that reports whether this caller won: two workers racing for
// the same row never both proceed.
import type { ActionRun, Event, Task, TaskRun } from "@prisma/client";
import type { EventBudgetCounts } from "~/domain/runs/fan-out-limits";
import type { ActionRunStatus, EventStatus, TaskRunStatus } from "~/domain/runs/status";

type WithStatus<Row, Status> = Omit<Row, "status"> & { status: Status };

export const EVENT_ROW_COLUMNS = [
  "id",
  "shop",
  "topic",
  "data",
  "source",
  "parentId",
  "originId",
  "depth",
  "requestId",
  "status",
  "taskIds",
  "runAt",
  "createdAt",
  "responseWaitUntil",
] as const satisfies readonly (keyof Event)[];
export type EventRow = WithStatus<Pick<Event, (typeof EVENT_ROW_COLUMNS)[number]>, EventStatus>;

export const TASK_ROW_COLUMNS = [
  "id",
  "name",
  "script",
  "options",
  "subscriptions",
  "version",
  "enabled",
  "performActionRunsInSequence",
  "haltActionRunSequenceOnError",
] as const satisfies readonly (keyof Task)[];
export type TaskRow = Pick<Task, (typeof TASK_ROW_COLUMNS)[number]>;

export const TASK_RUN_ROW_COLUMNS = [
  "id",
  "eventId",
  "taskId",
  "status",
  "runAt",
  "attempts",
  "startedAt",
] as const satisfies readonly (keyof TaskRun)[];
export type TaskRunRow = WithStatus<Pick<TaskRun, (typeof TASK_RUN_ROW_COLUMNS)[number]>, TaskRunStatus>;

export const ACTION_RUN_ROW_COLUMNS = [
  "id",
  "taskRunId",
  "position",
  "type",
  "options",
  "meta",
  "status",
  "attempts",
  "nextAttemptAt",
  "startedAt",
  "createdAt",
] as const satisfies readonly (keyof ActionRun)[];
export type ActionRunRow = WithStatus<Pick<ActionRun, (typeof ACTION_RUN_ROW_COLUMNS)[number]>, ActionRunStatus>;

/**
 * A new action run: pending, or (an inline action performed before the commit that creates it,
 * decision 0080) already finished, with its outcome.
 */
export type NewActionRun = ActionRunRow & {
  result?: string | null;
  finishedAt?: Date | null;
  durationMs?: number | null;
};

export type NewTaskRun = Pick<TaskRun, "id" | "eventId" | "taskId" | "taskVersion" | "runAt" | "createdAt">;

/** What a task run that has not started holds beside its NewTaskRun fields (every store writes these). */
export const NOT_STARTED_TASK_RUN = {
  status: "pending",
  attempts: 0,
  startedAt: null,
  actions: null,
  logs: null,
  errors: null,
  finishedAt: null,
} as const;

/** A task run created by its event's first delivery: rendered there (its outcome), or not due yet (null). */
export interface StartedTaskRun extends NewTaskRun {
  rendered: FinishedTaskRun | null;
  /** When rendering started (the run's startedAt), for a rendered run. */
  startedAt: Date | null;
}

export interface FinishedTaskRun {
  status: Extract<TaskRunStatus, "succeeded" | "failed">;
  taskVersion: number;
  /** JSON text. */
  actions: string;
  logs: string;
  errors: string;
  finishedAt: Date;
}

export interface ActionRunOutcome {
  status: Extract<ActionRunStatus, "pending" | "succeeded" | "failed">;
  attempts: number;
  nextAttemptAt: Date | null;
  result: string | null;
  error: string | null;
  finishedAt: Date;
  durationMs: number;
}

/** One task run's status with its action runs' statuses (what an event's roll-up reads). */
export interface RunStatuses {
  taskRun: TaskRunStatus;
  actionRuns: ActionRunStatus[];
}

export interface RunStore {
  // ------------------------------------------------------------ events
  getEvent(id: string): Promise<EventRow | null>;
  /**
   * An event's first delivery, in one transaction: pending -> running (or straight to `finished`
   * when every run finished before the commit), and its task runs (already rendered, or pending
   * until their time) with the action runs the renders created (pending, or performed inline).
   * False, and nothing written, when the event was not pending any more (another delivery got
   * there first).
   */
  startEvent(
    id: string,
    now: Date,
    taskRuns: StartedTaskRun[],
    actionRuns: NewActionRun[],
    finished?: { status: Extract<EventStatus, "succeeded">; at: Date } | null,
  ): Promise<boolean>;
  /** Same write as markEventRunning: the roll-up saw open runs (never reopens a finished event). */
  markEventOpen(id: string, now: Date): Promise<void>;
  markEventFinished(
    id: string,
    status: Extract<EventStatus, "succeeded" | "failed" | "cancelled">,
    error: string | null,
    now: Date,
  ): Promise<void>;

  /**
   * What an action's new event counts against (app/domain/runs/fan-out-limits.ts): events created
   * from `originId` (every generation), events the shop's actions created since `since`, and the
   * shop's own rate limit.
   */
  eventBudgetCounts(shop: string, originId: string, since: Date): Promise<EventBudgetCounts>;

  /**
   * The event and the candidate tasks of its fan-out (candidateTasks(shop, topic, null)) in one
   * read; null when there is no such event.
   */
  eventForFanOut(id: string): Promise<{ event: EventRow; candidates: TaskRow[] } | null>;

  // ------------------------------------------------------------ tasks
  /**
   * Enabled tasks of the shop whose subscriptions text contains the topic, oldest first, limited
   * to `targetIds` when given (exact subscription matching is the caller's).
   */
  candidateTasks(shop: string, topic: string, targetIds: string[] | null): Promise<TaskRow[]>;
  getTask(id: string): Promise<TaskRow | null>;

  // ------------------------------------------------------------ task runs
  /** Inserts the task run unless the event already has one for the task (unique per event and task). */
  insertTaskRun(run: NewTaskRun): Promise<void>;
  /** The event's task runs in creation order. */
  listTaskRuns(eventId: string): Promise<TaskRunRow[]>;
  getTaskRun(id: string): Promise<TaskRunRow | null>;
  /** The actions (JSON text) a task's run on an event rendered, or null when it has no such run. */
  renderedActions(eventId: string, taskId: string): Promise<string | null>;
  /** pending and due, or running and started before `staleBefore` -> running, attempts + 1. True when this caller won. */
  claimTaskRun(id: string, now: Date, staleBefore: Date): Promise<boolean>;
  /**
   * Stores the rendered run and creates its action runs in one transaction, only while the claim
   * (running, attempts = claimedAttempt) still holds. False when the claim was lost.
   */
  finishTaskRun(id: string, claimedAttempt: number, run: FinishedTaskRun, actionRuns: ActionRunRow[]): Promise<boolean>;
  /** Gives a claim back (nothing was stored), so the run is picked up again soon. */
  releaseTaskRun(id: string, claimedAttempt: number): Promise<boolean>;

  // ------------------------------------------------------------ action runs
  /** The task run's action runs by position. */
  listActionRuns(taskRunId: string): Promise<ActionRunRow[]>;
  /** pending and due, with `attempts` unchanged -> running, attempts + 1. True when this caller won. */
  claimActionRun(id: string, attempts: number, now: Date): Promise<boolean>;
  /** Writes a claimed action run's outcome, if the claim (running, attempts = claimedAttempt) still holds. */
  recordActionRun(id: string, claimedAttempt: number, outcome: ActionRunOutcome): Promise<boolean>;
  /**
   * A running exactly-once action run whose worker died -> pending and due, attempts unchanged, so
   * it is claimed and performed again. True when this caller changed it.
   */
  requeueOrphanedActionRun(id: string, attempts: number): Promise<boolean>;
  /** A running action run whose worker died: failed, not retried (at-most-once). */
  failOrphanedActionRun(id: string, attempts: number, message: string, now: Date): Promise<boolean>;
  /** Postpones a pending action run without using an attempt (its shop is throttled). */
  deferActionRun(id: string, at: Date): Promise<void>;
  /** pending -> skipped for the given ids (a halted sequence). */
  skipActionRuns(ids: string[], error: string, now: Date): Promise<void>;

  // ------------------------------------------------------------ roll-up
  /** Every task run status of the event, with its action runs' statuses. */
  runStatuses(eventId: string): Promise<RunStatuses[]>;

  close(): Promise<void>;
}
