// "Replay event" and "Retry failed" on the event screen: the runner's own operations
// (app/services/runner/manual.server.ts, the same as `hookline events replay|retry`), after checking that the
// event belongs to the signed-in shop. Both return null for an event the shop does not have.
import prisma from "~/data/db.server";
import { replayEvent as runnerReplay, retryEvent as runnerRetry } from "~/services/runner/manual.server";

async function ownsEvent(shop: string, eventId: string): Promise<boolean> {
  return (await prisma.event.count({ where: { id: eventId, shop } })) === 1;
}

/** A new event with the same topic and data, whose parent is the original. */
export async function replayEvent(shop: string, eventId: string): Promise<{ id: string } | null> {
  if (!(await ownsEvent(shop, eventId))) return null;
  return runnerReplay(eventId);
}

/** Failed task runs render again; failed (or halted) action runs are performed again. */
export async function retryFailedRuns(
  shop: string,
  eventId: string,
): Promise<{ count: number; requeued: boolean } | null> {
  if (!(await ownsEvent(shop, eventId))) return null;
  const report = await runnerRetry(eventId);
  return { count: report.taskRuns + report.actionRuns, requeued: report.requeued };
}
