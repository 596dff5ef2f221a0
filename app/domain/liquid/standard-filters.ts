// Shopify's standard filters as Ruby Liquid 5 defines them (liquid/standardfilters.rb), where
// liquidjs differs: Ruby's String#split, CGI.escape, Array#join/sort/uniq on flattened input,
// item[property] lookups, Utils.to_integer arguments, characters (not UTF-16 units) for sizes and
// slices. Mechanic's extensions of the same names (slice returning one element, compact on a
// hash) are kept here too, so each filter has one definition. Tested against Ruby Liquid by
// tests/unit/liquid/conformance.test.ts.
import { Drop } from "liquidjs";
import { FloatNumber } from "~/domain/json";
import {
  charge,
  hasIndexer,
  inputArray,
  property,
  splitArgs,
  toInteger,
  type FilterFunction,
  type FilterThis,
} from "./filter-args";
import { isLiquidTruthy, liquidCompare, liquidContains, liquidEquals } from "./operators";
import { BinaryString, asNumeric, isPlainObject, rubyInspect, toLiquidString, unwrap } from "./values";

// ---------------------------------------------------------------- characters

/** Ruby strings are sequences of characters (code points); JS strings of UTF-16 units. */
export function characters(text: string): string[] {
  return hasSurrogates(text) ? Array.from(text) : text.split("");
}

function hasSurrogates(text: string): boolean {
  return /[\uD800-\uDFFF]/.test(text);
}

export function characterCount(text: string): number {
  if (!hasSurrogates(text)) return text.length;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Ruby's String#downcase maps each character alone (no final-sigma rule, unlike JS). */
export function rubyDowncase(text: string): string {
  if (!text.includes("Σ")) return text.toLowerCase();
  return Array.from(text, (char) => char.toLowerCase()).join("");
}

// ---------------------------------------------------------------- strings

const AWK_WHITESPACE = /[ \t\n\v\f\r]+/;

/** Ruby's String#split with a string pattern: " " splits on runs of whitespace (awk style). */
export function rubySplit(text: string, pattern: string, limit = 0): string[] {
  let parts: string[];
  if (pattern === " ") {
    const trimmed = text.replace(/^[ \t\n\v\f\r]+/, "");
    if (trimmed === "") return [];
    if (limit > 0) {
      parts = [];
      let rest = trimmed;
      while (parts.length < limit - 1) {
        const match = AWK_WHITESPACE.exec(rest);
        if (!match) break;
        parts.push(rest.slice(0, match.index));
        rest = rest.slice(match.index + match[0].length);
        if (rest === "") break;
      }
      if (rest !== "" || parts.length === 0) parts.push(rest);
      return parts;
    }
    parts = trimmed.split(AWK_WHITESPACE);
  } else if (pattern === "") parts = characters(text);
  else parts = text.split(pattern);
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Ruby's gsub/sub replacement text: \\ is a backslash, \0 and \& the match, \1-\9 groups (none). */
function expandReplacement(replacement: string, match: string, before: string, after: string): string {
  return replacement.replace(/\\(\\|&|\d|`|'|k<\w+>)?/g, (escape, code: string | undefined) => {
    if (code === undefined) return "\\";
    if (code === "\\") return "\\";
    if (code === "&" || code === "0") return match;
    if (code === "`") return before;
    if (code === "'") return after;
    return "";
  });
}

function replaceAll(text: string, search: string, replacement: string, firstOnly: boolean): string {
  if (search === "") {
    // Ruby inserts the replacement between every character (and at both ends).
    const chars = characters(text);
    if (firstOnly) return expandReplacement(replacement, "", "", text) + text;
    return chars.reduce(
      (out, char, index) => out + char + expandReplacement(replacement, "", chars.slice(0, index + 1).join(""), ""),
      expandReplacement(replacement, "", "", text),
    );
  }
  if (!replacement.includes("\\"))
    return firstOnly ? text.replace(search, () => replacement) : text.split(search).join(replacement);
  let out = "";
  let position = 0;
  while (true) {
    const index = text.indexOf(search, position);
    if (index < 0) break;
    out +=
      text.slice(position, index) +
      expandReplacement(replacement, search, text.slice(0, index), text.slice(index + search.length));
    position = index + search.length;
    if (firstOnly) break;
  }
  return out + text.slice(position);
}

const CGI_UNRESERVED = /[A-Za-z0-9_.\-~]/;

/** Ruby's CGI.escape (Ruby 2.5+): letters, digits and _.-~ stay; space is "+"; the rest %XX. */
export function cgiEscape(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && CGI_UNRESERVED.test(char)) out += char;
    else if (byte === 0x20) out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function truncate(input: unknown, lengthArg: unknown = 50, ellipsisArg: unknown = "..."): string | null {
  const value = unwrap(input);
  if (value === null || value === undefined) return null;
  const chars = characters(toLiquidString(value));
  const length = toInteger(lengthArg);
  const ellipsis = toLiquidString(ellipsisArg);
  const keep = Math.max(0, length - characterCount(ellipsis));
  return chars.length > length ? chars.slice(0, keep).join("") + ellipsis : chars.join("");
}

function truncatewords(input: unknown, wordsArg: unknown = 15, ellipsisArg: unknown = "..."): string | null {
  const value = unwrap(input);
  if (value === null || value === undefined) return null;
  const text = toLiquidString(value);
  let words = toInteger(wordsArg);
  if (words <= 0) words = 1;
  const list = rubySplit(text, " ", words + 1);
  if (list.length <= words) return text;
  list.pop();
  return list.join(" ") + toLiquidString(ellipsisArg);
}

// ---------------------------------------------------------------- arrays

/** Ruby's `a <=> b` for the values Liquid holds; null when they cannot be compared. */
function spaceship(a: unknown, b: unknown): number | null {
  const x = unwrap(a);
  const y = unwrap(b);
  const nx = asNumeric(x);
  const ny = asNumeric(y);
  if (nx && ny) {
    try {
      return liquidCompare(x, y, "<") ? -1 : liquidCompare(x, y, ">") ? 1 : 0;
    } catch {
      return null;
    }
  }
  if (typeof x === "string" && typeof y === "string") return compareStrings(x, y);
  if ((x === null || x === undefined) && (y === null || y === undefined)) return 0;
  if (typeof x === "boolean" && x === y) return 0;
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const order = spaceship(x[i], y[i]);
      if (order !== 0) return order;
    }
    return x.length - y.length === 0 ? 0 : x.length < y.length ? -1 : 1;
  }
  return null;
}

