// Which tasks receive an error event (Mechanic's rule, platform/error-handling.md): a task that
// subscribes only to error topics receives every error event of its shop; a task that subscribes to
// other topics too receives only its own mechanic/errors/task and mechanic/errors/action events,
// and never mechanic/errors/event.
import { isErrorTopic } from "~/domain/tasks/producible-topics";

export function receivesErrorEvent(
  subscribedTopics: readonly string[],
  topic: string,
  originTaskId: string | null,
  taskId: string,
): boolean {
  if (!isErrorTopic(topic) || !subscribedTopics.includes(topic)) return false;
  if (subscribedTopics.every(isErrorTopic)) return true;
  return topic !== "mechanic/errors/event" && originTaskId === taskId;
}
