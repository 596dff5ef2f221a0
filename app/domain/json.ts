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
// Speed: the built-in JSON.parse and JSON.stringify are several times faster than any JS parser,
// so JSON.parse goes first and one walk over its value (plus, only when the value holds whole
// numbers and the text looks like it may hold a float such as `20.0`, a scan of the text) decides
// whether it was lossless; only text holding a whole-valued float or a number JavaScript cannot
// hold is parsed again by lossless-json.
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

/** What JSON.parse's value says about the text: nothing lost, whole numbers seen, or a loss. */
const CLEAN = 0;
const HAS_WHOLE_NUMBERS = 1;
const LOSSY = 2;

/**
 * One walk over JSON.parse's value: refuses nesting deeper than `maxDepth`, and tells whether
 * JSON.parse lost something (an integer beyond 2^53, a number beyond a double's range) or may
 * have (a whole number, which the text may have written as a float: `20.0`).
 */
function inspect(root: unknown, maxDepth: number): number {
  let result = CLEAN;
  const values: unknown[] = [root];
  const depths: number[] = [1];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value === "number") {
      if (Number.isInteger(value)) {
        if (!Number.isSafeInteger(value)) return LOSSY;
        result = HAS_WHOLE_NUMBERS;
      } else if (!Number.isFinite(value)) return LOSSY;
    } else if (value !== null && typeof value === "object") {
      if (depth > maxDepth) throw new JsonDepthError(maxDepth);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (typeof item === "number" || (item !== null && typeof item === "object")) {
            values.push(item);
            depths.push(depth + 1);
          }
        }
      } else {
        for (const key in value) {
          const item: unknown = (value as Record<string, unknown>)[key];
          if (typeof item === "number" || (item !== null && typeof item === "object")) {
            values.push(item);
            depths.push(depth + 1);
          }
        }
      }
    }
  }
  return result;
}

// Every float token that may have a whole value matches this: any fraction or exponent, since a
// fraction of many digits can round to a whole double (2.0000000000000001 is 2.0, as in Ruby); text
// that does not match cannot hold one. Strings may match too (a "v2.0", a price "10.00"), which
// only costs the scan below, which decides by the token's value.
const WHOLE_FLOAT_HINT = /\d\.\d|\d[eE][+-]?\d/;

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

/**
 * Whether a number token outside strings is a whole-valued float, or deeper nesting than
 * `maxDepth` occurs (malformed text is scanned for depth before lossless-json recurses into it).
 */
function scanText(text: string, maxDepth: number): boolean {
  let depth = 0;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 34 /* " */) {
      const end = closingQuote(text, i);
      if (end < 0) return false; // unterminated: the parser reports it
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
      if (float && Number.isInteger(Number(text.slice(start, i)))) return true;
    } else i++;
  }
  return false;
}

function exactNumber(token: string): unknown {
  const value = Number(token);
  if (!/[.eE]/.test(token)) return Number.isSafeInteger(value) ? value : BigInt(token);
  // Like Ruby's JSON, a float is the nearest double; one beyond a double's range keeps its text.
  if (!Number.isFinite(value)) return new FloatNumber(value, token);
  return Number.isInteger(value) ? new FloatNumber(value) : value;
}

/**
 * Parses JSON text. Integers beyond 2^53 become BigInt, whole-valued floats FloatNumber.
 * Duplicate keys keep the last value (like JSON.parse). Throws JsonSyntaxError (JsonDepthError
 * for nesting deeper than the limit).
 */
// A number token of 17+ digits, or of 16 with a fraction or exponent (after ":", "[" or ","):
// JSON.parse would round it, so the text goes straight to the exact parser. (A string that looks
// like this only costs the slower parse.) A 16-digit integer is left to JSON.parse: below 2^53 it
// is exact (Shopify's customer and product ids are that long), and one above parses to an unsafe
// integer, which the walk over the value sends to the exact parser.
const LONG_NUMBER = /[:[,]\s*-?(?:\d{17}|\d{16}[.eE])/;

export function parseJson(text: string, options: ParseJsonOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  if (LONG_NUMBER.test(text)) {
    let exact: unknown;
    try {
      exact = parseJsonExactly(text);
    } catch (error) {
      // Nesting deep enough to exhaust the stack is refused as too deep, like any other.
      if (error instanceof JsonSyntaxError && /call stack/i.test(error.message)) throw new JsonDepthError(maxDepth);
      throw error;
    }
    inspect(exact, maxDepth);
    return exact;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Malformed: check the depth before lossless-json recurses, then let it name the position.
    scanText(text, maxDepth);
    return parseJsonExactly(text);
  }
  return exactValue(text, value, maxDepth);
}

/** JSON.parse's value when it kept everything the text says; else the text parsed exactly. */
function exactValue(text: string, value: unknown, maxDepth: number): unknown {
  const facts = inspect(value, maxDepth);
  if (facts === CLEAN) return value;
  if (facts === HAS_WHOLE_NUMBERS && !(WHOLE_FLOAT_HINT.test(text) && scanText(text, maxDepth))) return value;
  return parseJsonExactly(text);
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fallback;
  }
  try {
    return exactValue(text, value, options.maxDepth ?? MAX_JSON_DEPTH) as T;
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
    // A BigInt (TypeError) or a FloatNumber: write it ourselves. A cycle fails below as well.
    if (error !== NEEDS_EXACT_WRITER && !(error instanceof TypeError)) throw error;
  } finally {
    exactWriting = false;
  }
  return writeJson(value, { space });
}

/** The JSON writer behind stringifyJson, with memory accounting and a value hook. */
export function writeJson(root: unknown, options: WriteJsonOptions = {}): string {
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
