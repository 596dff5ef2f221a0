// The Liquid engine: liquidjs configured to behave like Shopify's Liquid plus Mechanic's tags and
// filters, with per-render limits and a cache of parsed templates.
import { Context, Liquid, TokenKind, toPromise, type Template } from "liquidjs";
import { registerFilters } from "./filters";
import { rubyOperators } from "./operators";
import { registerTags } from "./tags";
import { attachState, createRenderState, stateOf, type RenderState } from "./state";
import { BinaryString, FloatNumber, isPlainObject, toLiquidString } from "./values";
import { first, last, size } from "./standard-filters";
import { resourceProperty } from "./shopify-objects";

export interface RenderLimits {
  /** liquidjs renderLimit: total render time, checked between template nodes. */
  renderLimitMs: number;
  /** Wall-clock backstop for the whole render (covers slow async filters). */
  timeoutMs: number;
  /** Maximum size of the rendered output, in UTF-16 code units. */
  outputBytes: number;
  /** liquidjs memoryLimit: allocation units (string lengths, array sizes, ranges). */
  memoryLimit: number;
  /** liquidjs parseLimit: template source length. */
  parseLimit: number;
}

export const DEFAULT_LIMITS: RenderLimits = {
  renderLimitMs: 2_000,
  timeoutMs: 3_000,
  outputBytes: 5_000_000,
  memoryLimit: 20_000_000,
  parseLimit: 1_000_000,
};

/** A script problem (syntax, runtime, limit), reported to the task author, never a crash. */
export class LiquidScriptError extends Error {
  constructor(
    message: string,
    readonly phase: "parse" | "render",
    /** What was rendered before the failure (lets callers keep earlier logs). */
    readonly partialOutput = "",
    /** Render state at the failure (permissions recorded so far). */
    readonly state: RenderState | null = null,
    /** The render stopped at one of its limits (time, memory, output), not at a script error. */
    readonly limitReached = false,
  ) {
    super(message);
    this.name = "LiquidScriptError";
  }
}

/**
 * Property lookups as Ruby Liquid does them: a string has only size, first and last (in
 * characters; first/last as Mechanic's Rails has them), a hash's `first` is its first [key, value]
 * pair, and the insides of boxed numbers and bytes are not properties.
 */
class RubyContext extends Context {
  readProperty(
    obj: Parameters<Context["readProperty"]>[0] | unknown,
    key: Parameters<Context["readProperty"]>[1],
  ): unknown {
    if (typeof obj === "string" || obj instanceof BinaryString) {
      const text = String(obj);
      if (key === "size") return size(obj);
      if (key === "first") return first(text);
      if (key === "last") return last(text);
      return undefined;
    }
    if (obj instanceof FloatNumber) return undefined;
    if (
      (key === "reload" || key === "metafields") &&
      isPlainObject(obj) &&
      !Object.prototype.hasOwnProperty.call(obj, key)
    ) {
      const objects = stateOf(this).objects;
      const found = objects ? resourceProperty(objects, obj, key) : undefined;
      if (found !== undefined) return found;
    }
    if (key === "first" && isPlainObject(obj) && !Object.prototype.hasOwnProperty.call(obj, "first")) return first(obj);
    return super.readProperty(obj as Parameters<Context["readProperty"]>[0], key as string);
  }
}

class LimitedEmitter {
  buffer = "";
  constructor(private readonly maxLength: number) {}
  write(html: unknown): void {
    const text = toLiquidString(html);
    if (this.buffer.length + text.length > this.maxLength) {
      throw new Error(`output limit exceeded (${this.maxLength} characters)`);
    }
    this.buffer += text;
  }
}

