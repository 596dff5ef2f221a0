// Filters that differ from liquidjs's defaults (Ruby numeric semantics, Shopify's escaping) and
// the Mechanic filter set. Registered on the engine by registerFilters().
import { createHash, createHmac } from "node:crypto";
import { Drop, type Context, type Liquid } from "liquidjs";
import type { DocumentNode } from "graphql";
import { parseJson } from "~/domain/json";
import { graphqlLanguage } from "./lazy-libraries";
import { serializeJson } from "./output";
import {
  charge,
  property,
  registerFilterSet,
  RUBY_FILTER_ARITY,
  splitArgs,
  toArray,
  type FilterFunction,
  type FilterThis,
} from "./filter-args";
import { standardFilters } from "./standard-filters";
import { compileUserRegex, type RegexMatch } from "./regex";
import { forceUtf8, mechanicFilters } from "./mechanic-filters";
import {
  advance,
  applyBoundary,
  iso8601,
  parseDateInput,
  resolveTimeZone,
  strftime,
  fromWallTime,
  type Boundary,
} from "./dates";
import { liquidEquals, isLiquidTruthy } from "./operators";
import { stateOf } from "./state";
import {
  abs,
  applyOperation,
  atLeast,
  atMost,
  ceil,
  floor,
  round,
  sumNumbers,
  toRubyNumber,
  type RubyNumber,
} from "./numbers";
import {
  BinaryString,
  FloatNumber,
  bytesOf,
  textOrBinary,
  isPlainObject,
  toLiquidString,
  toNumeric,
  unwrap,
} from "./values";

// ---------------------------------------------------------------- math (numbers.ts)

const mathFilters = {
  plus: (l: unknown, r: unknown) => applyOperation(l, r, "+"),
  minus: (l: unknown, r: unknown) => applyOperation(l, r, "-"),
  times: (l: unknown, r: unknown) => applyOperation(l, r, "*"),
  divided_by: (l: unknown, r: unknown) => applyOperation(l, r, "/"),
  modulo: (l: unknown, r: unknown) => applyOperation(l, r, "%"),
  abs: (v: unknown) => abs(v),
  ceil: (v: unknown) => ceil(v),
  floor: (v: unknown) => floor(v),
  round: (v: unknown, digits?: unknown) => round(v, digits),
  at_least: (v: unknown, minimum: unknown) => atLeast(v, minimum),
  at_most: (v: unknown, maximum: unknown) => atMost(v, maximum),
};

// ---------------------------------------------------------------- strings, encodings, digests

function cgiUnescape(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "+") bytes.push(0x20);
    else if (char === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(char));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function digest(algorithm: string, value: unknown, context: Context): string {
  const bytes = bytesOf(value);
  charge(context, bytes.length);
  return createHash(algorithm).update(bytes).digest("hex");
}

function hmac(
  algorithm: string,
  value: unknown,
  key: unknown,
  context: Context,
  binary = false,
): string | BinaryString {
  const message = bytesOf(value);
  charge(context, message.length);
  const mac = createHmac(algorithm, bytesOf(key)).update(message);
  // binary: true yields the raw digest, for piping into base64_encode.
  return binary ? new BinaryString(mac.digest()) : mac.digest("hex");
}

function base64Encode(value: unknown, context: Context, urlSafe = false): string {
  const bytes = bytesOf(value);
  charge(context, bytes.length * 2);
  const encoded = bytes.toString("base64");
  return urlSafe ? encoded.replace(/\+/g, "-").replace(/\//g, "_") : encoded;
}

function base64Decode(value: unknown, context: Context, urlSafe = false, args: unknown[] = []): string | BinaryString {
  const text = toLiquidString(value).trim();
  charge(context, text.length);
  const normalized = urlSafe ? text.replace(/-/g, "+").replace(/_/g, "/") : text;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized.replace(/\s/g, ""))) throw new Error("invalid base64");
  const bytes = Buffer.from(normalized, "base64");
  // Mechanic's force_utf8: false keeps the bytes (e.g. gzip data for gunzip) even when they read as text.
  return forceUtf8(args) ? textOrBinary(bytes) : new BinaryString(bytes);
}

