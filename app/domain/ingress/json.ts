// JSON that keeps 64-bit integers exact. Shopify ids exceed 2^53, so a plain JSON.parse would
// silently round them; unsafe integers become BigInt here and are written back as bare digits.
import { isInteger, isSafeNumber, parse, stringify } from "lossless-json";

function parseNumber(text: string): number | bigint {
  if (isInteger(text) && !isSafeNumber(text)) return BigInt(text);
  // Non-integers keep JSON.parse's behaviour (nearest double), as every JSON consumer expects.
  return Number(text);
}

// Object keys such as "__proto__" must become plain own properties, never prototypes.
function keepOwnKeys(_key: string, value: unknown): unknown {
  return value;
}

/** Parses JSON text; unsafe integers become BigInt. Duplicate keys keep the last value (like JSON.parse). Throws SyntaxError. */
export function parseJsonExact(text: string): unknown {
  return parse(text, keepOwnKeys, {
    parseNumber,
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

/** JSON text for values that may hold BigInt (written as exact digits). */
export function stringifyJson(value: unknown, space?: number): string {
  return stringify(value, null, space) ?? "null";
}

/** One-line reason for a JSON syntax error, safe to send back to the caller. */
export function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").slice(0, 200);
}
