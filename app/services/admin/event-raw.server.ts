// The stored JSON behind an event page's blocks, for "Download raw JSON": the page shows at most
// JSON_DISPLAY_LIMITS of each (app/domain/json-display.ts); this serves the whole text, for one shop.
import prisma from "~/data/db.server";

export type RawPart = "data" | "actions" | "logs" | "errors" | "options" | "result";
export const RAW_PARTS: readonly RawPart[] = ["data", "actions", "logs", "errors", "options", "result"];

export interface RawText {
  text: string;
  filename: string;
}

/**
 * The stored text of one part of an event of `shop`: its data; a task run's actions, logs or
 * errors (`runId`); an action run's options or result (`actionRunId`). Null when there is none.
 */
export async function rawEventPart(
  shop: string,
  eventId: string,
  part: RawPart,
  ids: { runId?: string | null; actionRunId?: string | null } = {},
): Promise<RawText | null> {
  if (part === "data") {
    const event = await prisma.event.findFirst({ where: { id: eventId, shop }, select: { data: true } });
    return event ? { text: event.data, filename: `event-${eventId}-data.json` } : null;
  }
  if (part === "actions" || part === "logs" || part === "errors") {
    if (!ids.runId) return null;
    const run = await prisma.taskRun.findFirst({
      where: { id: ids.runId, eventId, event: { shop } },
      select: { actions: true, logs: true, errors: true },
    });
    const text = run?.[part];
    return text == null ? null : { text, filename: `task-run-${ids.runId}-${part}.json` };
  }
  if (!ids.actionRunId) return null;
  const action = await prisma.actionRun.findFirst({
    where: { id: ids.actionRunId, taskRun: { eventId, event: { shop } } },
    select: { options: true, result: true },
  });
  const text = action?.[part];
  return text == null ? null : { text, filename: `action-run-${ids.actionRunId}-${part}.json` };
}
