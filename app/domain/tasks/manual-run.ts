// "Run task" (Mechanic's manual-run topics): which of them a task subscribes to, the user form's
// fields (options flagged `userform`, keyed by their name as `input.<name>` in Liquid), and the
// event data a run gets: nothing for mechanic/user/trigger, the text for mechanic/user/text, the
// checked form values for mechanic/user/form. Used by the task page, the task list and the CLI.
import { parseSubscriptions } from "~/domain/tasks/subscriptions";
import { isManualRunTopic, MANUAL_RUN_TOPICS, type ManualRunTopic } from "~/domain/tasks/producible-topics";
import {
  coerceOptionValue,
  describeOption,
  discoverOptionKeys,
  validateOptionValue,
  type OptionDescription,
} from "~/domain/tasks/options";

/** A manual run's text is bounded like a webhook body's data (a text box, not an upload). */
export const MAX_MANUAL_TEXT_LENGTH = 100_000;

/** The manual-run topics the subscriptions include, in Mechanic's order (trigger, text, form). */
export function manualRunTopics(subscriptions: string | string[]): ManualRunTopic[] {
  const topics = new Set(parseSubscriptions(subscriptions).subscriptions.map((s) => s.topic));
  return MANUAL_RUN_TOPICS.filter((topic) => topics.has(topic));
}

/** The user form's fields: the script's options with the `userform` flag. */
export function userFormFields(script: string, subscriptionsTemplate = ""): OptionDescription[] {
  return discoverOptionKeys(script, subscriptionsTemplate)
    .map(describeOption)
    .filter((option) => option.userform);
}

export type ManualRunData = { ok: true; topic: ManualRunTopic; data: unknown } | { ok: false; error: string };

/**
 * The event data for a manual run of a task subscribed to `subscribed`. `topic` picks one when the
 * task has several (default: the first); `raw` is the text (text) or the form's values by option
 * name, as strings from a form or typed values from JSON (form).
 */
export function manualRunData(
  subscribed: ManualRunTopic[],
  script: string,
  topic: string | null,
  raw: unknown,
): ManualRunData {
  if (subscribed.length === 0)
    return {
      ok: false,
      error:
        "This task has no Run task button: subscribe it to mechanic/user/trigger, mechanic/user/text or mechanic/user/form",
    };
  const chosen = topic ?? subscribed[0]!;
  if (!isManualRunTopic(chosen) || !subscribed.includes(chosen))
    return {
      ok: false,
      error: `This task does not subscribe to ${JSON.stringify(chosen)} (it has ${subscribed.join(", ")})`,
    };
  if (chosen === "mechanic/user/trigger") return { ok: true, topic: chosen, data: raw ?? null };
  if (chosen === "mechanic/user/text") {
    const text = raw ?? "";
    if (typeof text !== "string") return { ok: false, error: "The text must be a string" };
    if (text.length > MAX_MANUAL_TEXT_LENGTH)
      return { ok: false, error: `The text is ${text.length} characters; the limit is ${MAX_MANUAL_TEXT_LENGTH}` };
    return { ok: true, topic: chosen, data: text };
  }
  const values = raw ?? {};
  if (typeof values !== "object" || Array.isArray(values))
    return { ok: false, error: "The form's values must be an object of option names and values" };
  const given = values as Record<string, unknown>;
  const fields = userFormFields(script);
  const known = new Set(fields.map((field) => field.name));
  const unknown = Object.keys(given).filter((name) => !known.has(name));
  if (unknown.length > 0)
    return {
      ok: false,
      error: `Unknown form field${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")} (the form has ${fields.map((f) => f.name).join(", ") || "no fields"})`,
    };
  const data: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const field of fields) {
    const value = coerceOptionValue(field, given[field.name]);
    const problem = validateOptionValue(field, value);
    if (problem) problems.push(problem);
    else if (value !== undefined) data[field.name] = value;
  }
  if (problems.length > 0) return { ok: false, error: problems.join("; ") };
  return { ok: true, topic: chosen, data };
}
