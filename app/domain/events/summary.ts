// The one-line summary of an event's data that tells rows apart in lists (the Events page, the
// dry-run picker, `hookline events list`): its first few scalar fields, depth-first, truncated.

export const SUMMARY_MAX_FIELDS = 4;
export const SUMMARY_MAX_VALUE_CHARS = 40;
export const SUMMARY_MAX_CHARS = 160;
/** Containers looked into before giving up: a huge or deeply nested body costs the same as a small one. */
const MAX_NODES = 200;
const MAX_DEPTH = 4;

function scalarText(value: unknown): string | null {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(truncate(oneLine(value), SUMMARY_MAX_VALUE_CHARS));
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  return null;
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters would break the one line
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * "email: "a@b.com" · customer_id: 1001 · tags[0]: "vip"". A scalar body is shown as itself;
 * an empty object or array as "{}" / "[]". Keys are paths (a.b, list[0]) so nested fields stay clear.
 */
export function summarizeEventData(data: unknown): string {
  const direct = scalarText(data);
  if (direct !== null) return truncate(direct, SUMMARY_MAX_CHARS);
  const parts: string[] = [];
  let nodes = 0;
  const visit = (value: unknown, path: string, depth: number): void => {
    if (parts.length >= SUMMARY_MAX_FIELDS || nodes >= MAX_NODES) return;
    nodes++;
    const scalar = scalarText(value);
    if (scalar !== null) {
      parts.push(`${path}: ${scalar}`);
      return;
    }
    if (depth >= MAX_DEPTH || typeof value !== "object" || value === null) return;
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.slice(0, SUMMARY_MAX_FIELDS).map((v, i) => [`${path}[${i}]`, v])
      : Object.entries(value as Record<string, unknown>)
          .slice(0, MAX_NODES)
          .map(([k, v]) => [path ? `${path}.${k}` : k, v]);
    // Scalars of this level first: they say more about the event than a nested block's first field.
    const ordered = [
      ...entries.filter(([, v]) => scalarText(v) !== null),
      ...entries.filter(([, v]) => scalarText(v) === null),
    ];
    for (const [childPath, child] of ordered) visit(child, childPath, depth + 1);
  };
  visit(data, "", 0);
  if (parts.length === 0) {
    if (Array.isArray(data)) return data.length === 0 ? "[]" : `[${data.length} items]`;
    if (typeof data === "object" && data !== null) return Object.keys(data).length === 0 ? "{}" : "{…}";
    return "";
  }
  return truncate(parts.join(" · "), SUMMARY_MAX_CHARS);
}

/**
 * The same summary from the first characters of an event's JSON text, for data too large to read
 * whole in a list (the list reads a bounded prefix). Scalars come in document order; a string or
 * number cut off by the prefix ends the summary.
 */
export function summarizeJsonPrefix(prefix: string): string {
  const parts: string[] = [];
  // Each open container: an array's next index, or an object's pending key.
  const stack: (
    { kind: "array"; index: number; path: string } | { kind: "object"; key: string | null; path: string }
  )[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < prefix.length && /\s/.test(prefix[i]!)) i++;
  };
  const readString = (): string | null => {
    // At a quote; returns the decoded string, or null when the prefix ends inside it.
    let end = i + 1;
    while (end < prefix.length && prefix[end] !== '"') end += prefix[end] === "\\" ? 2 : 1;
    if (end >= prefix.length) return null;
    try {
      const value = JSON.parse(prefix.slice(i, end + 1)) as string;
      i = end + 1;
      return value;
    } catch {
      return null;
    }
  };
  const currentPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return "";
    if (top.kind === "array") return `${top.path}[${top.index}]`;
    return top.path ? `${top.path}.${top.key}` : (top.key ?? "");
  };
  const afterValue = () => {
    const top = stack[stack.length - 1];
    if (top?.kind === "array") top.index++;
    if (top?.kind === "object") top.key = null;
  };
  while (parts.length < SUMMARY_MAX_FIELDS) {
    skipSpace();
    if (i >= prefix.length) break;
    const ch = prefix[i]!;
    const top = stack[stack.length - 1];
    if (ch === "," || ch === ":") {
      i++;
      continue;
    }
    if (ch === "}" || ch === "]") {
      stack.pop();
      i++;
      afterValue();
      continue;
    }
    if (top?.kind === "object" && top.key === null) {
      if (ch !== '"') break;
      const key = readString();
      if (key === null) break;
      top.key = key;
      continue;
    }
    if (ch === "{" || ch === "[") {
      if (stack.length >= MAX_DEPTH * 4) break;
      const path = currentPath();
      stack.push(ch === "{" ? { kind: "object", key: null, path } : { kind: "array", index: 0, path });
      i++;
      continue;
    }
    let value: unknown;
    if (ch === '"') {
      const text = readString();
      if (text === null) break;
      value = text;
    } else {
      const match = /^(-?\d[\d.eE+-]*|true|false|null)/.exec(prefix.slice(i, i + 400));
      if (!match || i + match[0].length >= prefix.length) break; // cut off, or not JSON
      i += match[0].length;
      value = match[0] === "null" ? null : match[0] === "true" ? true : match[0] === "false" ? false : match[0];
    }
    const path = currentPath();
    const text = typeof value === "string" && /^-?\d/.test(value) && ch !== '"' ? value : scalarText(value);
    parts.push(path ? `${path}: ${text}` : String(text));
    afterValue();
  }
  return parts.length ? truncate(parts.join(" · "), SUMMARY_MAX_CHARS) : "{…}";
}
