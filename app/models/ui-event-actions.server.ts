// "Replay event" and "Retry failed" from the event screen. Both are scoped by shop and return null
// for an event the shop does not have.
import prisma from "../db.server";
import { createEvent, enqueueEvent } from "./events.server";
import { parseJsonExact } from "../domain/ingress/json";

/** A new event with the same topic, data and webhook, whose parent is the original. */
export async function replayEvent(shop: string, eventId: string): Promise<{ id: string } | null> {
  const original = await prisma.event.findFirst({
    where: { id: eventId, shop },
    select: { id: true, topic: true, data: true, webhookId: true, depth: true, contentType: true, bodySize: true },
  });
  if (!original) return null;
  const result = await createEvent({
    shop,
    topic: original.topic,
    data: parseJsonExact(original.data),
    source: "replay",
    webhookId: original.webhookId,
    parentId: original.id,
    depth: original.depth,
    contentType: original.contentType,
    bodySize: original.bodySize,
  });
  if (result.status !== "created") throw new Error(`the replayed event was not created (${result.status})`);
  return { id: result.id };
}

/**
 * Puts the event's failed task runs and action runs back to pending and asks the worker to look at
 * the event again. Failed task runs render again with the task's current version; failed action
 * runs are performed again with their original options. Succeeded runs are never touched.
 */
export async function retryFailedRuns(shop: string, eventId: string): Promise<{ count: number } | null> {
  const event = await prisma.event.findFirst({ where: { id: eventId, shop }, select: { id: true } });
  if (!event) return null;
  const count = await prisma.$transaction(async (tx) => {
    const actions = await tx.actionRun.updateMany({
      where: { status: "failed", taskRun: { eventId: event.id, status: "succeeded" } },
      data: { status: "pending", nextAttemptAt: null, error: null, finishedAt: null },
    });
    const tasks = await tx.taskRun.updateMany({
      where: { eventId: event.id, status: "failed" },
      data: { status: "pending", runAt: new Date(), errors: null, finishedAt: null },
    });
    if (actions.count + tasks.count > 0) {
      await tx.event.update({ where: { id: event.id }, data: { status: "pending", error: null, finishedAt: null } });
    }
    return actions.count + tasks.count;
  });
  if (count > 0) await enqueueEvent(event.id);
  return { count };
}
