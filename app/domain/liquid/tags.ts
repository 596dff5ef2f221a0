// Mechanic's tags: action, log, error, permissions, and the extended assign
// (`{% assign h["k"] = v %}`, `{% assign a[a.size] = v %}`). action/log/error render their JSON
// object into the output, exactly as Mechanic does; the output is then read as a JSON stream.
// include/render/layout are replaced: task code has no file system.
import {
  Drop,
  Tag,
  TablerowTag,
  ForTag,
  CaptureTag,
  TokenKind,
  Value,
  evalToken,
  type Context,
  type Emitter,
  type Liquid,
  type Parser,
  type TagToken,
  type Template,
  type TopLevelToken,
  type Tokenizer,
  type ValueToken,
} from "liquidjs";
import { parseJson, parseJsonOr } from "~/domain/json";
import { serializeJson } from "./output";
import { liquidEquals } from "./operators";
import { stateOf } from "./state";
import { isPlainObject, normalizeInt, toLiquidString, unwrap, asNumeric } from "./values";
import { toInteger } from "./filter-args";
import { toRubyNumber } from "./numbers";
import { atLiteral, evaluateLiteral, readLiteral, type LiteralNode } from "./literals";

interface ParsedArg {
  name: string | null;
  value: Value | LiteralNode;
}

/**
 * Read `a, b, name: c` arguments; each value may carry filters. A missing comma is tolerated.
 * With `literals` (the action tag), a value may also be a hash or array literal (literals.ts).
 */
function readArguments(tokenizer: Tokenizer, liquid: Liquid, tagText: string, literals = false): ParsedArg[] {
  const args: ParsedArg[] = [];
  const input = tokenizer.input;
  while (true) {
    tokenizer.skipBlank();
    if (tokenizer.end()) return args;
    let name: string | null = null;
    const save = tokenizer.p;
    const identifier = tokenizer.readIdentifier();
    tokenizer.skipBlank();
    if (identifier.content && tokenizer.peek() === ":" && !/^\d/.test(identifier.content)) {
      name = identifier.content;
      tokenizer.advance();
    } else tokenizer.p = save;
    tokenizer.skipBlank();
    if (literals && atLiteral(tokenizer)) {
      args.push({ name, value: readLiteral(tokenizer) });
      tokenizer.skipBlank();
      if (tokenizer.peek() === ",") tokenizer.advance();
      continue;
    }
    const begin = tokenizer.p;
    const valueToken = tokenizer.readValue();
    if (!valueToken) throw new Error(`invalid arguments in ${tagText}`);
    tokenizer.skipBlank();
    while (tokenizer.peek() === "|") {
      tokenizer.readFilter();
      tokenizer.skipBlank();
    }
    let source = input.slice(begin, tokenizer.p);
    const cut = nextMappedArgument(source);
    if (cut >= 0) {
      source = source.slice(0, cut);
      tokenizer.p = begin + cut;
    }
    args.push({ name, value: new Value(source, liquid) });
    tokenizer.skipBlank();
    if (tokenizer.peek() === ",") tokenizer.advance();
  }
}

/**
 * Where, in a value with filters, a `, name:` starts the next mapped argument of the tag (as
 * Mechanic reads `{% log a: x | times: 2, b: y %}`); -1 when it does not. Filter keyword arguments
 * therefore cannot be used inside mapped tag arguments (assign the value first).
 */
function nextMappedArgument(source: string): number {
  let depth = 0;
  let quote: string | null = null;
  let filtered = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "(" || char === "[") depth++;
    else if (char === ")" || char === "]") depth--;
    else if (depth === 0 && char === "|") filtered = true;
    else if (depth === 0 && filtered && char === "," && /^,\s*[A-Za-z_][\w-]*\s*:(?!:)/.test(source.slice(i))) return i;
  }
  return -1;
}

