// The runner's real dependencies, read from the environment: the database, Liquid rendering,
// the Admin API through the shop's offline session, BullMQ for delayed looks, Redis for throttling.
import type { Redis } from "ioredis";
import defaultPrisma from "~/db.server";
import { config } from "~/config.server";
import { adminGraphql } from "~/services/shopify/admin-api.server";
import { renderTask } from "~/domain/tasks/render";
import { createRunnerEvent } from "./events.server";
import { scheduleTaskRun } from "./queues.server";
import type { RunnerDeps } from "./runner.server";
import { createRunStore } from "./run-store.server";
import { redisThrottleGate } from "./throttle.server";

export const leases = {
  /** Longer than any action can take (http times out at 30 s). */
  get actionMs() {
    return config().worker.actionLeaseMs;
  },
  /** Longer than any render can take (2 s limit, plus reads). */
  get taskMs() {
    return config().worker.taskLeaseMs;
  },
};

export function workerRunnerDeps(redis: Redis, overrides: Partial<RunnerDeps> = {}): RunnerDeps {
  return {
    db: defaultPrisma,
    store: overrides.store ?? createRunStore(),
    renderTask,
    adminGraphql,
    createEvent: (input) => createRunnerEvent(input),
    scheduleTaskRun: (id, at) => scheduleTaskRun(id, at),
    httpPolicy: config().httpAction,
    throttle: redisThrottleGate(redis),
    retryBaseMs: config().worker.retryBaseMs,
    actionLeaseMs: leases.actionMs,
    taskLeaseMs: leases.taskMs,
    log: (message) => console.log(`[runner] ${message}`),
    ...overrides,
  };
}
