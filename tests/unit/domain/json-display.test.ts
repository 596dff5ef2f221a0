import { describe, expect, it } from "vitest";
import { prettyJson } from "~/domain/json";
import { displayJson, JSON_DISPLAY_LIMITS } from "~/domain/json-display";

describe("displayJson", () => {
  it("indents like JSON.stringify(value, null, 2), keeping stored numbers and strings as they are", () => {
    const samples = [
      { a: 1, b: [1, 2, { c: "x" }], d: {}, e: [], f: null, g: true, h: -1.5e-7 },
      [[], {}, [[1]], 'brackets [ ] { } , : and "quotes" and \\ backslashes'],
      "just a string",
      42,
      null,
      { unicode: "é 😀 \u0001", nested: { deeper: { deepest: [false] } } },
    ];
    for (const value of samples) {
      const text = JSON.stringify(value);
      expect(displayJson(text)).toEqual({ text: JSON.stringify(value, null, 2), truncated: false, flattened: false });
      expect(displayJson(text).text).toBe(prettyJson(text));
    }
    // 64-bit integers and the spelling of numbers are kept.
    expect(displayJson('{"id":12345678901234567890,"n":1.0}').text).toBe(
      '{\n  "id": 12345678901234567890,\n  "n": 1.0\n}',
    );
    // Whitespace in the stored text does not matter.
    expect(displayJson(' { "a" : [ 1 , 2 ] } ').text).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
  });

  it("a 6 KB body nested 3,000 deep stays about 6 KB (it was 18 MB indented)", () => {
    const deep = "[".repeat(3000) + "1" + "]".repeat(3000);
    expect(JSON.stringify(JSON.parse(deep), null, 2).length).toBeGreaterThan(17_000_000); // what the page used to render
    const shown = displayJson(deep);
    expect(shown.flattened).toBe(true);
    expect(shown.truncated).toBe(false);
    expect(shown.text.length).toBeLessThan(deep.length + 1000);
    expect(shown.text.replace(/\s/g, "")).toBe(deep); // nothing lost
  });

  it("stops at maxChars and says so; text that is not JSON is cut the same way", () => {
    const big = JSON.stringify({ list: Array.from({ length: 50_000 }, (_, i) => ({ i })) });
    const shown = displayJson(big);
    expect(shown.truncated).toBe(true);
    expect(shown.text.length).toBe(JSON_DISPLAY_LIMITS.maxChars);
    expect(displayJson("not json " + "x".repeat(200_000))).toMatchObject({ truncated: true });
    expect(displayJson("not json")).toEqual({ text: "not json", truncated: false, flattened: false });
    expect(displayJson(null).text).toBe("");
  });
});
