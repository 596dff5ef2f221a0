// Events created by the runner (the event action and mechanic/actions/perform follow-ups) go
// through the ingress module's createEvent: the row is committed first, then the job is enqueued
// (delayed until run_at); if Redis refuses, the recovery sweep enqueues it later.
import { createEvent, enqueuePendingEvents } from "~/models/events.server";
import { getEventsQueue } from "~/queue.server";
import type { NewEventInput } from "./runner.server";

export async function createRunnerEvent(input: NewEventInput): Promise<{ id: string }> {
  const result = await createEvent({
    id: input.id,
    shop: input.shop,
    topic: input.topic,
    data: input.data,
    source: input.source,
    parentId: input.parentId,
    depth: input.depth,
    taskIds: input.taskIds,
    runAt: input.runAt,
  });
  if (result.status === "created") return { id: result.id };
  if (result.status === "duplicate" && result.id) return { id: result.id }; // fixed id: created before
  throw new Error(`event was not created (${result.status})`);
}

/** Re-adds an event's job (job id = event id, so an existing job is left alone). */
export async function enqueueEvent(eventId: string): Promise<void> {
  await getEventsQueue().add("event", { eventId }, { jobId: eventId, removeOnComplete: true, removeOnFail: 1000 });
}

export { enqueuePendingEvents };
