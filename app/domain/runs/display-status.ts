// One status per event for activity lists, rolled up from the event and all of its runs.

export type RolledUpStatus = "succeeded" | "failed" | "running" | "pending";

const FAILED = new Set(["failed", "dead", "error"]);
const RUNNING = new Set(["running", "started"]);
const DONE = new Set(["succeeded", "skipped", "cancelled"]);

/**
 * Any failure wins (the merchant must see it); then anything still running; then anything not
 * finished (pending, scheduled, unknown); otherwise everything finished well.
 */
export function rollUpStatus(eventStatus: string, runStatuses: readonly string[]): RolledUpStatus {
  const all = [eventStatus, ...runStatuses];
  if (all.some((s) => FAILED.has(s))) return "failed";
  if (all.some((s) => RUNNING.has(s))) return "running";
  if (all.some((s) => !DONE.has(s))) return "pending";
  return "succeeded";
}

export type BadgeTone = "success" | "critical" | "info" | "attention" | undefined;

export function statusTone(status: string): BadgeTone {
  if (status === "succeeded") return "success";
  if (FAILED.has(status)) return "critical";
  if (RUNNING.has(status)) return "info";
  if (status === "skipped" || status === "cancelled") return undefined;
  return "attention";
}

export function statusLabel(status: string): string {
  if (!status) return "Unknown";
  return status.charAt(0).toUpperCase() + status.slice(1);
}
