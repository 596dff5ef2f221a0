// Edge forms of Mechanic's tags, checked on the rendered output (the JSON objects they emit).
import { describe, expect, it } from "vitest";
import { createLiquidEngine, LiquidScriptError } from "~/domain/liquid/engine";
import { interpretOutput } from "~/domain/liquid/output";
import { performEcho } from "~/domain/actions/echo";
import { renderTask, type RenderInput } from "~/domain/tasks/render";

const engine = createLiquidEngine();

async function run(source: string, scope: Record<string, unknown> = {}) {
  return interpretOutput((await engine.render(source, scope)).output);
}

describe("action tag edge forms", () => {
  it("accepts the documented form without a comma", async () => {
    const out = await run(`{% assign csv = "a,b" %}{% action "echo" csv %}`);
    expect(out.actions).toEqual([{ type: "echo", options: "a,b", meta: null, performEvent: true }]);
  });

  it("takes filters in arguments and variables as the type", async () => {
    const out = await run(`{% assign t = "echo" %}{% action t, size: list | size, first: list | first %}`, {
      list: [7, 8],
    });
    expect(out.actions[0]).toEqual({ type: "echo", options: { size: 2, first: 7 }, meta: null, performEvent: true });
  });

  it("reads typed block bodies: empty is null, JSON scalars are kept", async () => {
    const out = await run(
      `{% action "echo" %}{% endaction %}{% action "echo" %} "text" {% endaction %}{% action "echo" %}[1, 2.5]{% endaction %}`,
    );
    expect(out.actions.map((action) => action.options)).toEqual([null, "text", [1, 2.5]]);
  });

  it("can be captured and re-emitted, as in Mechanic (tags render JSON)", async () => {
    const out = await run(`{% capture a %}{% action "echo", 1 %}{% endcapture %}{% if true %}{{ a }}{% endif %}`);
    expect(out.actions).toHaveLength(1);
  });

  it("rejects an untyped block that is not an action object", async () => {
    await expect(engine.render(`{% action %}[1]{% endaction %}`, {})).rejects.toThrow(
      /action body must be a JSON object/,
    );
  });

  it("reports unknown action keys in raw JSON", () => {
    const out = interpretOutput(`{"action": {"type": "echo", "options": 1, "extra": true}}`);
    expect(out.errors).toEqual(['Output object 1: unknown action key(s) "extra"']);
  });
});

describe("action tag: double-underscore keys in the mapped form", () => {
  function renderScript(script: string) {
    const input: RenderInput = {
      script,
      options: {},
      event: {
        id: "evt-1",
        topic: "user/test/test",
        data: { id: 1 },
        created_at: "2024-05-01T12:00:00Z",
        source: "user",
      },
      shop: {
        name: "Demo Store",
        domain: "demo.example.com",
        myshopify_domain: "demo-store.myshopify.com",
        email: "owner@example.com",
        currency: "USD",
        timezone: "UTC",
      },
      task: { id: "task-1", name: "Test task" },
    };
    return renderTask(input);
  }

  it("takes __error as an ordinary echo option (no end tag), and echo then fails with it", async () => {
    const result = await renderScript(`{% action "echo", __error: "boom" %}{% log "after" %}`);
    expect(result.errors).toEqual([]);
    expect(result.logs).toEqual(["after"]); // not swallowed as a block body
    expect(result.actions).toEqual([{ type: "echo", options: { __error: "boom" }, meta: null, performEvent: true }]);
    expect(performEcho(result.actions[0].options)).toMatchObject({ ok: false, error: "boom" });
  });

  it("keeps __error next to other options and control parameters", async () => {
    const result = await renderScript(`{% action "echo", a: 1, __error: "x", __perform_event: false %}`);
    expect(result.errors).toEqual([]);
    expect(result.actions).toEqual([
      { type: "echo", options: { a: 1, __error: "x" }, meta: null, performEvent: false },
    ]);
  });

  it("turns __perform_event: false into performEvent: false, not an option", async () => {
    const result = await renderScript(
      `{% action "echo", foo: "bar", __perform_event: false %}{% action "echo", foo: "baz" %}`,
    );
    expect(result.errors).toEqual([]);
    expect(result.actions).toEqual([
      { type: "echo", options: { foo: "bar" }, meta: null, performEvent: false },
      { type: "echo", options: { foo: "baz" }, meta: null, performEvent: true },
    ]);
  });

  it("turns __meta: {...} into the action's meta, not an option", async () => {
    const result = await renderScript(
      `{% assign meta = hash %}{% assign meta["stage"] = "first" %}{% action "http", method: "get", url: "https://example.com", __meta: meta %}`,
    );
    expect(result.errors).toEqual([]);
    expect(result.actions).toEqual([
      {
        type: "http",
        options: { method: "get", url: "https://example.com" },
        meta: { stage: "first" },
        performEvent: true,
      },
    ]);
  });

  it("still reads control parameters alone as the typed block form (Mechanic's shopify example)", async () => {
    const result = await renderScript(
      `{% action "shopify", __meta: "m", __perform_event: false %}mutation { x }{% endaction %}`,
    );
    expect(result.errors).toEqual([]);
    expect(result.actions).toEqual([{ type: "shopify", options: "mutation { x }", meta: "m", performEvent: false }]);
  });

  it("refuses __error next to type: (the options belong in options:)", async () => {
    await expect(engine.render(`{% action type: "echo", __error: "x" %}`, {})).rejects.toThrow(
      /unexpected __error next to type:/,
    );
  });
});

