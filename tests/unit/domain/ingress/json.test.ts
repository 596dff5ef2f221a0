import { describe, expect, it } from "vitest";
import { parse as losslessParse, stringify as losslessStringify } from "lossless-json";
import { parseJsonExact, stringifyJson } from "~/domain/ingress/json";

/** The reference: lossless-json alone, configured as json.ts configures it (no built-in fast path). */
function reference(text: string): unknown {
  return losslessParse(text, (_key, value) => value, {
    parseNumber: (digits: string) =>
      /^-?[0-9]+$/.test(digits) && !Number.isSafeInteger(Number(digits)) ? BigInt(digits) : Number(digits),
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

describe("parseJsonExact / stringifyJson", () => {
  it("keeps integers beyond 2^53 exact as BigInt and round-trips them", () => {
    const text = '{"id":9007199254740993,"big":-9223372036854775808,"small":42,"f":1.25}';
    const value = parseJsonExact(text) as Record<string, unknown>;
    expect(value.id).toBe(9007199254740993n);
    expect(value.big).toBe(-9223372036854775808n);
    expect(value.small).toBe(42);
    expect(value.f).toBe(1.25);
    expect(stringifyJson(value)).toBe(text);
  });

  it("keeps the last value of a duplicate key, like JSON.parse", () => {
    expect(parseJsonExact('{"a":1,"a":2}')).toEqual({ a: 2 });
  });

  it("parses non-object values", () => {
    expect(parseJsonExact("[1,2]")).toEqual([1, 2]);
    expect(parseJsonExact('"hi"')).toBe("hi");
    expect(parseJsonExact("null")).toBeNull();
  });

  it("throws on malformed JSON", () => {
    expect(() => parseJsonExact('{"a":')).toThrow();
    expect(() => parseJsonExact("{a:1}")).toThrow();
    expect(() => parseJsonExact("[1,]")).toThrow();
  });

  it("stores __proto__ as an own key", () => {
    const value = parseJsonExact('{"__proto__":{"x":1}}') as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
  });

  it("gives exactly lossless-json's values and text, with or without the built-in fast path", () => {
    const texts = [
      '{"order_id":"820982911946154508","customer":{"id":6543210987654321,"tags":["vip"]},"note":""}',
      '{"a":1,"b":-0,"c":1.5e300,"d":1e400,"e":[true,false,null],"f":{"g":"\u00e9\ud83d\ude00"}}',
      '{"s":"1234567890123456","d":0.12345678901234567,"n":1000000000000000}',
      '{"max":9007199254740991,"over":9007199254740992,"neg":-9007199254740993}',
      '[{"x":1},[],{},"",0]',
      '  {"spaced" : [ 1 , 2 ] }  ',
      '"just a string"',
      "12345",
    ];
    for (const text of texts) {
      const value = parseJsonExact(text);
      expect(value).toEqual(reference(text));
      expect(stringifyJson(value)).toBe(losslessStringify(reference(text)));
      expect(stringifyJson(value, 2)).toBe(losslessStringify(reference(text), null, 2));
    }
    // Long digit runs in a string or a fraction are not integers: nothing changes for them.
    expect(parseJsonExact('{"s":"1234567890123456","d":0.12345678901234567}')).toEqual({
      s: "1234567890123456",
      d: Number("0.12345678901234567"), // the nearest double, as JSON.parse gives
    });
    expect(Object.is((parseJsonExact('{"z":-0}') as { z: number }).z, -0)).toBe(true);
    expect(parseJsonExact("9007199254740991")).toBe(9007199254740991);
    expect(parseJsonExact("9007199254740992")).toBe(9007199254740992n);
  });

  it("reports malformed JSON with lossless-json's message", () => {
    for (const text of ['{"a":', "{a:1}", "[1,]", '{"a":1}x']) {
      let expected = "";
      try {
        reference(text);
      } catch (error) {
        expected = (error as Error).message;
      }
      expect(expected).not.toBe("");
      expect(() => parseJsonExact(text)).toThrow(expected);
    }
  });

  it("stringifies undefined as null", () => {
    expect(stringifyJson(undefined)).toBe("null");
  });
});
