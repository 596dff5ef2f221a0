// Orchestration: an event becomes task runs, a task run renders its script into action runs, and
// action runs are performed. The database is the source of truth; BullMQ jobs only say "look at
// this now". Every step claims its row with a conditional update before doing anything, so
// re-delivered jobs, the recovery sweep and several worker processes never do the same work twice.
//
// Effects and crashes (see docs/decisions/0005-runner.md):
// - An action run is claimed (pending -> running, attempts + 1) before it is performed and its
//   outcome is written right after. A succeeded action run is never performed again.
// - An action run found "running" longer than the action lease belongs to a worker that died
//   mid-action. It is marked failed and NOT retried automatically: the effect may or may not have
//   happened, and repeating an HTTP call or a mutation could do it twice (at-most-once).
// - Rendering has no effects, so a task run found "running" past its lease is simply rendered again.
import { createHash } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { performAction, type PerformDeps } from "~/domain/actions";
import { timeOrderedUuid } from "~/domain/ids";
import type { AddressPolicy } from "~/domain/actions/address-policy";
import { MAX_ATTEMPTS, nextRetryDelayMs } from "~/domain/actions/backoff";
import { MAX_EVENT_DEPTH, type NewEventSpec } from "~/domain/actions/event";
import { parseJson, stringifyJson } from "~/domain/json";
import type { AdminGraphqlFn } from "~/domain/actions/shopify";
import type { ActionOutcome } from "~/domain/actions/types";
import { describeError, isPlainObject } from "~/domain/actions/types";
import { cacheReaderFor, cacheStoreFor } from "~/data/cache.server";
import { MAX_PARENT_GENERATIONS } from "~/domain/tasks/render";
import type { RenderTaskFn, ShopInfo, TaskEvent } from "./contract";
import type { ActionRunOutcome, ActionRunRow, EventRow, RunStore, TaskRow, TaskRunRow } from "./run-store.server";
import { subscriptionFor } from "./subscriptions";

export const ACTIONS_PERFORM_TOPIC = "mechanic/actions/perform";
export const LOOP_GUARD_MESSAGE =
  "stopped a loop: this run rendered the same actions as the run whose action result it responds to (mechanic/actions/perform)";
export const ORPHANED_ACTION_MESSAGE =
  "worker stopped during the action; not retried automatically to avoid a duplicate effect (retry it by hand if it did not happen)";

export interface NewEventInput extends NewEventSpec {
  shop: string;
  source: string;
  parentId: string | null;
  depth: number;
  /** A fixed id makes creation idempotent (a follow-up event is created at most once per action run). */
  id?: string;
}

export interface ThrottleGate {
  /** Epoch ms until which the shop's Admin API bucket is known to be empty (0 when it is not). */
  blockedUntil(shop: string): Promise<number>;
  block(shop: string, untilMs: number): Promise<void>;
}

export interface RunnerDeps {
  /** Prisma, for the cache store and reader. */
  db: PrismaClient;
  /** The runner's own queries (events, task runs, action runs) in plain SQL. */
  store: RunStore;
  renderTask: RenderTaskFn;
  adminGraphql: (
    shop: string,
    query: string,
    variables?: Record<string, unknown>,
  ) => Promise<{ status: number; body: unknown }>;
  /** Writes the event row and enqueues its job. */
  createEvent: (input: NewEventInput) => Promise<{ id: string }>;
  /** Asks for the task run to be looked at again at `at` (a delayed job). */
  scheduleTaskRun: (taskRunId: string, at: Date) => Promise<void>;
  httpPolicy: AddressPolicy;
  throttle: ThrottleGate;
  retryBaseMs: number;
  /** An action run "running" longer than this was orphaned by a dead worker. */
  actionLeaseMs: number;
  /** A task run "running" (rendering) longer than this was orphaned by a dead worker. */
  taskLeaseMs: number;
  httpTimeoutMs?: number;
  now?: () => Date;
  random?: () => number;
  log?: (message: string) => void;
}

