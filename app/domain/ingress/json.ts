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

// The built-in JSON.parse and JSON.stringify are several times faster than lossless-json (on the
// ingress hot path, lossless-json was a tenth of the CPU per request). JSON.parse gives the same
// value unless a number came out as an integer beyond 2^53: only then is the text parsed again.
function hasUnsafeInteger(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "number") {
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) return true;
    } else if (value !== null && typeof value === "object") {
      for (const child of Object.values(value)) stack.push(child);
    }
  }
  return false;
}

/** Parses JSON text; unsafe integers become BigInt. Duplicate keys keep the last value (like JSON.parse). Throws SyntaxError. */
export function parseJsonExact(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined; // Malformed: lossless-json below throws too, with the message callers are shown.
  }
  if (value !== undefined && !hasUnsafeInteger(value)) return value;
  return parse(text, keepOwnKeys, {
    parseNumber,
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

/** JSON text for values that may hold BigInt (written as exact digits). */
export function stringifyJson(value: unknown, space?: number): string {
  try {
    return JSON.stringify(value, null, space) ?? "null";
  } catch (error) {
    // A BigInt (or a cycle, which fails below as well): lossless-json writes BigInt as digits.
    if (!(error instanceof TypeError)) throw error;
  }
  return stringify(value, null, space) ?? "null";
}

/** One-line reason for a JSON syntax error, safe to send back to the caller. */
export function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").slice(0, 200);
}
