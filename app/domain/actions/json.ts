// JSON text <-> values without losing 64-bit integers (Shopify ids): integers beyond 2^53 become
// bigint when parsed and are written back as exact digits; every other number is a plain number.
import { isInteger, isSafeNumber, parse, stringify } from "lossless-json";

function parseNumber(text: string): number | bigint {
  if (isInteger(text) && !isSafeNumber(text)) return BigInt(text);
  return Number(text);
}

export function parseJsonExact(text: string): unknown {
  return parse(text, null, parseNumber);
}

/** JSON text for storage; `undefined` becomes null so every stored column holds valid JSON. */
export function toJsonText(value: unknown): string {
  return stringify(value ?? null) ?? "null";
}
