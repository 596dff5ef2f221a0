// An in-memory RunStore with the SQL store's semantics (the same conditional writes, uniqueness
// and ordering), for the processors' unit tests: claims, retries, sequencing, halting, loop guards
// and roll-up run in milliseconds without a database. Each method is atomic (it runs without an
// await), as a single SQL statement is; callers interleave only between calls, as workers do.
// Rows are copied in and out, so a caller never holds a live reference to stored state.
import {
  NOT_STARTED_TASK_RUN,
  type ActionRunOutcome,
  type ActionRunRow,
  type EventRow,
  type FinishedTaskRun,
  type NewTaskRun,
  type RunStatuses,
  type RunStore,
  type TaskRow,
  type TaskRunRow,
} from "./run-store";

/** Everything the events table holds that the runner or a test looks at. */
export interface StoredEvent extends EventRow {
  webhookId: string | null;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}
export interface StoredTask extends TaskRow {
  shop: string;
}
export interface StoredTaskRun extends TaskRunRow {
  taskVersion: number;
  actions: string | null;
  logs: string | null;
  errors: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}
export interface StoredActionRun extends ActionRunRow {
  result: string | null;
  error: string | null;
  finishedAt: Date | null;
  durationMs: number | null;
}

export interface MemoryRunStore extends RunStore {
  /** Adds (or replaces) a task; tasks are returned in the order they were first added. */
  putTask(task: StoredTask): void;
  /** Inserts an event; false when one with this id exists (as a primary key would refuse it). */
  insertEvent(event: StoredEvent): boolean;
  /** Copies of the stored rows, for assertions. */
  event(id: string): StoredEvent | undefined;
  events(): StoredEvent[];
  taskRunsOf(eventId: string): StoredTaskRun[];
  actionRunsOf(taskRunId: string): StoredActionRun[];
  /** The shop's own rate limit (Settings), null for the app default. */
  putShopRateLimit(shop: string, perMinute: number | null): void;
  /** Changes a stored row directly (a test setting up a crash's leftovers). */
  patchTaskRun(id: string, fields: Partial<StoredTaskRun>): void;
  patchActionRun(id: string, fields: Partial<StoredActionRun>): void;
}

