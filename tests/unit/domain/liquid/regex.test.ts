// User regular expressions (match, scan): Ruby syntax on a linear-time engine (RE2), so that no
// pattern can stall the process (issue 16, item 1).
import { describe, expect, it } from "vitest";
import { createLiquidEngine, LiquidScriptError } from "~/domain/liquid/engine";
import { compileUserRegex, isBacktrackingSafe } from "~/domain/liquid/regex";

const engine = createLiquidEngine();

async function render(source: string, scope: Record<string, unknown> = {}): Promise<string> {
  return (await engine.render(source, scope)).output;
}

describe("the linear-time engine", () => {
  it("runs the catastrophic pattern of issue 16 on RE2, at once", async () => {
    expect(compileUserRegex("^(a+)+$").engine).toBe("re2");
    const started = performance.now();
    // A backtracking engine needs ~10 s here (and twice as long per extra "a").
    expect(await render(`[{{ "aaaaaaaaaaaaaaaaaaaaaaaaaaa!" | match: "^(a+)+$" }}]`)).toBe("[]");
    expect(await render(`{{ s | scan: "(a|aa)+$" | size }}`, { s: `${"a".repeat(5000)}!` })).toBe("0");
    // Generous: the point is seconds versus milliseconds, on a loaded machine.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("uses RE2 for what the library and the reference write", () => {
    for (const pattern of [
      "(?<namespace>[\\w-]{3,})\\.(?<key>[\\w-]{3,})",
      "^(\\d+\\.?\\d*|\\.\\d+)$",
      "a (?i:LOVELY) day",
      "(?i)abc",
      "[[:punct:]]",
      "\\Afoo\\z",
      "(?<=a ).*",
    ]) {
      expect(compileUserRegex(pattern).engine, pattern).toBe("re2");
    }
  });

  it("runs lookahead and backreferences on JavaScript's engine only when they cannot backtrack badly", async () => {
    expect(compileUserRegex("(?<=a ).*(?= day)").engine).toBe("js");
    expect(await render(`{{ "It's a lovely day!" | match: "(?<=a ).*(?= day)" }}`)).toBe("lovely");
    expect(await render(`{{ "hello" | match: "(\\w)\\1" }}`)).toBe("ll");
    await expect(render(`{{ "aaaa" | match: "(a|a)*\\1" }}`)).rejects.toThrow(/exponential/);
    await expect(render(`{{ "aaaa" | match: "(?=(a+)+b)" }}`)).rejects.toThrow(LiquidScriptError);
    expect(isBacktrackingSafe("(a+)+")).toBe(false);
    expect(isBacktrackingSafe("([a-z]+)*x")).toBe(false);
    expect(isBacktrackingSafe("(ab)*c+")).toBe(true);
    expect(isBacktrackingSafe("[(+)]+\\d+")).toBe(true);
  });
});

describe("Ruby's regex syntax", () => {
  it("matches Mechanic's reference examples", async () => {
    expect(await render(`{{ "It's a lovely day!" | match: "a (bucolic|lovely) day" | map: "x" | size }}`)).toBe("1");
    expect(
      await render(`{% assign m = "It's a lovely day!" | match: "a (bucolic|lovely) day" %}{{ m.captures | json }}`),
    ).toBe('["lovely"]');
    expect(
      await render(
        `{% assign m = "It's a lovely day!" | match: "a (?<adjective>bucolic|lovely) day" %}{{ m.named_captures | json }}`,
      ),
    ).toBe('{"adjective":"lovely"}');
    expect(await render(`{{ "It's a lovely day!" | match: "a (?i:LOVELY) day" }}`)).toBe("a lovely day");
    expect(await render(`{{ "It's a lovely day!" | scan: "[\\w']+" | join: "," }}`)).toBe("It's,a,lovely,day");
    expect(await render(`{{ "It's a lovely day!" | scan: "(bucolic|lovely|day)" | map: "captures" | json }}`)).toBe(
      '[["lovely"],["day"]]',
    );
    expect(
      await render(`{{ "It's a lovely day!" | scan: "(?<punctuation>[[:punct:]])" | map: "named_captures" | json }}`),
    ).toBe('[{"punctuation":"\'"},{"punctuation":"!"}]');
  });

  it("reads ^ and $ per line, m as dot-matches-newline, \\A \\z \\h and Unicode POSIX classes", async () => {
    expect(await render(`{{ s | match: "^b$" }}`, { s: "a\nb\nc" })).toBe("b");
    expect(await render(`[{{ s | match: "\\Ab" }}]`, { s: "a\nb" })).toBe("[]");
    expect(await render(`{{ s | match: "(?m)a.b" | size }}`, { s: "a\nb" })).toBe("3");
    expect(await render(`[{{ s | match: "a.b" }}]`, { s: "a\nb" })).toBe("[]");
    expect(await render(`{{ "xyz: 0fA9z" | match: "\\h+" }}`)).toBe("0fA9");
    expect(await render(`{{ "Zoë Ångström" | scan: "[[:alpha:]]+" | join: "|" }}`)).toBe("Zoë|Ångström");
    expect(await render(`{{ "café" | match: "\\w+" }}`)).toBe("caf"); // \w is ASCII in Ruby
    expect(await render(`{{ "a🎉b" | scan: "" | size }}`)).toBe("4");
  });

  it("refuses what it cannot run, with the reason", async () => {
    await expect(render(`{{ "x" | match: "(?x) a # comment" }}`)).rejects.toThrow(/extended/);
    await expect(render(`{{ "x" | match: "(" }}`)).rejects.toThrow(LiquidScriptError);
  });
});