function readBlock(tagName: string, token: TagToken, remainTokens: TopLevelToken[], parser: Parser): Template[] {
  const templates: Template[] = [];
  const stream = parser
    .parseStream(remainTokens)
    .on(`tag:end${tagName}`, () => stream.stop())
    .on("template", (template: Template) => templates.push(template))
    .on("end", () => {
      throw new Error(`tag ${token.getText()} not closed`);
    });
  stream.start();
  return templates;
}

function* renderBody(liquid: Liquid, templates: Template[], ctx: Context): Generator<unknown, string, unknown> {
  const html = (yield liquid.renderer.renderTemplates(templates, ctx)) as unknown;
  return toLiquidString(html);
}

const isLiteral = (arg: ParsedArg): boolean => !(arg.value instanceof Value);

function* evaluate(arg: ParsedArg, ctx: Context): Generator<unknown, unknown, unknown> {
  if (!(arg.value instanceof Value)) return yield* evaluateLiteral(arg.value, ctx);
  return yield arg.value.value(ctx, false);
}

function emit(emitter: Emitter, object: Record<string, unknown>, ctx: Context): void {
  emitter.write(serializeJson(object, { charge: (size) => ctx.memoryLimit.use(size) }));
}

function parseBodyJson(body: string, what: string): unknown {
  try {
    return parseJson(body);
  } catch (error) {
    throw new Error(`${what} body is not valid JSON: ${(error as Error).message}`);
  }
}

const CONTROL_PERFORM_EVENT = "__perform_event";
const CONTROL_META = "__meta";
/** Mechanic's two control parameters. Other `__` keys (echo's `__error`) are ordinary options. */
const isControlParam = (name: string): boolean => name === CONTROL_PERFORM_EVENT || name === CONTROL_META;

class ActionTag extends Tag {
  private readonly args: ParsedArg[];
  private readonly templates: Template[] | null;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    this.args = readArguments(this.tokenizer, liquid, token.getText(), true);
    const positional = this.args.filter((arg) => arg.name === null);
    const named = this.args.filter((arg) => arg.name !== null && !isControlParam(arg.name));
    // Block forms: `{% action %}` (body is the whole action object) and `{% action "type" %}`
    // (body is the options), optionally with control parameters. Any other name: value argument
    // (including `__error: "x"`) makes it the mapped form, which has no end tag.
    // A hash or array literal is never a block's type: `{% action {"type": ...} %}` is the whole
    // action object inline, as the untyped block's body would be.
    const isBlock = positional.length <= 1 && named.length === 0 && !positional.some(isLiteral);
    this.templates = isBlock ? readBlock("action", token, remainTokens, parser) : null;
  }

  /** `{% action {"type": ..., "options": ...} %}`: one hash literal, at most control parameters beside it. */
  private isInlineObject(): boolean {
    const positional = this.args.filter((arg) => arg.name === null);
    const named = this.args.filter((arg) => arg.name !== null && !isControlParam(arg.name));
    return positional.length === 1 && named.length === 0 && isLiteral(positional[0]);
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const positional: unknown[] = [];
    const named: Record<string, unknown> = {};
    const control: Record<string, unknown> = {};
    for (const arg of this.args) {
      const value = yield* evaluate(arg, ctx);
      if (arg.name === null) positional.push(value);
      else if (isControlParam(arg.name)) control[arg.name] = value;
      else named[arg.name] = value;
    }

    let type: unknown;
    let options: unknown;
    let meta: unknown = null;
    if (this.templates) {
      const body = (yield* renderBody(this.liquid, this.templates, ctx)).trim();
      if (positional.length === 0) {
        const object = parseBodyJson(body, "action");
        if (!isPlainObject(object)) throw new Error("action body must be a JSON object with type and options");
        ({ type, options } = object);
        meta = object.meta ?? null;
        if (object[CONTROL_PERFORM_EVENT] !== undefined) control[CONTROL_PERFORM_EVENT] = object[CONTROL_PERFORM_EVENT];
      } else {
        type = positional[0];
        // The shopify action takes a raw GraphQL document as its body.
        if (body === "") options = null;
        else if (toLiquidString(type) === "shopify") options = parseJsonOr(body, body);
        else options = parseBodyJson(body, "action");
      }
    } else if (this.isInlineObject() && isPlainObject(positional[0])) {
      const object = positional[0];
      ({ type, options } = object);
      meta = object.meta ?? null;
      const unknown = Object.keys(object).filter(
        (key) => !["type", "options", "meta", CONTROL_PERFORM_EVENT].includes(key),
      );
      if (unknown.length) throw new Error(`action tag: unexpected ${unknown.join(", ")} next to type`);
      if (object[CONTROL_PERFORM_EVENT] !== undefined && !(CONTROL_PERFORM_EVENT in control))
        control[CONTROL_PERFORM_EVENT] = object[CONTROL_PERFORM_EVENT];
    } else {
      const namedKeys = Object.keys(named);
      if (positional.length === 0) {
        if (!("type" in named)) throw new Error(`action tag needs a type: ${this.token.getText()}`);
        type = named.type;
        options = named.options ?? null;
        meta = named.meta ?? null;
        const unknown = namedKeys.filter((key) => !["type", "options", "meta"].includes(key));
        if (unknown.length) throw new Error(`action tag: unexpected ${unknown.join(", ")} next to type:`);
      } else {
        type = positional[0];
        if (positional.length > 1 && namedKeys.length > 0) {
          throw new Error(`action tag: cannot mix positional and mapped options: ${this.token.getText()}`);
        }
        if (namedKeys.length > 0) options = named;
        else if (positional.length === 2) options = positional[1];
        else options = positional.slice(1);
      }
    }
    const typeText = unwrap(type);
    if (typeof typeText !== "string" || typeText.trim() === "")
      throw new Error("action type must be a non-empty string");
    if (CONTROL_META in control) meta = control[CONTROL_META];
    const action: Record<string, unknown> = { type: typeText, options: options ?? null, meta: meta ?? null };
    if (CONTROL_PERFORM_EVENT in control) action[CONTROL_PERFORM_EVENT] = control[CONTROL_PERFORM_EVENT];
    emit(emitter, { action }, ctx);
  }
}

