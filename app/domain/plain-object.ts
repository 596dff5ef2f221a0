// A JSON-style object: not null, not an array. (Liquid's own value model has a stricter test,
// app/domain/liquid/values.ts, which also excludes its number and string wrappers and drops.)

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