// Ruby keeps `6.0` a Float; liquidjs parses it to the number 6. After parsing we box every decimal
// number literal so it prints and divides like Ruby's Float (and keep big integer literals exact).
// String literals are made raw, as in Ruby Liquid. Walks the parsed template tree once.
function applyRubyLiterals(root: unknown, liquid: Liquid): void {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== "object" || seen.has(node) || node === liquid) continue;
    seen.add(node);
    const token = node as { kind?: number; content?: unknown; getText?: () => string };
    if (token.kind === TokenKind.Number && typeof token.content === "number" && typeof token.getText === "function") {
      const text = token.getText();
      if (/[.eE]/.test(text)) token.content = new FloatNumber(token.content);
      // Integer literals beyond 2^53 stay exact, to compare with 64-bit ids from event data.
      else if (!Number.isSafeInteger(token.content) && /^[-+]?\d+$/.test(text)) token.content = BigInt(text);
      continue;
    }
    // Ruby Liquid string literals have no escape sequences: "\n" is a backslash and an n (which is
    // why Mechanic offers `newline`). liquidjs would decode them; restore the raw text. A quote
    // inside (liquidjs reads \" as one) ends a Ruby string early: that is a syntax error there.
    if (token.kind === TokenKind.Quoted && typeof token.content === "string" && typeof token.getText === "function") {
      const text = token.getText();
      const raw = text.slice(1, -1);
      if (raw.includes(text[0])) throw new Error(`unexpected character \\ in ${text}`);
      token.content = raw;
      continue;
    }
    if (token.kind === TokenKind.Range && typeof token.getText === "function" && token.getText().includes("..."))
      throw new Error(`invalid range ${token.getText()}`);
    const expression = node as { postfix?: unknown[] };
    if (Array.isArray(expression.postfix)) checkExpression(expression.postfix);
    const output = node as { token?: { kind?: number; content?: unknown }; value?: unknown };
    if (
      output.token?.kind === TokenKind.Output &&
      typeof output.token.content === "string" &&
      /\|\s*$/.test(output.token.content)
    )
      throw new Error(`expected a filter name after "|" in {{${output.token.content}}}`);
    if (node instanceof FloatNumber) continue;
    for (const key of Object.keys(node)) {
      if (key === "liquid" || key === "input" || key === "opTrie" || key === "literalTrie") continue;
      const child = (node as Record<string, unknown>)[key];
      if (child && typeof child === "object") stack.push(child);
    }
  }
}

/** An expression is operands joined by binary operators: `{{ "a" "b" }}` is a syntax error in Ruby. */
function checkExpression(postfix: unknown[]): void {
  let operands = 0;
  for (const token of postfix) {
    const kind = (token as { kind?: number }).kind;
    if (kind === TokenKind.Operator) {
      if ((token as { operator?: string }).operator !== "not") operands--;
    } else operands++;
  }
  if (postfix.length > 0 && operands !== 1) {
    const text = postfix.map((token) => (token as { getText?: () => string }).getText?.() ?? "").join(" ");
    throw new Error(`unexpected value in expression: ${text}`);
  }
}

// Ruby Liquid stops at 100 nested blocks. liquidjs parses blocks recursively and, thousands of
// levels deep, can exhaust the stack or memory, so deep scripts are refused before parsing.
export const MAX_NESTING_DEPTH = 100;
const BLOCK_TAGS = new Set(["if", "unless", "for", "case", "capture", "tablerow", "ifchanged"]);
const MECHANIC_BLOCK_TAGS = new Set(["action", "log", "error"]);