const SHOP_QUERY = `query HooklineShop { shop { name email myshopifyDomain primaryDomain { host } currencyCode ianaTimezone } }`;
const TERMINAL = new Set(["succeeded", "failed", "skipped"]);

function parseStored(text: string | null | undefined, fallback: unknown = null): unknown {
  if (text === null || text === undefined) return fallback;
  try {
    return parseJson(text);
  } catch {
    return fallback;
  }
}

export type Runner = ReturnType<typeof createRunner>;

export function createRunner(deps: RunnerDeps) {
  const { db, store } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => {});

  // ---------------------------------------------------------------- events

  /** The job for an event: create its task runs and run those that are due. Safe to repeat. */
  async function processEvent(eventId: string): Promise<void> {
    const event = await store.getEvent(eventId);
    if (!event) {
      log(`event ${eventId}: not found (deleted?); nothing to do`);
      return;
    }
    if (event.status === "succeeded" || event.status === "failed") {
      // Already finished (a duplicate delivery). Follow-up work, if any, has its own jobs.
      return;
    }
    if (event.status !== "running") {
      await store.markEventRunning(eventId, now());
    }
    const { taskRuns, tasks } = await ensureTaskRuns(event);
    const context = new RunContext();
    for (const taskRun of taskRuns) {
      if (taskRun.status === "pending" && taskRun.runAt.getTime() > now().getTime()) {
        await deps.scheduleTaskRun(taskRun.id, taskRun.runAt);
        continue;
      }
      if (TERMINAL.has(taskRun.status) && taskRun.status !== "succeeded") continue;
      const task = tasks.get(taskRun.taskId) ?? (await store.getTask(taskRun.taskId));
      if (task) await advance(taskRun, task, event, context);
    }
    await rollUpEvent(eventId);
  }

  /** Creates the event's task runs, one per subscribed enabled task (unique per event and task). */
  async function ensureTaskRuns(event: EventRow): Promise<{ taskRuns: TaskRunRow[]; tasks: Map<string, TaskRow> }> {
    const targeted = parseStored(event.taskIds, null);
    const targetIds = Array.isArray(targeted) ? targeted.filter((id): id is string => typeof id === "string") : null;
    const candidates = await store.candidateTasks(event.shop, event.topic, targetIds);
    const tasks = new Map(candidates.map((task) => [task.id, task]));
    const base = event.runAt && event.runAt.getTime() > event.createdAt.getTime() ? event.runAt : event.createdAt;
    for (const task of candidates) {
      const subscription = subscriptionFor(task.subscriptions, event.topic);
      if (!subscription) continue;
      // Follow-ups of an action go only to the task that performed it (targeted above); an
      // untargeted mechanic/actions/perform event would reach every subscriber, so refuse that.
      if (event.topic === ACTIONS_PERFORM_TOPIC && !targetIds) continue;
      // A no-op when an earlier delivery already created it (unique per event and task).
      await store.insertTaskRun({
        id: timeOrderedUuid(),
        eventId: event.id,
        taskId: task.id,
        taskVersion: task.version,
        runAt: new Date(base.getTime() + subscription.offsetSeconds * 1000),
        createdAt: now(),
      });
    }
    return { taskRuns: await store.listTaskRuns(event.id), tasks };
  }

  // ---------------------------------------------------------------- task runs

  /** The job for a task run: render it if it still needs rendering, then perform due actions. */
  async function processTaskRun(taskRunId: string): Promise<void> {
    const taskRun = await store.getTaskRun(taskRunId);
    if (!taskRun) return; // deleted with its task or event
    const [task, event] = await Promise.all([store.getTask(taskRun.taskId), store.getEvent(taskRun.eventId)]);
    if (!task || !event) return;
    await advance(taskRun, task, event, new RunContext());
    await rollUpEvent(event.id);
  }

  /** Renders the task run (when claimable) and performs its due actions. */
  async function advance(taskRun: TaskRunRow, task: TaskRow, event: EventRow, context: RunContext): Promise<void> {
    const current = now();

    if (taskRun.status === "pending" && taskRun.runAt.getTime() > current.getTime()) {
      await deps.scheduleTaskRun(taskRun.id, taskRun.runAt); // delivered early: look again when due
      return;
    }
    const staleBefore = new Date(current.getTime() - deps.taskLeaseMs);
    const claimable =
      taskRun.status === "pending" || (taskRun.status === "running" && (taskRun.startedAt ?? current) < staleBefore);
    if (claimable) {
      if (!(await store.claimTaskRun(taskRun.id, current, staleBefore))) return; // another worker has it
      const created = await renderClaimed(taskRun, task, event, taskRun.attempts + 1, context);
      if (created) await performDueActions(taskRun.id, task, event, created);
      return;
    }
    if (taskRun.status !== "succeeded") return; // failed or skipped (final), or being rendered elsewhere
    await performDueActions(taskRun.id, task, event);
  }

  /** Renders a claimed task run; stores actions/logs/errors and creates action runs atomically. */
  async function renderClaimed(
    taskRun: TaskRunRow,
    task: TaskRow,
    event: EventRow,
    claimedAttempt: number,
    context: RunContext,
  ): Promise<ActionRunRow[] | null> {
    const finish = async (
      status: "succeeded" | "failed",
      fields: { actions?: unknown[]; logs?: unknown[]; errors: unknown[] },
      actionRows: { type: string; options: unknown; meta: unknown; performEvent: boolean }[],
    ) => {
      const finishedAt = now();
      const rows: ActionRunRow[] = actionRows.map((action, position) => ({
        id: timeOrderedUuid(),
        taskRunId: taskRun.id,
        position,
        type: action.type,
        options: stringifyJson(storedOptions(action)),
        meta: action.meta === null || action.meta === undefined ? null : stringifyJson(action.meta),
        status: "pending",
        attempts: 0,
        nextAttemptAt: null,
        startedAt: null,
        createdAt: finishedAt,
      }));
      const stored = await store.finishTaskRun(
        taskRun.id,
        claimedAttempt,
        {
          status,
          taskVersion: task.version,
          actions: stringifyJson(fields.actions ?? []),
          logs: stringifyJson(fields.logs ?? []),
          errors: stringifyJson(fields.errors),
          finishedAt,
        },
        rows,
      );
      if (!stored) throw new LostClaimError();
      return rows;
    };

    try {
      if (!task.enabled) {
        await finish("failed", { errors: ["task is disabled"] }, []);
        return null;
      }
      let result;
      try {
        const options = parseStored(task.options, {});
        result = await deps.renderTask({
          script: task.script,
          options: isPlainObject(options) ? options : {},
          event: await context.taskEvent(event, loadEvent),
          shop: await context.shop(event.shop, task.script, loadShopInfo),
          task: { id: task.id, name: task.name },
          cache: cacheReaderFor(event.shop, db),
          shopifyQuery: async (query, variables) => (await deps.adminGraphql(event.shop, query, variables)).body,
          templateCacheKey: `${task.id}:${task.version}`,
        });
      } catch (error) {
        await finish("failed", { errors: [`task run failed: ${describeError(error)}`] }, []);
        return null;
      }
      if (result.errors.length) {
        // Any error fails the task run and cancels all of its actions (Mechanic's rule).
        await finish("failed", { actions: result.actions, logs: result.logs, errors: result.errors }, []);
        return null;
      }
      // Mechanic's loop guard: a task responding to its own action results with exactly the actions
      // that produced them would repeat itself until the depth limit; fail it at the first repeat.
      if (event.topic === ACTIONS_PERFORM_TOPIC && event.parentId) {
        const previous = await store.renderedActions(event.parentId, task.id);
        if (previous !== null && previous === stringifyJson(result.actions)) {
          await finish("failed", { actions: result.actions, logs: result.logs, errors: [LOOP_GUARD_MESSAGE] }, []);
          return null;
        }
      }
      const created = await finish(
        "succeeded",
        { actions: result.actions, logs: result.logs, errors: [] },
        result.actions,
      );
      return created;
    } catch (error) {
      if (error instanceof LostClaimError) {
        log(`task run ${taskRun.id}: claim lost to another worker; leaving it to them`);
        return null;
      }
      // Storing the outcome failed (e.g. the database was busy): nothing was performed, so give the
      // claim back and look again shortly instead of waiting for the lease to expire.
      log(
        `task run ${taskRun.id}: could not store the rendered run (${describeError(error).split("\n").pop()}); retrying shortly`,
      );
      const released = await store.releaseTaskRun(taskRun.id, claimedAttempt).catch(() => false);
      if (!released) throw error;
      await deps.scheduleTaskRun(taskRun.id, new Date(now().getTime() + 500));
      return null;
    }
  }

  function storedOptions(action: { options: unknown; performEvent: boolean }): unknown {
    // `__perform_event: false` is kept with the options so the runner still knows it when the
    // action run is performed later (a retry, another worker).
    if (action.performEvent !== false) return action.options;
    if (isPlainObject(action.options)) return { ...action.options, __perform_event: false };
    return action.options;
  }

  async function loadEvent(id: string): Promise<EventRow | null> {
    return store.getEvent(id);
  }

  async function loadShopInfo(shop: string): Promise<ShopInfo> {
    const response = await deps.adminGraphql(shop, SHOP_QUERY);
    const body = response.body as { data?: { shop?: Record<string, unknown> }; errors?: unknown } | undefined;
    const data = body?.data?.shop;
    if (response.status !== 200 || !data) {
      throw new Error(
        `could not read the shop's details from the Admin API (HTTP ${response.status}${body?.errors ? `: ${JSON.stringify(body.errors).slice(0, 300)}` : ""})`,
      );
    }
    const primary = isPlainObject(data.primaryDomain) ? data.primaryDomain : {};
    return {
      name: String(data.name ?? shop),
      domain: String(primary.host ?? data.myshopifyDomain ?? shop),
      myshopify_domain: String(data.myshopifyDomain ?? shop),
      email: String(data.email ?? ""),
      currency: String(data.currencyCode ?? ""),
      timezone: String(data.ianaTimezone ?? ""),
    };
  }

  // ---------------------------------------------------------------- action runs

  /** Performs the task run's due action runs, honouring sequence and halt-on-error. */
  async function performDueActions(
    taskRunId: string,
    task: TaskRow,
    event: EventRow,
    known?: ActionRunRow[],
  ): Promise<void> {
    const inSequence = task.performActionRunsInSequence;
    const haltOnError = inSequence && task.haltActionRunSequenceOnError;
    const actionRuns = known ?? (await store.listActionRuns(taskRunId));

    for (let index = 0; index < actionRuns.length; index++) {
      let actionRun = actionRuns[index];
      const current = now();

      if (actionRun.status === "running") {
        const startedAt = actionRun.startedAt ?? current;
        if (current.getTime() - startedAt.getTime() <= deps.actionLeaseMs) {
          if (inSequence) return; // being performed right now; its performer continues the sequence
          continue;
        }
        // Orphaned by a worker that died mid-action: at-most-once, so no automatic retry.
        const failed = await store.failOrphanedActionRun(
          actionRun.id,
          actionRun.attempts,
          ORPHANED_ACTION_MESSAGE,
          current,
        );
        if (!failed) return; // someone else changed it; let them carry on
        actionRun = { ...actionRun, status: "failed" };
        log(`action run ${actionRun.id}: ${ORPHANED_ACTION_MESSAGE}`);
      }

      if (actionRun.status === "succeeded" || actionRun.status === "skipped") continue;
      if (actionRun.status === "failed") {
        if (haltOnError) return skipRest(actionRuns.slice(index + 1), actionRun.position);
        continue;
      }

      // pending
      if (actionRun.nextAttemptAt && actionRun.nextAttemptAt.getTime() > current.getTime()) {
        if (inSequence) return; // waiting for its retry; the retry job continues the sequence
        continue;
      }
      if (actionRun.type === "shopify") {
        const blockedUntil = await deps.throttle.blockedUntil(event.shop);
        if (blockedUntil > current.getTime()) {
          // The shop's bucket is empty: wait without using an attempt or a worker slot.
          const at = new Date(blockedUntil);
          await store.deferActionRun(actionRun.id, at);
          await deps.scheduleTaskRun(taskRunId, at);
          if (inSequence) return;
          continue;
        }
      }
      const outcome = await claimAndPerform(actionRun, task, event);
      if (outcome === "lost") {
        if (inSequence) return;
        continue;
      }
      if (outcome === "retrying") {
        if (inSequence) return;
        continue;
      }
      if (outcome === "failed" && haltOnError) return skipRest(actionRuns.slice(index + 1), actionRun.position);
    }
  }

  async function skipRest(rest: ActionRunRow[], failedPosition: number): Promise<void> {
    const ids = rest.filter((a) => a.status === "pending").map((a) => a.id);
    await store.skipActionRuns(
      ids,
      `skipped: action ${failedPosition + 1} failed and the task halts the sequence on error`,
      now(),
    );
  }

  /** Claims one pending action run, performs it and records the outcome. */
  async function claimAndPerform(
    actionRun: ActionRunRow,
    task: TaskRow,
    event: EventRow,
  ): Promise<"succeeded" | "failed" | "retrying" | "lost"> {
    const startedAt = now();
    const claimedAttempt = actionRun.attempts + 1;
    if (!(await store.claimActionRun(actionRun.id, actionRun.attempts, startedAt))) return "lost";

    const options = parseStored(actionRun.options, null);
    let outcome: ActionOutcome;
    try {
      outcome = await performAction(actionRun.type, options, performDeps(event));
    } catch (error) {
      // A performer bug must not leave the run claimed forever.
      outcome = { ok: false, error: `action failed unexpectedly: ${describeError(error)}`, retryable: false };
    }
    const finishedAt = now();
    const durationMs = finishedAt.getTime() - startedAt.getTime();
    const record = (outcome: Omit<ActionRunOutcome, "finishedAt" | "durationMs">) =>
      store.recordActionRun(actionRun.id, claimedAttempt, { ...outcome, finishedAt, durationMs });

    if (outcome.ok) {
      await record({
        status: "succeeded",
        attempts: claimedAttempt,
        nextAttemptAt: null,
        result: stringifyJson(outcome.result),
        error: null,
      });
      await emitFollowUp(actionRun, options, task, event, {
        ok: true,
        result: outcome.result,
        error: null,
        attempts: claimedAttempt,
        startedAt,
        finishedAt,
      });
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
          result: outcome.result === undefined ? null : stringifyJson(outcome.result),
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
      result: outcome.result === undefined ? null : stringifyJson(outcome.result),
    });
    await emitFollowUp(actionRun, options, task, event, {
      ok: false,
      result: outcome.result ?? null,
      error,
      attempts: claimedAttempt,
      startedAt,
      finishedAt,
    });
    return "failed";
  }

  function performDeps(event: EventRow): PerformDeps {
    const shopifyGraphql: AdminGraphqlFn = (query, variables) => deps.adminGraphql(event.shop, query, variables);
    return {
      shopifyGraphql,
      http: { policy: deps.httpPolicy, timeoutMs: deps.httpTimeoutMs },
      cache: cacheStoreFor(event.shop, db, now),
      createEvent: (spec) =>
        deps.createEvent({ ...spec, shop: event.shop, source: "event_action", parentId: event.id }),
      eventDepth: event.depth,
      now,
    };
  }

  /**
   * Mechanic's mechanic/actions/perform follow-up: sent to the originating task only, only if it
   * subscribes, never for echo, and not when the action said `__perform_event: false`.
   */
  async function emitFollowUp(
    actionRun: ActionRunRow,
    options: unknown,
    task: TaskRow,
    event: EventRow,
    run: { ok: boolean; result: unknown; error: string | null; attempts: number; startedAt: Date; finishedAt: Date },
  ): Promise<void> {
    if (actionRun.type === "echo") return;
    if (isPlainObject(options) && options.__perform_event === false) return;
    if (!subscriptionFor(task.subscriptions, ACTIONS_PERFORM_TOPIC)) return;
    if (event.depth + 1 > MAX_EVENT_DEPTH) {
      log(
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
      await deps.createEvent({
        id: followUpEventId(actionRun.id, run.attempts),
        shop: event.shop,
        topic: ACTIONS_PERFORM_TOPIC,
        data,
        source: "mechanic",
        parentId: event.id,
        depth: event.depth + 1,
        taskIds: [task.id],
        runAt: null,
      });
    } catch (error) {
      log(`action run ${actionRun.id}: could not emit ${ACTIONS_PERFORM_TOPIC}: ${describeError(error)}`);
    }
  }

  // ---------------------------------------------------------------- roll-up

  /** Sets the event's status from its runs: running while anything is open, then failed or succeeded. */
  async function rollUpEvent(eventId: string): Promise<string> {
    const taskRuns = await store.runStatuses(eventId);
    let open = 0;
    let failedTasks = 0;
    let failedActions = 0;
    for (const { taskRun, actionRuns } of taskRuns) {
      if (taskRun === "pending" || taskRun === "running") open++;
      if (taskRun === "failed") failedTasks++;
      for (const actionRun of actionRuns) {
        if (actionRun === "pending" || actionRun === "running") open++;
        if (actionRun === "failed") failedActions++;
      }
    }
    if (open > 0) {
      // Never overwrite a finished status here: another worker may have finished the last run after
      // this snapshot was read. Only a manual retry reopens a finished event.
      await store.markEventOpen(eventId, now());
      return "running";
    }
    const failed = failedTasks + failedActions > 0;
    const problems = [
      failedTasks ? `${failedTasks} task run${failedTasks === 1 ? "" : "s"} failed` : "",
      failedActions ? `${failedActions} action run${failedActions === 1 ? "" : "s"} failed` : "",
    ].filter(Boolean);
    const status = failed ? "failed" : "succeeded";
    await store.markEventFinished(eventId, status, failed ? problems.join(", ") : null, now());
    return status;
  }

  return { processEvent, processTaskRun, rollUpEvent };
}

