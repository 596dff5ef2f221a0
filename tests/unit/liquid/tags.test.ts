// Edge forms of Mechanic's tags, checked on the rendered output (the JSON objects they emit).
import { describe, expect, it } from "vitest";
import { createLiquidEngine, LiquidScriptError } from "~/domain/liquid/engine";
import { interpretOutput } from "~/domain/liquid/output";

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
    const out = await run(`{% assign t = "echo" %}{% action t, size: list | size, first: list | first %}`, { list: [7, 8] });
    expect(out.actions[0]).toEqual({ type: "echo", options: { size: 2, first: 7 }, meta: null, performEvent: true });
  });

  it("reads typed block bodies: empty is null, JSON scalars are kept", async () => {
    const out = await run(`{% action "echo" %}{% endaction %}{% action "echo" %} "text" {% endaction %}{% action "echo" %}[1, 2.5]{% endaction %}`);
    expect(out.actions.map((action) => action.options)).toEqual([null, "text", [1, 2.5]]);
  });

  it("can be captured and re-emitted, as in Mechanic (tags render JSON)", async () => {
    const out = await run(`{% capture a %}{% action "echo", 1 %}{% endcapture %}{% if true %}{{ a }}{% endif %}`);
    expect(out.actions).toHaveLength(1);
  });

  it("rejects an untyped block that is not an action object", async () => {
    await expect(engine.render(`{% action %}[1]{% endaction %}`, {})).rejects.toThrow(/action body must be a JSON object/);
  });

  it("reports unknown action keys in raw JSON", () => {
    const out = interpretOutput(`{"action": {"type": "echo", "options": 1, "extra": true}}`);
    expect(out.errors).toEqual(['Output object 1: unknown action key(s) "extra"']);
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
    const manyInline = '{% action "echo", 1 %}{% log "x" %}{% action "cache", "set", "k", 1, __perform_event: false %}'.repeat(200);
    expect(interpretOutput((await engine.render(manyInline, {})).output).actions).toHaveLength(400);
    const fine = "{% if true %}{% unless false %}".repeat(50) + "x" + "{% endunless %}{% endif %}".repeat(50);
    expect((await engine.render(fine, {})).output).toBe("x");
  });

  it("refuses to serialize data nested deeper than 100 levels", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 150; i++) deep = [deep];
    await expect(engine.render(`{{ deep | json }}`, { deep })).rejects.toThrow(/nested deeper than 100/);
  });
});