/** log and error share their three forms: block (JSON or text), single value, mapped values. */
function makeMessageTag(kind: "log" | "error") {
  return class MessageTag extends Tag {
    private readonly args: ParsedArg[];
    private readonly templates: Template[] | null;

    constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
      super(token, remainTokens, liquid);
      this.args = readArguments(this.tokenizer, liquid, token.getText());
      this.templates = this.args.length === 0 ? readBlock(kind, token, remainTokens, parser) : null;
      const positional = this.args.filter((arg) => arg.name === null);
      if (positional.length > 1 || (positional.length === 1 && this.args.length > 1)) {
        throw new Error(`${kind} tag takes one value or name: value pairs: ${token.getText()}`);
      }
    }

    *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
      let value: unknown;
      if (this.templates) {
        const body = (yield* renderBody(this.liquid, this.templates, ctx)).trim();
        value = parseJsonOr(body, body);
      } else if (this.args.length === 1 && this.args[0].name === null) {
        value = yield* evaluate(this.args[0], ctx);
      } else {
        const mapped: Record<string, unknown> = {};
        for (const arg of this.args) mapped[arg.name as string] = yield* evaluate(arg, ctx);
        value = mapped;
      }
      emit(emitter, { [kind]: value ?? null }, ctx);
    }
  };
}

const SCOPE_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Parse the static text of a permissions block: scopes separated by newlines or commas. */
export function parsePermissionsText(text: string): string[] {
  const scopes = text
    .split(/[\n,]/)
    .map((scope) => scope.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  for (const scope of scopes) {
    if (!SCOPE_PATTERN.test(scope)) throw new Error(`permissions: invalid scope ${JSON.stringify(scope)}`);
    if (seen.has(scope)) throw new Error(`permissions: ${scope} is listed twice`);
    seen.add(scope);
  }
  return scopes;
}

class PermissionsTag extends Tag {
  readonly scopes: string[];
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    // Static, like Mechanic: the block is plain text, never rendered.
    let text = "";
    let closed = false;
    while (remainTokens.length) {
      const next = remainTokens.shift() as TopLevelToken & { name?: string };
      if ((next as { name?: string }).name === "endpermissions") {
        closed = true;
        break;
      }
      text += next.getText();
    }
    if (!closed) throw new Error(`tag ${token.getText()} not closed`);
    this.scopes = parsePermissionsText(text);
  }
  render(ctx: Context): void {
    const state = stateOf(ctx);
    for (const scope of this.scopes) if (!state.permissions.includes(scope)) state.permissions.push(scope);
  }
}

