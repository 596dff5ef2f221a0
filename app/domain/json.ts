// The one JSON module of the app: JSON text <-> values without losing anything a sender wrote.
//
// JSON numbers are decimal text; JavaScript has one binary number type. Ruby (and so Shopify's
// Liquid and Mechanic) keeps what the text says, and so does this module:
// - integers within 2^53 are numbers; larger ones (Shopify ids, anything up to and beyond 10^308)
//   are BigInt, exact;
// - a float written with a fraction or exponent stays a float even when its value is whole:
//   `20.0` parses to FloatNumber(20), prints `20.0` in Liquid and is written back as `20.0`;
//   non-whole floats (`1.25`) are plain numbers (they cannot be mistaken for integers);
// - other floats are the nearest double, as in Ruby; one beyond a double's range (`1e400`) is a
//   FloatNumber that keeps its source text, written back verbatim.
// Parsing refuses nesting deeper than a limit with a JsonDepthError (ingress answers 400).
//
// Speed: the built-in JSON.parse and JSON.stringify are several times faster than any JS parser
// or writer, so both do the work: parsing first scans the text once (outside strings) for the
// numbers JSON.parse would lose or change, writes a placeholder string in place of each, and puts
// the exact number back into JSON.parse's value; writing has JSON.stringify write placeholders for
// BigInt and FloatNumber and replaces them with their exact text (docs/decisions/0120).
// lossless-json (the exact parser) is left for text that writes a NUL itself and for errors.
import { parse as losslessParse } from "lossless-json";

/**
 * Deepest nesting of arrays and objects in a request body (ingress answers 400 beyond it). Ruby's
 * JSON, which Mechanic uses, stops at 100; legitimate payloads stay far below either.
 */
export const MAX_REQUEST_JSON_DEPTH = 512;

/** Deepest nesting parsed or written anywhere else: request data plus the wrappers we add. */
export const MAX_JSON_DEPTH = 1000;

/**
 * A float whose value is whole (`20.0`) or that a double cannot hold exactly (`source` keeps the
 * text then). Not a number to JavaScript: read it with `numberValue` where a number is needed.
 */
export class FloatNumber {
  constructor(
    readonly value: number,
    /** The decimal text when `value` cannot hold it (beyond a double's range). */
    readonly source?: string,
  ) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return rubyFloatString(this.value);
  }
  /** JSON.stringify outside this module gets the plain number; stringifyJson writes it exactly. */
  toJSON(): number | string {
    if (placeholders) return placeholderFor(this.toJsonText(), placeholders);
    if (exactWriting) throw NEEDS_EXACT_WRITER;
    return Number.isFinite(this.value) ? this.value : (this.source ?? "null");
  }
  /** The JSON text of this float: its source when kept, else Ruby's Float#to_s form. */
  toJsonText(): string {
    if (this.source !== undefined) return this.source;
    return Number.isFinite(this.value) ? rubyFloatString(this.value) : "null";
  }
}

/** A plain number from a JSON number value (FloatNumber unboxed, BigInt converted), else null. */
export function numberValue(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (value instanceof FloatNumber) return value.value;
  if (typeof value === "bigint") return Number(value);
  return null;
}

/** Ruby's Float#to_s: 3.0 -> "3.0", 1e20 -> "1.0e+20", 1.5e-5 -> "1.5e-05" (16+ integer digits or below 1e-4 use an exponent). */
export function rubyFloatString(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e15 || magnitude < 1e-4) {
    const [mantissa, exponent] = value.toExponential().split("e");
    const fullMantissa = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
    const sign = exponent.startsWith("-") ? "-" : "+";
    const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
    return `${fullMantissa}e${sign}${digits}`;
  }
  const text = String(value);
  return text.includes(".") ? text : `${text}.0`;
}

