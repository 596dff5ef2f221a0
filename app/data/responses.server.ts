// Answers for wait-mode webhook requests, through Redis (docs/decisions/0076). Keyed by request id:
//
//   <prefix>:respond:answer:<request id>   the answer, claimed once (SET NX): whoever claims it first
//                                          decides what the caller gets - a task's response, the
//                                          event's end (failed: 502, done: 204) or the web process's
//                                          timeout (202). Later claims learn what won.
//   <prefix>:respond:<request id>          the channel the claimed answer is published on; the web
//                                          process holding the request subscribed to it before the
//                                          event was enqueued.
//   <prefix>:respond:waiting:webhook:<id>  sorted sets of the requests waiting now (score: when the
//   <prefix>:respond:waiting:shop:<shop>   wait ends), for the limits per webhook and per shop.
//
// Nothing polls: the worker publishes, the web process is told. A message lost while the web
// process's subscriber reconnects is still found at the timeout, in the claimed answer.
import type { Redis } from "ioredis";
import { createRedis, redisKey } from "~/data/queues.server";
import type { HttpResponseSpec } from "~/domain/actions/respond";

/** What a waiting caller is answered with. */
export type AnswerMessage =
  | ({ kind: "response" } & HttpResponseSpec)
  /** The event finished and a task run or action failed before any response: 502. */
  | { kind: "failed" }
  /** The event finished with no response: 204. */
  | { kind: "done" }
  /** The caller's wait ended first: 202 (claimed by the web process). */
  | { kind: "timeout" };

/** How long a claimed answer is kept: longer than any wait (25 s) plus a late worker. */
const ANSWER_TTL_MS = 5 * 60 * 1000;
/** How long a Redis command of the web process may take before it is given up. */
const COMMAND_TIMEOUT_MS = 1_000;

export async function answerKey(requestId: string): Promise<string> {
  return redisKey(`respond:answer:${requestId}`);
}
export async function answerChannel(requestId: string): Promise<string> {
  return redisKey(`respond:${requestId}`);
}

// Claims the answer and publishes it in one step. Returns {1, listeners} when claimed, else
// {0, the answer that was claimed first}.
const CLAIM_AND_PUBLISH = `
local ok = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
if ok then return {1, redis.call('PUBLISH', KEYS[2], ARGV[1])} end
return {0, redis.call('GET', KEYS[1]) or ''}`;

export type ClaimResult =
  /** Claimed; `listeners` processes were subscribed (0: the caller is gone). */
  { claimed: true; listeners: number } | { claimed: false; previous: AnswerMessage | null };

function parseAnswer(text: string): AnswerMessage | null {
  try {
    const value = JSON.parse(text) as AnswerMessage;
    return typeof value === "object" && value !== null && typeof value.kind === "string" ? value : null;
  } catch {
    return null;
  }
}

/** Claims the caller's answer and publishes it (the worker's side, and the web process's timeout). */
export async function claimAnswer(redis: Redis, requestId: string, message: AnswerMessage): Promise<ClaimResult> {
  const [key, channel] = await Promise.all([answerKey(requestId), answerChannel(requestId)]);
  const [claimed, detail] = (await redis.eval(
    CLAIM_AND_PUBLISH,
    2,
    key,
    channel,
    JSON.stringify(message),
    String(ANSWER_TTL_MS),
  )) as [number, number | string];
  if (claimed === 1) return { claimed: true, listeners: Number(detail) };
  return { claimed: false, previous: parseAnswer(String(detail)) };
}

// ------------------------------------------------------------------ limits on waiting requests