type PathSegment = { kind: "expression"; token: ValueToken } | { kind: "name"; name: string };

class MechanicAssignTag extends Tag {
  private readonly key: string;
  private readonly path: PathSegment[] = [];
  private readonly value: Value;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    const tokenizer = this.tokenizer;
    this.key = tokenizer.readIdentifier().content;
    tokenizer.assert(this.key, "expected variable name");
    // Ruby's assign takes names of word characters and dashes (no "?").
    tokenizer.assert(/^[\w-]+$/.test(this.key), `invalid variable name "${this.key}" in assign`);
    while (true) {
      tokenizer.skipBlank();
      if (tokenizer.peek() === "[") {
        tokenizer.advance();
        const expression = tokenizer.readValue();
        tokenizer.assert(expression, "expected a key inside [ ]");
        tokenizer.skipBlank();
        tokenizer.assert(tokenizer.read() === "]", "[ not closed");
        this.path.push({ kind: "expression", token: expression as ValueToken });
      } else if (tokenizer.peek() === "." && tokenizer.peek(1) !== ".") {
        tokenizer.advance();
        const name = tokenizer.readIdentifier().content;
        tokenizer.assert(name, "expected a key after .");
        this.path.push({ kind: "name", name });
      } else break;
    }
    tokenizer.skipBlank();
    tokenizer.assert(tokenizer.peek() === "=", 'expected "="');
    tokenizer.advance();
    this.value = new Value(tokenizer.readFilteredValue(), liquid);
  }

  *render(ctx: Context): Generator<unknown, void, unknown> {
    const value = yield this.value.value(ctx, false);
    if (this.path.length === 0) {
      ctx.bottom()[this.key] = value;
      return;
    }
    const keys: unknown[] = [];
    for (const segment of this.path) {
      keys.push(segment.kind === "name" ? segment.name : unwrap(yield evalToken(segment.token, ctx)));
    }
    const current = yield ctx._get([this.key]);
    ctx.bottom()[this.key] = setByValue(current, keys, value, this.key);
  }
}

const MAX_ARRAY_INDEX = 1_000_000;

/** Copy-on-write update along `keys`, so earlier assignments never change (Mechanic: by value). */
function setByValue(container: unknown, keys: unknown[], value: unknown, label: string): unknown {
  const plain = unwrap(container);
  const [key, ...rest] = keys;
  const describe = `${label}[${JSON.stringify(typeof key === "bigint" ? key.toString() : key)}]`;
  if (Array.isArray(plain)) {
    const numeric = asNumeric(key);
    if (!numeric || numeric.kind !== "int")
      throw new Error(`cannot assign ${describe}: array index must be an integer`);
    let index = normalizeInt(numeric.value);
    if (typeof index === "bigint" || Math.abs(index) > MAX_ARRAY_INDEX)
      throw new Error(`cannot assign ${describe}: index too large`);
    if (index < 0) index += plain.length;
    if (index < 0) throw new Error(`cannot assign ${describe}: index out of range`);
    const copy = [...plain];
    while (copy.length < index) copy.push(null);
    copy[index] = rest.length ? setByValue(copy[index], rest, value, describe) : value;
    return copy;
  }
  if (isPlainObject(plain)) {
    const name = typeof key === "string" ? key : toLiquidString(key);
    if (name === "__proto__") throw new Error(`cannot assign ${describe}`);
    const copy: Record<string, unknown> = { ...plain };
    copy[name] = rest.length ? setByValue(copy[name], rest, value, describe) : value;
    return copy;
  }
  const kind = plain === null || plain === undefined ? "nil" : typeof plain;
  throw new Error(`cannot assign ${describe}: ${label} is ${kind}, not an array or hash`);
}

