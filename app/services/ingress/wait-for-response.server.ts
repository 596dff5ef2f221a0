// Wait-mode webhooks (issue 15, docs/decisions/0075 and 0076): after the same checks as every POST,
// the request waits for the first respond action of a task run of its event.
//
//   no enabled task subscribed without a delay  -> stored as usual, 204 at once
//   too many waiting (webhook or shop)          -> 503 with Retry-After, nothing stored
//   admitted: subscribe to the answer, then store (committed first), then enqueue on the
//   "respond" queue, then wait:
//     a task's response                         -> that response (+ X-Request-Id, CORS headers)
//     the event finished, something failed      -> 502 {"request_id", "status": "failed"}
//     the event finished without a response     -> 204
//     the timeout                               -> 202 {"request_id", "status": "pending"}
//   Redis unreachable                           -> stored, 202 at once (the event runs later)
import { config } from "~/config.server";
import { recordEventAnswer, subscriptionsMentioning } from "~/data/hot-sql.server";
import { enqueueEvent } from "~/data/queues.server";
import { ResponseWaits, type AnswerMessage, type Waiting } from "~/data/responses.server";
import type { IngressWebhook } from "~/data/webhooks.server";
import { subscriptionFor } from "~/domain/runs/topic-subscription";

/** An answer to the caller (handle-ingress.server.ts's IngressOutput, which imports this module). */
export interface IngressOutput {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

export type StoreAttempt = { status: "created"; id: string } | { status: "duplicate" | "webhook_gone" | "error" };

export interface WaitRequest {
  webhook: IngressWebhook;
  requestId: string;
  /** X-Request-Id and the webhook's CORS headers: on every answer. */
  headers: Record<string, string>;
  /** Stores the event (the one pipeline's insert, with dedupe); `waitUntil` marks a waiting caller. */
  store(waitUntil: Date | null): Promise<StoreAttempt>;
  /** When the request arrived (time to answer is measured from here). */
  receivedAtMs: number;
}

/** Retry-After when too many requests wait: a wait lasts seconds, so soon. */
const FULL_RETRY_AFTER_SECONDS = 2;

const waits = new ResponseWaits();

/** Closes this process's Redis connections for waits (tests, benchmarks, shutdown). */
export function closeResponseWaits(): Promise<void> {
  return waits.close();
}

/** How many requests this process holds now. */
export function waitingRequests(): number {
  return waits.size;
}

/** Whether a task could respond within the wait: enabled, subscribed to the topic, no delay. */
async function canRespondNow(shop: string, topic: string): Promise<boolean> {
  try {
    const texts = await subscriptionsMentioning(shop, topic);
    return texts.some((text) => subscriptionFor(text, topic)?.offsetSeconds === 0);
  } catch {
    // Unknown (a busy database): wait as if a task could answer; the store below reports real trouble.
    return true;
  }
}

function json(status: number, body: unknown, headers: Record<string, string>): IngressOutput {
  return {
    status,
    headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
    body: JSON.stringify(body),
  };
}

function storeFailed(headers: Record<string, string>): IngressOutput {
  return {
    status: 503,
    headers: { ...headers, "Content-Type": "text/plain; charset=utf-8", "Retry-After": "5" },
    body: "Service Unavailable: the event could not be stored; retry later\n",
  };
}

/** The caller's answer for what was claimed. */
export function outputFor(answer: AnswerMessage, requestId: string, headers: Record<string, string>): IngressOutput {
  switch (answer.kind) {
    case "response": {
      // The task's headers were checked against the allowlist by the action; ours come last, and a
      // browser may read the task's own x-* and location headers too.
      const merged = { ...answer.headers, ...headers };
      const exposed = Object.keys(answer.headers).filter((name) => name.startsWith("x-") || name === "location");
      if (merged["Access-Control-Expose-Headers"] && exposed.length)
        merged["Access-Control-Expose-Headers"] += `, ${exposed.join(", ")}`;
      return { status: answer.status, headers: merged, body: answer.body };
    }
    case "failed":
      return json(502, { request_id: requestId, status: "failed" }, headers);
    case "done":
      return { status: 204, headers, body: null };
    case "timeout":
      return json(202, { request_id: requestId, status: "pending" }, headers);
  }
}

export async function answerFromTask(request: WaitRequest): Promise<IngressOutput> {
  const { webhook, requestId, headers } = request;

  if (!(await canRespondNow(webhook.shop, webhook.topic))) {
    const stored = await request.store(null);
    if (stored.status === "error") return storeFailed(headers);
    if (stored.status === "created") void enqueueEvent(stored.id);
    return { status: 204, headers, body: null };
  }

  const waitUntil = new Date(Date.now() + webhook.responseTimeoutSeconds * 1000);
  let waiting: Waiting | null = null;
  try {
    const started = await waits.start(
      { requestId, webhookId: webhook.id, shop: webhook.shop, waitUntil },
      { perWebhook: config().ingress.maxWaitingPerWebhook, perShop: config().ingress.maxWaitingPerShop },
    );
    if ("full" in started) {
      return {
        status: 503,
        headers: {
          ...headers,
          "Content-Type": "text/plain; charset=utf-8",
          "Retry-After": String(FULL_RETRY_AFTER_SECONDS),
        },
        body: `Service Unavailable: too many requests are waiting for a response from this ${started.full}; retry in ${FULL_RETRY_AFTER_SECONDS} s\n`,
      };
    }
    waiting = started;
  } catch (error) {
    // Redis is unreachable: nobody could tell this process the answer. Store and say "pending".
    console.warn(
      `ingress: request ${requestId} cannot wait for a response (${(error as Error).message}); answering 202`,
    );
  }

  const stored = await request.store(waiting ? waitUntil : null);
  if (stored.status !== "created") {
    await waiting?.end();
    // A duplicate (dedupe) or a webhook gone meanwhile: as in immediate mode, 204 and nothing new.
    return stored.status === "error" ? storeFailed(headers) : { status: 204, headers, body: null };
  }
  if (!waiting) {
    void enqueueEvent(stored.id);
    return outputFor({ kind: "timeout" }, requestId, headers);
  }

  void enqueueEvent(stored.id, null, { callerWaiting: true });
  try {
    let answer = await waiting.next(Math.max(0, waitUntil.getTime() - Date.now()));
    // Time is up: claim the timeout, unless an answer was claimed first (its message may be on its way).
    answer ??= await waits.claimTimeout(requestId).catch((): AnswerMessage => ({ kind: "timeout" }));
    const output = outputFor(answer, requestId, headers);
    recordEventAnswer(stored.id, output.status, Date.now() - request.receivedAtMs).catch(() => {});
    return output;
  } finally {
    void waiting.end();
  }
}
