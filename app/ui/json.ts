// Pretty-printing stored JSON text without losing 64-bit integers (event data, run results).
import { parse, stringify } from "lossless-json";

/** Indented JSON for display; text that is not JSON is returned unchanged. */
export function prettyJson(text: string | null | undefined): string {
  if (text === null || text === undefined) return "";
  try {
    return stringify(parse(text), undefined, 2) ?? text;
  } catch {
    return text;
  }
}

/** Parses stored JSON text, or returns `fallback` when it is absent or malformed. */
export function parseJsonOr<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** A one-line preview of JSON data for lists, cut at `max` characters. */
export function jsonPreview(text: string | null | undefined, max = 80): string {
  if (!text) return "";
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
