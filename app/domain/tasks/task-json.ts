// Mechanic's task JSON (as exported by Mechanic and stored in its public task library) to and
// from Hookline's TaskDraft. Keys Hookline does not use (online_store_javascript, …) and keys it
// does not know are kept in `extra`, so an import followed by an export loses nothing.
import { parseJson, stringifyJson } from "~/domain/json";
import { isPlainObject } from "~/domain/liquid/values";
import { convertOptionValues, OPTION_KEY_PATTERN } from "./options";
import { mergeRepeatedSubscriptions, parseSubscriptions } from "./subscriptions";
import { MAX_NAME_LENGTH, MAX_SCRIPT_LENGTH, taskJsonSizeProblem } from "./rules";

export interface PreviewEventDefinition {
  description: string;
  event_attributes: { topic?: string; data?: unknown; [k: string]: unknown };
}

export interface TaskDraft {
  name: string;
  subscriptions: string[];
  subscriptionsTemplate: string | null;
  script: string;
  options: Record<string, unknown>;
  docs: string | null;
  performActionRunsInSequence: boolean;
  haltActionRunSequenceOnError: boolean;
  previewEventDefinitions: PreviewEventDefinition[];
  /** Every other key of the task JSON, verbatim (online_store_javascript, shopify_api_version, …). */
  extra: Record<string, unknown>;
}

export type TaskJsonResult = { ok: true; draft: TaskDraft } | { ok: false; errors: string[] };

/** Keys mapped to TaskDraft fields; everything else goes to `extra`. */
const MAPPED_KEYS = [
  "name",
  "options",
  "script",
  "subscriptions",
  "subscriptions_template",
  "docs",
  "perform_action_runs_in_sequence",
  "halt_action_run_sequence_on_error",
  "preview_event_definitions",
] as const;

/** Mechanic's export order, used when writing task JSON. */
const EXPORT_ORDER = [
  "name",
  "options",
  "subscriptions",
  "subscriptions_template",
  "script",
  "docs",
  "online_store_javascript",
  "order_status_javascript",
  "shopify_api_version",
  "liquid_profiling",
  "perform_action_runs_in_sequence",
  "halt_action_run_sequence_on_error",
  "preview_event_definitions",
];

