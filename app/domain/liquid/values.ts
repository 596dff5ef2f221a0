// Value model shared by the Liquid engine, filters and tags.
//
// Shopify's Liquid runs on Ruby, which has distinct Integer and Float types: `6.0 | divided_by: 2`
// is `3.0`, `7 | divided_by: 2` is `3`. JavaScript has one number type, so:
// - integers are JS numbers (when safe) or BigInt (event data beyond 2^53, parsed by the ingress);
// - floats are FloatNumber boxes (app/domain/json.ts) when they must print as floats ("3.0"); a
//   non-integer JS number is also treated as a float (it prints the same either way).
// FloatNumber is deliberately not a liquidjs Drop: liquidjs unwraps Drops with valueOf() before
// printing, which would print 3 instead of 3.0. Arithmetic on a FloatNumber still works through
// valueOf(), and printing goes through toString().
import { Drop, toValue } from "liquidjs";
import { FloatNumber, rubyFloatString } from "~/domain/json";

export { FloatNumber, rubyFloatString };

/**
 * Raw bytes that are not UTF-8 text (a binary HMAC digest, a decoded binary secret). Ruby strings
 * carry bytes; JS strings do not, so such values travel boxed and filters that hash or encode
 * them use the bytes. Printed, they read as latin1 text.
 */
export class BinaryString {
  constructor(readonly bytes: Buffer) {}
  toString(): string {
    return this.bytes.toString("latin1");
  }
  valueOf(): string {
    return this.toString();
  }
  toJSON(): string {
    return this.toString();
  }
}

/** The bytes a hashing or encoding filter works on: raw for BinaryString, UTF-8 otherwise. */
export function bytesOf(value: unknown): Buffer {
  const plain = unwrap(value);
  if (plain instanceof BinaryString) return plain.bytes;
  return Buffer.from(toLiquidString(plain), "utf8");
}

/** Decoded bytes as a UTF-8 string when they are valid UTF-8, else as BinaryString. */
export function textOrBinary(bytes: Buffer): string | BinaryString {
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : new BinaryString(bytes);
}

export type NumericValue = { kind: "int"; value: bigint } | { kind: "float"; value: number };

const INT_PATTERN = /^\s*[-+]?\d+\s*$/;
const FLOAT_PATTERN = /^\s*[-+]?\d+\.\d+\s*$/;

/** Classify a value as a Ruby Integer or Float, or null when it is not numeric. */
export function asNumeric(input: unknown): NumericValue | null {
  const value = unwrap(input);
  if (value instanceof FloatNumber) return { kind: "float", value: value.value };
  if (typeof value === "bigint") return { kind: "int", value };
  if (typeof value === "number") {
    if (Number.isInteger(value)) return { kind: "int", value: BigInt(value) };
    return { kind: "float", value };
  }
  return null;
}

/**
 * Ruby Liquid's Utils.to_number: numbers stay, "3.5" is a float, "3" and "3abc" are
 * integers (to_i), anything else is 0.
 */
export function toNumeric(input: unknown): NumericValue {
  const numeric = asNumeric(input);
  if (numeric) return numeric;
  const value = unwrap(input);
  if (typeof value === "string") {
    if (FLOAT_PATTERN.test(value)) return { kind: "float", value: Number(value) };
    if (INT_PATTERN.test(value)) return { kind: "int", value: BigInt(value.trim()) };
    const leading = /^\s*([-+]?\d+)/.exec(value);
    return { kind: "int", value: leading ? BigInt(leading[1]) : 0n };
  }
  return { kind: "int", value: 0n };
}

/** Back to the JS representation: safe integers as numbers, others as BigInt, floats boxed. */
export function fromNumeric(numeric: NumericValue): number | bigint | FloatNumber {
  if (numeric.kind === "float") return new FloatNumber(numeric.value);
  return normalizeInt(numeric.value);
}

export function normalizeInt(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

export function numericToNumber(numeric: NumericValue): number {
  return numeric.kind === "float" ? numeric.value : Number(numeric.value);
}

/** Unwrap liquidjs Drops (nil/empty/blank literals, custom drops) to their plain values. */
export function unwrap(value: unknown): unknown {
  if (value instanceof FloatNumber || value instanceof BinaryString) return value;
  return toValue(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  if (
    Array.isArray(value) ||
    value instanceof FloatNumber ||
    value instanceof BinaryString ||
    value instanceof Drop ||
    value instanceof Date
  )
    return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Ruby class names, for error messages that match Liquid's ("comparison of String with 5 failed"). */
export function rubyClassName(value: unknown): string {
  const plain = unwrap(value);
  if (plain === null || plain === undefined) return "NilClass";
  if (typeof plain === "string") return "String";
  if (typeof plain === "boolean") return plain ? "TrueClass" : "FalseClass";
  const numeric = asNumeric(plain);
  if (numeric) return numeric.kind === "float" ? "Float" : "Integer";
  if (Array.isArray(plain)) return "Array";
  return "Hash";
}

/** String form used for printing ({{ }}), append, join and friends. */
export function toLiquidString(input: unknown): string {
  const value = unwrap(input);
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(toLiquidString).join("");
  if (value instanceof FloatNumber || value instanceof BinaryString) return value.toString();
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : rubyFloatString(value);
  if (isPlainObject(value)) return rubyInspect(value);
  return String(value);
}

/** Ruby's Hash#inspect-like rendering, which is how Mechanic prints a hash in {{ }}. */
export function rubyInspect(input: unknown): string {
  const value = unwrap(input);
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(", ")}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}=>${rubyInspect(item)}`)
      .join(", ")}}`;
  }
  return toLiquidString(value);
}