const copy = <T extends object>(row: T): T => ({ ...row });
const byCreation = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function createMemoryRunStore(): MemoryRunStore {
  const events = new Map<string, StoredEvent>();
  const tasks = new Map<string, StoredTask>();
  const taskRuns = new Map<string, StoredTaskRun>();
  const actionRuns = new Map<string, StoredActionRun>();
  const shopRates = new Map<string, number | null>();

  const toEventRow = (e: StoredEvent): EventRow => ({
    id: e.id,
    shop: e.shop,
    topic: e.topic,
    data: e.data,
    source: e.source,
    parentId: e.parentId,
    originId: e.originId,
    depth: e.depth,
    requestId: e.requestId,
    status: e.status,
    taskIds: e.taskIds,
    runAt: e.runAt,
    createdAt: e.createdAt,
    responseWaitUntil: e.responseWaitUntil,
  });
  const toTaskRow = (t: StoredTask): TaskRow => ({
    id: t.id,
    name: t.name,
    script: t.script,
    options: t.options,
    subscriptions: t.subscriptions,
    version: t.version,
    enabled: t.enabled,
    performActionRunsInSequence: t.performActionRunsInSequence,
    haltActionRunSequenceOnError: t.haltActionRunSequenceOnError,
  });
  const toTaskRunRow = (r: StoredTaskRun): TaskRunRow => ({
    id: r.id,
    eventId: r.eventId,
    taskId: r.taskId,
    status: r.status,
    runAt: r.runAt,
    attempts: r.attempts,
    startedAt: r.startedAt,
  });
  const toActionRunRow = (a: StoredActionRun): ActionRunRow => ({
    id: a.id,
    taskRunId: a.taskRunId,
    position: a.position,
    type: a.type,
    options: a.options,
    meta: a.meta,
    status: a.status,
    attempts: a.attempts,
    nextAttemptAt: a.nextAttemptAt,
    startedAt: a.startedAt,
    createdAt: a.createdAt,
  });
  // A run still held by the claim that made this attempt (the SQL store's `status = 'running' AND attempts = ?`).
  const heldAt = <T extends { status: string; attempts: number }>(run: T | undefined, attempt: number): run is T =>
    run?.status === "running" && run.attempts === attempt;
  const taskRunsOfEvent = (eventId: string) => [...taskRuns.values()].filter((r) => r.eventId === eventId);
  const actionRunsOfTaskRun = (taskRunId: string) =>
    [...actionRuns.values()].filter((a) => a.taskRunId === taskRunId).sort((a, b) => a.position - b.position);

  return {
    // ---------------------------------------------------------- events
    async getEvent(id) {
      const event = events.get(id);
      return event ? toEventRow(event) : null;
    },
    async startEvent(id, now, newTaskRuns, newActionRuns, finished) {
      const event = events.get(id);
      if (event?.status !== "pending") return false;
      for (const run of newTaskRuns) {
        if (taskRuns.has(run.id) || taskRunsOfEvent(run.eventId).some((r) => r.taskId === run.taskId))
          throw new Error(`duplicate task run ${run.id} (event ${run.eventId}, task ${run.taskId})`);
      }
      Object.assign(
        event,
        finished
          ? { status: finished.status, startedAt: now, finishedAt: finished.at, error: null }
          : { status: "running", startedAt: now },
      );
      for (const { rendered, startedAt, ...run } of newTaskRuns) {
        taskRuns.set(
          run.id,
          rendered ? { ...run, ...rendered, attempts: 1, startedAt } : { ...run, ...NOT_STARTED_TASK_RUN },
        );
      }
      for (const { result, finishedAt, durationMs, ...row } of newActionRuns) {
        actionRuns.set(row.id, {
          ...row,
          result: result ?? null,
          error: null,
          finishedAt: finishedAt ?? null,
          durationMs: durationMs ?? null,
        });
      }
      return true;
    },
    async eventBudgetCounts(shop, originId, since) {
      let fromOrigin = 0;
      let fromShopRecently = 0;
      for (const e of events.values()) {
        if (e.originId === originId) fromOrigin++;
        if (e.shop === shop && e.originId !== null && e.createdAt.getTime() >= since.getTime()) fromShopRecently++;
      }
      return { fromOrigin, fromShopRecently, shopRatePerMinute: shopRates.get(shop) ?? null };
    },
    async markEventOpen(id, now) {
      const event = events.get(id);
      if (event?.status === "pending") Object.assign(event, { status: "running", startedAt: now });
    },
    async markEventFinished(id, status, error, now) {
      const event = events.get(id);
      if (event) Object.assign(event, { status, error, finishedAt: now });
    },

    async eventForFanOut(id) {
      const event = events.get(id);
      if (!event) return null;
      const candidates = [...tasks.values()]
        .filter((t) => t.shop === event.shop && t.enabled && t.subscriptions.includes(event.topic))
        .map(toTaskRow);
      return { event: toEventRow(event), candidates };
    },

    // ---------------------------------------------------------- tasks
    async candidateTasks(shop, topic, targetIds) {
      if (targetIds && targetIds.length === 0) return [];
      return [...tasks.values()]
        .filter((t) => t.shop === shop && t.enabled && t.subscriptions.includes(topic))
        .filter((t) => !targetIds || targetIds.includes(t.id))
        .map(toTaskRow);
    },
    async getTask(id) {
      const task = tasks.get(id);
      return task ? toTaskRow(task) : null;
    },

    // ---------------------------------------------------------- task runs
    async insertTaskRun(run: NewTaskRun) {
      if (taskRunsOfEvent(run.eventId).some((r) => r.taskId === run.taskId)) return;
      if (taskRuns.has(run.id)) throw new Error(`duplicate task run id ${run.id}`);
      taskRuns.set(run.id, { ...run, ...NOT_STARTED_TASK_RUN });
    },
    async listTaskRuns(eventId) {
      return taskRunsOfEvent(eventId).sort(byCreation).map(toTaskRunRow);
    },
    async getTaskRun(id) {
      const run = taskRuns.get(id);
      return run ? toTaskRunRow(run) : null;
    },
    async renderedActions(eventId, taskId) {
      return taskRunsOfEvent(eventId).find((r) => r.taskId === taskId)?.actions ?? null;
    },
    async claimTaskRun(id, now, staleBefore) {
      const run = taskRuns.get(id);
      if (!run) return false;
      const due = run.status === "pending" && run.runAt.getTime() <= now.getTime();
      const stale = run.status === "running" && run.startedAt !== null && run.startedAt < staleBefore;
      if (!due && !stale) return false;
      Object.assign(run, { status: "running", startedAt: now, attempts: run.attempts + 1, finishedAt: null });
      return true;
    },
    async finishTaskRun(id, claimedAttempt, result: FinishedTaskRun, rows) {
      const run = taskRuns.get(id);
      if (!heldAt(run, claimedAttempt)) return false;
      for (const row of rows) {
        if (actionRuns.has(row.id) || actionRunsOfTaskRun(row.taskRunId).some((a) => a.position === row.position))
          throw new Error(`duplicate action run ${row.id} (task run ${row.taskRunId}, position ${row.position})`);
      }
      Object.assign(run, result);
      for (const row of rows) {
        actionRuns.set(row.id, {
          ...row,
          status: "pending",
          attempts: 0,
          result: null,
          error: null,
          finishedAt: null,
          durationMs: null,
        });
      }
      return true;
    },
    async releaseTaskRun(id, claimedAttempt) {
      const run = taskRuns.get(id);
      if (!heldAt(run, claimedAttempt)) return false;
      Object.assign(run, { status: "pending", startedAt: null });
      return true;
    },

    // ---------------------------------------------------------- action runs
    async listActionRuns(taskRunId) {
      return actionRunsOfTaskRun(taskRunId).map(toActionRunRow);
    },
    async claimActionRun(id, attempts, now) {
      const run = actionRuns.get(id);
      if (!run || run.status !== "pending" || run.attempts !== attempts) return false;
      if (run.nextAttemptAt && run.nextAttemptAt.getTime() > now.getTime()) return false;
      Object.assign(run, {
        status: "running",
        attempts: attempts + 1,
        startedAt: now,
        nextAttemptAt: null,
        finishedAt: null,
      });
      return true;
    },
    async recordActionRun(id, claimedAttempt, outcome: ActionRunOutcome) {
      const run = actionRuns.get(id);
      if (!heldAt(run, claimedAttempt)) return false;
      Object.assign(run, outcome);
      return true;
    },
    async requeueOrphanedActionRun(id, attempts) {
      const run = actionRuns.get(id);
      if (!heldAt(run, attempts)) return false;
      Object.assign(run, { status: "pending", nextAttemptAt: null });
      return true;
    },
    async failOrphanedActionRun(id, attempts, message, now) {
      const run = actionRuns.get(id);
      if (!heldAt(run, attempts)) return false;
      Object.assign(run, { status: "failed", error: message, finishedAt: now, nextAttemptAt: null });
      return true;
    },
    async deferActionRun(id, at) {
      const run = actionRuns.get(id);
      if (run?.status === "pending") run.nextAttemptAt = at;
    },
    async skipActionRuns(ids, error, now) {
      for (const id of ids) {
        const run = actionRuns.get(id);
        if (run?.status === "pending")
          Object.assign(run, { status: "skipped", error, finishedAt: now, nextAttemptAt: null });
      }
    },

    // ---------------------------------------------------------- roll-up
    async runStatuses(eventId): Promise<RunStatuses[]> {
      return taskRunsOfEvent(eventId).map((r) => ({
        taskRun: r.status,
        actionRuns: actionRunsOfTaskRun(r.id).map((a) => a.status),
      }));
    },

    async close() {},

    // ---------------------------------------------------------- test access
    putShopRateLimit(shop, perMinute) {
      shopRates.set(shop, perMinute);
    },
    putTask(task) {
      tasks.set(task.id, copy(task));
    },
    insertEvent(event) {
      if (events.has(event.id)) return false;
      events.set(event.id, copy(event));
      return true;
    },
    event(id) {
      const event = events.get(id);
      return event ? copy(event) : undefined;
    },
    events() {
      return [...events.values()].map(copy);
    },
    taskRunsOf(eventId) {
      return taskRunsOfEvent(eventId).sort(byCreation).map(copy);
    },
    actionRunsOf(taskRunId) {
      return actionRunsOfTaskRun(taskRunId).map(copy);
    },
    patchTaskRun(id, fields) {
      const run = taskRuns.get(id);
      if (!run) throw new Error(`no task run ${id}`);
      Object.assign(run, fields);
    },
    patchActionRun(id, fields) {
      const run = actionRuns.get(id);
      if (!run) throw new Error(`no action run ${id}`);
      Object.assign(run, fields);
    },
  };
}
