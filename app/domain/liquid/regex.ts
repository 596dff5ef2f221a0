// Regular expressions written by task authors (match, scan): Ruby syntax, run on a linear-time
// engine so that no pattern can stall the process (`^(a+)+$` against "aaaa…!" takes microseconds,
// where a backtracking engine takes seconds per extra "a").
//
// The engine is RE2 (re2js, pure JavaScript). Ruby's syntax is translated first: `^` and `$` match
// at line boundaries (always, in Ruby), Ruby's `m` flag is RE2's `s` (dot matches newline), `\h`
// is a hex digit, POSIX classes are Unicode ([[:alpha:]] is \p{L}...), `(?'name'…)` is a named
// group. RE2 has no lookahead and no backreferences; a pattern that needs them runs on JavaScript's
// engine only when it cannot backtrack badly (no quantified group that itself repeats), else it
// is refused with the reason.
import { RE2JS } from "re2js";

export interface RegexMatch {
  index: number;
  /** Index just past the match. */
  end: number;
  text: string;
  captures: (string | null)[];
  named: Record<string, string | null>;
}

export interface UserRegex {
  engine: "re2" | "js";
  /** The first match at or after `from` (a UTF-16 index), or null. */
  exec(text: string, from?: number): RegexMatch | null;
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: "\\p{L}\\p{M}",
  digit: "\\p{Nd}",
  alnum: "\\p{L}\\p{M}\\p{Nd}",
  upper: "\\p{Lu}",
  lower: "\\p{Ll}",
  space: "\\s\\p{Z}",
  blank: " \\t\\p{Zs}",
  punct: "\\p{P}\\p{S}",
  word: "\\p{L}\\p{M}\\p{Nd}\\p{Pc}",
  xdigit: "0-9A-Fa-f",
  cntrl: "\\p{Cc}",
  graph: "^\\s\\p{Cc}\\p{Cn}",
  print: "^\\p{Cc}\\p{Cn}",
};

/** Ruby pattern text -> RE2 pattern text (shared with the JS fallback, which needs the same). */
function translate(pattern: string, target: "re2" | "js"): string {
  let out = "";
  let inClass = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      const next = pattern[i + 1] ?? "";
      i++;
      if (next === "h") out += inClass ? "0-9a-fA-F" : "[0-9a-fA-F]";
      else if (next === "H") out += "[^0-9a-fA-F]";
      else if (next === "A") out += target === "re2" ? "\\A" : "(?<![\\s\\S])";
      else if (next === "z") out += target === "re2" ? "\\z" : "(?![\\s\\S])";
      else if (next === "Z") out += target === "re2" ? "\\n?\\z" : "(?=\\n?(?![\\s\\S]))";
      else out += `\\${next}`;
      continue;
    }
    if (char === "[") {
      const posix = /^\[:(\^?)(\w+):\]/.exec(pattern.slice(i));
      if (inClass && posix && POSIX_CLASSES[posix[2]]) {
        if (posix[1]) throw new Error(`negated POSIX class [[:^${posix[2]}:]] is not supported`);
        out += POSIX_CLASSES[posix[2]];
        i += posix[0].length - 1;
        continue;
      }
      inClass++;
      out += char;
      continue;
    }
    if (char === "]" && inClass) {
      inClass--;
      out += char;
      continue;
    }
    if (char === "(" && !inClass && pattern[i + 1] === "?") {
      // Ruby's (?'name'...) named group.
      const quoted = /^\(\?'(\w+)'/.exec(pattern.slice(i));
      if (quoted) {
        out += `(?<${quoted[1]}>`;
        i += quoted[0].length - 1;
        continue;
      }
      // Inline flags: Ruby's m (dot matches newline) is RE2's and JS's s; x is not available.
      const flags = /^\(\?([imx]*)(?:-([imx]*))?([:)])/.exec(pattern.slice(i));
      if (flags) {
        if ((flags[1] + (flags[2] ?? "")).includes("x")) throw new Error("the x (extended) flag is not supported");
        const on = flags[1].replace("m", "s");
        const off = (flags[2] ?? "").replace("m", "s");
        out += `(?${on}${off ? `-${off}` : ""}${flags[3]}`;
        i += flags[0].length - 1;
        continue;
      }
    }
    out += char;
  }
  return out;
}

