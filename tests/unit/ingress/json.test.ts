import { describe, expect, it } from "vitest";
import { parseJsonExact, stringifyJson } from "~/domain/ingress/json";

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

  it("stringifies undefined as null", () => {
    expect(stringifyJson(undefined)).toBe("null");
  });
});