// CGI.escapeHTML, as Shopify's escape: note &quot; (liquidjs writes &#34;).
const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(this: FilterThis, value: unknown): string {
  const text = toLiquidString(value);
  charge(this.context, text.length);
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

function escapeOnce(this: FilterThis, value: unknown): string {
  const text = toLiquidString(value);
  charge(this.context, text.length);
  return text.replace(/["><']|&(?!([a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)/g, (char) => HTML_ESCAPES[char]);
}

function unindent(value: unknown): string {
  const text = toLiquidString(value);
  const lines = text.split("\n");
  const indents = lines.filter((line) => line.trim() !== "").map((line) => /^[ \t]*/.exec(line)![0].length);
  const common = indents.length ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(Math.min(common, /^[ \t]*/.exec(line)![0].length))).join("\n");
}

function handleize(value: unknown): string {
  return toLiquidString(value)
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/['"]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Ruby MatchData: prints as the matched text, with captures and named_captures lookups. */
export class MatchDrop extends Drop {
  readonly captures: (string | null)[];
  readonly named_captures: Record<string, string | null>;
  private readonly text: string;
  constructor(match: RegexMatch) {
    super();
    this.text = match.text;
    this.captures = match.captures;
    this.named_captures = match.named;
  }
  valueOf(): string {
    return this.text;
  }
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

// ---------------------------------------------------------------- arrays and hashes

function hashKey(value: unknown): string {
  const plain = unwrap(value);
  if (plain === null || plain === undefined) return "";
  return toLiquidString(plain);
}

function indexBy(this: FilterThis, input: unknown, key: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const items = toArray(input);
  charge(this.context, items.length);
  for (const item of items) {
    const name = hashKey(property(item, key));
    if (name === "__proto__") continue;
    out[name] = item;
  }
  return out;
}

function groupBy(this: FilterThis, input: unknown, key: unknown): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const items = toArray(input);
  charge(this.context, items.length);
  for (const item of items) {
    const name = hashKey(property(item, key));
    if (name === "__proto__") continue;
    (out[name] ??= []).push(item);
  }
  return out;
}

/** Mechanic's sum: the numbers of an array (or of a property), exactly (numbers.ts). */
function sum(this: FilterThis, input: unknown, key?: unknown): number | bigint | FloatNumber {
  const numbers: RubyNumber[] = [];
  for (const item of toArray(input)) {
    const raw = unwrap(key === undefined ? item : property(item, key));
    if (raw === null || raw === undefined) continue;
    numbers.push(toRubyNumber(raw));
  }
  return sumNumbers(numbers);
}

function inGroupsOf(this: FilterThis, input: unknown, sizeArg: unknown, ...rest: unknown[]): unknown[][] {
  const { keywords } = splitArgs(rest);
  const size = Number(toNumeric(sizeArg).value);
  if (!Number.isInteger(size) || size < 1) throw new Error("in_groups_of: group size must be a positive integer");
  const items = [...toArray(input)];
  charge(this.context, items.length);
  const fill = keywords.has("fill_with") ? keywords.get("fill_with") : null;
  const groups: unknown[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  const last = groups[groups.length - 1];
  if (last && last.length < size && fill !== false) while (last.length < size) last.push(fill);
  return groups;
}

function inGroups(this: FilterThis, input: unknown, countArg: unknown, ...rest: unknown[]): unknown[][] {
  const { keywords } = splitArgs(rest);
  const count = Number(toNumeric(countArg).value);
  if (!Number.isInteger(count) || count < 1) throw new Error("in_groups: group count must be a positive integer");
  const items = [...toArray(input)];
  const fill = keywords.has("fill_with") ? keywords.get("fill_with") : null;
  const base = Math.floor(items.length / count);
  const extra = items.length % count;
  const groups: unknown[][] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const length = base + (i < extra ? 1 : 0);
    const group = items.slice(offset, offset + length);
    offset += length;
    if (extra > 0 && i >= extra && fill !== false) group.push(fill);
    groups.push(group);
  }
  return groups;
}

function except(input: unknown, ...keys: unknown[]): unknown {
  const value = unwrap(input);
  if (Array.isArray(value)) return value.filter((item) => !keys.some((key) => liquidEquals(item, key)));
  if (!isPlainObject(value)) return value;
  const names = keys.map(toLiquidString);
  return Object.fromEntries(Object.entries(value).filter(([key]) => !names.includes(key)));
}

// ---------------------------------------------------------------- CSV

function parseCsv(this: FilterThis, input: unknown, ...args: unknown[]): unknown[] {
  const { positional, keywords } = splitArgs(args);
  const text = toLiquidString(input).replace(/^\uFEFF/, "");
  charge(this.context, text.length);
  const delimiter = toLiquidString(keywords.get("delimiter") ?? positional[0] ?? ",");
  if (delimiter.length !== 1) throw new Error("parse_csv: delimiter must be a single character");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += char;
      continue;
    }
    if (char === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (char === delimiter) {
      row.push(field);
      field = "";
      fieldStarted = false;
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      fieldStarted = false;
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  if (quoted) throw new Error("parse_csv: unclosed quoted field");
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  if (!isLiquidTruthy(keywords.get("headers") ?? false)) return rows;
  const [header, ...body] = rows;
  if (!header) return [];
  return body.map((cells) => {
    const record: Record<string, unknown> = {};
    header.forEach((name, index) => {
      if (name !== "__proto__") record[name] = cells[index] ?? null;
    });
    return record;
  });
}

function toCsv(this: FilterThis, input: unknown, ...args: unknown[]): string {
  const { positional, keywords } = splitArgs(args);
  const delimiter = toLiquidString(keywords.get("delimiter") ?? positional[0] ?? ",");
  const quote = (cell: unknown): string => {
    const text = toLiquidString(cell);
    return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = toArray(input).map((row) => toArray(row).map(quote).join(delimiter) + "\n");
  const out = rows.join("");
  charge(this.context, out.length);
  return (isLiquidTruthy(keywords.get("include_bom") ?? false) ? "\uFEFF" : "") + out;
}

// ---------------------------------------------------------------- GraphQL

function graphqlValue(value: unknown, depth = 0): string {
  if (depth > 50) throw new Error("graphql_arguments: value nested too deeply");
  const plain = unwrap(value);
  if (plain === null || plain === undefined) return "null";
  if (Array.isArray(plain)) return `[${plain.map((item) => graphqlValue(item, depth + 1)).join(", ")}]`;
  if (isPlainObject(plain)) return `{ ${graphqlArguments(plain, depth + 1)} }`;
  return serializeJson(plain);
}

/** A hash as `key: value, ...` (inside a field's parentheses); any other value as a GraphQL value. */
function graphqlArguments(input: unknown, depth = 0): string {
  const plain = unwrap(input);
  if (!isPlainObject(plain)) return graphqlValue(plain, depth);
  return Object.entries(plain)
    .map(([key, item]) => {
      if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(key))
        throw new Error(`graphql_arguments: invalid argument name ${JSON.stringify(key)}`);
      return `${key}: ${graphqlValue(item, depth)}`;
    })
    .join(", ");
}

/** The `shopify` filter runs queries only: refuse any mutation or subscription operation. */
export function assertReadOnlyQuery(query: string): DocumentNode {
  let document: DocumentNode;
  try {
    document = graphqlLanguage().parse(query);
  } catch (error) {
    throw new Error(`shopify: invalid GraphQL: ${(error as Error).message}`);
  }
  for (const definition of document.definitions) {
    if (definition.kind === "OperationDefinition" && definition.operation !== "query") {
      throw new Error(`shopify filter only runs queries; use a "shopify" action for ${definition.operation}s`);
    }
  }
  return document;
}

async function shopifyFilter(this: FilterThis, input: unknown, ...args: unknown[]): Promise<unknown> {
  const state = stateOf(this.context);
  const query = toLiquidString(input);
  const { positional, keywords } = splitArgs(args);
  let variables: unknown = keywords.get("variables");
  if (variables === undefined && positional[0] !== undefined) {
    const options = unwrap(positional[0]);
    if (isPlainObject(options)) variables = options.variables;
  }
  assertReadOnlyQuery(query);
  if (query.length > 50_000) throw new Error("shopify: query is longer than 50,000 characters");
  if (variables !== undefined && variables !== null && !isPlainObject(unwrap(variables))) {
    throw new Error("shopify: variables must be a hash");
  }
  // Preview never talks to the store; tasks stub data with `if event.preview`.
  if (state.preview || !state.shopifyQuery) return null;
  try {
    state.spendQuery();
  } catch (error) {
    throw new Error(`shopify: ${(error as Error).message}`);
  }
  const plainVariables = variables ? (parseJson(serializeJson(variables)) as Record<string, unknown>) : undefined;
  const result = await state.shopifyQuery(query, plainVariables);
  // Re-parse so the result behaves like any other Liquid data (floats, 64-bit ids).
  return parseJson(serializeJson(result));
}

// ---------------------------------------------------------------- dates

const BOUNDARIES: Boundary[] = [
  "beginning_of_year",
  "end_of_year",
  "beginning_of_quarter",
  "end_of_quarter",
  "beginning_of_month",
  "end_of_month",
  "beginning_of_week",
  "end_of_week",
  "beginning_of_day",
  "middle_of_day",
  "end_of_day",
];

function dateFilter(this: FilterThis, input: unknown, ...args: unknown[]): unknown {
  const state = stateOf(this.context);
  const { positional, keywords } = splitArgs(args);
  const timeZone = keywords.has("tz") ? resolveTimeZone(toLiquidString(keywords.get("tz"))) : state.timeZone;
  const value = unwrap(input);
  // Mechanic: zoneless input is read in the shop's zone, then shown in tz: (if given).
  let instant = parseDateInput(value instanceof FloatNumber ? value.value : value, state.timeZone, Date.now());
  if (instant === null) return input;
  for (const boundary of BOUNDARIES) {
    const option = keywords.get(boundary);
    if (option === undefined || option === false || option === null) continue;
    const weekStart = boundary.endsWith("_week") && typeof option === "string" ? option : "monday";
    instant = applyBoundary(instant, boundary, timeZone, weekStart);
  }
  if (keywords.has("advance")) instant = advance(instant, toLiquidString(keywords.get("advance")), timeZone);
  const format = positional[0];
  const formatText = format === undefined || unwrap(format) === null ? "" : toLiquidString(format);
  charge(this.context, formatText.length);
  return formatText === "" ? iso8601(instant, timeZone) : strftime(instant, formatText, timeZone);
}

/** parse_date: strptime with a known format; ISO 8601 in the shop's zone, or nil. */
function parseDate(this: FilterThis, input: unknown, formatArg: unknown): string | null {
  const state = stateOf(this.context);
  const text = toLiquidString(input);
  const format = toLiquidString(formatArg);
  const fields: string[] = [];
  const patterns: Record<string, string> = {
    Y: "(\\d{4})",
    y: "(\\d{2})",
    m: "(\\d{1,2})",
    d: "(\\d{1,2})",
    e: "\\s?(\\d{1,2})",
    H: "(\\d{1,2})",
    I: "(\\d{1,2})",
    M: "(\\d{2})",
    S: "(\\d{2})",
    p: "([AaPp][Mm])",
    b: "([A-Za-z]{3})",
    B: "([A-Za-z]+)",
  };
  let source = "";
  for (let i = 0; i < format.length; i++) {
    if (format[i] === "%" && i + 1 < format.length) {
      const directive = format[++i];
      if (directive === "%") source += "%";
      else if (patterns[directive]) {
        source += patterns[directive];
        fields.push(directive);
      } else throw new Error(`parse_date: unsupported directive %${directive}`);
    } else source += format[i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  const match = new RegExp(`^${source}$`).exec(text.trim());
  if (!match) return null;
  const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
  const wall = { year: new Date().getUTCFullYear(), month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 };
  let pm: boolean | null = null;
  fields.forEach((field, index) => {
    const value = match[index + 1];
    if (field === "Y") wall.year = Number(value);
    else if (field === "y") wall.year = 2000 + Number(value) - (Number(value) >= 69 ? 100 : 0);
    else if (field === "m") wall.month = Number(value);
    else if (field === "d" || field === "e") wall.day = Number(value);
    else if (field === "H" || field === "I") wall.hour = Number(value);
    else if (field === "M") wall.minute = Number(value);
    else if (field === "S") wall.second = Number(value);
    else if (field === "p") pm = value.toLowerCase() === "pm";
    else if (field === "b" || field === "B") wall.month = months.indexOf(value.slice(0, 3).toLowerCase()) + 1;
  });
  if (pm !== null) wall.hour = (wall.hour % 12) + (pm ? 12 : 0);
  if (
    wall.month < 1 ||
    wall.month > 12 ||
    wall.day < 1 ||
    wall.day > 31 ||
    wall.hour > 23 ||
    wall.minute > 59 ||
    wall.second > 60
  ) {
    return null;
  }
  return iso8601(fromWallTime(wall, state.timeZone), state.timeZone);
}

// ---------------------------------------------------------------- registration

export function registerFilters(liquid: Liquid): void {
  const filters: Record<string, FilterFunction> = {
    ...mathFilters,
    escape: escapeHtml,
    h: escapeHtml,
    escape_once: escapeOnce,
    json(this: FilterThis, value: unknown, ...args: unknown[]) {
      const { keywords } = splitArgs(args);
      const space = keywords.has("pretty") && isLiquidTruthy(keywords.get("pretty")) ? 2 : 0;
      return serializeJson(value, { charge: (n) => charge(this.context, n), space });
    },
    jsonl(this: FilterThis, value: unknown) {
      return toArray(value)
        .map((item) => serializeJson(item, { charge: (n) => charge(this.context, n) }))
        .join("\n");
    },
    parse_json(this: FilterThis, value: unknown, ...args: unknown[]) {
      const { keywords } = splitArgs(args);
      const text = toLiquidString(value);
      charge(this.context, text.length);
      try {
        return parseJson(text);
      } catch (error) {
        if (isLiquidTruthy(keywords.get("silent") ?? false)) return null;
        throw new Error(`parse_json: ${(error as Error).message}`);
      }
    },
    parse_jsonl(this: FilterThis, value: unknown) {
      const text = toLiquidString(value);
      charge(this.context, text.length);
      return text
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line, index) => {
          try {
            return parseJson(line);
          } catch (error) {
            throw new Error(`parse_jsonl: line ${index + 1}: ${(error as Error).message}`);
          }
        });
    },
    graphql_arguments: (value: unknown) => graphqlArguments(value),
    shopify: shopifyFilter,
    date: dateFilter,
    parse_date: parseDate,
    base64_encode(this: FilterThis, value: unknown) {
      return base64Encode(value, this.context);
    },
    base64(this: FilterThis, value: unknown) {
      return base64Encode(value, this.context);
    },
    base64_decode(this: FilterThis, value: unknown, ...args: unknown[]) {
      return base64Decode(value, this.context, false, args);
    },
    decode_base64(this: FilterThis, value: unknown, ...args: unknown[]) {
      return base64Decode(value, this.context, false, args);
    },
    base64_url_safe_encode(this: FilterThis, value: unknown) {
      return base64Encode(value, this.context, true);
    },
    base64url(this: FilterThis, value: unknown) {
      return base64Encode(value, this.context, true);
    },
    base64_url_safe_decode(this: FilterThis, value: unknown, ...args: unknown[]) {
      return base64Decode(value, this.context, true, args);
    },
    decode_base64url(this: FilterThis, value: unknown, ...args: unknown[]) {
      return base64Decode(value, this.context, true, args);
    },
    md5(this: FilterThis, value: unknown) {
      return digest("md5", value, this.context);
    },
    sha1(this: FilterThis, value: unknown) {
      return digest("sha1", value, this.context);
    },
    sha256(this: FilterThis, value: unknown) {
      return digest("sha256", value, this.context);
    },
    sha512(this: FilterThis, value: unknown) {
      return digest("sha512", value, this.context);
    },
    hmac_sha1(this: FilterThis, value: unknown, key: unknown, ...rest: unknown[]) {
      return hmac("sha1", value, key, this.context, isLiquidTruthy(splitArgs(rest).keywords.get("binary") ?? false));
    },
    hmac_sha256(this: FilterThis, value: unknown, key: unknown, ...rest: unknown[]) {
      return hmac("sha256", value, key, this.context, isLiquidTruthy(splitArgs(rest).keywords.get("binary") ?? false));
    },
    hmac_sha512(this: FilterThis, value: unknown, key: unknown, ...rest: unknown[]) {
      return hmac("sha512", value, key, this.context, isLiquidTruthy(splitArgs(rest).keywords.get("binary") ?? false));
    },
    url_decode: (value: unknown) => cgiUnescape(toLiquidString(value)),
    unindent,
    handleize,
    handle: handleize,
    pluralize: (count: unknown, singular: unknown, plural: unknown) =>
      liquidEquals(count, 1) ? toLiquidString(singular) : toLiquidString(plural),
    match(this: FilterThis, value: unknown, pattern: unknown) {
      const text = toLiquidString(value);
      charge(this.context, text.length);
      const found = compileUserRegex(toLiquidString(pattern)).exec(text);
      return found ? new MatchDrop(found) : null;
    },
    scan(this: FilterThis, value: unknown, pattern: unknown) {
      const text = toLiquidString(value);
      charge(this.context, text.length);
      const regex = compileUserRegex(toLiquidString(pattern));
      const results: MatchDrop[] = [];
      let position = 0;
      while (position <= text.length) {
        const found = regex.exec(text, position);
        if (!found) break;
        results.push(new MatchDrop(found));
        charge(this.context, found.text.length + 1);
        // An empty match moves on by one character, as Ruby's scan does.
        position = found.end > found.index ? found.end : found.end + (text.codePointAt(found.end)! > 0xffff ? 2 : 1);
      }
      return results;
    },
    index_by: indexBy,
    group_by: groupBy,
    sum,
    in_groups_of: inGroupsOf,
    in_groups: inGroups,
    keys: (value: unknown) => {
      const plain = unwrap(value);
      return isPlainObject(plain) ? Object.keys(plain) : [];
    },
    values: (value: unknown) => {
      const plain = unwrap(value);
      return isPlainObject(plain) ? Object.values(plain) : [];
    },
    push: (value: unknown, ...items: unknown[]) => [...toArray(value), ...items],
    unshift: (value: unknown, ...items: unknown[]) => [...items, ...toArray(value)],
    except,
    parse_csv: parseCsv,
    csv: toCsv,
    // liquidjs's to_integer is Number(); Ruby's to_i truncates and keeps big integers exact.
    to_integer: (value: unknown) => {
      const number = toRubyNumber(value);
      return typeof number === "object" ? floor(number.trunc().toString()) : number;
    },
  };
  // liquidjs's own filters that Ruby Liquid also has get Ruby's argument-count check.
  const builtins: Record<string, FilterFunction> = {};
  for (const name of Object.keys(RUBY_FILTER_ARITY)) {
    const builtin = (liquid.filters as Record<string, FilterFunction | undefined>)[name];
    if (builtin && !(name in standardFilters) && !(name in filters)) builtins[name] = builtin;
  }
  registerFilterSet(liquid, builtins);
  registerFilterSet(liquid, standardFilters);
  registerFilterSet(liquid, mechanicFilters);
  registerFilterSet(liquid, filters);
}