class Re2Regex implements UserRegex {
  readonly engine = "re2" as const;
  constructor(private readonly compiled: RE2JS) {}
  exec(text: string, from = 0): RegexMatch | null {
    const matcher = this.compiled.matcher(text);
    if (!matcher.find(from)) return null;
    const captures: (string | null)[] = [];
    for (let group = 1; group <= matcher.groupCount(); group++) captures.push(matcher.group(group) ?? null);
    const named: Record<string, string | null> = {};
    for (const name of Object.keys(this.compiled.namedGroups())) named[name] = matcher.group(name) ?? null;
    return { index: matcher.start(), end: matcher.end(), text: matcher.group() ?? "", captures, named };
  }
}

class JsRegex implements UserRegex {
  readonly engine = "js" as const;
  constructor(private readonly compiled: RegExp) {}
  exec(text: string, from = 0): RegexMatch | null {
    this.compiled.lastIndex = from;
    const match = this.compiled.exec(text);
    if (!match) return null;
    const named: Record<string, string | null> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) named[name] = value ?? null;
    return {
      index: match.index,
      end: match.index + match[0].length,
      text: match[0],
      captures: match.slice(1).map((item) => item ?? null),
      named,
    };
  }
}

/**
 * Whether a backtracking engine can run the pattern without blowing up: no quantified group
 * (`(…)*`, `(…)+`, `(…){2,}`) that itself contains a quantifier or an alternation.
 */
export function isBacktrackingSafe(pattern: string): boolean {
  const groups: { risky: boolean }[] = [{ risky: false }];
  let lastClosed: { risky: boolean } | null = null;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      i++;
      lastClosed = null;
      continue;
    }
    if (char === "[") {
      // Skip a character class (quantifiers inside it are literal).
      let j = i + 1;
      if (pattern[j] === "^") j++;
      if (pattern[j] === "]") j++;
      for (; j < pattern.length && pattern[j] !== "]"; j++) if (pattern[j] === "\\") j++;
      i = j;
      lastClosed = null;
      continue;
    }
    if (char === "(") {
      groups.push({ risky: false });
      lastClosed = null;
      continue;
    }
    if (char === ")") {
      lastClosed = groups.pop() ?? { risky: false };
      if (groups.length === 0) groups.push({ risky: false });
      continue;
    }
    const braces = char === "{" ? /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(i)) : null;
    const repeats = char === "*" || char === "+" || (braces !== null && !(braces[2] === "" && braces[1] === "1"));
    if (repeats) {
      if (lastClosed?.risky) return false;
      groups[groups.length - 1].risky = true;
    } else if ((char === "?" && pattern[i - 1] !== "(") || char === "|") {
      // An optional part or an alternative: a choice, which repeating the group would multiply.
      groups[groups.length - 1].risky = true;
    }
    lastClosed = null;
  }
  return true;
}

const cache = new Map<string, UserRegex>();
const CACHE_SIZE = 500;

/** Compiles a Ruby pattern for match/scan; throws with a clear reason when it cannot run. */
export function compileUserRegex(pattern: string): UserRegex {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const regex = compile(pattern);
  cache.set(pattern, regex);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return regex;
}

function compile(pattern: string): UserRegex {
  let re2Error: string;
  try {
    return new Re2Regex(RE2JS.compile(translate(pattern, "re2"), RE2JS.MULTILINE | RE2JS.LOOKBEHINDS));
  } catch (error) {
    re2Error = (error as Error).message;
  }
  // Lookahead, backreferences and the like: only where backtracking stays linear-ish.
  if (!isBacktrackingSafe(pattern))
    throw new Error(
      `regular expression ${JSON.stringify(pattern)} cannot run: ${re2Error.replace(/^error parsing regexp: /, "")}, and it repeats a group that holds a repetition or a choice (a backtracking engine could take exponential time on it)`,
    );
  try {
    return new JsRegex(new RegExp(translate(pattern, "js"), "gmu"));
  } catch {
    try {
      return new JsRegex(new RegExp(translate(pattern, "js"), "gm"));
    } catch (error) {
      throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
  }
}
