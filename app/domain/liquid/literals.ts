// Hash and array literals in the action tag's arguments (issue 15), so the inline form
// `{% action "respond", status: 200, headers: {"content-type": "application/json"}, body: result %}`
// works. Ruby Liquid has no such literals; Hookline reads them only where the action tag reads an
// argument value (decision 0100). JSON-like: `{ "key": value, ... }` and `[a, b]`; keys are quoted
// strings or bare names; values are Liquid values without filters (strings, numbers, true, false,
// nil, variable lookups such as `cart.total` or `line["price"]`, ranges) or nested literals,
// evaluated at render time. Parsed once with the template; errors carry their line and column.
import { evalToken, type Context, type Tokenizer, type ValueToken } from "liquidjs";

/** Literals nested deeper than this are refused at parse. */
export const MAX_LITERAL_DEPTH = 16;
/** Values (hash entries and array items, at every level together) one literal may hold. */
export const MAX_LITERAL_VALUES = 1000;

export type LiteralNode =
  | { literal: "hash"; entries: Array<{ key: string; value: LiteralNode }> }
  | { literal: "array"; items: LiteralNode[] }
  | { literal: "value"; token: ValueToken };

/** Whether the tokenizer stands at the start of a hash or array literal. */
export function atLiteral(tokenizer: Tokenizer): boolean {
  const next = tokenizer.peek();
  return next === "{" || next === "[";
}

/** Read the hash or array literal the tokenizer stands at (see atLiteral). */
export function readLiteral(tokenizer: Tokenizer): LiteralNode {
  const budget = { values: 0 };
  const node = readCollection(tokenizer, 1, budget);
  tokenizer.skipBlank();
  if (tokenizer.peek() === "|")
    throw tokenizer.error("a hash or array literal cannot take filters (assign it, then filter the variable)");
  return node;
}

const BARE_KEY = /[A-Za-z_][\w-]*/y;

function readCollection(tokenizer: Tokenizer, depth: number, budget: { values: number }): LiteralNode {
  const open = tokenizer.p;
  const isHash = tokenizer.peek() === "{";
  const close = isHash ? "}" : "]";
  const what = isHash ? "hash literal" : "array literal";
  if (depth > MAX_LITERAL_DEPTH)
    throw tokenizer.error(`hash and array literals nest at most ${MAX_LITERAL_DEPTH} levels deep`, open);
  tokenizer.advance();
  const entries: Array<{ key: string; value: LiteralNode }> = [];
  const items: LiteralNode[] = [];
  const keys = new Set<string>();
  while (true) {
    tokenizer.skipBlank();
    if (tokenizer.end()) throw tokenizer.error(`${what} not closed: expected "${close}"`, open);
    if (tokenizer.peek() === close) {
      tokenizer.advance();
      return isHash ? { literal: "hash", entries } : { literal: "array", items };
    }
    if (++budget.values > MAX_LITERAL_VALUES)
      throw tokenizer.error(`a hash or array literal holds at most ${MAX_LITERAL_VALUES} values`, tokenizer.p);
    if (isHash) {
      const keyAt = tokenizer.p;
      const key = readKey(tokenizer);
      if (keys.has(key)) throw tokenizer.error(`key ${JSON.stringify(key)} appears twice in the hash literal`, keyAt);
      if (key === "__proto__") throw tokenizer.error(`the key "__proto__" is not allowed`, keyAt);
      keys.add(key);
      tokenizer.skipBlank();
      if (tokenizer.peek() !== ":")
        throw tokenizer.error(`expected ":" after the key ${JSON.stringify(key)} in the hash literal`);
      tokenizer.advance();
      entries.push({ key, value: readItem(tokenizer, depth, budget, what) });
    } else items.push(readItem(tokenizer, depth, budget, what));
    tokenizer.skipBlank();
    const next = tokenizer.peek();
    if (next === ",") tokenizer.advance();
    else if (next !== close) {
      if (tokenizer.end()) throw tokenizer.error(`${what} not closed: expected "${close}"`, open);
      throw tokenizer.error(`expected "," or "${close}" in the ${what}, found ${tokenizer.snapshot()}`);
    }
  }
}

function readKey(tokenizer: Tokenizer): string {
  const at = tokenizer.p;
  const quote = tokenizer.peek();
  if (quote === '"' || quote === "'") {
    const text = tokenizer.readQuoted()!.getText();
    if (text.length < 2 || !text.endsWith(quote)) throw tokenizer.error("string not closed", at);
    const key = text.slice(1, -1);
    // Ruby Liquid strings have no escapes (see applyRubyLiterals in engine.ts).
    if (key.includes(quote)) throw tokenizer.error(`unexpected character \\ in ${text}`, at);
    return key;
  }
  BARE_KEY.lastIndex = at;
  const match = BARE_KEY.exec(tokenizer.input);
  if (!match || at + match[0].length > tokenizer.N)
    throw tokenizer.error(
      `expected a key (a quoted string or a name) in the hash literal, found ${tokenizer.snapshot()}`,
    );
  tokenizer.advance(match[0].length);
  return match[0];
}

function readItem(tokenizer: Tokenizer, depth: number, budget: { values: number }, what: string): LiteralNode {
  tokenizer.skipBlank();
  if (atLiteral(tokenizer)) return readCollection(tokenizer, depth + 1, budget);
  const at = tokenizer.p;
  const token = tokenizer.readValue();
  if (!token || tokenizer.p === at)
    throw tokenizer.error(`expected a value in the ${what}, found ${tokenizer.snapshot()}`);
  tokenizer.skipBlank();
  if (tokenizer.peek() === "|")
    throw tokenizer.error("filters cannot be used inside a hash or array literal (assign the filtered value first)");
  return { literal: "value", token: token as ValueToken };
}

/** The literal's value, its variables looked up now; a missing variable is nil (JSON null). */
export function* evaluateLiteral(node: LiteralNode, ctx: Context): Generator<unknown, unknown, unknown> {
  if (node.literal === "value") {
    const value = yield evalToken(node.token, ctx, false);
    return value === undefined ? null : value;
  }
  if (node.literal === "array") {
    ctx.memoryLimit.use(node.items.length);
    const items: unknown[] = [];
    for (const item of node.items) items.push(yield* evaluateLiteral(item, ctx));
    return items;
  }
  ctx.memoryLimit.use(node.entries.length);
  const hash: Record<string, unknown> = {};
  for (const { key, value } of node.entries) hash[key] = yield* evaluateLiteral(value, ctx);
  return hash;
}
