// The "event" action: a new event for the same shop. Topics must be user/<subject>/<verb>; a chain of
// events creating events stops at MAX_EVENT_DEPTH so a task that re-triggers itself cannot loop forever.
import {
  isPlainObject,
  permanentFailure,
  succeeded,
  transientFailure,
  describeError,
  type ActionOutcome,
} from "./types";
import { FloatNumber } from "~/domain/json";
import { EventBudgetError } from "~/domain/runs/fan-out-limits";

export const MAX_EVENT_DEPTH = 5;
const USER_TOPIC = /^user\/[a-z0-9_]+\/[a-z0-9_]+$/;

export interface NewEventSpec {
  topic: string;
  data: unknown;
  runAt: Date | null;
  taskIds: string[] | null;
}

export interface EventActionContext {
  /** Depth of the event whose task emitted this action (0 for a webhook's event). */
  depth: number;
  now: Date;
}

export function parseEventOptions(options: unknown, now: Date): NewEventSpec | { error: string } {
  if (!isPlainObject(options)) return { error: "the event action needs an object with topic and data" };
  const topic = options.topic;
  if (typeof topic !== "string" || !USER_TOPIC.test(topic)) {
    return {
      error: `event action topic must look like user/<subject>/<verb> with lowercase letters, digits and underscores (got ${JSON.stringify(topic ?? null)})`,
    };
  }
  let runAt: Date | null = null;
  const rawRunAt = options.run_at;
  if (rawRunAt !== undefined && rawRunAt !== null && rawRunAt !== "") {
    const parsed =
      typeof rawRunAt === "number" || typeof rawRunAt === "bigint" || rawRunAt instanceof FloatNumber
        ? new Date(Number(rawRunAt) * 1000)
        : typeof rawRunAt === "string" && /^\d+(\.\d+)?$/.test(rawRunAt.trim())
          ? new Date(Number(rawRunAt) * 1000)
          : typeof rawRunAt === "string"
            ? new Date(rawRunAt)
            : new Date(NaN);
    if (Number.isNaN(parsed.getTime()))
      return {
        error: `event action run_at must be a unix time or a date string (got ${JSON.stringify(String(rawRunAt))})`,
      };
    runAt = parsed.getTime() > now.getTime() ? parsed : null; // a past time runs immediately
  }
  let taskIds: string[] | null = null;
  const ids =
    options.task_ids ?? (options.task_id !== undefined && options.task_id !== null ? [options.task_id] : undefined);
  if (ids !== undefined && ids !== null) {
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== "string" || id === "")) {
      return { error: "event action task_id must be a task id and task_ids a non-empty list of task ids" };
    }
    taskIds = ids as string[];
  }
  return { topic, data: options.data === undefined ? null : options.data, runAt, taskIds };
}

export async function performEventAction(
  options: unknown,
  context: EventActionContext,
  createEvent: (spec: NewEventSpec & { depth: number }) => Promise<{ id: string }>,
): Promise<ActionOutcome> {
  const spec = parseEventOptions(options, context.now);
  if ("error" in spec) return permanentFailure(spec.error);
  const depth = context.depth + 1;
  if (depth > MAX_EVENT_DEPTH) {
    return permanentFailure(
      `event depth limit reached: this event would be generation ${depth} of a chain (at most ${MAX_EVENT_DEPTH}); not creating it, to stop a loop`,
    );
  }
  try {
    const created = await createEvent({ ...spec, depth });
    return succeeded({
      event_id: created.id,
      topic: spec.topic,
      run_at: spec.runAt ? spec.runAt.toISOString() : null,
      task_ids: spec.taskIds,
    });
  } catch (error) {
    if (error instanceof EventBudgetError) {
      return error.retryAfterMs === null
        ? permanentFailure(error.message)
        : transientFailure(error.message, { retryAfterMs: error.retryAfterMs });
    }
    return transientFailure(`could not create the event: ${describeError(error)}`);
  }
}