/** Whether an action/log/error tag with these arguments opens a block (see tags.ts). */
function isMechanicBlock(name: string, args: string): boolean {
  if (name !== "action") return args.replace(/,\s*__\w+\s*:[^,]*/g, "").trim() === "";
  // As ActionTag decides: at most one positional value, no options but control parameters, and
  // no hash or array literal as the positional value.
  let positional = 0;
  for (const part of topLevelParts(args)) {
    if (/^__(meta|perform_event)\s*:/.test(part)) continue;
    if (/^[A-Za-z_][\w-]*\s*:(?!:)/.test(part) || /^[[{]/.test(part)) return false;
    // `"echo" csv`: two values without a comma (tolerated by the tag).
    positional += /^(["'])[^"']*\1\s*[^\s|]/.test(part) ? 2 : 1;
  }
  return positional <= 1;
}

/** Tag arguments split at commas outside quotes and brackets, trimmed, empty parts dropped. */
function topLevelParts(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    const char = args[i];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "(" || char === "[" || char === "{") depth++;
    else if (char === ")" || char === "]" || char === "}") depth = Math.max(0, depth - 1);
    else if (char === "," && depth === 0) {
      parts.push(args.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(args.slice(start));
  return parts.map((part) => part.trim()).filter(Boolean);
}

/** Deepest nesting of block tags (including lines inside {% liquid %}), from a quick scan. */
export function maxNestingDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  const visit = (name: string, args: string) => {
    if (BLOCK_TAGS.has(name) || (MECHANIC_BLOCK_TAGS.has(name) && isMechanicBlock(name, args)))
      deepest = Math.max(deepest, ++depth);
    else if (name.startsWith("end") && (BLOCK_TAGS.has(name.slice(3)) || MECHANIC_BLOCK_TAGS.has(name.slice(3))))
      depth = Math.max(0, depth - 1);
  };
  for (const match of source.matchAll(/\{%-?\s*(\w+)([\s\S]*?)-?%\}/g)) {
    visit(match[1], match[2]);
    if (match[1] === "liquid") {
      for (const line of match[2].split("\n")) {
        const parts = /^\s*(\w*)(.*)$/.exec(line)!;
        visit(parts[1], parts[2]);
      }
    }
  }
  return deepest;
}

export interface EngineOptions {
  limits?: Partial<RenderLimits>;
  /** How many parsed templates to keep (least recently used are evicted). */
  templateCacheSize?: number;
}

export interface RenderOptions {
  state?: Partial<RenderState>;
  limits?: Partial<RenderLimits>;
  /** Reuse a parsed template stored under this key (e.g. task id + version). */
  cacheKey?: string;
}

export interface RenderOutput {
  output: string;
  state: RenderState;
}

export class LiquidEngine {
  readonly liquid: Liquid;
  readonly limits: RenderLimits;
  private readonly cache = new Map<string, { source: string; templates: Template[] }>();
  private readonly cacheSize: number;

  constructor(options: EngineOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.cacheSize = options.templateCacheSize ?? 500;
    this.liquid = new Liquid({
      // Ruby truthiness: only false and nil are falsy.
      jsTruthy: false,
      strictFilters: true,
      strictVariables: false,
      ownPropertyOnly: true,
      operators: rubyOperators,
      dateFormat: "%Y-%m-%dT%H:%M:%S%:z",
      timezoneOffset: 0,
      parseLimit: this.limits.parseLimit,
      renderLimit: this.limits.renderLimitMs,
      memoryLimit: this.limits.memoryLimit,
      // No file access at all; include/render/layout are replaced by tags that refuse.
      root: [],
      partials: [],
      layouts: [],
      relativeReference: false,
      templates: {},
    });
    registerFilters(this.liquid);
    registerTags(this.liquid);
  }

  /** Parse (or fetch from the cache) a template. Throws LiquidScriptError on syntax errors. */
  parse(source: string, cacheKey?: string, parseLimit = this.limits.parseLimit): Template[] {
    if (cacheKey) {
      const cached = this.cache.get(cacheKey);
      if (cached && cached.source === source) {
        this.cache.delete(cacheKey);
        this.cache.set(cacheKey, cached);
        return cached.templates;
      }
    }
    if (source.length > parseLimit) {
      throw new LiquidScriptError(
        `Liquid parse limit exceeded: script is ${source.length} characters, the limit is ${parseLimit}`,
        "parse",
      );
    }
    const depth = maxNestingDepth(source);
    if (depth > MAX_NESTING_DEPTH) {
      throw new LiquidScriptError(
        `Liquid syntax error: nesting too deep (${depth} levels; at most ${MAX_NESTING_DEPTH})`,
        "parse",
      );
    }
    let templates: Template[];
    try {
      templates = this.liquid.parse(source);
    } catch (error) {
      throw new LiquidScriptError(describeError(error).replace(/^Liquid error: /, "Liquid syntax error: "), "parse");
    }
    try {
      applyRubyLiterals(templates, this.liquid);
    } catch (error) {
      throw new LiquidScriptError(`Liquid syntax error: ${(error as Error).message}`, "parse");
    }
    if (cacheKey) {
      this.cache.set(cacheKey, { source, templates });
      while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    }
    return templates;
  }

  /** Render to a string. Script problems and limits throw LiquidScriptError. */
  async render(source: string, scope: Record<string, unknown>, options: RenderOptions = {}): Promise<RenderOutput> {
    // Object.assign, not a spread: V8 spread these per render at several times the cost.
    const limits: RenderLimits = Object.assign({}, this.limits, options.limits);
    const templates = this.parse(source, options.cacheKey, limits.parseLimit);
    const state = createRenderState(options.state);
    const context = new RubyContext(
      scope,
      this.liquid.options,
      {
        renderLimit: limits.renderLimitMs,
        memoryLimit: limits.memoryLimit,
        // Mechanic's keyword literals. Frozen: assignment copies instead of mutating them.
        globals: { array: Object.freeze([]), hash: Object.freeze({}), newline: "\n" },
      },
      { liquid: this.liquid },
    );
    attachState(context, state);
    const emitter = new LimitedEmitter(limits.outputBytes);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new LiquidScriptError(`Liquid render timed out after ${limits.timeoutMs} ms`, "render", "", null, true),
          ),
        limits.timeoutMs,
      );
    });
    try {
      const rendering = toPromise(this.liquid.renderer.renderTemplates(templates, context, emitter));
      // The render keeps running in the background after a timeout, but stops at its next node
      // because renderLimit (<= timeout) has then passed too.
      rendering.catch(() => {});
      await Promise.race([rendering, timeout]);
    } catch (error) {
      const message = error instanceof LiquidScriptError ? error.message : describeError(error, limits);
      throw new LiquidScriptError(message, "render", emitter.buffer, state, isLimitError(error));
    } finally {
      clearTimeout(timer);
    }
    return { output: emitter.buffer, state };
  }
}

