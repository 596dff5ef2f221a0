// What every filter needs: its arguments split like Ruby Liquid's (positional, then `name: value`
// keywords), memory accounting, Ruby's views of a value as a list (InputIterator) or an integer,
// item[property] lookups, and the registration wrapper that checks argument counts.
import { Drop, type Context, type Liquid } from "liquidjs";
import { FloatNumber } from "~/domain/json";
import { BinaryString, isPlainObject, toLiquidString, unwrap } from "./values";

export interface FilterThis {
  context: Context;
  token?: { args?: unknown[] };
}

export type FilterFunction = (this: FilterThis, ...args: any[]) => unknown;

type KeywordArg = [string, unknown];

// Filter.render passes keyword pairs as fresh [name, value] arrays, which look like a positional
// array value. The registration wrapper reads the filter token (which knows which arguments were
// written `name: value`) and marks those pairs here.
const keywordPairs = new WeakSet<object>();

export function isKeywordPair(arg: unknown): boolean {
  return typeof arg === "object" && arg !== null && keywordPairs.has(arg);
}

/** liquidjs passes `name: value` filter arguments as [name, value] pairs after the positional ones. */
export function splitArgs(args: unknown[]): { positional: unknown[]; keywords: Map<string, unknown> } {
  const positional: unknown[] = [];
  const keywords = new Map<string, unknown>();
  for (const arg of args) {
    if (isKeywordPair(arg)) {
      keywords.set((arg as KeywordArg)[0], unwrap((arg as KeywordArg)[1]));
    } else positional.push(arg);
  }
  return { positional, keywords };
}

export function charge(context: Context, size: number): void {
  context.memoryLimit.use(size);
}

/** A value as a list for Mechanic's filters: arrays as they are, nil empty, anything else alone. */
export function toArray(value: unknown): unknown[] {
  const plain = unwrap(value);
  if (plain === null || plain === undefined) return [];
  if (Array.isArray(plain)) return plain;
  return [plain];
}

/** Ruby Liquid's InputIterator: arrays flattened, nil empty, a hash (or anything else) alone. */
export function inputArray(value: unknown): unknown[] {
  const plain = unwrap(value);
  if (plain === null || plain === undefined) return [];
  if (Array.isArray(plain)) return plain.some(Array.isArray) ? plain.flat(Infinity) : plain;
  return [plain];
}

/**
 * Ruby's `item[property]` as the array filters use it: a hash's key (or, when it has no such key,
 * a dotted path through nested hashes, a Hookline convenience), a Drop's property, a string's
 * substring (String#[]); nil for anything else.
 */
export function property(item: unknown, key: unknown): unknown {
  const name = toLiquidString(key);
  if (item instanceof Drop) {
    // A Drop's own properties (a match's captures); literal drops (nil, empty) have none.
    const value = (item as unknown as Record<string, unknown>)[name];
    if (value !== undefined && typeof value !== "function") return value;
  }
  const plain = unwrap(item);
  if (typeof plain === "string") return plain.includes(name) ? name : null;
  if (plain === null || plain === undefined || typeof plain !== "object") return undefined;
  if (plain instanceof FloatNumber || plain instanceof BinaryString) return undefined;
  let current: unknown = plain;
  for (const segment of hasKey(plain, name) ? [name] : name.split(".")) {
    const container = unwrap(current);
    if (container === null || container === undefined || typeof container !== "object") return undefined;
    if (container instanceof Drop) current = (container as unknown as Record<string, unknown>)[segment];
    else current = hasKey(container, segment) ? (container as Record<string, unknown>)[segment] : undefined;
    if (typeof current === "function") return undefined;
  }
  return current;
}

function hasKey(container: object, key: string): boolean {
  return container instanceof Drop ? key in container : Object.prototype.hasOwnProperty.call(container, key);
}

/** Whether Ruby's `item[property]` is defined for the item (hashes, drops, strings). */
export function hasIndexer(item: unknown): boolean {
  const plain = unwrap(item);
  return typeof plain === "string" || isPlainObject(plain) || plain instanceof Drop || Array.isArray(plain);
}

const RUBY_INTEGER =
  /^\s*([-+]?)(?:0x([0-9a-f]+(?:_[0-9a-f]+)*)|0b([01]+(?:_[01]+)*)|0o?([0-7]+(?:_[0-7]+)*)|(\d+(?:_\d+)*))\s*$/i;

