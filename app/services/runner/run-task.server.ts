// "Run task": a manual-run event (mechanic/user/trigger, text or form) for one task only, from the
// task page, the task list or `hookline tasks run`. The event is created the one way events are
// (createEvent: committed, then queued), targeted at the task by id.
import { createEvent, existingEventId } from "~/data/events.server";
import { getTask, TaskNotFoundError } from "~/data/tasks.server";
import { manualRunData, manualRunTopics } from "~/domain/tasks/manual-run";

/** The run was refused: the message says why (shown on the page, printed by the CLI). */
export class ManualRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManualRunError";
  }
}

export interface ManualRunRequest {
  /** Which manual-run topic, when the task subscribes to several (default: the first). */
  topic?: string | null;
  /** The text (mechanic/user/text) or the form's values by option name (mechanic/user/form). */
  data?: unknown;
}

export async function runTaskManually(
  shop: string,
  taskId: string,
  request: ManualRunRequest = {},
): Promise<{ eventId: string; topic: string }> {
  const task = await getTask(shop, taskId);
  if (!task) throw new TaskNotFoundError(taskId);
  if (!task.enabled) throw new ManualRunError("This task is disabled: enable it to run it");
  const run = manualRunData(manualRunTopics(task.subscriptions), task.script, request.topic ?? null, request.data);
  if (!run.ok) throw new ManualRunError(run.error);
  const created = await createEvent({ shop, topic: run.topic, data: run.data, source: "manual", taskIds: [task.id] });
  return { eventId: existingEventId(created).id, topic: run.topic };
}
