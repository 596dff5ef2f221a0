// The runner's real dependencies: the SQL run store, Liquid rendering, the Admin API through the
// shop's offline session (app/services/shopify/admin-api.server.ts), the database-backed cache, BullMQ for delayed looks and event jobs,
// Redis for the per-shop throttle.
import type { Redis } from "ioredis";
import { config, emailFrom, smtpUrl } from "~/config.server";
import type { EmailDeps } from "~/domain/actions/email";
import { createSmtpTransport, type SmtpTransport } from "~/services/email/smtp-transport.server";
import defaultPrisma from "~/data/db.server";
import { createSqlRunStore } from "~/data/hot-sql.server";
import { redisThrottleGate } from "~/data/throttle.server";
import { createEvent, existingEventId } from "~/data/events.server";
import { scheduleTaskRun } from "~/data/queues.server";
import { claimAnswer } from "~/data/responses.server";
import { adminGraphql } from "~/services/shopify/admin-api.server";
import { renderInlineFirst } from "~/services/render/inline-first";
import { cacheReaderFor, cacheStoreFor } from "~/data/cache.server";
import { exactlyOnceCacheStore } from "~/data/cache-once.server";
import type { RunnerDeps } from "./deps";

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

let smtp: { url: string; transport: SmtpTransport } | undefined;

/** The email action's SMTP transport (SMTP_URL), made once per process; a null transport when unset. */
export function emailDeps(): EmailDeps {
  const url = smtpUrl();
  if (!url) return { transport: null, fromAddress: emailFrom() };
  if (smtp?.url !== url) smtp = { url, transport: createSmtpTransport(url) };
  return { transport: smtp.transport.send, fromAddress: emailFrom() };
}

export function workerRunnerDeps(redis: Redis, overrides: Partial<RunnerDeps> = {}): RunnerDeps {
  const now = overrides.now ?? (() => new Date());
  // No warm-up: most renders run in place (decision 0106); threads start at the first render that needs one.
  return {
    store: overrides.store ?? createSqlRunStore(),
    renderTask: renderInlineFirst,
    adminGraphql,
    cacheFor: (shop) => ({
      reader: cacheReaderFor(shop, defaultPrisma),
      store: cacheStoreFor(shop, defaultPrisma, now),
      exactlyOnce: (actionRunId) => exactlyOnceCacheStore(shop, actionRunId, now),
    }),
    createEvent: async (input) => existingEventId(await createEvent(input)),
    scheduleTaskRun: (id, at) => scheduleTaskRun(id, at),
    httpPolicy: config().httpAction,
    email: emailDeps(),
    throttle: redisThrottleGate(redis),
    retryBaseMs: config().worker.retryBaseMs,
    fanOut: { ...config().fanOut, defaultEventsPerMinute: config().ingress.rateLimitPerMinute },
    actionLeaseMs: leases.actionMs,
    taskLeaseMs: leases.taskMs,
    claimAnswer: (requestId, message) => claimAnswer(redis, requestId, message),
    now,
    log: (message) => console.log(`[runner] ${message}`),
    ...overrides,
  };
}
