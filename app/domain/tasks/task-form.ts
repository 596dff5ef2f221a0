// The task editor's form: state shape, subscription checks and option value conversion. Pure, so
// the browser shows the same messages the server returns.
import { validateUserTopic } from "~/domain/topics";
import { unproducibleTopicReason } from "~/domain/tasks/producible-topics";
import { describeOption, discoverOptionKeys, type OptionDescription } from "~/domain/tasks/options";

/** What the editor posts (as JSON) and keeps while the merchant edits. */
export interface TaskFormState {
  name: string;
  subscriptions: string;
  script: string;
  /** Raw form values by option key: strings, or booleans for checkboxes, or string lists for multiselects. */
  options: Record<string, string | boolean | string[]>;
  performActionRunsInSequence: boolean;
  haltActionRunSequenceOnError: boolean;
  enabled: boolean;
  /** The shipped template the script came from, if any (its preview events and docs come along). */
  template?: string | null;
  /** Set after the merchant confirmed saving an enabled task whose script does not parse. */
  confirmBrokenScript?: boolean;
}

export type TaskFormErrors = Partial<Record<"name" | "subscriptions" | "script" | "form", string>> & {
  options?: Record<string, string>;
};

export const EMPTY_TASK_FORM: TaskFormState = {
  name: "",
  subscriptions: "",
  script: "",
  options: {},
  performActionRunsInSequence: false,
  haltActionRunSequenceOnError: false,
  enabled: true,
};

// Browser-side hint only: the authoritative check is app/domain/tasks/subscriptions.ts on save
// (it loads the Liquid engine, which does not belong in the browser bundle).
const LINE = /^([^+\s]+)(?:\+(\d+)\.([a-z]+))?$/;
const UNITS = new Set(["second", "minute", "hour", "day", "week", "month", "year"]);
const SEGMENT = /^[a-z0-9_]+$/;

function lineProblem(line: string): string | null {
  const match = LINE.exec(line);
  if (!match) {
    if (/\s/.test(line)) return `"${line}" contains spaces; write one topic per line, like user/orders/created+1.hour`;
    return `"${line}" is not a subscription; expected domain/subject/verb with an optional +N.unit delay (e.g. +30.minutes)`;
  }
  const [, topic = "", , unitText] = match;
  const segments = topic.split("/");
  if (segments[0] === "user") {
    const check = validateUserTopic(topic);
    if (!check.ok) return check.message;
  } else if (segments[0] === "shopify" || segments[0] === "mechanic") {
    if (segments.length < 3 || !segments.every((segment) => SEGMENT.test(segment))) {
      return `Topic "${topic}" must look like ${segments[0]}/<subject>/<verb>`;
    }
  } else if (segments.length !== 3 || !segments.every((segment) => SEGMENT.test(segment))) {
    return `Topic "${topic}" must start with user/, shopify/ or mechanic/`;
  }
  if (unitText !== undefined && !UNITS.has(unitText.replace(/s$/, ""))) {
    return `Unknown delay unit "${unitText}" in "${line}" (use seconds, minutes, hours, days, weeks, months or years)`;
  }
  return unproducibleTopicReason(topic);
}

/** What is wrong with each subscription line (empty when all are fine). */
export function subscriptionProblems(text: string): string[] {
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    const problem = lineProblem(line);
    if (problem) problems.push(`Line ${index + 1}: ${problem}`);
  });
  return problems;
}

export function subscriptionTopics(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => LINE.exec(line.trim())?.[1])
    .filter((topic): topic is string => Boolean(topic));
}

/** The options a script references, described for the form. */
export function optionFields(script: string): OptionDescription[] {
  return discoverOptionKeys(script).map(describeOption);
}

/** A stored option value as the form shows it. */
export function optionRawValue(description: OptionDescription, stored: unknown): string | boolean | string[] {
  if (description.type === "boolean") return stored === true;
  if (description.type === "multiselect") return Array.isArray(stored) ? stored.map(String) : [];
  if (stored === null || stored === undefined) return "";
  if (Array.isArray(stored)) return stored.map(String).join("\n");
  if (typeof stored === "object") {
    return Object.entries(stored as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join("\n");
  }
  return String(stored);
}

/** Reads the editor's JSON payload; anything malformed becomes a form-level error. */
export function parseTaskPayload(text: unknown): { ok: true; state: TaskFormState } | { ok: false; error: string } {
  if (typeof text !== "string" || text.length === 0) return { ok: false, error: "The form was empty" };
  if (text.length > 1_000_000) return { ok: false, error: "The task is larger than 1 MB" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: "The form could not be read (malformed JSON)" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, error: "The form could not be read" };
  const v = value as Record<string, unknown>;
  const str = (key: string) => (typeof v[key] === "string" ? (v[key] as string) : "");
  const options: TaskFormState["options"] = {};
  if (typeof v.options === "object" && v.options !== null && !Array.isArray(v.options)) {
    for (const [key, raw] of Object.entries(v.options as Record<string, unknown>)) {
      if (key === "__proto__") continue;
      if (typeof raw === "string" || typeof raw === "boolean") options[key] = raw;
      else if (Array.isArray(raw)) options[key] = raw.map(String);
    }
  }
  return {
    ok: true,
    state: {
      name: str("name"),
      subscriptions: str("subscriptions"),
      script: str("script"),
      options,
      performActionRunsInSequence: v.performActionRunsInSequence === true,
      haltActionRunSequenceOnError: v.haltActionRunSequenceOnError === true,
      enabled: v.enabled !== false,
      template: typeof v.template === "string" && /^[a-z-]{1,40}$/.test(v.template) ? v.template : null,
      confirmBrokenScript: v.confirmBrokenScript === true,
    },
  };
}

// ------------------------------------------------------------------ what the editor and the server exchange

// The live action preview shows a script's error in place of its sentence (never "no actions"),
// app/services/admin/tasks.server.ts; the editor shows it in the critical tone.
const PREVIEW_ERROR_PREFIX = "The script fails: ";

export function previewErrorSentence(message: string): string {
  return `${PREVIEW_ERROR_PREFIX}${message}`;
}

export function isPreviewErrorSentence(sentence: string | null): boolean {
  return sentence !== null && sentence.startsWith(PREVIEW_ERROR_PREFIX);
}

/** A shipped template as the editor offers it. */
export interface TaskTemplateChoice {
  id: string;
  name: string;
  description: string;
  subscriptions: string;
  script: string;
  options: Record<string, unknown>;
}

export interface DryRunResponse {
  intent: "dry-run";
  result: DryRunResult;
}

/** One rendered preview: the actions the script would perform, its logs and errors. */
export interface DryRunTopicResult {
  topic: string;
  /** Where the event came from: a preview definition's description, a recent event, or example data. */
  description?: string;
  /** `response`: what a wait-mode webhook's caller would get from a respond action. */
  actions: { type: string; options: string; response?: string }[];
  logs: string[];
  errors: string[];
  durationMs: number;
}

/**
 * What a dry run shows. Against one event: that event's result. Against "every subscribed topic"
 * (Mechanic's preview): the first result's fields, and `perTopic` with one result per preview event.
 */
export type DryRunResult =
  ({ ok: true; perTopic?: DryRunTopicResult[] } & DryRunTopicResult) | { ok: false; error: string };
