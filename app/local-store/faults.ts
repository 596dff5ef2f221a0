// Fault injection for the local development store (which exists only outside production, like
// everything in it): for a while, the Admin GraphQL API answers the way Shopify does when it is in
// trouble, so the app's retries can be seen and tested (issue 16's fault tests).
//   - "5xx": HTTP 5xx (503 unless told) with the body Shopify documents for its internal errors
//     (errors[].extensions.code INTERNAL_SERVER_ERROR and a requestId), before anything is performed.
//   - "throttle": the shop's cost bucket is held empty, as if another client of the same app used it
//     up; requests get Shopify's THROTTLED answer (HTTP 200, errors[].extensions.code "THROTTLED",
//     extensions.cost.throttleStatus) from the store's real bucket, so the wait it reports is right.
// Set over HTTP (`/_local/faults`) or the CLI (`npm run -s local-store -- fault 5xx --for 10s`).
import { randomUUID } from "node:crypto";

export type StoreFaultMode = "5xx" | "throttle";

/** The longest a fault may be set for: a forgotten fault ends on its own. */
export const MAX_FAULT_MS = 10 * 60_000;
export const DEFAULT_FAULT_STATUS = 503;

export interface StoreFaultStatus {
  mode: StoreFaultMode | null;
  /** HTTP status of a "5xx" fault. */
  status: number | null;
  /** ISO time the fault ends. */
  until: string | null;
  /** Answers injected since the store started (or the last reset of the counts). */
  injected: { serverErrors: number; throttled: number };
}

interface ActiveFault {
  mode: StoreFaultMode;
  status: number;
  untilMs: number;
}

/** What is wrong with a fault request, or null. */
export function storeFaultProblem(mode: unknown, forMs: unknown, status: unknown): string | null {
  if (mode !== "5xx" && mode !== "throttle") return 'mode must be "5xx", "throttle" or "none"';
  if (typeof forMs !== "number" || !Number.isFinite(forMs) || forMs <= 0 || forMs > MAX_FAULT_MS)
    return `forMs must be a number of milliseconds above 0 and at most ${MAX_FAULT_MS} (10 minutes)`;
  if (status !== undefined && (typeof status !== "number" || !Number.isInteger(status) || status < 500 || status > 599))
    return "status must be an HTTP status from 500 to 599";
  if (mode === "throttle" && status !== undefined) return "status applies to the 5xx fault only";
  return null;
}

export class StoreFaults {
  private active: ActiveFault | null = null;
  private serverErrors = 0;
  private throttled = 0;

  constructor(private readonly now: () => number) {}

  set(mode: StoreFaultMode, forMs: number, status = DEFAULT_FAULT_STATUS): void {
    const problem = storeFaultProblem(mode, forMs, mode === "5xx" ? status : undefined);
    if (problem) throw new Error(problem);
    this.active = { mode, status, untilMs: this.now() + forMs };
  }

  clear(): void {
    this.active = null;
  }

  private current(): ActiveFault | null {
    if (this.active && this.now() >= this.active.untilMs) this.active = null;
    return this.active;
  }

  /** The 5xx answer to give instead of performing the request, or null (and counts it). */
  serverError(): { status: number; body: Record<string, unknown>; requestId: string } | null {
    const fault = this.current();
    if (fault?.mode !== "5xx") return null;
    this.serverErrors++;
    const requestId = randomUUID();
    return {
      status: fault.status,
      requestId,
      body: {
        errors: [
          {
            message: `Internal error. Looks like something went wrong on our end.\nRequest ID: ${requestId} (include this in support requests).`,
            extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
          },
        ],
      },
    };
  }

  /** Whether the shop's bucket is to be held empty for this request. */
  throttling(): boolean {
    return this.current()?.mode === "throttle";
  }

  /** Counts a THROTTLED answer given while throttling. */
  countThrottled(): void {
    this.throttled++;
  }

  status(): StoreFaultStatus {
    const fault = this.current();
    return {
      mode: fault?.mode ?? null,
      status: fault?.mode === "5xx" ? fault.status : null,
      until: fault ? new Date(fault.untilMs).toISOString() : null,
      injected: { serverErrors: this.serverErrors, throttled: this.throttled },
    };
  }
}
