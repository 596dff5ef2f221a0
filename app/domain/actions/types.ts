// Shared shapes of the action performers. Performers are plain functions: everything that reaches
// outside (GraphQL, sockets, the database) is passed in, so they are tested without servers.

/** What performing one action run produced. */
export type ActionOutcome =
  | { ok: true; result: unknown }
  | {
      ok: false;
      error: string;
      /** Transient (network, 5xx, THROTTLED): the runner schedules another attempt. */
      retryable: boolean;
      /** Earliest sensible retry, when the failure says so (Shopify's cost bucket). */
      retryAfterMs?: number;
      /** Shopify refused for cost: the shop's bucket is empty, other shops are unaffected. */
      throttled?: boolean;
      /** Whatever was learned before failing (e.g. the GraphQL response), kept for the record. */
      result?: unknown;
    };

export function succeeded(result: unknown): ActionOutcome {
  return { ok: true, result };
}

export function permanentFailure(error: string, result?: unknown): ActionOutcome {
  return result === undefined ? { ok: false, error, retryable: false } : { ok: false, error, retryable: false, result };
}

export function transientFailure(
  error: string,
  extra: { retryAfterMs?: number; throttled?: boolean; result?: unknown } = {},
): ActionOutcome {
  return { ok: false, error, retryable: true, ...extra };
}

export { isPlainObject } from "../plain-object";

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const causeText = cause instanceof Error ? cause.message : cause ? String(cause) : "";
    return causeText && !error.message.includes(causeText) ? `${error.message}: ${causeText}` : error.message;
  }
  return String(error);
}
