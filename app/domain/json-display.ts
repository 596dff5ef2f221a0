// Stored JSON text, indented for reading on a page, with its size bounded. Indenting costs two
// spaces per level on every line, so a 6 KB body nested 3,000 deep became 18 MB of page. Here:
//   - levels up to `maxDepth` are indented as JSON.stringify(value, null, 2) would;
//   - anything nested deeper is shown on one line, as it is stored (so the text grows linearly);
//   - the text stops at `maxChars`, and the page offers the stored JSON as a download instead.
// Works on the text itself, token by token: nothing is parsed into values, so 64-bit integers and
// every number's spelling stay as stored, and no depth can overflow a stack.

export const JSON_DISPLAY_LIMITS = { maxDepth: 20, maxChars: 100_000 } as const;

export interface JsonDisplay {
  /** What to show. */
  text: string;
  /** True when `text` stops before the end (the page links to the raw JSON). */
  truncated: boolean;
  /** True when some values were nested deeper than maxDepth and are shown on one line. */
  flattened: boolean;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text); // V8's parser is iterative: deep nesting does not overflow
    return true;
  } catch {
    return false;
  }
}

/** Text that is not JSON is shown as it is, up to maxChars. */
function plain(text: string, maxChars: number): JsonDisplay {
  return text.length > maxChars
    ? { text: text.slice(0, maxChars), truncated: true, flattened: false }
    : { text, truncated: false, flattened: false };
}

function isSpace(c: string): boolean {
  return c === " " || c === "\n" || c === "\r" || c === "\t";
}

/** Indents stored JSON text for display within the limits (see the top of this file). */
export function displayJson(
  text: string | null | undefined,
  limits: { maxDepth: number; maxChars: number } = JSON_DISPLAY_LIMITS,
): JsonDisplay {
  if (text === null || text === undefined) return { text: "", truncated: false, flattened: false };
  if (!isJson(text)) return plain(text, limits.maxChars);
  const out: string[] = [];
  let length = 0;
  let depth = 0;
  let flattened = false;
  const emit = (piece: string) => {
    out.push(piece);
    length += piece.length;
  };
  const newline = (level: number) => emit("\n" + "  ".repeat(level));

  for (let i = 0; i < text.length; i++) {
    if (length > limits.maxChars) {
      return { text: out.join("").slice(0, limits.maxChars), truncated: true, flattened };
    }
    const c = text[i]!;
    if (isSpace(c)) continue;
    if (c === '"') {
      // A string, copied as stored up to its closing quote.
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      emit(text.slice(i, end + 1));
      i = end;
    } else if (c === "{" || c === "[") {
      let next = i + 1;
      while (next < text.length && isSpace(text[next]!)) next++;
      if (text[next] === (c === "{" ? "}" : "]")) {
        emit(c === "{" ? "{}" : "[]");
        i = next;
        continue;
      }
      depth++;
      emit(c);
      if (depth <= limits.maxDepth) newline(depth);
      else flattened = true;
    } else if (c === "}" || c === "]") {
      depth--;
      if (depth + 1 <= limits.maxDepth) newline(depth);
      emit(c);
    } else if (c === ",") {
      emit(",");
      if (depth <= limits.maxDepth) newline(depth);
    } else if (c === ":") {
      emit(depth <= limits.maxDepth ? ": " : ":");
    } else {
      // Numbers, true, false, null: copied as stored.
      let end = i;
      while (end + 1 < text.length && !/[\s,:\]}]/.test(text[end + 1]!)) end++;
      emit(text.slice(i, end + 1));
      i = end;
    }
  }
  const result = out.join("");
  return result.length > limits.maxChars
    ? { text: result.slice(0, limits.maxChars), truncated: true, flattened }
    : { text: result, truncated: false, flattened };
}

/** A log or error entry for display: text as it is, anything else as JSON within the limits. */
export function displayEntry(entry: unknown, maxChars: number = JSON_DISPLAY_LIMITS.maxChars): string {
  if (typeof entry === "string") return entry.length > maxChars ? entry.slice(0, maxChars) : entry;
  let json: string;
  try {
    json = JSON.stringify(entry) ?? "null";
  } catch {
    json = String(entry);
  }
  return displayJson(json, { ...JSON_DISPLAY_LIMITS, maxChars }).text;
}

/** Lines joined with newlines, stopped at maxChars. */
export function joinWithin(lines: string[], maxChars: number = JSON_DISPLAY_LIMITS.maxChars): JsonDisplay {
  let text = "";
  for (const line of lines) {
    text += (text === "" ? "" : "\n") + line;
    if (text.length > maxChars) return { text: text.slice(0, maxChars), truncated: true, flattened: false };
  }
  return { text, truncated: false, flattened: false };
}

/** The sentence under a shortened block, or null when nothing was left out or flattened. */
export function displayNote(display: JsonDisplay): string | null {
  if (display.truncated) {
    return `Shortened: showing the first ${JSON_DISPLAY_LIMITS.maxChars.toLocaleString("en-US")} characters.`;
  }
  if (display.flattened)
    return `Values nested deeper than ${JSON_DISPLAY_LIMITS.maxDepth} levels are shown on one line.`;
  return null;
}
