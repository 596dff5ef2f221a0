// Which of a task's stored subscription lines match an event topic, and with what delay.
// Parsing is the task module's (app/domain/tasks/subscriptions.ts), so the runner and the editor
// agree on every line; lines that do not parse never match.
import { subscriptionsFor, type Subscription } from "~/domain/tasks/subscriptions";

export type { Subscription };

/** The first subscription of the stored text to `topic`, or null when the task does not subscribe. */
export function subscriptionFor(text: string, topic: string): Subscription | null {
  if (!text.includes(topic)) return null; // cheap check first: most tasks do not subscribe
  return subscriptionsFor(text.split(/\r?\n/), topic)[0] ?? null;
}