/** Byte order of the UTF-8 text, which is code point order (JS compares UTF-16 units). */
function compareStrings(a: string, b: string): number {
  if (!hasSurrogates(a) && !hasSurrogates(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = Array.from(a, (char) => char.codePointAt(0)!);
  const y = Array.from(b, (char) => char.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

function nilSafeCompare(a: unknown, b: unknown): number {
  const order = spaceship(a, b);
  if (order !== null) return order;
  if (unwrap(a) === null || unwrap(a) === undefined) return 1;
  if (unwrap(b) === null || unwrap(b) === undefined) return -1;
  throw new Error("cannot sort values of incompatible types");
}

/** Ruby's String#casecmp: ASCII letters compared without case. */
function nilSafeCasecmp(a: unknown, b: unknown): number {
  const x = unwrap(a);
  const y = unwrap(b);
  if (x !== null && x !== undefined && y !== null && y !== undefined) {
    const lower = (text: string) => text.replace(/[A-Z]/g, (char) => char.toLowerCase());
    return compareStrings(lower(toLiquidString(x)), lower(toLiquidString(y)));
  }
  return x === null || x === undefined ? 1 : -1;
}

function sortBy(
  this: FilterThis,
  input: unknown,
  key: unknown,
  compare: (a: unknown, b: unknown) => number,
): unknown[] | null {
  const items = inputArray(input);
  charge(this.context, items.length);
  if (items.length === 0) return [];
  if (key === undefined || unwrap(key) === null) return [...items].sort(compare);
  if (!items.every(hasIndexer)) return null;
  return [...items].sort((a, b) => compare(property(a, key), property(b, key)));
}

/** A key under which Ruby's Array#uniq (eql?) sees two values as the same. */
function uniqKey(value: unknown): string {
  const plain = unwrap(value);
  if (plain === null || plain === undefined) return "nil";
  if (typeof plain === "string") return `s:${plain}`;
  if (typeof plain === "boolean") return `b:${plain}`;
  if (typeof plain === "bigint") return `i:${plain}`;
  if (typeof plain === "number") return Number.isInteger(plain) ? `i:${plain}` : `f:${plain}`;
  if (plain instanceof FloatNumber) return `f:${plain.toString()}`;
  if (Array.isArray(plain)) return `a:[${plain.map(uniqKey).join(",")}]`;
  if (isPlainObject(plain)) return `h:${rubyInspect(plain)}`;
  return `o:${toLiquidString(plain)}`;
}

function uniqBy(items: unknown[], key: (item: unknown) => unknown): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const item of items) {
    const identity = uniqKey(key(item));
    if (seen.has(identity)) continue;
    seen.add(identity);
    out.push(item);
  }
  return out;
}

const WHERE_OPERATORS = new Set(["==", "!=", ">", "<", ">=", "<=", "contains"]);

function whereMatches(value: unknown, operator: string, expected: unknown): boolean {
  switch (operator) {
    case "==":
      return liquidEquals(value, expected);
    case "!=":
      return !liquidEquals(value, expected);
    case "contains":
      return liquidContains(value, expected);
    default:
      try {
        return liquidCompare(value, expected, operator as ">" | "<" | ">=" | "<=");
      } catch {
        return false;
      }
  }
}

/**
 * Ruby's where: items whose property is truthy (no value, or nil), or equals the value. With
 * three arguments (Hookline), the second is an operator: `where: "price", ">", 100`.
 */
function where(this: FilterThis, input: unknown, key: unknown, ...rest: unknown[]): unknown[] | null {
  const items = inputArray(input);
  charge(this.context, items.length);
  const operator = rest.length >= 2 ? toLiquidString(rest[0]) : null;
  if (operator !== null && !WHERE_OPERATORS.has(operator))
    throw new Error(`where: unknown operator ${JSON.stringify(operator)}`);
  if (items.length === 0) return [];
  if (!items.every(hasIndexer)) return null;
  if (operator !== null) return items.filter((item) => whereMatches(property(item, key), operator, rest[1]));
  const target = unwrap(rest[0]);
  if (target === null || target === undefined) return items.filter((item) => isLiquidTruthy(property(item, key)));
  return items.filter((item) => liquidEquals(property(item, key), rest[0]));
}

function map(this: FilterThis, input: unknown, key: unknown): unknown[] {
  const items = inputArray(input);
  charge(this.context, items.length);
  const name = toLiquidString(key);
  return items.map((item) => {
    if (name === "to_liquid") return item;
    const plain = item instanceof Drop ? item : unwrap(item);
    if (Array.isArray(plain) || typeof plain === "number" || typeof plain === "bigint")
      throw new Error(`cannot select the property '${name}'`);
    return property(plain, name) ?? null;
  });
}

/** Mechanic: on a hash, drops nil values; Ruby: on a list, drops nil items (or nil properties). */
function compact(this: FilterThis, input: unknown, key?: unknown): unknown {
  const value = unwrap(input);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).filter(([, item]) => unwrap(item) !== null && unwrap(item) !== undefined),
    );
  }
  const items = inputArray(value);
  charge(this.context, items.length);
  return items.filter((item) => {
    const plain = unwrap(key === undefined ? item : property(item, key));
    return plain !== null && plain !== undefined;
  });
}

