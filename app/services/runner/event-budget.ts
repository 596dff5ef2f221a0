// Events created by the runner (event actions, mechanic/actions/perform follow-ups) go through
// here: each carries its chain's originating event, and is created only while the chain and the
// shop have room (app/domain/runs/fan-out-limits.ts, docs/decisions/0070 and 0090: the chain's cap
// is checked and reserved atomically by the insert itself). An event with a fixed
// id that exists already (a retried action) is answered from the database without counting it again.
import type { EventRow } from "~/data/run-store";
import { DEFAULT_FAN_OUT_LIMITS, EVENT_RATE_WINDOW_MS, eventBudgetProblem } from "~/domain/runs/fan-out-limits";
import type { NewEventInput, RunnerDeps } from "./deps";

/** The originating event of `event`'s chain: its own origin, or itself when it began one. */
export function originOf(event: Pick<EventRow, "id" | "originId">): string {
  return event.originId ?? event.id;
}

/**
 * Creates an event caused by `cause` (an action of one of its task runs). Throws EventBudgetError
 * when the chain has created its maximum or the shop's rate limit is used up.
 */
export async function createEventWithinBudget(
  cause: Pick<EventRow, "id" | "originId" | "shop">,
  input: NewEventInput,
  deps: Pick<RunnerDeps, "store" | "createEvent" | "now" | "fanOut">,
): Promise<{ id: string }> {
  if (input.id && (await deps.store.getEvent(input.id))) return { id: input.id };
  const originId = originOf(cause);
  const since = new Date(deps.now().getTime() - EVENT_RATE_WINDOW_MS);
  const counts = await deps.store.eventBudgetCounts(cause.shop, originId, since);
  const limits = deps.fanOut ?? DEFAULT_FAN_OUT_LIMITS;
  const problem = eventBudgetProblem(counts, limits);
  if (problem) throw problem;
  // The read above is a quick refusal; the cap itself is enforced where the event is inserted.
  return deps.createEvent({ ...input, originId, maxEventsInChain: limits.maxEventsPerOrigin });
}
