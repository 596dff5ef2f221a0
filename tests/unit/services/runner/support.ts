// The runner's processors against the in-memory RunStore: real rendering (app/domain), a clock the
// test moves, and stand-ins only for what lies outside the app (the Admin API). Jobs are not run by
// BullMQ here: `drain()` plays the worker, processing enqueued events and due task-run looks.
import { createMemoryRunStore, type MemoryRunStore, type StoredTask } from "~/data/memory-run-store";
import type { CacheStore } from "~/domain/actions/cache";
import { CacheValueError } from "~/domain/actions/cache";
import { parseJson, stringifyJson } from "~/domain/json";
import { timeOrderedUuid } from "~/domain/ids";
import { chainFullError } from "~/domain/runs/fan-out-limits";
import { renderTask } from "~/domain/tasks/render";
import type { AdminGraphqlFn, NewEventInput, RunnerDeps, ShopCache } from "~/services/runner/deps";
import { fanOutEvent } from "~/services/runner/fan-out-event";
import { processTaskRun } from "~/services/runner/process-task-run";
import { isShopDetailsQuery, shopDetailsResponse } from "../../../support/shop-details";

export const SHOP = "unit.myshopify.com";

export interface Harness {
  store: MemoryRunStore;
  deps: RunnerDeps;
  /** Milliseconds since 1970 on the test's clock. */
  clock: { now: number; advance(ms: number): void; set(ms: number): void };
  /** Event jobs added (event ids), in order. */
  enqueued: string[];
  /** Delayed task-run looks asked for. */
  scheduled: { taskRunId: string; at: number }[];
  /** Admin API calls made (shop, query). */
  graphqlCalls: { shop: string; query: string }[];
  logs: string[];
  cache: Map<string, { valueJson: string; expiresAt: number }>;
  throttleUntil: Map<string, number>;
  task(fields: Partial<StoredTask> & { script: string; subscriptions: string }): StoredTask;
  event(topic: string, data?: unknown, fields?: Partial<NewEventInput>): string;
  /**
   * Runs every enqueued event job and every task-run look due by the clock, repeatedly, until
   * nothing is left that is due. Returns how many jobs ran.
   */
  drain(): Promise<number>;
  /** Moves the clock to the earliest scheduled look and drains; false when nothing is scheduled. */
  runNextScheduled(): Promise<boolean>;
}

/** Answers the Admin API: `handler` for everything but the shop query, which gets fixed details. */
export type GraphqlHandler = (query: string, variables?: Record<string, unknown>) => { status: number; body: unknown };

