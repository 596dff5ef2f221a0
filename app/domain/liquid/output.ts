// Reads a task's rendered output the way Mechanic does: a stream of JSON objects, each one of
// {"action": {...}}, {"log": ...} or {"error": ...}. The action/log/error tags render exactly
// these objects; authors may also write them as raw JSON.
import { parseJsonStream, serializeJson } from "./json";
import { isPlainObject } from "./values";

export interface OutputAction {
  type: string;
  options: unknown;
  meta: unknown | null;
  performEvent: boolean;
}

export interface InterpretedOutput {
  actions: OutputAction[];
  logs: unknown[];
  errors: string[];
}

const PERFORM_EVENT = "__perform_event";
const META = "__meta";

/** Error objects may hold any JSON; the task run records them as text. */
export function errorText(value: unknown): string {
  if (typeof value === "string") return value;
  return serializeJson(value);
}

function readAction(value: unknown, index: number): OutputAction | string {
  if (!isPlainObject(value)) return `Output object ${index + 1}: "action" must be an object with "type" and "options"`;
  const { type } = value;
  if (typeof type !== "string" || type.trim() === "")
    return `Output object ${index + 1}: action "type" must be a non-empty string`;
  const unknownKeys = Object.keys(value).filter((key) => !["type", "options", "meta", PERFORM_EVENT].includes(key));
  if (unknownKeys.length)
    return `Output object ${index + 1}: unknown action key(s) ${unknownKeys.map((key) => JSON.stringify(key)).join(", ")}`;
  let options = value.options ?? null;
  let meta: unknown = value.meta ?? null;
  let performEvent = value[PERFORM_EVENT] !== false;
  // Control parameters may also sit inside mapped options ({"__perform_event": false, "__meta": …}).
  if (isPlainObject(options) && (PERFORM_EVENT in options || META in options)) {
    const { [PERFORM_EVENT]: performEventOption, [META]: metaOption, ...rest } = options;
    if (performEventOption === false) performEvent = false;
    if (metaOption !== undefined) meta = metaOption;
    options = rest;
  }
  return { type, options, meta, performEvent };
}

export function interpretOutput(output: string): InterpretedOutput {
  const result: InterpretedOutput = { actions: [], logs: [], errors: [] };
  const stream = parseJsonStream(output);
  stream.values.forEach((object, index) => {
    if (!isPlainObject(object)) {
      result.errors.push(`Output object ${index + 1} is not a JSON object`);
      return;
    }
    const keys = Object.keys(object);
    if (keys.length !== 1 || !["action", "log", "error"].includes(keys[0])) {
      result.errors.push(
        `Output object ${index + 1} must have exactly one key, "action", "log" or "error" (found ${keys.map((key) => JSON.stringify(key)).join(", ") || "none"})`,
      );
      return;
    }
    const [key] = keys;
    if (key === "log") result.logs.push(object.log);
    else if (key === "error") result.errors.push(errorText(object.error));
    else {
      const action = readAction(object.action, index);
      if (typeof action === "string") result.errors.push(action);
      else result.actions.push(action);
    }
  });
  if (stream.error) result.errors.push(stream.error);
  return result;
}
