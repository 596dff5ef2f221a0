// What the runner's processors need from outside, passed in as one object. Processors are plain
// functions of (id, deps): the worker wires the real implementations (worker-deps.server.ts), the
// unit tests an in-memory store and stand-ins (tests/unit/services/runner/support.ts).
import type { RunStore } from "~/data/run-store";
import type { ThrottleGate } from "~/data/throttle.server";
import type { AddressPolicy } from "~/domain/actions/address-policy";
import type { CacheStore } from "~/domain/actions/cache";
import type { EmailDeps } from "~/domain/actions/email";
import type { NewEventSpec } from "~/domain/actions/event";
import type { FanOutLimits } from "~/domain/runs/fan-out-limits";
import type { RenderInput, RenderResult } from "~/domain/tasks/render";
import type { ClaimAnswerFn } from "./respond";

export type { ThrottleGate };
export type { RenderedAction, RenderInput, RenderResult, ShopInfo, TaskEvent } from "~/domain/tasks/render";

/** Renders a task's script (app/domain/tasks/render.ts implements it). */
export type RenderTaskFn = (input: RenderInput) => Promise<RenderResult>;

/** One Admin API GraphQL call for a shop. */
export type AdminGraphqlFn = (
  shop: string,
  query: string,
  variables?: Record<string, unknown>,
  /** Aborts the call (fetch's signal): a caller's time limit. */
  options?: { signal?: AbortSignal },
) => Promise<{ status: number; body: unknown }>;

/** An event the runner creates: the event action's, or a mechanic/actions/perform follow-up. */
export interface NewEventInput extends NewEventSpec {
  shop: string;
  /** "event_action", "mechanic", "replay", ... */
  source: string;
  parentId: string | null;
  /** The chain's originating event (app/domain/runs/fan-out-limits.ts); null for an originating event. */
  originId?: string | null;
  depth: number;
  /** A fixed id makes creation idempotent (a follow-up event is created at most once per action run). */
  id?: string;
  /**
   * Create it only while fewer than this many events carry `originId` (the chain's cap), counted and
   * inserted in one atomic step, so concurrent workers never overshoot; else throw EventBudgetError.
   */
  maxEventsInChain?: number;
}

/** The shop's cache: read by Liquid's `cache` object, written by the cache action. */
export interface ShopCache {
  reader: { get(key: string): Promise<unknown> };
  store: CacheStore;
  /** The store for one cache action run, applying each command at most once per run (decision 0071). */
  exactlyOnce?: (actionRunId: string) => CacheStore;
}

export interface RunnerDeps {
  /** Events, tasks, task runs and action runs. */
  store: RunStore;
  renderTask: RenderTaskFn;
  adminGraphql: AdminGraphqlFn;
  cacheFor: (shop: string) => ShopCache;
  /** Commits the event and enqueues its job (the one way to create an event). */
  createEvent: (input: NewEventInput) => Promise<{ id: string }>;
  /** Asks for the task run to be looked at again at `at` (a delayed job). */
  scheduleTaskRun: (taskRunId: string, at: Date) => Promise<void>;
  httpPolicy: AddressPolicy;
  throttle: ThrottleGate;
  /** Base of the retry schedule (about 30 s, 1, 2.5 and 5 min at the default 30,000). */
  retryBaseMs: number;
  /** An action run "running" longer than this was orphaned by a dead worker. */
  actionLeaseMs: number;
  /** A task run "running" (rendering) longer than this was orphaned by a dead worker. */
  taskLeaseMs: number;
  httpTimeoutMs?: number;
  /** Actions per task run, events per originating request (default DEFAULT_FAN_OUT_LIMITS). */
  fanOut?: FanOutLimits;
  /**
   * Claims and publishes the answer of a wait-mode request (Redis); without it, respond actions are
   * recorded as not delivered and nobody is told when an event finishes.
   */
  claimAnswer?: ClaimAnswerFn;
  /** The email action's transport and sender; without it every email action fails as not configured. */
  email?: EmailDeps;
  now: () => Date;
  random?: () => number;
  log: (message: string) => void;
}