// ---------------------------------------------------------------- Ruby Liquid's loops and case

/** A collection as Ruby's for/tablerow see it; ranges use Ruby's to_i on their bounds. */
function* evalCollection(token: ValueToken, ctx: Context): Generator<unknown, unknown[] | null, unknown> {
  if (token.kind === TokenKind.Range) {
    const range = token as unknown as { lhs: ValueToken; rhs: ValueToken };
    const low = rangeBound(yield evalToken(range.lhs, ctx));
    const high = rangeBound(yield evalToken(range.rhs, ctx));
    ctx.memoryLimit.use(Math.max(0, high - low + 1));
    const items: number[] = [];
    for (let i = low; i <= high; i++) items.push(i);
    return items;
  }
  const raw = yield evalToken(token, ctx);
  // Lists that load lazily (a resource's metafields).
  if (raw instanceof Drop && typeof (raw as { toList?: unknown }).toList === "function")
    return (yield (raw as unknown as { toList(): Promise<unknown[]> }).toList()) as unknown[];
  if (raw instanceof Drop && typeof (raw as unknown as Iterable<unknown>)[Symbol.iterator] === "function")
    return Array.from(raw as unknown as Iterable<unknown>);
  const value = unwrap(raw);
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return value === "" ? [] : [value];
  if (isPlainObject(value)) return Object.keys(value).map((key) => [key, value[key]]);
  return [];
}

function rangeBound(value: unknown): number {
  const number = toRubyNumber(value);
  const whole = typeof number === "object" ? number.trunc().toNumber() : Number(number);
  if (!Number.isSafeInteger(whole)) throw new Error("range bound out of range");
  return whole;
}

/** Ruby's ForloopDrop: index, rindex, first, last, length, name and the enclosing loop. */
class RubyForloopDrop extends Drop {
  #index = 0;
  constructor(
    readonly name: string,
    readonly length: number,
    readonly parentloop: RubyForloopDrop | null,
  ) {
    super();
  }
  static advance(loop: RubyForloopDrop): void {
    loop.#index++;
  }
  index(): number {
    return this.#index + 1;
  }
  index0(): number {
    return this.#index;
  }
  rindex(): number {
    return this.length - this.#index;
  }
  rindex0(): number {
    return this.length - this.#index - 1;
  }
  first(): boolean {
    return this.#index === 0;
  }
  last(): boolean {
    return this.#index === this.length - 1;
  }
  toString(): string {
    return "Liquid::ForloopDrop";
  }
  valueOf(): string {
    return this.toString();
  }
}

const FOR_STACK = "hookline:for-stack";
const FOR_OFFSETS = "hookline:for-offsets";

/** for as Ruby Liquid 5: offset/limit/reversed, `else` when the slice is empty, parentloop. */
class RubyForTag extends ForTag {
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const self = this as unknown as {
      variable: string;
      collection: ValueToken;
      hash: { hash: Record<string, ValueToken | undefined> };
      templates: Template[];
      elseTemplates: Template[];
    };
    const r = this.liquid.renderer;
    const name = `${self.variable}-${self.collection.getText()}`;
    const offsets = ctx.getRegister(FOR_OFFSETS, {}) as Record<string, number>;
    const attributes = self.hash.hash;
    let from = 0;
    if ("offset" in attributes) {
      const token = attributes.offset;
      if (token && token.getText() === "continue") from = offsets[name] ?? 0;
      else {
        const value = token ? unwrap(yield evalToken(token, ctx)) : null;
        from = value === null || value === undefined ? 0 : toInteger(value);
      }
    }
    const collection = (yield* evalCollection(self.collection, ctx)) ?? [];
    let to: number | undefined;
    if ("limit" in attributes && attributes.limit) {
      const value = unwrap(yield evalToken(attributes.limit, ctx));
      if (value !== null && value !== undefined) to = toInteger(value) + from;
    }
    const segment = collection.slice(Math.max(0, from), to === undefined ? undefined : Math.max(0, to));
    if ("reversed" in attributes) segment.reverse();
    offsets[name] = from + segment.length;
    if (segment.length === 0) {
      yield r.renderTemplates(self.elseTemplates, ctx, emitter);
      return;
    }
    const stack = ctx.getRegister(FOR_STACK, []) as RubyForloopDrop[];
    const forloop = new RubyForloopDrop(name, segment.length, stack[stack.length - 1] ?? null);
    stack.push(forloop);
    const scope: Record<string, unknown> = Object.create(null);
    scope.forloop = forloop;
    ctx.push(scope);
    try {
      for (const item of segment) {
        scope[self.variable] = item;
        ctx.continueCalled = ctx.breakCalled = false;
        yield r.renderTemplates(self.templates, ctx, emitter);
        if (ctx.breakCalled) break;
        RubyForloopDrop.advance(forloop);
      }
    } finally {
      ctx.continueCalled = ctx.breakCalled = false;
      ctx.pop();
      stack.pop();
    }
  }
}

