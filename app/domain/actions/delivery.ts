// How often an action's effect may happen when a worker dies while performing it
// (docs/decisions/0071). Actions whose effect lives in Hookline's own database are exactly-once:
// `cache` writes its effect and a mark on the action run in one transaction, `event` creates its
// event under an id derived from the action run, `echo` has no effect. They are performed again
// after a dead worker, and the retry finds what the first attempt did. Effects outside (HTTP,
// Shopify, email) cannot be made idempotent from here: at-most-once, an orphaned run is failed and
// left to the merchant's Retry.
import { createHash } from "node:crypto";

export const EXACTLY_ONCE_ACTION_TYPES = ["echo", "cache", "event"] as const;

export function isExactlyOnce(type: string): boolean {
  return (EXACTLY_ONCE_ACTION_TYPES as readonly string[]).includes(type);
}

/**
 * Actions whose outcome is a pure function of their options: no effect anywhere, nothing to wait
 * for (echo). An event's first delivery performs them before its commit and stores them already
 * finished with the claim, in the same transaction (docs/decisions/0080): there is no moment at
 * which they could be half done.
 */
export const INLINE_ACTION_TYPES = ["echo"] as const;

export function performsInline(type: string): boolean {
  return (INLINE_ACTION_TYPES as readonly string[]).includes(type);
}

/** A deterministic UUID-shaped id from a seed: the same seed always names the same event. */
export function derivedEventId(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The id of the event an event action's run creates: one event per action run, whatever the attempts. */
export function eventActionEventId(actionRunId: string): string {
  return derivedEventId(`${actionRunId}:event`);
}
