// Hash and array literals in the action tag's arguments (issue 15, decision 0100): parsed with the
// template, evaluated at render time, refused at save with their line and column when malformed.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createLiquidEngine } from "~/domain/liquid/engine";
import { MAX_LITERAL_DEPTH, MAX_LITERAL_VALUES } from "~/domain/liquid/literals";
import { interpretOutput } from "~/domain/liquid/output";
import { stringifyJson } from "~/domain/json";
import { describeResponse } from "~/domain/actions/respond";
import { scriptSyntaxError } from "~/domain/tasks/script-check";

const engine = createLiquidEngine();

async function actionsOf(source: string, scope: Record<string, unknown> = {}, cacheKey?: string) {
  const { output } = await engine.render(source, scope, { cacheKey });
  const result = interpretOutput(output);
  expect(result.errors).toEqual([]);
  return result.actions;
}

async function optionsOf(source: string, scope: Record<string, unknown> = {}) {
  const actions = await actionsOf(source, scope);
  expect(actions).toHaveLength(1);
  return actions[0].options;
}

describe("hash and array literals: values", () => {
  it("renders the issue's respond example: status, headers hash, body from a variable", async () => {
    const [action] = await actionsOf(
      `{% assign result = hash %}{% assign result["total"] = 30.0 %}` +
        `{% action "respond", status: 200, headers: {"content-type": "application/json"}, body: result %}`,
    );
    expect(action).toEqual({
      type: "respond",
      options: { status: 200, headers: { "content-type": "application/json" }, body: { total: expect.anything() } },
      meta: null,
      performEvent: true,
    });
    expect(describeResponse(action.options)).toBe('HTTP 200\ncontent-type: application/json\n\n{"total":30.0}');
  });

  it("takes strings, integers, floats, true, false, nil, ranges and big integers as Ruby Liquid reads them", async () => {
    const { output } = await engine.render(
      `{% action "echo", {"s": "text", 'q': 'single', "i": -3, "f": 2.0, "t": true, "no": false, "n": nil, "r": (1..3), "big": 12345678901234567890} %}`,
      {},
    );
    expect(output).toBe(
      '{"action":{"type":"echo","options":{"s":"text","q":"single","i":-3,"f":2.0,"t":true,"no":false,"n":null,"r":[1,2,3],"big":12345678901234567890},"meta":null}}',
    );
  });

  it("keeps Ruby's raw strings: a backslash is a backslash", async () => {
    expect(await optionsOf(String.raw`{% action "echo", {"path": "a\nb"} %}`)).toEqual({ path: "a\\nb" });
  });

  it("nests hashes and arrays, with bare-name keys, empty literals and a trailing comma", async () => {
    expect(
      await optionsOf(
        `{% action "echo", {status: 1, "content-type": "x", list: [[1, [2]], {}, []], deep: {"a": {"b": {"c": [true]}}},} %}`,
      ),
    ).toEqual({ status: 1, "content-type": "x", list: [[1, [2]], {}, []], deep: { a: { b: { c: [true] } } } });
  });

  it("looks variables up at render time: the cached template gives each render its own values", async () => {
    const source = `{% action "echo", {"total": cart.total, "first": cart.lines[0].price, "by_key": cart["currency"], "lines": cart.lines.size, "missing": cart.nothing} %}`;
    const first = await actionsOf(
      source,
      { cart: { total: 12, currency: "USD", lines: [{ price: 5 }, { price: 7 }] } },
      "literal-cache",
    );
    const second = await actionsOf(
      source,
      { cart: { total: 3, currency: "EUR", lines: [{ price: 3 }] } },
      "literal-cache",
    );
    expect(first[0].options).toEqual({ total: 12, first: 5, by_key: "USD", lines: 2, missing: null });
    expect(second[0].options).toEqual({ total: 3, first: 3, by_key: "EUR", lines: 1, missing: null });
  });

  it("reads assigned variables and loop variables where the tag is", async () => {
    const actions = await actionsOf(
      `{% for line in lines %}{% assign doubled = line | times: 2 %}{% action "echo", [line, doubled, forloop.index] %}{% endfor %}`,
      { lines: [1, 2] },
    );
    expect(actions.map((action) => action.options)).toEqual([
      [1, 2, 1],
      [2, 4, 2],
    ]);
  });

  it("works as a positional option, without a comma too, and as a named option", async () => {
    expect(await optionsOf(`{% action "echo", {"a": 1} %}`)).toEqual({ a: 1 });
    expect(await optionsOf(`{% action "echo" {"a": 1} %}`)).toEqual({ a: 1 });
    expect(await optionsOf(`{% action "echo", [1, "two"] %}`)).toEqual([1, "two"]);
    expect(await optionsOf(`{% action "echo", a: [1, 2], b: {"c": x} %}`, { x: "y" })).toEqual({
      a: [1, 2],
      b: { c: "y" },
    });
  });

  it("spans lines and works inside {% liquid %}", async () => {
    expect(await optionsOf(`{% action "echo",\n  a: {\n    "b": 1,\n    "c": [2, 3]\n  }\n%}`)).toEqual({
      a: { b: 1, c: [2, 3] },
    });
    expect(await optionsOf(`{% liquid\n  assign x = 5\n  action "echo", {"x": x}\n%}`)).toEqual({ x: 5 });
  });

  it("takes the whole action object inline, as the untyped block's body", async () => {
    const actions = await actionsOf(
      `{% action {"type": "echo", "options": {"a": n}, "meta": "m", "__perform_event": false} %}{% action "echo", 2 %}`,
      { n: 1 },
    );
    expect(actions).toEqual([
      { type: "echo", options: { a: 1 }, meta: "m", performEvent: false },
      { type: "echo", options: 2, meta: null, performEvent: true },
    ]);
    expect(await actionsOf(`{% action {"type": "echo", "options": 1}, __perform_event: false %}`)).toEqual([
      { type: "echo", options: 1, meta: null, performEvent: false },
    ]);
    await expect(engine.render(`{% action [1] %}`, {})).rejects.toThrow(/action type must be a non-empty string/);
    await expect(engine.render(`{% action {"type": "echo", "extra": 1} %}`, {})).rejects.toThrow(
      /unexpected extra next to type/,
    );
  });

  it("leaves the block forms, mapped options and control parameters as they were", async () => {
    const actions = await actionsOf(
      `{% action "echo" %}{"a": 1}{% endaction %}{% action %}{"type": "echo", "options": [1]}{% endaction %}` +
        `{% action "echo", a: 1, b: list | size, __perform_event: false %}{% action "echo", "x", __meta: {"k": 1} %}`,
      { list: [1, 2, 3] },
    );
    expect(actions).toEqual([
      { type: "echo", options: { a: 1 }, meta: null, performEvent: true },
      { type: "echo", options: [1], meta: null, performEvent: true },
      { type: "echo", options: { a: 1, b: 3 }, meta: null, performEvent: false },
      { type: "echo", options: "x", meta: { k: 1 }, performEvent: true },
    ]);
  });

  it("keeps a typed block a block when its control parameters are literals", async () => {
    const actions = await actionsOf(
      `{% action "shopify", __meta: {"stage": [1, 2]}, __perform_event: false %}mutation { x }{% endaction %}`,
    );
    expect(actions).toEqual([
      { type: "shopify", options: "mutation { x }", meta: { stage: [1, 2] }, performEvent: false },
    ]);
  });

  it("serializes the same as the block form's JSON", async () => {
    const scope = { total: 12.5, items: [{ sku: "A" }] };
    const inline = await optionsOf(`{% action "echo", {"total": total, "items": items, "ok": true} %}`, scope);
    const block = await optionsOf(
      `{% action "echo" %}{"total": {{ total | json }}, "items": {{ items | json }}, "ok": true}{% endaction %}`,
      scope,
    );
    expect(stringifyJson(inline)).toBe(stringifyJson(block));
  });
});