/** Ruby's TablerowloopDrop. */
class TablerowloopDrop extends Drop {
  #index = 0;
  #row = 1;
  #col = 1;
  constructor(
    readonly length: number,
    private readonly cols: number,
  ) {
    super();
  }
  static advance(loop: TablerowloopDrop): void {
    loop.#index++;
    if (loop.#col === loop.cols) {
      loop.#col = 1;
      loop.#row++;
    } else loop.#col++;
  }
  col(): number {
    return this.#col;
  }
  col0(): number {
    return this.#col - 1;
  }
  col_first(): boolean {
    return this.#col === 1;
  }
  col_last(): boolean {
    return this.#col === this.cols;
  }
  row(): number {
    return this.#row;
  }
  index(): number {
    return this.#index + 1;
  }
  index0(): number {
    return this.#index;
  }
  rindex(): number {
    return this.length - this.#index;
  }
  rindex0(): number {
    return this.length - this.#index - 1;
  }
  first(): boolean {
    return this.#index === 0;
  }
  last(): boolean {
    return this.#index === this.length - 1;
  }
}

/** Integer#to_i-like reading of tablerow's cols/limit/offset (nil is 0, "x" is 0). */
function toI(value: unknown): number {
  const number = toRubyNumber(value);
  return typeof number === "object" ? number.trunc().toNumber() : Number(number);
}

/** tablerow exactly as Ruby Liquid 5 writes it (rows, newlines, cols from to_i). */
class RubyTablerowTag extends TablerowTag {
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const self = this as unknown as {
      variable: string;
      collection: ValueToken;
      args: { render(ctx: Context): unknown; hash: Record<string, ValueToken | undefined> };
      templates: Template[];
    };
    const collection = yield* evalCollection(self.collection, ctx);
    if (collection === null) return;
    const attributes = self.args.hash;
    const read = function* (key: string): Generator<unknown, unknown, unknown> {
      const token = attributes[key];
      return token ? unwrap(yield evalToken(token, ctx)) : undefined;
    };
    const from = "offset" in attributes ? toI(yield* read("offset")) : 0;
    const to = "limit" in attributes ? from + toI(yield* read("limit")) : undefined;
    const items = collection.slice(Math.max(0, from), to === undefined ? undefined : Math.max(0, to));
    const cols = toI(yield* read("cols"));
    emitter.write('<tr class="row1">\n');
    const loop = new TablerowloopDrop(items.length, cols);
    const scope: Record<string, unknown> = Object.create(null);
    scope.tablerowloop = loop;
    ctx.push(scope);
    try {
      for (const item of items) {
        scope[self.variable] = item;
        emitter.write(`<td class="col${loop.col()}">`);
        yield this.liquid.renderer.renderTemplates(self.templates, ctx, emitter);
        emitter.write("</td>");
        if (loop.col_last() && !loop.last()) emitter.write(`</tr>\n<tr class="row${loop.row() + 1}">`);
        TablerowloopDrop.advance(loop);
      }
    } finally {
      ctx.pop();
    }
    emitter.write("</tr>\n");
  }
}

