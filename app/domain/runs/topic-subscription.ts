// Which of a task's stored subscription lines match an event topic, and with what delay.
// Parsing is the task module's (app/domain/tasks/subscriptions.ts), so the runner and the editor
// agree on every line; lines that do not parse never match.
import { subscriptionsFor, type Subscription } from "~/domain/tasks/subscriptions";

export type { Subscription };

// The runner asks the same question for every event a task receives; parsing and validating the
// lines each time was a measurable share of an event's cost. Answers are kept per (text, topic),
// a bounded number of them (a task's text changes with its version, so old answers just age out).
const MAX_REMEMBERED = 2_000;
const remembered = new Map<string, Subscription | null>();

/** The first subscription of the stored text to `topic`, or null when the task does not subscribe. */
export function subscriptionFor(text: string, topic: string): Subscription | null {
  if (!text.includes(topic)) return null; // cheap check first: most tasks do not subscribe
  const key = `${topic}\u0000${text}`;
  const known = remembered.get(key);
  if (known !== undefined) return known && { ...known };
  const found = subscriptionsFor(text.split(/\r?\n/), topic)[0] ?? null;
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(key, found);
  return found && { ...found };
}