/** Ruby Liquid's Utils.to_integer (Kernel#Integer on the text): "12" is 12, "1.5" or "x" fail. */
export function toInteger(value: unknown): number {
  const plain = unwrap(value);
  if (typeof plain === "number" && Number.isInteger(plain)) return plain;
  if (typeof plain === "bigint") return Number(plain);
  const match = RUBY_INTEGER.exec(plain === null || plain === undefined ? "" : toLiquidString(plain));
  if (!match || plain instanceof FloatNumber || typeof plain === "number") throw new Error("invalid integer");
  const [, sign, hex, binary, octal, decimal] = match;
  const digits = (hex ?? binary ?? octal ?? decimal).replace(/_/g, "");
  const radix = hex ? 16 : binary ? 2 : octal ? 8 : 10;
  const parsed = parseInt(digits, radix);
  return sign === "-" ? -parsed : parsed;
}

/** Argument counts of Ruby Liquid's standard filters (after the input): [min, max]. */
export const RUBY_FILTER_ARITY: Record<string, [number, number]> = {
  size: [0, 0],
  downcase: [0, 0],
  upcase: [0, 0],
  capitalize: [0, 0],
  escape: [0, 0],
  escape_once: [0, 0],
  url_encode: [0, 0],
  url_decode: [0, 0],
  base64_encode: [0, 0],
  base64_decode: [0, 0],
  base64_url_safe_encode: [0, 0],
  base64_url_safe_decode: [0, 0],
  slice: [1, 2],
  truncate: [0, 2],
  truncatewords: [0, 2],
  split: [1, 1],
  strip: [0, 0],
  lstrip: [0, 0],
  rstrip: [0, 0],
  strip_html: [0, 0],
  strip_newlines: [0, 0],
  join: [0, 1],
  sort: [0, 1],
  sort_natural: [0, 1],
  where: [1, 3],
  uniq: [0, 1],
  reverse: [0, 0],
  map: [1, 1],
  compact: [0, 1],
  replace: [1, 2],
  replace_first: [1, 2],
  replace_last: [2, 2],
  remove: [1, 1],
  remove_first: [1, 1],
  remove_last: [1, 1],
  append: [1, 1],
  concat: [1, 1],
  prepend: [1, 1],
  newline_to_br: [0, 0],
  first: [0, 0],
  last: [0, 0],
  abs: [0, 0],
  plus: [1, 1],
  minus: [1, 1],
  times: [1, 1],
  divided_by: [1, 1],
  modulo: [1, 1],
  round: [0, 1],
  ceil: [0, 0],
  floor: [0, 0],
  at_least: [1, 1],
  at_most: [1, 1],
  default: [0, 2],
};

/** Ruby counts the input and folds all `name: value` arguments into one trailing hash. */
function checkArity(name: string, arity: [number, number], args: unknown[]): void {
  let given = 0;
  let keywords = false;
  for (let i = 1; i < args.length; i++) {
    if (isKeywordPair(args[i])) keywords = true;
    else given++;
  }
  if (keywords) given++;
  const [min, max] = arity;
  if (given < min || given > max) {
    const expected = min === max ? `${min + 1}` : `${min + 1}..${max + 1}`;
    throw new Error(`wrong number of arguments (given ${given + 1}, expected ${expected})`);
  }
}

/** Registers filters; each call marks its keyword arguments and checks Ruby's argument counts. */
export function registerFilterSet(liquid: Liquid, filters: Record<string, FilterFunction>): void {
  for (const [name, handler] of Object.entries(filters)) {
    const arity = RUBY_FILTER_ARITY[name];
    liquid.registerFilter(name, function (this: FilterThis, ...args: unknown[]) {
      const tokenArgs = this.token?.args;
      // args[0] is the filtered value; args[i + 1] corresponds to tokenArgs[i].
      if (tokenArgs)
        for (let index = 0; index < tokenArgs.length; index++) {
          const runtime = args[index + 1];
          if (Array.isArray(tokenArgs[index]) && Array.isArray(runtime)) keywordPairs.add(runtime);
        }
      if (arity) checkArity(name, arity, args);
      return handler.apply(this, args);
    } as never);
  }
}