export function createHarness(
  options: { graphql?: GraphqlHandler; overrides?: Partial<RunnerDeps>; start?: number } = {},
): Harness {
  const store = createMemoryRunStore();
  const clock = {
    now: options.start ?? Date.parse("2030-01-01T00:00:00Z"),
    advance(ms: number) {
      this.now += ms;
    },
    set(ms: number) {
      this.now = ms;
    },
  };
  const now = () => new Date(clock.now);
  const enqueued: string[] = [];
  const scheduled: { taskRunId: string; at: number }[] = [];
  const graphqlCalls: { shop: string; query: string }[] = [];
  const logs: string[] = [];
  const cache = new Map<string, { valueJson: string; expiresAt: number }>();
  const throttleUntil = new Map<string, number>();
  const appliedEffects = new Map<string, string>();
  let taskCount = 0;

  const adminGraphql: AdminGraphqlFn = async (shop, query, variables) => {
    graphqlCalls.push({ shop, query });
    if (isShopDetailsQuery(query)) return shopDetailsResponse(shop);
    if (!options.graphql) throw new Error(`unexpected Admin API call: ${query.slice(0, 80)}`);
    return options.graphql(query, variables);
  };

  const cacheFor = (shop: string): ShopCache => {
    const key = (k: string) => `${shop}\u0000${k}`;
    const live = (k: string) => {
      const entry = cache.get(key(k));
      return entry && entry.expiresAt > clock.now ? entry : undefined;
    };
    const cacheStore: CacheStore = {
      async set(k, valueJson, ttlSeconds) {
        cache.set(key(k), { valueJson, expiresAt: clock.now + ttlSeconds * 1000 });
      },
      async del(k) {
        return cache.delete(key(k));
      },
      async incrBy(k, by, ttlSeconds) {
        const entry = live(k);
        if (entry && !/^-?\d+$/.test(entry.valueJson)) throw new CacheValueError(`not an integer: ${k}`);
        const next = (entry ? BigInt(entry.valueJson) : 0n) + by;
        cache.set(key(k), { valueJson: next.toString(), expiresAt: clock.now + ttlSeconds * 1000 });
        return next;
      },
    };
    // The exactly-once store's contract (app/data/cache-once.server.ts does it in one transaction):
    // an action run's command applies once; a retry gets the outcome recorded the first time.
    const exactlyOnce = (actionRunId: string): CacheStore => ({
      async set(k, valueJson, ttlSeconds) {
        if (appliedEffects.has(actionRunId)) return;
        await cacheStore.set(k, valueJson, ttlSeconds);
        appliedEffects.set(actionRunId, "set");
      },
      async del(k) {
        const before = appliedEffects.get(actionRunId);
        if (before !== undefined) return before === "deleted";
        const deleted = await cacheStore.del(k);
        appliedEffects.set(actionRunId, deleted ? "deleted" : "absent");
        return deleted;
      },
      async incrBy(k, by, ttlSeconds) {
        const before = appliedEffects.get(actionRunId);
        if (before !== undefined) return BigInt(before);
        const next = await cacheStore.incrBy(k, by, ttlSeconds);
        appliedEffects.set(actionRunId, next.toString());
        return next;
      },
    });
    return {
      reader: { get: async (k) => (live(k) ? parseJson(live(k)!.valueJson) : undefined) },
      store: cacheStore,
      exactlyOnce,
    };
  };

  const createEvent = async (input: NewEventInput): Promise<{ id: string }> => {
    const id = input.id ?? timeOrderedUuid(clock.now);
    // The chain's cap, counted and inserted in one step as the database does (no await in between).
    if (input.maxEventsInChain != null && input.originId && !store.event(id)) {
      const inChain = store.events().filter((e) => e.originId === input.originId).length;
      if (inChain >= input.maxEventsInChain) throw chainFullError(inChain, input.maxEventsInChain);
    }
    const created = store.insertEvent({
      id,
      shop: input.shop,
      topic: input.topic,
      data: stringifyJson(input.data),
      source: input.source,
      parentId: input.parentId,
      originId: input.originId ?? null,
      depth: input.depth,
      requestId: null,
      status: "pending",
      taskIds: input.taskIds ? JSON.stringify(input.taskIds) : null,
      runAt: input.runAt,
      createdAt: now(),
      responseWaitUntil: null,
      webhookId: null,
      error: null,
      startedAt: null,
      finishedAt: null,
    });
    if (created) enqueued.push(id);
    return { id };
  };

  const deps: RunnerDeps = {
    store,
    renderTask,
    adminGraphql,
    cacheFor,
    createEvent,
    scheduleTaskRun: async (taskRunId, at) => {
      scheduled.push({ taskRunId, at: at.getTime() });
    },
    httpPolicy: { allowPrivate: false, allowedHosts: [] },
    throttle: {
      blockedUntil: async (shop) => throttleUntil.get(shop) ?? 0,
      block: async (shop, untilMs) => {
        throttleUntil.set(shop, untilMs);
      },
    },
    retryBaseMs: 1_000,
    actionLeaseMs: 120_000,
    taskLeaseMs: 60_000,
    now,
    random: () => 0.5,
    log: (message) => logs.push(message),
    ...options.overrides,
  };

  const harness: Harness = {
    store,
    deps,
    clock,
    enqueued,
    scheduled,
    graphqlCalls,
    logs,
    cache,
    throttleUntil,
    task(fields) {
      const task: StoredTask = {
        id: `task-${++taskCount}-${timeOrderedUuid().slice(-6)}`,
        shop: SHOP,
        name: `Task ${taskCount}`,
        options: "{}",
        version: 1,
        enabled: true,
        performActionRunsInSequence: false,
        haltActionRunSequenceOnError: false,
        ...fields,
      };
      store.putTask(task);
      return task;
    },
    event(topic, data = {}, fields = {}) {
      const id = fields.id ?? timeOrderedUuid(clock.now);
      void createEvent({
        shop: SHOP,
        topic,
        data,
        source: "user",
        parentId: null,
        depth: 0,
        taskIds: null,
        runAt: null,
        ...fields,
        id,
      });
      return id;
    },
    async drain() {
      let ran = 0;
      for (let guard = 0; guard < 1000; guard++) {
        const eventId = enqueued.shift();
        if (eventId !== undefined) {
          await fanOutEvent(eventId, deps);
          ran++;
          continue;
        }
        const due = scheduled.findIndex((s) => s.at <= clock.now);
        if (due === -1) return ran;
        const [look] = scheduled.splice(due, 1);
        await processTaskRun(look!.taskRunId, deps);
        ran++;
      }
      throw new Error("drain: more than 1000 jobs; a loop?");
    },
    async runNextScheduled() {
      if (!scheduled.length) return false;
      clock.set(Math.max(clock.now, Math.min(...scheduled.map((s) => s.at))));
      await harness.drain();
      return true;
    },
  };
  return harness;
}