export { MAX_NAME_LENGTH, MAX_SCRIPT_LENGTH } from "./rules";

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "bigint") return "a number";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Validate a parsed task JSON value and map it to a TaskDraft. */
export function taskDraftFromJson(value: unknown): TaskJsonResult {
  if (!isPlainObject(value)) return { ok: false, errors: [`Task JSON must be an object, not ${describeType(value)}`] };
  const errors: string[] = [];
  const text = (key: string, { required = false, max = Infinity } = {}): string | null => {
    const item = value[key];
    if (item === undefined || item === null) {
      if (required) errors.push(`"${key}" is required`);
      return null;
    }
    if (typeof item !== "string") {
      errors.push(`"${key}" must be a string, not ${describeType(item)}`);
      return null;
    }
    if (item.length > max) errors.push(`"${key}" is longer than ${max} characters`);
    return item;
  };
  const flag = (key: string): boolean => {
    const item = value[key];
    if (item === undefined || item === null) return false;
    if (typeof item !== "boolean") {
      errors.push(`"${key}" must be true or false, not ${describeType(item)}`);
      return false;
    }
    return item;
  };

  const name = text("name", { required: true, max: MAX_NAME_LENGTH }) ?? "";
  if (value.name !== undefined && typeof value.name === "string" && name.trim() === "")
    errors.push('"name" must not be blank');
  const script = text("script", { required: true, max: MAX_SCRIPT_LENGTH }) ?? "";
  const subscriptionsTemplate = text("subscriptions_template", { max: MAX_SCRIPT_LENGTH });
  const docs = text("docs", { max: MAX_SCRIPT_LENGTH });

  let subscriptions: string[] = [];
  if (value.subscriptions !== undefined && value.subscriptions !== null) {
    if (!Array.isArray(value.subscriptions) || !value.subscriptions.every((item) => typeof item === "string")) {
      errors.push('"subscriptions" must be an array of topic strings');
    } else {
      subscriptions = mergeRepeatedSubscriptions(
        value.subscriptions.map((item: string) => item.trim()).filter(Boolean),
      );
      for (const problem of parseSubscriptions(subscriptions).errors)
        errors.push(`"subscriptions" entry ${problem.line}: ${problem.message}`);
    }
  }

  let options: Record<string, unknown> = {};
  if (value.options !== undefined && value.options !== null) {
    if (!isPlainObject(value.options)) errors.push(`"options" must be an object, not ${describeType(value.options)}`);
    else {
      options = convertOptionValues(value.options);
      for (const key of Object.keys(options)) {
        if (!OPTION_KEY_PATTERN.test(key))
          errors.push(
            `"options" key "${key}" is not a valid option key (lowercase letters, digits and underscores, starting with a letter)`,
          );
      }
    }
  }

  const previewEventDefinitions: PreviewEventDefinition[] = [];
  const definitions = value.preview_event_definitions;
  if (definitions !== undefined && definitions !== null) {
    if (!Array.isArray(definitions))
      errors.push(`"preview_event_definitions" must be an array, not ${describeType(definitions)}`);
    else {
      definitions.forEach((definition, index) => {
        const where = `"preview_event_definitions" entry ${index + 1}`;
        if (!isPlainObject(definition)) {
          errors.push(`${where} must be an object`);
          return;
        }
        const attributes = definition.event_attributes ?? {};
        if (!isPlainObject(attributes)) {
          errors.push(`${where}: "event_attributes" must be an object`);
          return;
        }
        if (attributes.topic !== undefined && typeof attributes.topic !== "string")
          errors.push(`${where}: "event_attributes.topic" must be a string`);
        if (definition.description !== undefined && typeof definition.description !== "string")
          errors.push(`${where}: "description" must be a string`);
        previewEventDefinitions.push({
          ...definition,
          description: typeof definition.description === "string" ? definition.description : "",
          event_attributes: attributes,
        });
      });
    }
  }

  const performActionRunsInSequence = flag("perform_action_runs_in_sequence");
  const haltActionRunSequenceOnError = flag("halt_action_run_sequence_on_error");
  // Light checks on the kept keys Mechanic defines, so a typo'd export is caught early.
  for (const key of ["online_store_javascript", "order_status_javascript", "shopify_api_version"])
    text(key, { max: MAX_SCRIPT_LENGTH });
  if (
    value.liquid_profiling !== undefined &&
    value.liquid_profiling !== null &&
    typeof value.liquid_profiling !== "boolean"
  ) {
    errors.push(`"liquid_profiling" must be true or false, not ${describeType(value.liquid_profiling)}`);
  }

  const extra: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!(MAPPED_KEYS as readonly string[]).includes(key)) extra[key] = item;
  }

  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    draft: {
      name: name.trim(),
      subscriptions,
      subscriptionsTemplate,
      script,
      options,
      docs,
      performActionRunsInSequence,
      haltActionRunSequenceOnError,
      previewEventDefinitions,
      extra,
    },
  };
}

/** Parse task JSON text (64-bit integers in preview data stay exact) and map it to a TaskDraft. */
export function parseTaskJson(text: string): TaskJsonResult {
  if (typeof text !== "string" || text.trim() === "") return { ok: false, errors: ["Task JSON is empty"] };
  const tooLarge = taskJsonSizeProblem(text);
  if (tooLarge) return { ok: false, errors: [tooLarge] };
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    return { ok: false, errors: [`Task JSON is not valid JSON: ${(error as Error).message}`] };
  }
  return taskDraftFromJson(value);
}

/** The task as a Mechanic task JSON object, known keys in Mechanic's order, then extra keys. */
export function taskDraftToJson(draft: TaskDraft): Record<string, unknown> {
  const mapped: Record<string, unknown> = {
    name: draft.name,
    options: draft.options ?? {},
    subscriptions: draft.subscriptions ?? [],
    subscriptions_template: draft.subscriptionsTemplate ?? (draft.subscriptions ?? []).join("\n"),
    script: draft.script,
    docs: draft.docs ?? "",
    online_store_javascript: null,
    order_status_javascript: null,
    shopify_api_version: null,
    liquid_profiling: false,
    perform_action_runs_in_sequence: draft.performActionRunsInSequence,
    halt_action_run_sequence_on_error: draft.haltActionRunSequenceOnError,
    preview_event_definitions: draft.previewEventDefinitions ?? [],
  };
  const out: Record<string, unknown> = {};
  for (const key of EXPORT_ORDER)
    out[key] =
      key in (draft.extra ?? {}) && !(MAPPED_KEYS as readonly string[]).includes(key) ? draft.extra[key] : mapped[key];
  for (const [key, item] of Object.entries(draft.extra ?? {})) if (!(key in out)) out[key] = item;
  return out;
}

/** Pretty-printed task JSON text, safe for 64-bit integers. */
export function stringifyTaskJson(draft: TaskDraft): string {
  return `${stringifyJson(taskDraftToJson(draft), 2)}\n`;
}
