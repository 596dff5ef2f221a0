// JSON text <-> values without losing 64-bit integers (Shopify ids): integers beyond 2^53 become
// bigint when parsed and are written back as exact digits.
import { parse, parseNumberAndBigInt, stringify } from "lossless-json";

export function parseJsonExact(text: string): unknown {
  return parse(text, null, parseNumberAndBigInt);
}

/** JSON text for storage; `undefined` becomes null so every stored column holds valid JSON. */
export function toJsonText(value: unknown): string {
  return stringify(value ?? null) ?? "null";
}