describe("hash and array literals: errors at save, with line and column", () => {
  const cases: Array<[string, string, number, number]> = [
    [`{% action "echo", {"a": 1 %}`, 'hash literal not closed: expected "}"', 1, 19],
    [`{% action "echo", [1, 2 %}`, 'array literal not closed: expected "]"', 1, 19],
    [`{% action "echo", {"a" 1} %}`, 'expected ":" after the key "a" in the hash literal', 1, 24],
    [`{% action "echo", {"a": 1 "b": 2} %}`, 'expected "," or "}" in the hash literal, found "\\"b\\": 2}"', 1, 27],
    [
      `x\n\n  {% action "echo",\n    {"a": 1,\n     "b": } %}`,
      'expected a value in the hash literal, found "}"',
      5,
      11,
    ],
    [`{% action "echo", {"a": 1, "a": 2} %}`, 'key "a" appears twice in the hash literal', 1, 28],
    [`{% action "echo", {1: 2} %}`, "expected a key (a quoted string or a name) in the hash literal", 1, 20],
    [`{% action "echo", {"__proto__": 1} %}`, 'the key "__proto__" is not allowed', 1, 20],
    [
      `{% action "echo", {"a": x | size} %}`,
      "filters cannot be used inside a hash or array literal (assign the filtered value first)",
      1,
      27,
    ],
    [`{% action "echo", [x | size] %}`, "filters cannot be used inside a hash or array literal", 1, 22],
    [`{% action "echo", a: {"b": 1} | json %}`, "a hash or array literal cannot take filters", 1, 31],
    [`{% action "echo", {"a\\"b": 1} %}`, 'unexpected character \\ in "a\\"b"', 1, 20],
  ];
  it.each(cases)("%s", (script, message, line, column) => {
    const error = scriptSyntaxError(script);
    expect(error).not.toBeNull();
    expect(error!.message).toContain(message);
    expect(error!.message).toMatch(/^Liquid syntax error: /);
    expect({ line: error!.line, column: error!.column }).toEqual({ line, column });
  });

  it(`refuses literals nested deeper than ${MAX_LITERAL_DEPTH} levels, pointing at the first level too deep`, () => {
    const ok = `{% action "echo", ${"[".repeat(MAX_LITERAL_DEPTH)}${"]".repeat(MAX_LITERAL_DEPTH)} %}`;
    expect(scriptSyntaxError(ok)).toBeNull();
    const deep = `{% action "echo", ${"[".repeat(MAX_LITERAL_DEPTH + 1)}${"]".repeat(MAX_LITERAL_DEPTH + 1)} %}`;
    expect(scriptSyntaxError(deep)).toEqual({
      message: `Liquid syntax error: hash and array literals nest at most ${MAX_LITERAL_DEPTH} levels deep (line 1, column ${19 + MAX_LITERAL_DEPTH})`,
      line: 1,
      column: 19 + MAX_LITERAL_DEPTH,
    });
    // Thousands of levels are refused the same way, without exhausting the stack.
    expect(scriptSyntaxError(`{% action "echo", ${'{"a": '.repeat(50_000)}1${"}".repeat(50_000)} %}`)?.message).toMatch(
      /nest at most/,
    );
  });

  it(`refuses a literal of more than ${MAX_LITERAL_VALUES} values, every level counted`, () => {
    const values = (count: number) => Array.from({ length: count }, (_, i) => i).join(", ");
    expect(scriptSyntaxError(`{% action "echo", [${values(MAX_LITERAL_VALUES)}] %}`)).toBeNull();
    expect(scriptSyntaxError(`{% action "echo", [${values(MAX_LITERAL_VALUES + 1)}] %}`)?.message).toContain(
      `a hash or array literal holds at most ${MAX_LITERAL_VALUES} values`,
    );
    const nested = `{% action "echo", {"a": [${values(MAX_LITERAL_VALUES / 2)}], "b": [${values(MAX_LITERAL_VALUES / 2)}]} %}`;
    expect(scriptSyntaxError(nested)?.message).toContain(`at most ${MAX_LITERAL_VALUES} values`);
  });
});

describe("the README's respond examples", () => {
  it("parse, and render the response the README describes", async () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(
      readme.indexOf("## Getting results back"),
      readme.indexOf("### The customer metafield"),
    );
    const examples = [...section.matchAll(/```liquid\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const responds = examples.filter((example) => example.includes('action "respond"'));
    expect(responds).toHaveLength(2); // the inline form, then the block form
    expect(responds[0]).toContain('{% action "respond", status: 200, headers: {"content-type": "application/json"}');
    for (const example of responds) {
      expect(scriptSyntaxError(example)).toBeNull();
      const [action] = await actionsOf(example, { result: { total: 30 }, total: 30 });
      expect(action.type).toBe("respond");
      expect(describeResponse(action.options)).toMatch(/^HTTP 200\n/);
      expect(JSON.parse(describeResponse(action.options).split("\n\n")[1]!)).toEqual({ total: 30 });
    }
  });
});
