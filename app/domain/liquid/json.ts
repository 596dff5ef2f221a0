// JSON in and out of Liquid, without losing 64-bit integers.
//
// Serializing: BigInt prints exactly, floats print the Ruby way (3.0), Drops and functions are
// null. Parsing: integers beyond 2^53 become BigInt; with `boxFloats`, decimals become
// LiquidFloat so `{{ "3.0" | parse_json }}` prints 3.0 as Ruby would.
import { parse as losslessParse } from "lossless-json";
import { Drop } from "liquidjs";
import { BinaryString, LiquidFloat, isPlainObject, rubyFloatString } from "./values";

const MAX_DEPTH = 100;

export interface SerializeOptions {
  /** Called with the size of each piece written, so callers can enforce memory limits. */
  charge?: (size: number) => void;
  /** Indentation like JSON.stringify's third argument. */
  space?: number;
}

export function serializeJson(value: unknown, options: SerializeOptions = {}): string {
  const stack: unknown[] = [];
  const indentUnit = options.space && options.space > 0 ? " ".repeat(Math.min(options.space, 10)) : "";
  const charge = options.charge ?? (() => {});

  function write(input: unknown, indent: string): string {
    let value = input;
    if (value instanceof Drop) value = typeof value.valueOf === "function" ? value.valueOf() : null;
    if (value instanceof Drop) return "null";
    if (value === null || value === undefined) return "null";
    if (value instanceof LiquidFloat) return floatJson(value.value);
    if (value instanceof BinaryString) return JSON.stringify(value.toString());
    switch (typeof value) {
      case "string": {
        const text = JSON.stringify(value);
        charge(text.length);
        return text;
      }
      case "boolean":
        return value ? "true" : "false";
      case "bigint":
        return value.toString();
      case "number":
        return Number.isInteger(value) ? String(value) : floatJson(value);
      case "function":
      case "symbol":
        return "null";
    }
    if (value instanceof Date) return JSON.stringify(value.toISOString());
    if (stack.includes(value)) throw new Error("json: circular structure");
    if (stack.length >= MAX_DEPTH) throw new Error(`json: nested deeper than ${MAX_DEPTH} levels`);
    stack.push(value);
    const inner = indent + indentUnit;
    const open = indentUnit ? `\n${inner}` : "";
    const close = indentUnit ? `\n${indent}` : "";
    const separator = indentUnit ? `,\n${inner}` : ",";
    let out: string;
    if (Array.isArray(value)) {
      charge(value.length + 2);
      out = value.length === 0 ? "[]" : `[${open}${value.map((item) => write(item, inner)).join(separator)}${close}]`;
    } else {
      const entries = Object.entries(value as Record<string, unknown>).filter(
        ([, item]) => item !== undefined && typeof item !== "function",
      );
      charge(entries.length + 2);
      const colon = indentUnit ? ": " : ":";
      out =
        entries.length === 0
          ? "{}"
          : `{${open}${entries.map(([key, item]) => `${JSON.stringify(key)}${colon}${write(item, inner)}`).join(separator)}${close}}`;
    }
    stack.pop();
    return out;
  }

  return write(value, "");
}

function floatJson(value: number): string {
  // JSON has no NaN/Infinity; Ruby's generator refuses them, we write null rather than fail.
  return Number.isFinite(value) ? rubyFloatString(value) : "null";
}

export interface ParseOptions {
  /** Box decimals as LiquidFloat (for values that stay inside Liquid). */
  boxFloats?: boolean;
}

const INTEGER_TEXT = /^-?\d+$/;

export function parseJson(text: string, options: ParseOptions = {}): unknown {
  const parsed = losslessParse(text, null, (numberText: string) => {
    if (INTEGER_TEXT.test(numberText)) {
      const asNumber = Number(numberText);
      return Number.isSafeInteger(asNumber) ? asNumber : BigInt(numberText);
    }
    const asNumber = Number(numberText);
    return options.boxFloats ? new LiquidFloat(asNumber) : asNumber;
  });
  return sanitizeKeys(parsed);
}

// Guard against prototype pollution through "__proto__" keys in untrusted JSON.
function sanitizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = sanitizeKeys(value[i]);
    return value;
  }
  if (isPlainObject(value)) {
    if (Object.prototype.hasOwnProperty.call(value, "__proto__")) {
      const copy: Record<string, unknown> = Object.create(null);
      for (const [key, item] of Object.entries(value)) copy[key] = sanitizeKeys(item);
      return Object.assign(Object.create(Object.prototype), copy);
    }
    for (const key of Object.keys(value)) value[key] = sanitizeKeys(value[key]);
  }
  return value;
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
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
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