// Drops ended waits, refuses when either set is full, else adds the request to both.
// Returns 0 (admitted), 1 (webhook full) or 2 (shop full).
const ADMIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 1 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 0`;

export interface WaitLimits {
  perWebhook: number;
  perShop: number;
}

async function waitingKeys(webhookId: string, shop: string): Promise<[string, string]> {
  return Promise.all([redisKey(`respond:waiting:webhook:${webhookId}`), redisKey(`respond:waiting:shop:${shop}`)]);
}

// ------------------------------------------------------------------ the web process's side

export interface Waiting {
  /** The answer published for this request; null when `ms` passed first. */
  next(ms: number): Promise<AnswerMessage | null>;
  /** Unsubscribes and leaves the waiting sets (call once, whatever happened). */
  end(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms = COMMAND_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** Waits (bounded) for a connection that is still connecting; throws when it is not usable. */
async function ready(client: Redis): Promise<void> {
  if (client.status === "ready") return;
  if (client.status === "end") throw new Error("Redis connection closed");
  await withTimeout(
    new Promise<void>((resolve) => {
      client.once("ready", () => resolve());
    }),
  );
}

/**
 * A web process's waits: one subscriber connection and one command connection for all of its
 * waiting requests. Every method throws when Redis is unreachable (the caller then answers 202).
 */
export class ResponseWaits {
  private subscriber: Redis | null = null;
  private commands: Redis | null = null;
  private readonly waiters = new Map<string, (message: AnswerMessage) => void>();

  private async connections(): Promise<{ subscriber: Redis; commands: Redis }> {
    const { subscriber, commands } = this.clients();
    await Promise.all([ready(subscriber), ready(commands)]);
    return { subscriber, commands };
  }

  private clients(): { subscriber: Redis; commands: Redis } {
    if (!this.subscriber || !this.commands) {
      // No offline queue: while Redis is down, commands fail at once instead of piling up.
      this.commands = createRedis({ maxRetriesPerRequest: 1, enableOfflineQueue: false });
      this.commands.on("error", () => {});
      this.subscriber = createRedis({ maxRetriesPerRequest: 1, enableOfflineQueue: false });
      this.subscriber.on("error", () => {});
      this.subscriber.on("message", (channel: string, text: string) => {
        const deliver = this.waiters.get(channel);
        const message = parseAnswer(text);
        if (deliver && message) deliver(message);
      });
    }
    return { subscriber: this.subscriber, commands: this.commands };
  }

  /**
   * Admits a request to wait (the limits per webhook and per shop) and subscribes to its answer,
   * before its event is stored. "full" when a limit is reached (nothing was changed).
   */
  async start(
    request: { requestId: string; webhookId: string; shop: string; waitUntil: Date },
    limits: WaitLimits,
  ): Promise<Waiting | { full: "webhook" | "shop" }> {
    const { subscriber, commands } = await this.connections();
    const [webhookKey, shopKey] = await waitingKeys(request.webhookId, request.shop);
    const now = Date.now();
    const admitted = Number(
      await withTimeout(
        commands.eval(
          ADMIT,
          2,
          webhookKey,
          shopKey,
          String(now),
          String(request.waitUntil.getTime() + 1_000),
          request.requestId,
          String(limits.perWebhook),
          String(limits.perShop),
          String(Math.max(60_000, request.waitUntil.getTime() - now + 60_000)),
        ),
      ),
    );
    if (admitted === 1) return { full: "webhook" };
    if (admitted === 2) return { full: "shop" };

    const leave = () =>
      withTimeout(
        commands
          .multi()
          .zrem(webhookKey, request.requestId)
          .zrem(shopKey, request.requestId)
          .exec()
          .then(() => undefined),
      ).catch(() => {}); // an entry left behind ends by its score
    const channel = await answerChannel(request.requestId);
    const answers: AnswerMessage[] = [];
    let wake: (() => void) | null = null;
    this.waiters.set(channel, (message) => {
      answers.push(message);
      wake?.();
    });
    try {
      await withTimeout(subscriber.subscribe(channel));
    } catch (error) {
      this.waiters.delete(channel);
      await leave();
      throw error;
    }
    let ended = false;
    return {
      next: (ms) =>
        new Promise<AnswerMessage | null>((resolve) => {
          if (answers.length) return resolve(answers.shift()!);
          const timer = setTimeout(() => {
            wake = null;
            resolve(null);
          }, ms);
          wake = () => {
            clearTimeout(timer);
            wake = null;
            resolve(answers.shift()!);
          };
        }),
      end: async () => {
        if (ended) return;
        ended = true;
        this.waiters.delete(channel);
        await Promise.all([withTimeout(subscriber.unsubscribe(channel)).catch(() => {}), leave()]);
      },
    };
  }

  /** Claims the timeout; when something else was claimed first, returns that instead. */
  async claimTimeout(requestId: string): Promise<AnswerMessage> {
    const { commands } = await this.connections();
    const result = await withTimeout(claimAnswer(commands, requestId, { kind: "timeout" }));
    return result.claimed ? { kind: "timeout" } : (result.previous ?? { kind: "timeout" });
  }

  /** How many requests this process holds now. */
  get size(): number {
    return this.waiters.size;
  }

  async close(): Promise<void> {
    const open = [this.subscriber, this.commands];
    this.subscriber = this.commands = null;
    await Promise.all(open.map((c) => c?.quit().catch(() => c.disconnect())));
  }
}