export class JsonSyntaxError extends SyntaxError {
  constructor(message: string) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

export class JsonDepthError extends JsonSyntaxError {
  constructor(readonly limit: number) {
    super(`JSON is nested deeper than ${limit} levels`);
    this.name = "JsonDepthError";
  }
}

export interface ParseJsonOptions {
  /** Refuse deeper nesting (default MAX_JSON_DEPTH). */
  maxDepth?: number;
}

/**
 * The index of the quote that closes the JSON string opened by the quote at `open`, or -1 when the
 * string is unterminated. Jumps from quote to quote (a string's text is never read a character at
 * a time), skipping quotes escaped by an odd number of backslashes.
 */
export function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end > 0) {
    let backslashes = 0;
    for (let k = end - 1; text.charCodeAt(k) === 92 /* \ */; k--) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/** A number token JSON.parse would not give as this module must (BigInt, FloatNumber): where, and its value. */
interface ExactNumber {
  start: number;
  end: number;
  value: bigint | FloatNumber;
}

const NUMBER_TOKEN = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * One pass over the text outside its strings (skipped whole): refuses nesting deeper than
 * `maxDepth`, and finds the number tokens JSON.parse would lose or change: integers beyond 2^53
 * (BigInt), floats with a whole value or beyond a double's range (FloatNumber). Malformed text is
 * scanned as far as it goes (JSON.parse then reports it); a token that is not a JSON number is left.
 */
function exactNumbers(text: string, maxDepth: number): ExactNumber[] {
  const found: ExactNumber[] = [];
  let depth = 0;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 34 /* " */) {
      const end = closingQuote(text, i);
      if (end < 0) break; // unterminated: JSON.parse reports it
      i = end + 1;
    } else if (code === 123 /* { */ || code === 91 /* [ */) {
      if (++depth > maxDepth) throw new JsonDepthError(maxDepth);
      i++;
    } else if (code === 125 /* } */ || code === 93 /* ] */) {
      depth--;
      i++;
    } else if ((code >= 48 && code <= 57) || code === 45 /* - */) {
      const start = i;
      let float = false;
      for (; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c === 46 /* . */ || c === 101 /* e */ || c === 69 /* E */) float = true;
        else if (!((c >= 48 && c <= 57) || c === 43 /* + */ || c === 45) /* - */) break;
      }
      // Integers of up to 15 digits are always exact doubles: most tokens stop here.
      if (!float && i - start < 16) continue;
      const token = text.slice(start, i);
      if (!NUMBER_TOKEN.test(token)) continue;
      // The exact parser's own rule; anything but a plain number is one JSON.parse would change.
      const exact = exactNumber(token);
      if (typeof exact !== "number") found.push({ start, end: i, value: exact as bigint | FloatNumber });
    } else i++;
  }
  return found;
}

// A string JSON.parse gives for the text written in place of an exact number: a NUL (which JSON
// text can only write escaped) and the number's index. Text that already writes a NUL escaped
// goes to the exact parser instead, so no string of the sender's can be taken for one.
const PLACEHOLDER_PREFIX = "\u0000";
const ESCAPED_NUL = "\\u0000";

/** The text with each exact number replaced by a placeholder string. */
function textWithPlaceholders(text: string, numbers: ExactNumber[]): string {
  let out = "";
  let from = 0;
  numbers.forEach((n, index) => {
    out += `${text.slice(from, n.start)}"\\u0000${index}"`;
    from = n.end;
  });
  return out + text.slice(from);
}

/** JSON.parse's value with each placeholder string replaced by its exact number. */
function restoreNumbers(root: unknown, numbers: ExactNumber[]): unknown {
  const exact = (item: unknown) =>
    typeof item === "string" && item.charCodeAt(0) === 0
      ? numbers[Number(item.slice(PLACEHOLDER_PREFIX.length))]!.value
      : item;
  if (typeof root === "string") return exact(root);
  const containers: unknown[] = [root];
  while (containers.length > 0) {
    const value = containers.pop();
    if (value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === "string") value[i] = exact(item);
        else if (item !== null && typeof item === "object") containers.push(item);
      }
    } else {
      const record = value as Record<string, unknown>;
      for (const key in record) {
        const item = record[key];
        // (A "__proto__" key is an own data property here, so assigning sets it, not the prototype.)
        if (typeof item === "string") record[key] = exact(item);
        else if (item !== null && typeof item === "object") containers.push(item);
      }
    }
  }
  return root;
}