/** The render stopped at a limit: its time (either check), its memory or its output size. */
function isLimitError(error: unknown): boolean {
  if (error instanceof LiquidScriptError) return error.limitReached;
  const raw = error instanceof Error ? error.message : String(error);
  return /template render limit exceeded|memory alloc limit exceeded|output limit exceeded \(/.test(raw);
}

/** Turn liquidjs errors into short messages for task authors. */
export function describeError(error: unknown, limits?: RenderLimits): string {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /line:(\d+), col:(\d+)/.exec(raw);
  const where = position ? ` (line ${position[1]}, column ${position[2]})` : "";
  let message = raw.replace(/, line:\d+, col:\d+[\s\S]*$/, "").replace(/\n[\s\S]*$/, "");
  if (/template render limit exceeded/.test(message)) {
    message = `Liquid render time limit exceeded${limits ? ` (${limits.renderLimitMs} ms)` : ""}`;
  } else if (/memory alloc limit exceeded/.test(message)) {
    message = "Liquid memory limit exceeded (the script builds too much data, e.g. a huge range or string)";
  } else if (/parse length limit exceeded/.test(message)) {
    message = "Liquid parse limit exceeded";
  } else {
    message = `Liquid error: ${message}`;
  }
  return `${message}${where}`;
}

export function createLiquidEngine(options: EngineOptions = {}): LiquidEngine {
  return new LiquidEngine(options);
}

/** The process-wide engine; its template cache is shared by all renders. */
export const defaultEngine = new LiquidEngine();