/**
 * Ruby's slice on strings (characters) and arrays, with Mechanic's extensions: on an array a
 * length of 1 (the default) gives the element itself; on a hash, the named keys.
 */
function slice(input: unknown, ...args: unknown[]): unknown {
  const value = unwrap(input);
  if (isPlainObject(value)) {
    const keys = args.map(toLiquidString);
    return Object.fromEntries(Object.entries(value).filter(([key]) => keys.includes(key)));
  }
  if (args.length === 0) throw new Error("wrong number of arguments (given 1, expected 2..3)");
  const start = toInteger(args[0]);
  const length = args.length > 1 ? toInteger(args[1]) : 1;
  const items = Array.isArray(value) ? value : characters(toLiquidString(value));
  const from = start < 0 ? items.length + start : start;
  if (Array.isArray(value)) {
    if (length === 1) return from < 0 || from >= items.length ? null : items[from];
    if (from < 0 || from > items.length || length < 0) return [];
    return items.slice(from, from + length);
  }
  if (from < 0 || from > items.length || length < 0) return "";
  return (items as string[]).slice(from, from + length).join("");
}

/** Ruby's size: characters of a string, items of a list, keys of a hash; 0 for the rest. */
export function size(input: unknown): number {
  const value = unwrap(input);
  if (typeof value === "string") return characterCount(value);
  if (value instanceof BinaryString) return value.bytes.length;
  if (Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  if (value instanceof Drop) {
    const drop = value as unknown as { size?: unknown };
    const reported = typeof drop.size === "function" ? (drop.size as () => unknown)() : drop.size;
    return typeof reported === "number" ? reported : 0;
  }
  return 0;
}

/** first: a list's first item, a hash's first [key, value] pair, a string's first character. */
export function first(input: unknown): unknown {
  const value = unwrap(input);
  if (Array.isArray(value)) return value[0];
  if (typeof value === "string") return characters(value)[0] ?? "";
  if (isPlainObject(value)) {
    for (const key in value) return [key, value[key]];
    return null;
  }
  return null;
}

/** last: a list's last item, a string's last character (a hash has no last in Ruby). */
export function last(input: unknown): unknown {
  const value = unwrap(input);
  if (Array.isArray(value)) return value[value.length - 1];
  if (typeof value === "string") {
    const chars = characters(value);
    return chars[chars.length - 1] ?? "";
  }
  return null;
}

function isEmptyValue(value: unknown): boolean {
  const plain = unwrap(value);
  if (typeof plain === "string") return plain === "";
  if (Array.isArray(plain)) return plain.length === 0;
  if (isPlainObject(plain)) return Object.keys(plain).length === 0;
  return false;
}

function defaultFilter(input: unknown, ...args: unknown[]): unknown {
  const { positional, keywords } = splitArgs(args);
  const fallback = positional.length > 0 ? positional[0] : "";
  const plain = unwrap(input);
  const missing = isLiquidTruthy(keywords.get("allow_false") ?? false)
    ? plain === null || plain === undefined
    : !isLiquidTruthy(input);
  return missing || isEmptyValue(input) ? fallback : input;
}

export const standardFilters: Record<string, FilterFunction> = {
  size,
  first,
  last,
  default: defaultFilter,
  downcase: (input: unknown) => rubyDowncase(toLiquidString(input)),
  split: (input: unknown, pattern: unknown) => rubySplit(toLiquidString(input), toLiquidString(pattern)),
  url_encode: (input: unknown) =>
    unwrap(input) === null || unwrap(input) === undefined ? null : cgiEscape(toLiquidString(input)),
  replace: (input: unknown, search: unknown, replacement: unknown = "") =>
    replaceAll(toLiquidString(input), toLiquidString(search), toLiquidString(replacement), false),
  replace_first: (input: unknown, search: unknown, replacement: unknown = "") =>
    replaceAll(toLiquidString(input), toLiquidString(search), toLiquidString(replacement), true),
  remove: (input: unknown, search: unknown) => replaceAll(toLiquidString(input), toLiquidString(search), "", false),
  remove_first: (input: unknown, search: unknown) =>
    replaceAll(toLiquidString(input), toLiquidString(search), "", true),
  truncate,
  truncatewords,
  slice,
  join(this: FilterThis, input: unknown, glue: unknown = " ") {
    const items = inputArray(input);
    charge(this.context, items.length);
    return items.map(toLiquidString).join(toLiquidString(glue));
  },
  reverse: (input: unknown) => [...inputArray(input)].reverse(),
  concat(this: FilterThis, input: unknown, other: unknown) {
    const list = unwrap(other);
    if (!Array.isArray(list)) throw new Error("concat filter requires an array argument");
    const items = inputArray(input);
    charge(this.context, items.length + list.length);
    return [...items, ...list];
  },
  sort(this: FilterThis, input: unknown, key?: unknown) {
    return sortBy.call(this, input, key, nilSafeCompare);
  },
  sort_natural(this: FilterThis, input: unknown, key?: unknown) {
    return sortBy.call(this, input, key, nilSafeCasecmp);
  },
  uniq(this: FilterThis, input: unknown, key?: unknown) {
    const items = inputArray(input);
    charge(this.context, items.length);
    if (key === undefined || unwrap(key) === null) return uniqBy(items, (item) => item);
    if (items.length === 0) return [];
    if (!items.every(hasIndexer)) return null;
    return uniqBy(items, (item) => property(item, key));
  },
  where,
  map,
  compact,
};
