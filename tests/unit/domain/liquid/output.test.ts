// A task's rendered output as a stream of JSON objects (app/domain/liquid/output.ts): object
// boundaries are found outside strings only, whatever the strings hold.
import { describe, expect, it } from "vitest";
import { parseJsonStream } from "~/domain/liquid/output";

describe("parseJsonStream", () => {
  it("splits objects whose strings hold braces, brackets, escaped quotes and backslashes", () => {
    const text = String.raw`{"log": "a } ] \" { ["} {"log":"ends with a backslash \\"}
{"action": {"type": "echo", "options": {"s": "\\\"}{", "n": [1, {"x": "]"}]}}}`;
    expect(parseJsonStream(text)).toEqual({
      values: [
        { log: 'a } ] " { [' },
        { log: "ends with a backslash \\" },
        { action: { type: "echo", options: { s: '\\"}{', n: [1, { x: "]" }] } } },
      ],
      error: null,
    });
  });

  it("a large string is one value", () => {
    const big = "x".repeat(100_000) + '"}{' + "y".repeat(10);
    const text = JSON.stringify({ log: big }) + JSON.stringify({ log: "next" });
    expect(parseJsonStream(text)).toEqual({ values: [{ log: big }, { log: "next" }], error: null });
  });

  it("an object whose string never closes is unterminated, after the objects before it", () => {
    const result = parseJsonStream(`{"log": 1} {"log": "open \\" still open}`);
    expect(result.values).toEqual([{ log: 1 }]);
    expect(result.error).toMatch(/unterminated object starting at line 1, column 12/);
  });
});
