// Dispatches an action run to its performer. Everything a performer needs from outside is in `deps`.
import { performCache, type CacheStore } from "./cache";
import { performEcho } from "./echo";
import { EMAIL_NOT_CONFIGURED, performEmail, type EmailDeps } from "./email";
import { performEventAction, type NewEventSpec } from "./event";
import { performHttp, type HttpDeps } from "./http";
import { performRespond, type DeliverResponse } from "./respond";
import { performShopify, type AdminGraphqlFn } from "./shopify";
import { permanentFailure, type ActionOutcome } from "./types";

export const SUPPORTED_ACTION_TYPES = ["echo", "shopify", "http", "event", "cache", "email", "respond"] as const;

export interface PerformDeps {
  shopifyGraphql: AdminGraphqlFn;
  http: HttpDeps;
  cache: CacheStore;
  createEvent: (spec: NewEventSpec & { depth: number }) => Promise<{ id: string }>;
  /** Depth of the event being processed (0 for a webhook's event). */
  eventDepth: number;
  /** The email action's sender and transport; without it every email action fails as not configured. */
  email?: EmailDeps;
  /** Hands a respond action's response to the caller waiting for this event (wait-mode webhooks). */
  respond?: DeliverResponse;
  now?: () => Date;
}

export async function performAction(type: string, options: unknown, deps: PerformDeps): Promise<ActionOutcome> {
  switch (type) {
    case "echo":
      return performEcho(options);
    case "shopify":
      return performShopify(options, deps.shopifyGraphql);
    case "http":
      return performHttp(withoutControlKeys(options), deps.http);
    case "event":
      return performEventAction(
        withoutControlKeys(options),
        { depth: deps.eventDepth, now: deps.now?.() ?? new Date() },
        deps.createEvent,
      );
    case "cache":
      return performCache(withoutControlKeys(options), deps.cache);
    case "email":
      return deps.email
        ? performEmail(withoutControlKeys(options), deps.email)
        : permanentFailure(EMAIL_NOT_CONFIGURED);
    case "respond":
      return performRespond(options, deps.respond);
    default:
      return permanentFailure(
        `action type ${JSON.stringify(type)} is not supported by Hookline (supported: ${SUPPORTED_ACTION_TYPES.join(", ")})`,
      );
  }
}

/**
 * Performs an inline action (app/domain/actions/delivery.ts: a pure function of its options)
 * without any dependencies; the same outcome performAction gives it.
 */
export function performInlineAction(type: string, options: unknown): ActionOutcome {
  if (type === "echo") return performEcho(options);
  throw new Error(`action type ${JSON.stringify(type)} is not performed inline`);
}

/** Mechanic's control keys (__perform_event, __meta) are for the runner, not the performer. */
function withoutControlKeys(options: unknown): unknown {
  if (typeof options !== "object" || options === null || Array.isArray(options)) return options;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (k !== "__perform_event" && k !== "__meta") copy[k] = v;
  return copy;
}

export type { ActionOutcome } from "./types";
