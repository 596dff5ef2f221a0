// The runner's side of wait-mode webhooks (docs/decisions/0076): a respond action's response is
// handed to the caller waiting for its event, and an event that ends without one tells the caller
// so (502 when something failed, 204 when nothing answered). Only events stored by a wait-mode
// request (responseWaitUntil set) have a caller; other events never touch Redis here.
import type { AnswerMessage, ClaimResult } from "~/data/responses.server";
import type { EventRow } from "~/data/run-store";
import type { DeliverResponse } from "~/domain/actions/respond";
import { describeError } from "~/domain/actions/types";
import type { RunnerDeps } from "./deps";

/** Claims a request's answer and publishes it (app/data/responses.server.ts on the worker's Redis). */
export type ClaimAnswerFn = (requestId: string, message: AnswerMessage) => Promise<ClaimResult>;

export const NOBODY_WAITING = "not delivered: nobody waits for this event (only a request to a wait-mode webhook does)";
export const ALREADY_ANSWERED = "not delivered: already answered";
export const CALLER_GONE = "not delivered: the caller is no longer waiting (its connection closed)";

function lateReason(previous: AnswerMessage | null): string {
  switch (previous?.kind) {
    case "timeout":
      return "not delivered: the caller's wait had ended (answered 202)";
    case "failed":
      return "not delivered: the caller was answered 502 (a task run failed first)";
    case "done":
      return "not delivered: the caller was answered 204 (the event had finished)";
    default:
      return ALREADY_ANSWERED;
  }
}

type WaitedEvent = Pick<EventRow, "requestId" | "responseWaitUntil" | "createdAt">;

function hasCaller(event: WaitedEvent): event is WaitedEvent & { requestId: string } {
  return event.requestId !== null && event.responseWaitUntil !== null;
}

/** The respond action's delivery for one event (performDeps.respond). */
export function deliverResponseFor(event: WaitedEvent, deps: Pick<RunnerDeps, "claimAnswer" | "now">): DeliverResponse {
  return async (response) => {
    if (!hasCaller(event) || !deps.claimAnswer) return { delivered: false, reason: NOBODY_WAITING };
    const result = await deps.claimAnswer(event.requestId, { kind: "response", ...response });
    if (!result.claimed) return { delivered: false, reason: lateReason(result.previous) };
    if (result.listeners === 0) return { delivered: false, reason: CALLER_GONE };
    return { delivered: true, answeredInMs: deps.now().getTime() - event.createdAt.getTime() };
  };
}

/**
 * The event finished: a caller still waiting gets 502 (something failed before any response) or
 * 204 (nothing responded). A response already claimed makes this a no-op. Never throws.
 */
export async function announceEventFinished(
  event: WaitedEvent,
  // A cancelled event answers like one that finished without a response (no internals for the caller).
  status: "succeeded" | "failed" | "cancelled",
  deps: Partial<Pick<RunnerDeps, "claimAnswer" | "log">>,
): Promise<void> {
  if (!hasCaller(event) || !deps.claimAnswer) return;
  try {
    await deps.claimAnswer(event.requestId, { kind: status === "failed" ? "failed" : "done" });
  } catch (error) {
    // The caller then waits for its timeout (202); the event itself is recorded either way.
    (deps.log ?? console.warn)(
      `request ${event.requestId}: could not tell the waiting caller the event finished (${describeError(error)})`,
    );
  }
}
