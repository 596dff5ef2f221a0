// JSON columns as the runner reads and writes them, through the app's one JSON module: 64-bit
// integers stay exact (BigInt), whole-valued floats stay floats, and a column that does not parse
// reads as the fallback instead of failing the run. ~/domain/json runs the built-in
// JSON.parse/stringify first (lossless-json only when a number needs it): on the runner's hot path
// lossless-json was several times slower for the same values and text.
import { parseJson, stringifyJson } from "~/domain/json";

export function parseStored(text: string | null | undefined, fallback: unknown = null): unknown {
  if (text === null || text === undefined) return fallback;
  try {
    return parseJson(text);
  } catch {
    return fallback;
  }
}

/** JSON text for storage; `undefined` becomes null so every stored column holds valid JSON. */
export function toJsonText(value: unknown): string {
  return stringifyJson(value ?? null);
}
