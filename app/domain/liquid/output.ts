// Reads a task's rendered output the way Mechanic does: a stream of JSON objects, each one of
// {"action": {...}}, {"log": ...} or {"error": ...}. The action/log/error tags render exactly
// these objects; authors may also write them as raw JSON.
import { Drop } from "liquidjs";
import { closingQuote, parseJson, writeJson } from "~/domain/json";
import { isPlainObject } from "./values";

/** Ruby's JSON.generate refuses nesting deeper than 100; so do `json` and the output tags. */
const MAX_OUTPUT_DEPTH = 100;

export interface SerializeOptions {
  /** Called with the size of each piece written, so callers can enforce memory limits. */
  charge?: (size: number) => void;
  /** Indentation like JSON.stringify's third argument. */
  space?: number;
}

/** Liquid's JSON writer: exact numbers (app/domain/json.ts); Drops are their values, else null. */
export function serializeJson(value: unknown, options: SerializeOptions = {}): string {
  // Scalars (most `| json` calls) without the writer's machinery.
  if (typeof value === "string") {
    const text = JSON.stringify(value);
    options.charge?.(text.length);
    return text;
  }
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value === null || value === undefined) return "null";
  try {
    // Named properties, not a spread of options: spreading an object with a function in it cost
    // V8 several microseconds per call, more than writing a small object.
    return writeJson(value, {
      charge: options.charge,
      space: options.space,
      unwrap: plainDrop,
      maxDepth: MAX_OUTPUT_DEPTH,
      rubyFloats: true,
    });
  } catch (error) {
    if (error instanceof Error && /nested deeper|circular/.test(error.message))
      throw new Error(`json: ${error.message.replace(/^JSON:? ?/, "")}`);
    throw error;
  }
}

function plainDrop(value: unknown): unknown {
  if (!(value instanceof Drop)) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
  const plain = typeof value.valueOf === "function" ? value.valueOf() : null;
  return plain instanceof Drop ? null : plain;
}

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
  /** The errors that error objects ({% error %}) rendered: the task's own, not script problems. */
  errorObjects: string[];
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
  const result: InterpretedOutput = { actions: [], logs: [], errors: [], errorObjects: [] };
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
    else if (key === "error") {
      result.errors.push(errorText(object.error));
      result.errorObjects.push(errorText(object.error));
    } else {
      const action = readAction(object.action, index);
      if (typeof action === "string") result.errors.push(action);
      else result.actions.push(action);
    }
  });
  if (stream.error) result.errors.push(stream.error);
  return result;
}

export interface JsonStreamResult {
  values: unknown[];
  error: string | null;
}

/**
 * Parse a task's rendered output: a stream of JSON objects separated by optional whitespace.
 * Stops at the first problem; values parsed before it are returned with the error.
 */
export function parseJsonStream(text: string): JsonStreamResult {
  const values: unknown[] = [];
  let position = 0;
  while (true) {
    while (position < text.length && /\s/.test(text[position])) position++;
    if (position >= text.length) return { values, error: null };
    if (text[position] !== "{") {
      return { values, error: `Output is not valid JSON: unexpected ${describeAt(text, position)}` };
    }
    const end = findObjectEnd(text, position);
    if (end < 0) {
      return { values, error: `Output is not valid JSON: unterminated object starting ${where(text, position)}` };
    }
    const slice = text.slice(position, end);
    try {
      values.push(parseJson(slice));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { values, error: `Output is not valid JSON: object starting ${where(text, position)}: ${reason}` };
    }
    position = end;
  }
}

/** Index just past the `}` that closes the object opened at `start`, or -1. */
function findObjectEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34 /* " */) {
      // Strings are skipped whole: an action's options can hold a large payload.
      i = closingQuote(text, i);
      if (i < 0) return -1;
    } else if (code === 123 /* { */ || code === 91 /* [ */) depth++;
    else if (code === 125 /* } */ || code === 93 /* ] */) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function where(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return `at line ${line}, column ${column}`;
}

function describeAt(text: string, position: number): string {
  const snippet = text.slice(position, position + 40).split("\n")[0];
  return `${JSON.stringify(snippet)} ${where(text, position)}`;
}
