// "Retry failed" and "Cancel" for many events at once (the Events page): what each would do, for
// the confirmation, and doing it. Only the shop's own events are touched; ids it does not have are
// ignored (and counted as such). The work itself is the runner's: retryEvent
// (app/services/runner/manual.server.ts) and cancelEvent (app/services/runner/cancel.server.ts).
import prisma from "~/data/db.server";
import type { ActionRunStatus, TaskRunStatus } from "~/domain/runs/status";
import { cancelEvent } from "~/services/runner/cancel.server";
import { retryEvent } from "~/services/runner/manual.server";
import type { BulkPreview } from "~/domain/events/bulk-confirmation";

export type { BulkPreview };

/** Events one request may act on (a page holds at most 100). */
export const MAX_BULK_EVENTS = 100;

const RETRYABLE_ACTION_RUNS = ["failed", "skipped"] satisfies ActionRunStatus[];

export function boundedIds(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((id) => typeof id === "string" && id.length > 0 && id.length <= 100))].slice(
    0,
    MAX_BULK_EVENTS,
  );
}

export async function previewBulk(shop: string, selected: readonly string[]): Promise<BulkPreview> {
  const ids = boundedIds(selected);
  const events = await prisma.event.findMany({
    where: { shop, id: { in: ids } },
    select: {
      id: true,
      status: true,
      taskRuns: { select: { status: true, actionRuns: { select: { status: true, type: true } } } },
    },
  });
  const preview: BulkPreview = {
    events: events.length,
    retry: { events: 0, taskRuns: 0, actionRuns: 0, shopifyActionRuns: 0, unprocessed: 0 },
    cancel: { events: 0, pendingEvents: 0, taskRuns: 0, actionRuns: 0 },
  };
  for (const event of events) {
    let retryable = 0;
    let cancellable = 0;
    if (event.status === "pending") {
      preview.retry.unprocessed++;
      preview.cancel.pendingEvents++;
      retryable++;
      cancellable++;
    }
    for (const run of event.taskRuns) {
      if (run.status === ("failed" satisfies TaskRunStatus)) {
        preview.retry.taskRuns++;
        retryable++;
        continue;
      }
      if (run.status === "pending" || run.status === "running") {
        preview.cancel.taskRuns++;
        cancellable++;
      }
      for (const action of run.actionRuns) {
        if ((RETRYABLE_ACTION_RUNS as string[]).includes(action.status)) {
          preview.retry.actionRuns++;
          if (action.type === "shopify") preview.retry.shopifyActionRuns++;
          retryable++;
        }
        if (action.status === "pending") {
          preview.cancel.actionRuns++;
          cancellable++;
        }
      }
    }
    if (retryable) preview.retry.events++;
    if (cancellable) preview.cancel.events++;
  }
  return preview;
}

export interface BulkResult {
  events: number;
  taskRuns: number;
  actionRuns: number;
}

async function ownedIds(shop: string, selected: readonly string[]): Promise<string[]> {
  const rows = await prisma.event.findMany({
    where: { shop, id: { in: boundedIds(selected) } },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Retries the failed runs of each selected event (and enqueues never-processed ones again). */
export async function retryEvents(shop: string, selected: readonly string[]): Promise<BulkResult> {
  const result: BulkResult = { events: 0, taskRuns: 0, actionRuns: 0 };
  for (const id of await ownedIds(shop, selected)) {
    const report = await retryEvent(id);
    if (report.requeued || report.taskRuns + report.actionRuns > 0) result.events++;
    result.taskRuns += report.taskRuns;
    result.actionRuns += report.actionRuns;
  }
  return result;
}

/** Cancels what has not started in each selected event. */
export async function cancelEvents(
  shop: string,
  selected: readonly string[],
): Promise<BulkResult & { inFlight: number }> {
  const result = { events: 0, taskRuns: 0, actionRuns: 0, inFlight: 0 };
  for (const id of await ownedIds(shop, selected)) {
    const report = await cancelEvent(id);
    if (!report) continue;
    if (report.event || report.taskRuns + report.actionRuns > 0) result.events++;
    result.taskRuns += report.taskRuns;
    result.actionRuns += report.actionRuns;
    result.inFlight += report.inFlight;
  }
  return result;
}