/**
 * Parses JSON text. Integers beyond 2^53 become BigInt, whole-valued floats FloatNumber.
 * Duplicate keys keep the last value (like JSON.parse). Throws JsonSyntaxError (JsonDepthError
 * for nesting deeper than the limit).
 */
export function parseJson(text: string, options: ParseJsonOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const numbers = exactNumbers(text, maxDepth);
  if (numbers.length === 0 || !text.includes(ESCAPED_NUL)) {
    try {
      return builtInParse(text, numbers);
    } catch {
      // Malformed: the exact parser names the position (the depth was checked above).
    }
  }
  try {
    return parseJsonExactly(text);
  } catch (error) {
    // Nesting deep enough to exhaust the stack is refused as too deep, like any other.
    if (error instanceof JsonSyntaxError && /call stack/i.test(error.message)) throw new JsonDepthError(maxDepth);
    throw error;
  }
}

/** JSON.parse of the text, with the exact numbers put in through placeholders. Throws on malformed text. */
function builtInParse(text: string, numbers: ExactNumber[]): unknown {
  if (numbers.length === 0) return JSON.parse(text);
  return restoreNumbers(JSON.parse(textWithPlaceholders(text, numbers)), numbers);
}

function exactNumber(token: string): unknown {
  const value = Number(token);
  if (!/[.eE]/.test(token)) return Number.isSafeInteger(value) ? value : BigInt(token);
  // Like Ruby's JSON, a float is the nearest double; one beyond a double's range keeps its text.
  if (!Number.isFinite(value)) return new FloatNumber(value, token);
  return Number.isInteger(value) ? new FloatNumber(value) : value;
}

/**
 * The exact parser alone (lossless-json, every number as the text wrote it): what parseJson must
 * return for any text, only slower. Exported for the differential test of parseJson's fast path.
 */
export function parseJsonExactly(text: string): unknown {
  try {
    // lossless-json stores a "__proto__" key as an own property, like JSON.parse (no reviver needed).
    return losslessParse(text, null, {
      parseNumber: exactNumber,
      onDuplicateKey: ({ newValue }) => newValue,
    });
  } catch (error) {
    throw new JsonSyntaxError(error instanceof Error ? error.message : String(error));
  }
}

