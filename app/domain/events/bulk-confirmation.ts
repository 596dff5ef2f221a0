// What "Retry failed" and "Cancel" on the Events page would do to the selected events (counted by
// app/services/admin/event-bulk.server.ts), and the sentences the confirmation says it with.

export interface BulkPreview {
  /** Selected events the shop has. */
  events: number;
  retry: {
    /** Events with something to retry. */
    events: number;
    /** Failed task runs: rendered again, then their actions performed. */
    taskRuns: number;
    /** Failed (or halted) action runs performed again. */
    actionRuns: number;
    /** Of those, Shopify Admin API calls (writes to the store). */
    shopifyActionRuns: number;
    /** Events never processed: enqueued again. */
    unprocessed: number;
  };
  cancel: {
    /** Events with something left to cancel. */
    events: number;
    /** Not started at all (pending or scheduled). */
    pendingEvents: number;
    taskRuns: number;
    actionRuns: number;
  };
}

/** The sentence the confirmation shows before a bulk retry. */
export function retryConfirmation(preview: BulkPreview["retry"]): string {
  const parts: string[] = [];
  if (preview.actionRuns)
    parts.push(`${preview.actionRuns} failed action${preview.actionRuns === 1 ? "" : "s"} will be performed again`);
  if (preview.taskRuns)
    parts.push(
      `${preview.taskRuns} failed task run${preview.taskRuns === 1 ? "" : "s"} will render again and perform the actions ${preview.taskRuns === 1 ? "it renders" : "they render"}`,
    );
  if (preview.unprocessed)
    parts.push(`${preview.unprocessed} unprocessed event${preview.unprocessed === 1 ? "" : "s"} will be queued again`);
  if (!parts.length) return "Nothing to retry: the selected events have no failed runs.";
  let sentence = `${parts.join("; ")}.`;
  if (preview.shopifyActionRuns)
    sentence += ` ${preview.shopifyActionRuns} of the actions ${preview.shopifyActionRuns === 1 ? "is a Shopify write" : "are Shopify writes"}: ${preview.shopifyActionRuns === 1 ? "it" : "they"} will change the store again.`;
  return sentence;
}

export function cancelConfirmation(preview: BulkPreview["cancel"]): string {
  if (!preview.events) return "Nothing to cancel: the selected events have nothing waiting to run.";
  const parts: string[] = [];
  if (preview.pendingEvents)
    parts.push(`${preview.pendingEvents} event${preview.pendingEvents === 1 ? "" : "s"} not started yet`);
  if (preview.taskRuns) parts.push(`${preview.taskRuns} task run${preview.taskRuns === 1 ? "" : "s"} waiting`);
  if (preview.actionRuns)
    parts.push(`${preview.actionRuns} action${preview.actionRuns === 1 ? "" : "s"} not performed yet`);
  return `${parts.join(", ")} will be cancelled and never performed. Actions already being performed finish.`;
}
