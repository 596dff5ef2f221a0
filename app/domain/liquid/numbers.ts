// Ruby Liquid 5's math filters, digit for digit (liquid/standardfilters.rb and Utils.to_number):
// - integers stay integers (exact; BigInt beyond 2^53), with Ruby's floor division and modulo;
// - a float, or a string written like "19.99", becomes a BigDecimal: the operation is exact in
//   decimal, and the result is turned back into a float (Ruby's BigDecimal#to_f), so
//   `"19.99" | times: 100` is 1999.0 and `0.1 | plus: 0.2` is 0.3;
// - any other string is read with String#to_i ("3abc" is 3, "abc" 0), anything else is 0.
// decimal.js plays BigDecimal. Floats print the Ruby way (values.ts): 1999.0, 0.3, 1.0e-05.
import Decimal from "decimal.js";
import { FloatNumber } from "~/domain/json";
import { BinaryString, unwrap } from "./values";

// Sums, differences and products are exact at this precision for any realistic input; quotients
// are rounded to it (Ruby's BigDecimal keeps ~36 digits there), far beyond a double's 17.
const Exact = Decimal.clone({
  precision: 1000,
  rounding: Decimal.ROUND_HALF_UP,
  modulo: Decimal.ROUND_FLOOR,
  toExpNeg: -1000,
  toExpPos: 1000,
});
const Quotient = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/** A Ruby number: Integer (a safe JS integer or a BigInt) or BigDecimal. */
export type RubyNumber = number | bigint | Decimal;

const DECIMAL_STRING = /^-?\d+\.\d+$/;
// Ruby's String#to_i: optional leading whitespace, a sign, digits with single underscores between.
const TO_I = /^[\s\0]*([-+]?\d+(?:_\d+)*)/;
// Ruby's String#strip removes ASCII whitespace and NUL.
const STRIP = /^[\s\0]+|[\s\0]+$/g;

/** Ruby's Utils.to_number. */
export function toRubyNumber(input: unknown): RubyNumber {
  const value = unwrap(input);
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return value;
    if (Number.isInteger(value)) return BigInt(value);
    return new Exact(value);
  }
  if (typeof value === "bigint") return normalizeInteger(value);
  if (value instanceof FloatNumber) return new Exact(value.value);
  if (typeof value === "string" || value instanceof BinaryString) return stringToNumber(String(value));
  return 0;
}

function stringToNumber(text: string): RubyNumber {
  const stripped = text.replace(STRIP, "");
  if (DECIMAL_STRING.test(stripped)) return new Exact(stripped);
  const match = TO_I.exec(text);
  if (!match) return 0;
  const digits = match[1].replace(/_/g, "");
  return digits.length < 16 ? Number(digits) : normalizeInteger(BigInt(digits));
}

/** Ruby's Integer: a JS number when safe, else BigInt. */
export function normalizeInteger(value: bigint): number | bigint {
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

function isDecimal(value: RubyNumber): value is Decimal {
  return typeof value === "object";
}

function toDecimal(value: RubyNumber): Decimal {
  return isDecimal(value) ? value : new Exact(typeof value === "bigint" ? value.toString() : value);
}

function toBig(value: number | bigint): bigint {
  return typeof value === "bigint" ? value : BigInt(value);
}

/** Ruby's BigDecimal#to_f, in the app's float representation (whole floats boxed to print 3.0). */
export function decimalToFloat(value: Decimal): number | FloatNumber {
  const number = value.toNumber();
  return Number.isInteger(number) ? new FloatNumber(number) : number;
}

/** A Ruby result: Integers as they are, BigDecimals back to floats. */
export function fromRubyNumber(value: RubyNumber): number | bigint | FloatNumber {
  return isDecimal(value) ? decimalToFloat(value) : value;
}

class ZeroDivision extends Error {
  constructor() {
    super("divided by 0");
  }
}

type Operation = "+" | "-" | "*" | "/" | "%";

function integerOperation(a: number | bigint, b: number | bigint, operation: Operation): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    let result: number;
    switch (operation) {
      case "+":
        result = a + b;
        break;
      case "-":
        result = a - b;
        break;
      case "*":
        result = a * b;
        break;
      case "/": {
        if (b === 0) throw new ZeroDivision();
        // Floor division; the double quotient can be one off near 2^53, so check the remainder.
        let quotient = Math.floor(a / b);
        const remainder = a - quotient * b;
        if (b > 0 ? remainder < 0 : remainder > 0) quotient -= 1;
        else if (b > 0 ? remainder >= b : remainder <= b) quotient += 1;
        return quotient + 0;
      }
      case "%": {
        if (b === 0) throw new ZeroDivision();
        const remainder = a % b;
        return remainder !== 0 && remainder < 0 !== b < 0 ? remainder + b : remainder + 0;
      }
    }
    if (Number.isSafeInteger(result)) return result + 0; // + 0 turns -0 into 0, as Ruby has no -0
  }
  const x = toBig(a);
  const y = toBig(b);
  switch (operation) {
    case "+":
      return normalizeInteger(x + y);
    case "-":
      return normalizeInteger(x - y);
    case "*":
      return normalizeInteger(x * y);
    case "/":
      return normalizeInteger(floorDivide(x, y));
    case "%": {
      if (y === 0n) throw new ZeroDivision();
      const remainder = x % y;
      return normalizeInteger(remainder !== 0n && remainder < 0n !== y < 0n ? remainder + y : remainder);
    }
  }
}