type CaseBlock = { kind: "when"; value: ValueToken; templates: Template[] } | { kind: "else"; templates: Template[] };

/**
 * case as Ruby Liquid 5: every `when` value is its own condition (compared like `==`), all
 * matching ones render, in order; an `else` renders when no `when` before it matched.
 */
class RubyCaseTag extends Tag {
  private readonly value: Value;
  private readonly blocks: CaseBlock[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    this.value = new Value(this.tokenizer.readFilteredValue(), liquid);
    let current: Template[] | null = null;
    const stream = parser
      .parseStream(remainTokens)
      .on("tag:when", (tag: TagToken) => {
        const templates: Template[] = [];
        const tokenizer = tag.tokenizer;
        while (!tokenizer.end()) {
          this.blocks.push({ kind: "when", value: tokenizer.readValueOrThrow(), templates });
          tokenizer.skipBlank();
          if (tokenizer.peek() === ",") tokenizer.readTo(",");
          else tokenizer.readTo("or");
        }
        current = templates;
      })
      .on("tag:else", () => {
        const templates: Template[] = [];
        this.blocks.push({ kind: "else", templates });
        current = templates;
      })
      .on("tag:endcase", () => stream.stop())
      .on("template", (template: Template) => {
        current?.push(template);
      })
      .on("end", () => {
        throw new Error(`tag ${token.getText()} not closed`);
      });
    stream.start();
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const target = yield this.value.value(ctx, false);
    let renderElse = true;
    for (const block of this.blocks) {
      if (block.kind === "else") {
        if (renderElse) yield this.liquid.renderer.renderTemplates(block.templates, ctx, emitter);
        continue;
      }
      const value = yield evalToken(block.value, ctx, false);
      if (liquidEquals(target, value)) {
        renderElse = false;
        yield this.liquid.renderer.renderTemplates(block.templates, ctx, emitter);
      }
    }
  }
}

/** ifchanged: prints its body only when it differs from the last time it was printed. */
class IfchangedTag extends Tag {
  private readonly templates: Template[];
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    this.templates = readBlock("ifchanged", token, remainTokens, parser);
  }
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const body = yield* renderBody(this.liquid, this.templates, ctx);
    if (body !== ctx.getRegister(IFCHANGED)) {
      ctx.setRegister(IFCHANGED, body);
      emitter.write(body);
    }
  }
}
const IFCHANGED = "hookline:ifchanged";

/** capture writes values the way {{ }} prints them (Ruby-style hashes, 3.0 floats). */
class RubyCaptureTag extends CaptureTag {
  *render(ctx: Context): Generator<unknown, void, unknown> {
    const emitter = {
      buffer: "",
      write(html: unknown) {
        this.buffer += toLiquidString(html);
      },
    };
    yield this.liquid.renderer.renderTemplates(this.templates, ctx, emitter as unknown as Emitter);
    ctx.bottom()[this.variable] = emitter.buffer;
  }
}

function unsupported(name: string) {
  return class UnsupportedTag extends Tag {
    constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
      super(token, remainTokens, liquid);
      throw new Error(`the ${name} tag is not available in tasks (there are no template files)`);
    }
    render(): void {}
  };
}

export function registerTags(liquid: Liquid): void {
  liquid.registerTag("action", ActionTag);
  liquid.registerTag("log", makeMessageTag("log"));
  liquid.registerTag("error", makeMessageTag("error"));
  liquid.registerTag("permissions", PermissionsTag);
  liquid.registerTag("assign", MechanicAssignTag);
  liquid.registerTag("for", RubyForTag);
  liquid.registerTag("tablerow", RubyTablerowTag);
  liquid.registerTag("case", RubyCaseTag);
  liquid.registerTag("ifchanged", IfchangedTag);
  liquid.registerTag("capture", RubyCaptureTag);
  for (const name of ["include", "render", "layout"]) liquid.registerTag(name, unsupported(name));
}