/** A deterministic UUID-shaped id per action run attempt, so a follow-up event is created once. */
export function followUpEventId(actionRunId: string, attempt: number): string {
  const hex = createHash("sha256").update(`${actionRunId}:${attempt}:actions/perform`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

class LostClaimError extends Error {}

/** Per-job memo: the shop's details and the event (with parents) are read once per job. */
class RunContext {
  private shops = new Map<string, Promise<ShopInfo>>();
  private events = new Map<string, Promise<TaskEvent>>();

  shop(shop: string, script: string, load: (shop: string) => Promise<ShopInfo>): Promise<ShopInfo> {
    // Reading the shop costs an Admin API call; scripts that never mention `shop` do not pay for it.
    if (!/\bshop\b/.test(script)) return Promise.resolve(minimalShop(shop));
    let pending = this.shops.get(shop);
    if (!pending) {
      pending = load(shop);
      this.shops.set(shop, pending);
      pending.catch(() => this.shops.delete(shop));
    }
    return pending;
  }

  taskEvent(event: EventRow, load: (id: string) => Promise<EventRow | null>): Promise<TaskEvent> {
    let pending = this.events.get(event.id);
    if (!pending) {
      pending = toTaskEvent(event, load, 0);
      this.events.set(event.id, pending);
    }
    return pending;
  }
}

function minimalShop(shop: string): ShopInfo {
  return { name: shop, domain: shop, myshopify_domain: shop, email: "", currency: "", timezone: "" };
}

async function toTaskEvent(
  event: EventRow,
  load: (id: string) => Promise<EventRow | null>,
  generation: number,
): Promise<TaskEvent> {
  let parent: TaskEvent | null = null;
  if (event.parentId && generation < MAX_PARENT_GENERATIONS) {
    const parentRow = await load(event.parentId);
    if (parentRow) parent = await toTaskEvent(parentRow, load, generation + 1);
  }
  return {
    id: event.id,
    topic: event.topic,
    data: parseStored(event.data, null),
    created_at: event.createdAt.toISOString(),
    source: event.source,
    parent,
    webhook_request_id: event.requestId,
  };
}