function floorDivide(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new ZeroDivision();
  const quotient = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? quotient - 1n : quotient;
}

function decimalOperation(a: Decimal, b: Decimal, operation: Operation): Decimal {
  switch (operation) {
    case "+":
      return a.plus(b);
    case "-":
      return a.minus(b);
    case "*":
      return a.times(b);
    case "/":
      // BigDecimal: x / 0 is Infinity (or NaN for 0 / 0), not an error.
      return new Exact(Quotient.div(a, b));
    case "%":
      if (b.isZero()) throw new ZeroDivision();
      return a.mod(b);
  }
}

// ---------------------------------------------------------------- fast exact path
//
// Most money math is small decimals: 19.99 is 1999 hundredths. As a scaled integer (m, s) with
// |m| < 2^53 the sum, difference and product are exact in doubles, and m / 10^s is the double
// nearest to the exact decimal (one correctly rounded IEEE division), which is what BigDecimal#to_f
// gives. Anything else (exponents, long digit strings, overflow) goes through decimal.js.

interface Scaled {
  m: number;
  s: number;
  decimal: boolean;
}

const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);

function scaledFromText(text: string, decimal: boolean): Scaled | null {
  const point = text.indexOf(".");
  const digits = point < 0 ? text : text.slice(0, point) + text.slice(point + 1);
  if (digits.length > 16) return null;
  const m = Number(digits);
  if (!Number.isSafeInteger(m)) return null;
  return { m, s: point < 0 ? 0 : text.length - point - 1, decimal };
}

function scaledOf(input: unknown): Scaled | null {
  let value = input;
  if (value instanceof FloatNumber) value = value.value;
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return { m: value, s: 0, decimal: input instanceof FloatNumber };
    if (!Number.isFinite(value)) return null;
    const text = String(value); // the shortest text, as Ruby's Float#to_s gives BigDecimal
    return text.includes("e") ? null : scaledFromText(text, true);
  }
  if (typeof value === "string") {
    const stripped = value.includes(" ") || value.includes("\t") ? value.replace(STRIP, "") : value;
    if (DECIMAL_STRING.test(stripped)) return scaledFromText(stripped, true);
  }
  return null;
}

function scaledOperation(a: Scaled, b: Scaled, operation: "+" | "-" | "*"): number | FloatNumber | null {
  let m: number;
  let s: number;
  if (operation === "*") {
    m = a.m * b.m;
    s = a.s + b.s;
  } else {
    s = Math.max(a.s, b.s);
    if (s > 22) return null;
    const x = a.m * POWERS[s - a.s];
    const y = b.m * POWERS[s - b.s];
    m = operation === "+" ? x + y : x - y;
  }
  if (!Number.isSafeInteger(m) || s > 22) return null;
  const value = s === 0 ? m : m / POWERS[s];
  return Number.isInteger(value) ? new FloatNumber(value + 0) : value;
}

/** Ruby Liquid's apply_operation: `to_number(input).send(op, to_number(operand))`. */
export function applyOperation(input: unknown, operand: unknown, operation: Operation): number | bigint | FloatNumber {
  if (operation === "+" || operation === "-" || operation === "*") {
    const x = scaledOf(unwrap(input));
    const y = x && scaledOf(unwrap(operand));
    if (x && y && (x.decimal || y.decimal)) {
      const result = scaledOperation(x, y, operation);
      if (result !== null) return result;
    }
  }
  const a = toRubyNumber(input);
  const b = toRubyNumber(operand);
  if (!isDecimal(a) && !isDecimal(b)) return integerOperation(a, b, operation);
  return decimalToFloat(decimalOperation(toDecimal(a), toDecimal(b), operation));
}

function assertFinite(value: Decimal): void {
  if (value.isNaN()) throw new Error("Computation results in 'NaN' (Not a Number)");
  if (!value.isFinite()) throw new Error(`Computation results in '${value.isNegative() ? "-" : ""}Infinity'`);
}

function decimalToInteger(value: Decimal): number | bigint {
  return normalizeInteger(BigInt(value.toFixed(0)));
}

