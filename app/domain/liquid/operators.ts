// Condition operators with Ruby Liquid semantics: 1 == 1.0, 64-bit integers compare exactly,
// hashes compare by value, and ordering a string against a number is an error (as in Liquid),
// while ordering against nil is simply false.
import { toValue, toValueSync, type Operators } from "liquidjs";
import { FloatNumber, asNumeric, isPlainObject, rubyClassName, rubyInspect, unwrap, type NumericValue } from "./values";

interface Comparable {
  equals(value: unknown): unknown;
  gt(value: unknown): unknown;
  geq(value: unknown): unknown;
  lt(value: unknown): unknown;
  leq(value: unknown): unknown;
}

function isComparable(value: unknown): value is Comparable {
  if (!value || typeof value !== "object") return false;
  const candidate = value as Record<string, unknown>;
  return ["equals", "gt", "geq", "lt", "leq"].every((name) => typeof candidate[name] === "function");
}

/** -1, 0 or 1 for two numerics, exact for BigInt, exact enough for floats. */
export function compareNumeric(a: NumericValue, b: NumericValue): number {
  if (a.kind === "int" && b.kind === "int") return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  const x = a.kind === "float" ? a.value : Number(a.value);
  const y = b.kind === "float" ? b.value : Number(b.value);
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  // A float against a big integer: compare integer parts exactly when the float is integral.
  if (a.kind === "int" && Number.isInteger(y) && Number.isFinite(y))
    return compareNumeric(a, { kind: "int", value: BigInt(y) });
  if (b.kind === "int" && Number.isInteger(x) && Number.isFinite(x))
    return compareNumeric({ kind: "int", value: BigInt(x) }, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function liquidEquals(left: unknown, right: unknown, depth = 0): boolean {
  if (depth > 100) return false;
  // liquidjs's nil/empty/blank drops answer with (synchronous) generators.
  // `nil == blank` must ask blank, not nil.
  const leftIsNilDrop = isComparable(left) && toValue(left) == null;
  if (isComparable(right) && (leftIsNilDrop || !isComparable(left))) return Boolean(toValueSync(right.equals(left)));
  if (isComparable(left)) return Boolean(toValueSync(left.equals(right)));
  const l = unwrap(left);
  const r = unwrap(right);
  const ln = asNumeric(l);
  const rn = asNumeric(r);
  if (ln && rn) return compareNumeric(ln, rn) === 0;
  if (ln || rn) return false;
  if (Array.isArray(l) || Array.isArray(r)) {
    if (!Array.isArray(l) || !Array.isArray(r) || l.length !== r.length) return false;
    return l.every((item, index) => liquidEquals(item, r[index], depth + 1));
  }
  if (isPlainObject(l) || isPlainObject(r)) {
    if (!isPlainObject(l) || !isPlainObject(r)) return false;
    const keys = Object.keys(l);
    if (keys.length !== Object.keys(r).length) return false;
    return keys.every((key) => Object.prototype.hasOwnProperty.call(r, key) && liquidEquals(l[key], r[key], depth + 1));
  }
  if (l === undefined || l === null) return r === undefined || r === null;
  return l === r;
}

type Order = "<" | ">" | "<=" | ">=";

export function liquidCompare(left: unknown, right: unknown, operator: Order): boolean {
  if (isComparable(left)) {
    const method = { ">": "gt", "<": "lt", ">=": "geq", "<=": "leq" }[operator] as "gt" | "lt" | "geq" | "leq";
    return Boolean(toValueSync(left[method](right)));
  }
  if (isComparable(right)) {
    const method = { ">": "lt", "<": "gt", ">=": "leq", "<=": "geq" }[operator] as "gt" | "lt" | "geq" | "leq";
    return Boolean(toValueSync(right[method](left)));
  }
  const l = unwrap(left);
  const r = unwrap(right);
  // Ruby Liquid compares only when both sides respond to the operator (numbers and strings);
  // nil, arrays, hashes and booleans make the condition simply false.
  if (!isOrderable(l) || !isOrderable(r)) return false;
  let order: number;
  const ln = asNumeric(l);
  const rn = asNumeric(r);
  if (ln && rn) order = compareNumeric(ln, rn);
  else if (typeof l === "string" && typeof r === "string") order = l < r ? -1 : l > r ? 1 : 0;
  else throw new Error(`comparison of ${rubyClassName(l)} with ${rubyInspect(r)} failed`);
  if (Number.isNaN(order)) return false;
  switch (operator) {
    case "<":
      return order < 0;
    case ">":
      return order > 0;
    case "<=":
      return order <= 0;
    case ">=":
      return order >= 0;
  }
}

function isOrderable(value: unknown): boolean {
  return typeof value === "string" || asNumeric(value) !== null;
}

export function liquidContains(left: unknown, right: unknown): boolean {
  const l = unwrap(left);
  if (l === null || l === undefined) return false;
  if (typeof l === "string") {
    const r = unwrap(right);
    if (r === null || r === undefined) return false;
    return l.includes(r instanceof FloatNumber ? r.toString() : String(r));
  }
  if (Array.isArray(l)) return l.some((item) => liquidEquals(item, right));
  if (isPlainObject(l)) {
    const key = unwrap(right);
    return typeof key === "string" && Object.prototype.hasOwnProperty.call(l, key);
  }
  return false;
}

export function isLiquidTruthy(value: unknown): boolean {
  const plain = value instanceof FloatNumber ? value : toValue(value);
  return plain !== false && plain !== null && plain !== undefined;
}

export const rubyOperators: Operators = {
  "==": (l: unknown, r: unknown) => liquidEquals(l, r),
  "!=": (l: unknown, r: unknown) => !liquidEquals(l, r),
  "<>": (l: unknown, r: unknown) => !liquidEquals(l, r),
  ">": (l: unknown, r: unknown) => liquidCompare(l, r, ">"),
  "<": (l: unknown, r: unknown) => liquidCompare(l, r, "<"),
  ">=": (l: unknown, r: unknown) => liquidCompare(l, r, ">="),
  "<=": (l: unknown, r: unknown) => liquidCompare(l, r, "<="),
  contains: (l: unknown, r: unknown) => liquidContains(l, r),
  not: (v: unknown) => !isLiquidTruthy(v),
  and: (l: unknown, r: unknown) => isLiquidTruthy(l) && isLiquidTruthy(r),
  or: (l: unknown, r: unknown) => isLiquidTruthy(l) || isLiquidTruthy(r),
} as unknown as Operators;