describe("log and error tag edge forms", () => {
  it("refuses two positional values", async () => {
    await expect(engine.render(`{% log "a", "b" %}`, {})).rejects.toBeInstanceOf(LiquidScriptError);
  });

  it("requires the block to be closed", async () => {
    await expect(engine.render(`{% log %}{"a": 1}`, {})).rejects.toThrow(/not closed/);
    await expect(engine.render(`{% permissions %}read_orders`, {})).rejects.toThrow(/not closed/);
  });

  it("logs nil as null and keeps 64-bit values", async () => {
    const out = await run(`{% log missing %}{% log id %}`, { id: 18446744073709551615n });
    expect(out.logs).toEqual([null, 18446744073709551615n]);
  });
});

describe("hostile nesting", () => {
  it("refuses nesting deeper than 100 blocks before parsing (Ruby Liquid's limit)", async () => {
    for (const depth of [101, 20_000]) {
      const source = "{% if true %}".repeat(depth) + "x" + "{% endif %}".repeat(depth);
      const error = await engine.render(source, {}).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LiquidScriptError);
      expect((error as Error).message).toBe(`Liquid syntax error: nesting too deep (${depth} levels; at most 100)`);
    }
    const liquidTag = "{% liquid\n" + "if true\n".repeat(150) + "echo 1\n" + "endif\n".repeat(150) + "%}";
    await expect(engine.render(liquidTag, {})).rejects.toThrow(/nesting too deep \(150 levels/);
    const logs = "{% log %}".repeat(5000) + "{}" + "{% endlog %}".repeat(5000);
    await expect(engine.render(logs, {})).rejects.toThrow(/nesting too deep \(5000 levels/);
    const actions = '{% action "echo" %}'.repeat(3000) + "{% endaction %}".repeat(3000);
    await expect(engine.render(actions, {})).rejects.toThrow(/nesting too deep \(3000 levels/);
    const manyInline =
      '{% action "echo", 1 %}{% log "x" %}{% action "cache", "set", "k", 1, __perform_event: false %}'.repeat(200);
    expect(interpretOutput((await engine.render(manyInline, {})).output).actions).toHaveLength(400);
    // Hash and array literals (decision 0100): a literal option is no block, a literal control
    // parameter of a block still counts as one, and `__error:` makes the mapped form.
    const inlineLiterals = '{% action "echo" [1] %}{% action "echo" {} %}{% action "echo", __error: "x" %}'.repeat(200);
    expect(interpretOutput((await engine.render(inlineLiterals, {})).output).actions).toHaveLength(600);
    const literalMeta =
      '{% action "shopify", __meta: {"a": 1, "b": [2, 3]} %}'.repeat(101) + "x" + "{% endaction %}".repeat(101);
    await expect(engine.render(literalMeta, {})).rejects.toThrow(/nesting too deep \(101 levels/);
    const fine = "{% if true %}{% unless false %}".repeat(50) + "x" + "{% endunless %}{% endif %}".repeat(50);
    expect((await engine.render(fine, {})).output).toBe("x");
  });

  it("refuses to serialize data nested deeper than 100 levels", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 150; i++) deep = [deep];
    await expect(engine.render(`{{ deep | json }}`, { deep })).rejects.toThrow(/nested deeper than 100/);
  });
});