// What JSON text can start with; anything else (a GraphQL document, plain words) is not JSON,
// known without the cost of a failing JSON.parse.
const JSON_START = /^\s*[[{"\-0-9tfn]/;

/**
 * Parses JSON text, or returns `fallback` when it is absent, not JSON or too deep. Cheap when the
 * text is not JSON (no error message is built), for bodies that may be JSON or plain text.
 */
export function parseJsonOr<T>(text: string | null | undefined, fallback: T, options: ParseJsonOptions = {}): T {
  if (text === null || text === undefined || !JSON_START.test(text)) return fallback;
  let numbers: ExactNumber[];
  try {
    numbers = exactNumbers(text, options.maxDepth ?? MAX_JSON_DEPTH);
  } catch {
    return fallback;
  }
  try {
    if (numbers.length === 0 || !text.includes(ESCAPED_NUL)) return builtInParse(text, numbers) as T;
  } catch {
    return fallback;
  }
  try {
    return parseJsonExactly(text) as T;
  } catch {
    return fallback;
  }
}

/** One-line reason for a JSON syntax error, safe to send back to the caller. */
export function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").slice(0, 200);
}

// ---------------------------------------------------------------- writing

const NEEDS_EXACT_WRITER = new Error("needs the exact writer");
let exactWriting = false;
/** While stringifyJson writes placeholders: the exact text of each, by index. */
let placeholders: string[] | null = null;

/** The placeholder string written for an exact number's text (see PLACEHOLDER_PREFIX). */
function placeholderFor(text: string, texts: string[]): string {
  texts.push(text);
  return PLACEHOLDER_PREFIX + (texts.length - 1);
}

/** A placeholder as JSON.stringify writes it. */
const WRITTEN_PLACEHOLDER = /"\\u0000(\d+)"/g;

export interface WriteJsonOptions {
  /** Indentation like JSON.stringify's third argument. */
  space?: number;
  /** Called with the size of each piece written, so callers can enforce memory limits. */
  charge?: (size: number) => void;
  /** Maps a value before it is written (e.g. template-engine wrappers to plain values). */
  unwrap?: (value: unknown) => unknown;
  /** Refuse deeper nesting (default MAX_JSON_DEPTH). */
  maxDepth?: number;
  /** Write non-whole numbers as Ruby's Float#to_s does (1.0e-05), as Ruby's JSON does. */
  rubyFloats?: boolean;
}

/**
 * JSON text for any value, exact: BigInt as digits, FloatNumber as written. `undefined` (and
 * functions) at the top become "null"; inside objects they are left out, in arrays null.
 */
export function stringifyJson(value: unknown, space?: number): string {
  exactWriting = true;
  try {
    return JSON.stringify(value, null, space) ?? "null";
  } catch (error) {
    // A BigInt (TypeError) or a FloatNumber: written below. A cycle fails below as well.
    if (error !== NEEDS_EXACT_WRITER && !(error instanceof TypeError)) throw error;
  } finally {
    exactWriting = false;
  }
  return stringifyWithPlaceholders(value, space) ?? writeJson(value, { space });
}

/**
 * JSON.stringify writing a placeholder string for each BigInt and FloatNumber, then the
 * placeholders replaced by their exact text: several times faster than the exact writer. Null when
 * a string of the value's own reads as a placeholder (more replaced than were written).
 */
function stringifyWithPlaceholders(value: unknown, space?: number): string | null {
  const texts: string[] = [];
  let written: string | undefined;
  placeholders = texts;
  try {
    written = JSON.stringify(
      value,
      (_key, item: unknown) => (typeof item === "bigint" ? placeholderFor(item.toString(), texts) : item),
      space,
    );
  } finally {
    placeholders = null;
  }
  if (written === undefined) return "null";
  let replaced = 0;
  const text = written.replace(WRITTEN_PLACEHOLDER, (_match, index: string) => {
    replaced++;
    return texts[Number(index)] ?? "";
  });
  return replaced === texts.length ? text : null;
}

/** The JSON writer behind stringifyJson, with memory accounting and a value hook. */
export function writeJson(root: unknown, options: WriteJsonOptions = {}): string {
  return builtInWrite(root, options) ?? writeEachValue(root, options);
}

/** Charged by the walk below before it gives way to the writer, which charges as it writes. */
const WALK_CHARGE_LIMIT = 1 << 20;
/** Characters JSON.stringify escapes (a lone surrogate too; a pair is matched and measured). */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const ESCAPED_CHARACTERS = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * writeJson through JSON.stringify (with placeholders for exact numbers), several times faster
 * than writing each value: a walk over the value first makes the same checks and charges the same
 * sizes the writer would, before any text is made. Null when the writer must do it: a value the
 * hook changes, a `toJSON` of its own, a float Ruby writes differently, more than WALK_CHARGE_LIMIT
 * (a value sharing a part many times: the writer then stops at the memory limit as it writes), or
 * a NUL in a string beside exact numbers (it could read as a placeholder).
 */
function builtInWrite(root: unknown, options: WriteJsonOptions): string | null {
  const { unwrap, rubyFloats } = options;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const stack: unknown[] = [];
  let charged = 0;
  let hasExactNumbers = false;
  let nul = false;
  /** -1: the writer must write it; 0: left out (undefined); 1: written. */
  const visit = (input: unknown): number => {
    const value = unwrap ? unwrap(input) : input;
    if (value !== input) return -1;
    switch (typeof value) {
      case "string":
        if (ESCAPED_CHARACTERS.test(value)) {
          if (value.includes("\u0000")) nul = true;
          charged += JSON.stringify(value).length;
        } else charged += value.length + 2;
        return 1;
      case "number":
        if (
          rubyFloats &&
          !Number.isInteger(value) &&
          Number.isFinite(value) &&
          rubyFloatString(value) !== String(value)
        )
          return -1;
        return 1;
      case "bigint":
        hasExactNumbers = true;
        return 1;
      case "boolean":
        return 1;
      case "undefined":
      case "function":
      case "symbol":
        return 0;
    }
    if (value === null) return 1;
    if (value instanceof FloatNumber) {
      hasExactNumbers = true;
      return 1;
    }
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") return -1;
    if (stack.includes(value)) throw new TypeError("JSON: circular structure");
    if (stack.length >= maxDepth) throw new JsonDepthError(maxDepth);
    stack.push(value);
    if (Array.isArray(value)) {
      charged += value.length + 2;
      for (let i = 0; i < value.length; i++) if (visit(value[i]) < 0) return -1;
    } else {
      let entries = 0;
      for (const name of Object.keys(value as object)) {
        if (name.includes("\u0000")) nul = true;
        const written = visit((value as Record<string, unknown>)[name]);
        if (written < 0) return -1;
        entries += written;
      }
      charged += entries + 2;
    }
    stack.pop();
    return charged > WALK_CHARGE_LIMIT ? -1 : 1;
  };
  if (visit(root) < 0 || (hasExactNumbers && nul)) return null;
  options.charge?.(charged);
  if (!hasExactNumbers) return JSON.stringify(root, null, options.space) ?? "null";
  // No NUL anywhere, so every placeholder found is one that was written: never null here.
  return stringifyWithPlaceholders(root, options.space) ?? writeEachValue(root, options);
}

/**
 * The writer itself: each value written and charged in turn. What writeJson must return for any
 * value; exported for the differential test of writeJson's built-in path.
 */
export function writeEachValue(root: unknown, options: WriteJsonOptions = {}): string {
  const stack: unknown[] = [];
  const indentUnit = options.space && options.space > 0 ? " ".repeat(Math.min(options.space, 10)) : "";
  const charge = options.charge;
  const unwrap = options.unwrap;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;

  function write(input: unknown, indent: string, key: string): string | undefined {
    let value = unwrap ? unwrap(input) : input;
    if (value instanceof FloatNumber) return value.toJsonText();
    if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function")
      value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
    switch (typeof value) {
      case "string": {
        const text = JSON.stringify(value);
        charge?.(text.length);
        return text;
      }
      case "number":
        if (!Number.isFinite(value)) return "null";
        return options.rubyFloats && !Number.isInteger(value) ? rubyFloatString(value) : String(value);
      case "bigint":
        return value.toString();
      case "boolean":
        return value ? "true" : "false";
      case "undefined":
      case "function":
      case "symbol":
        return undefined;
    }
    if (value === null) return "null";
    if (value instanceof FloatNumber) return value.toJsonText();
    if (stack.includes(value)) throw new TypeError("JSON: circular structure");
    if (stack.length >= maxDepth) throw new JsonDepthError(maxDepth);
    stack.push(value);
    const inner = indent + indentUnit;
    const open = indentUnit ? `\n${inner}` : "";
    const close = indentUnit ? `\n${indent}` : "";
    const separator = indentUnit ? `,\n${inner}` : ",";
    let out: string;
    if (Array.isArray(value)) {
      charge?.(value.length + 2);
      const items = value.map((item, index) => write(item, inner, String(index)) ?? "null");
      out = items.length === 0 ? "[]" : `[${open}${items.join(separator)}${close}]`;
    } else {
      const colon = indentUnit ? ": " : ":";
      const entries: string[] = [];
      for (const name of Object.keys(value as object)) {
        const text = write((value as Record<string, unknown>)[name], inner, name);
        if (text !== undefined) entries.push(`${JSON.stringify(name)}${colon}${text}`);
      }
      charge?.(entries.length + 2);
      out = entries.length === 0 ? "{}" : `{${open}${entries.join(separator)}${close}}`;
    }
    stack.pop();
    return out;
  }

  return write(root, "", "") ?? "null";
}

/** Indented JSON for display; text that is not JSON is returned unchanged. */
export function prettyJson(text: string | null | undefined): string {
  if (text === null || text === undefined) return "";
  try {
    return stringifyJson(parseJson(text), 2);
  } catch {
    return text;
  }
}

/** A one-line preview of JSON text for lists, cut at `max` characters. */
export function jsonPreview(text: string | null | undefined, max = 80): string {
  if (!text) return "";
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