export function ceil(input: unknown): number | bigint {
  const value = toRubyNumber(input);
  if (!isDecimal(value)) return value;
  assertFinite(value);
  return decimalToInteger(value.ceil());
}

export function floor(input: unknown): number | bigint {
  const value = toRubyNumber(input);
  if (!isDecimal(value)) return value;
  assertFinite(value);
  return decimalToInteger(value.floor());
}

export function abs(input: unknown): number | bigint | FloatNumber {
  const value = toRubyNumber(input);
  if (isDecimal(value)) return decimalToFloat(value.abs());
  return typeof value === "bigint" ? normalizeInteger(value < 0n ? -value : value) : Math.abs(value);
}

/** round for a small decimal (m / 10^s) to 0 <= digits < s places, half away from zero, exactly. */
function roundScaled(x: Scaled, digits: number): number | FloatNumber | null {
  if (digits < 0 || digits >= x.s || x.s > 22) return null;
  const unit = POWERS[x.s - digits];
  const magnitude = Math.abs(x.m);
  const remainder = magnitude % unit;
  let kept = (magnitude - remainder) / unit;
  if (remainder * 2 >= unit) kept += 1;
  const signed = x.m < 0 ? -kept : kept;
  const value = digits === 0 ? signed : signed / POWERS[digits];
  return Number.isInteger(value) ? new FloatNumber(value + 0) : value;
}

/** Ruby Liquid's round: half away from zero; negative digits round to tens, hundreds... */
export function round(input: unknown, digitsInput: unknown = 0): number | bigint | FloatNumber {
  if (typeof digitsInput === "number" && digitsInput > 0 && Number.isInteger(digitsInput)) {
    const x = scaledOf(unwrap(input));
    if (x && x.decimal) {
      const fast = roundScaled(x, digitsInput);
      if (fast !== null) return fast;
      if (x.s <= digitsInput) return x.s === 0 ? new FloatNumber(x.m) : x.m / POWERS[x.s];
    }
  }
  const value = toRubyNumber(input);
  const digitsNumber = toRubyNumber(digitsInput);
  const digits = isDecimal(digitsNumber) ? digitsNumber.trunc().toNumber() : Number(digitsNumber);
  // Ruby: `result = result.to_i if n == 0`, with n as given (0, 0.0; not "0").
  const toInteger = isZeroArgument(digitsInput);
  if (!isDecimal(value)) {
    if (digits >= 0) return value;
    const unit = 10n ** BigInt(-digits);
    const big = toBig(value);
    const half = unit / 2n;
    const magnitude = big < 0n ? -big : big;
    const rounded = ((magnitude + half) / unit) * unit;
    return normalizeInteger(big < 0n ? -rounded : rounded);
  }
  assertFinite(value);
  let rounded: Decimal;
  if (digits >= 0) rounded = value.toDecimalPlaces(Math.min(digits, 1000), Decimal.ROUND_HALF_UP);
  else {
    const unit = new Exact(10).pow(-digits);
    rounded = value.div(unit).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(unit);
  }
  // BigDecimal#round returns an Integer for negative digits; Liquid makes n == 0 an Integer too.
  if (toInteger || digits < 0) return decimalToInteger(rounded);
  return decimalToFloat(rounded);
}

function isZeroArgument(value: unknown): boolean {
  const plain = unwrap(value);
  if (plain instanceof FloatNumber) return plain.value === 0;
  return plain === 0 || plain === 0n;
}

function compare(a: RubyNumber, b: RubyNumber): number {
  if (!isDecimal(a) && !isDecimal(b)) return a < b ? -1 : a > b ? 1 : 0;
  return toDecimal(a).comparedTo(toDecimal(b));
}

export function atLeast(input: unknown, minimum: unknown): number | bigint | FloatNumber {
  const floorValue = toRubyNumber(minimum);
  const value = toRubyNumber(input);
  return fromRubyNumber(compare(floorValue, value) > 0 ? floorValue : value);
}

export function atMost(input: unknown, maximum: unknown): number | bigint | FloatNumber {
  const ceiling = toRubyNumber(maximum);
  const value = toRubyNumber(input);
  return fromRubyNumber(compare(ceiling, value) < 0 ? ceiling : value);
}

/** Exact sum of numbers (Mechanic's `sum`): integers stay integers, any float makes a float. */
export function sumNumbers(values: RubyNumber[]): number | bigint | FloatNumber {
  let integer: number | bigint = 0;
  let decimal: Decimal | null = null;
  for (const value of values) {
    if (isDecimal(value)) decimal = decimal ? decimal.plus(value) : value;
    else integer = integerOperation(integer, value, "+");
  }
  if (!decimal) return integer;
  return decimalToFloat(decimal.plus(toDecimal(integer)));
}
