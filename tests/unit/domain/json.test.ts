import { describe, expect, it } from "vitest";
import {
  closingQuote,
  FloatNumber,
  JsonDepthError,
  JsonSyntaxError,
  MAX_JSON_DEPTH,
  numberValue,
  parseJson,
  prettyJson,
  stringifyJson,
  writeJson,
} from "~/domain/json";

const nested = (depth: number, inner = "1") => "[".repeat(depth) + inner + "]".repeat(depth);

describe("parseJson: numbers as the text wrote them", () => {
  it("keeps integers beyond 2^53 exact as BigInt and round-trips them", () => {
    const text = '{"id":9007199254740993,"big":-9223372036854775808,"small":42,"f":1.25}';
    const value = parseJson(text) as Record<string, unknown>;
    expect(value.id).toBe(9007199254740993n);
    expect(value.big).toBe(-9223372036854775808n);
    expect(value.small).toBe(42);
    expect(value.f).toBe(1.25);
    expect(stringifyJson(value)).toBe(text);
    expect(parseJson("9007199254740991")).toBe(9007199254740991);
    expect(parseJson("9007199254740992")).toBe(9007199254740992n);
  });

  it("16-digit numbers: below 2^53 plain numbers, above BigInt, with a fraction or exponent floats", () => {
    const value = parseJson(
      '{"id":6543210987654321,"max":9007199254740991,"over":9999999999999999,"neg":-9007199254740993,' +
        '"whole":1234567890123456.0,"rounds":5000000000000000.3,"exp":1234567890123456e2,"frac":1234567890123.25}',
    ) as Record<string, unknown>;
    expect(value.id).toBe(6543210987654321);
    expect(value.max).toBe(9007199254740991);
    expect(value.over).toBe(9999999999999999n);
    expect(value.neg).toBe(-9007199254740993n);
    expect(value.whole).toEqual(new FloatNumber(1234567890123456));
    expect(value.rounds).toEqual(new FloatNumber(5000000000000000));
    expect(value.exp).toEqual(new FloatNumber(123456789012345600));
    expect(value.frac).toBe(1234567890123.25);
    expect(parseJson("[6543210987654321, 9999999999999999]")).toEqual([6543210987654321, 9999999999999999n]);
  });

  it("keeps integers beyond 10^308 exact (JSON.parse would make them Infinity)", () => {
    const huge = `1${"0".repeat(400)}`;
    const value = parseJson(`{"n":${huge},"m":-${huge}}`) as Record<string, unknown>;
    expect(value.n).toBe(BigInt(huge));
    expect(stringifyJson(value)).toBe(`{"n":${huge},"m":-${huge}}`);
  });

  it("keeps whole-valued floats floats: 20.0 stays 20.0, 1e3 is 1000.0", () => {
    const value = parseJson('{"total":20.0,"e":1e3,"E":2.50E1,"neg":-0.0,"frac":19.99,"int":20}') as Record<
      string,
      unknown
    >;
    expect(value.total).toEqual(new FloatNumber(20));
    expect(value.e).toEqual(new FloatNumber(1000));
    expect(value.E).toEqual(new FloatNumber(25));
    expect(Object.is((value.neg as FloatNumber).value, -0)).toBe(true);
    expect(value.frac).toBe(19.99);
    expect(value.int).toBe(20);
    expect(stringifyJson(value)).toBe('{"total":20.0,"e":1000.0,"E":25.0,"neg":-0.0,"frac":19.99,"int":20}');
    expect(stringifyJson(value, 2)).toContain('"total": 20.0,');
    expect(String(value.total)).toBe("20.0");
    expect(numberValue(value.total)).toBe(20);
  });

  it("keeps a float whose long fraction rounds to a whole double a float, as Ruby's JSON does", () => {
    // Ruby: JSON.generate(JSON.parse(text)) for the same text.
    const text =
      "[2.0000000000000001, 0.99999999999999999, 12345678.9999999999, 99.999999999999999, 12345678.999999999, 1.5, 3]";
    expect(stringifyJson(parseJson(text))).toBe("[2.0,1.0,12345679.0,100.0,12345678.999999998,1.5,3]");
    expect(stringifyJson(parseJson('{"n":5,"x":0.99999999999999999}'))).toBe('{"n":5,"x":1.0}');
  });

  it("keeps a float beyond a double's range as its text", () => {
    const value = parseJson('{"d":1e400,"n":-2.5E+999}') as Record<string, FloatNumber>;
    expect(value.d.value).toBe(Infinity);
    expect(stringifyJson(value)).toBe('{"d":1e400,"n":-2.5E+999}');
  });

  it("is JSON.parse itself when nothing would be lost (the fast path)", () => {
    const texts = [
      '{"order_id":"820982911946154508","customer":{"id":6543210987654321,"tags":["vip"]},"note":""}',
      '{"a":1,"b":-0,"c":1.5e-300,"e":[true,false,null],"f":{"g":"\u00e9\ud83d\ude00"}}',
      '{"s":"1234567890123456","d":0.12345678901234567,"n":1000000000000000}',
      // Float-looking text inside strings changes nothing.
      '{"agent":"Mozilla/5.0 (X11)","v":"2.0","e":"1e5","n":5,"q":"say \\"3.0\\"","p":1.5}',
      '[{"x":1},[],{},"",0]',
      '  {"spaced" : [ 1 , 2 ] }  ',
      '"just a string"',
      "12345",
    ];
    for (const text of texts) {
      expect(parseJson(text)).toStrictEqual(JSON.parse(text));
      expect(stringifyJson(parseJson(text))).toBe(JSON.stringify(JSON.parse(text)));
    }
    expect(Object.is((parseJson('{"z":-0}') as { z: number }).z, -0)).toBe(true);
  });

  it("writes exactly what JSON.stringify writes for plain values (the exact writer agrees)", () => {
    const values = [
      { a: [1, 2, { b: "c\n\u2028" }], d: null, e: undefined, f: () => 1, g: new Date(0), h: [undefined] },
      [],
      {},
      "text",
      3.5e-7,
      { nested: { empty: [], obj: {} } },
    ];
    for (const value of values) {
      expect(writeJson(value)).toBe(JSON.stringify(value));
      expect(writeJson(value, { space: 2 })).toBe(JSON.stringify(value, null, 2));
    }
  });

  it("gives other code's JSON.stringify the plain number instead of throwing", () => {
    expect(JSON.stringify({ total: new FloatNumber(20) })).toBe('{"total":20}');
  });

  it("keeps the last value of a duplicate key and __proto__ as an own key", () => {
    expect(parseJson('{"a":1,"a":2}')).toEqual({ a: 2 });
    expect(parseJson('{"a":1.0,"a":2.0}')).toEqual({ a: new FloatNumber(2) });
    for (const text of ['{"__proto__":{"x":1}}', '{"__proto__":{"x":1.0}}']) {
      const value = parseJson(text) as object;
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.keys(value)).toEqual(["__proto__"]);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    }
  });
});

describe("parseJson: errors", () => {
  it("throws JsonSyntaxError naming the position", () => {
    for (const text of ['{"a":', "{a:1}", "[1,]", '{"a":1}x', '{"a":1.0', ""]) {
      expect(() => parseJson(text)).toThrow(JsonSyntaxError);
    }
    expect(() => parseJson("{a:1}")).toThrow(/position 1/);
  });

  it("refuses nesting deeper than the limit with a JsonDepthError, valid or not", () => {
    expect(parseJson(nested(MAX_JSON_DEPTH))).toBeTruthy();
    expect(() => parseJson(nested(MAX_JSON_DEPTH + 1))).toThrow(JsonDepthError);
    expect(() => parseJson(nested(20), { maxDepth: 10 })).toThrow("JSON is nested deeper than 10 levels");
    expect(() => parseJson(`{"a":${nested(11, "2.0")}}`, { maxDepth: 10 })).toThrow(JsonDepthError);
    // 100,000 levels, malformed (never closed): refused by depth, not a stack overflow.
    expect(() => parseJson("[".repeat(100_000))).toThrow(JsonDepthError);
    expect(() => parseJson(`{"a":"${"[".repeat(5000)}"}`, { maxDepth: 10 })).not.toThrow();
  });
});

describe("prettyJson", () => {
  it("indents stored JSON exactly and leaves other text alone", () => {
    expect(prettyJson('{"id":12345678901234567890,"t":20.0}')).toBe('{\n  "id": 12345678901234567890,\n  "t": 20.0\n}');
    expect(prettyJson("plain text")).toBe("plain text");
    expect(prettyJson(null)).toBe("");
  });
});

describe("parseJson: long integers and depth together", () => {
  it("refuses deep nesting in text that also holds a 64-bit integer", () => {
    const deep = `{"id":820982911946154508,"x":${nested(MAX_JSON_DEPTH + 1)}}`;
    expect(() => parseJson(deep)).toThrow(JsonDepthError);
    const veryDeep = `{"id":820982911946154508,"x":${nested(200_000)}}`;
    expect(() => parseJson(veryDeep)).toThrow(JsonDepthError);
    expect(parseJson(`{"id":820982911946154508,"x":${nested(10)}}`)).toMatchObject({ id: 820982911946154508n });
  });
});

describe("closingQuote", () => {
  it("finds the quote that closes a string, past escaped quotes; -1 when none does", () => {
    const text = String.raw`x"a\"b\\"c"`;
    expect(closingQuote(text, 1)).toBe(8);
    expect(closingQuote(String.raw`"\\\"`, 0)).toBe(-1);
    expect(closingQuote(`""`, 0)).toBe(1);
    expect(closingQuote(`"abc`, 0)).toBe(-1);
  });
});

describe("writeJson", () => {
  it("leaves to writing each value what JSON.stringify would write differently", () => {
    expect(writeJson({ d: new Date(0), n: 1n, f: new FloatNumber(2) })).toBe(
      '{"d":"1970-01-01T00:00:00.000Z","n":1,"f":2.0}',
    );
    expect(writeJson({ a: 1, b: [2] }, { unwrap: (v) => (v === 2 ? "two" : v) })).toBe('{"a":1,"b":["two"]}');
    expect(writeJson([1.5e-5, 1e21, 0.5], { rubyFloats: true })).toBe("[1.5e-05,1e+21,0.5]");
    const cycle: Record<string, unknown> = { n: 1n };
    cycle.self = { back: cycle };
    expect(() => writeJson(cycle)).toThrow(/circular/);
    expect(() => writeJson(JSON.parse(nested(5)), { maxDepth: 4 })).toThrow(JsonDepthError);
    expect(writeJson(JSON.parse(nested(4)), { maxDepth: 4 })).toBe(nested(4));
  });

  it("stops at the memory limit as it writes a value that shares one part many times", () => {
    let shared: unknown = ["x".repeat(1000)];
    for (let i = 0; i < 40; i++) shared = [shared, shared]; // 2^40 strings of 1 KB when written
    let used = 0;
    const charge = (size: number) => {
      used += size;
      if (used > 10_000_000) throw new Error("memory limit reached");
    };
    expect(() => writeJson(shared, { charge })).toThrow("memory limit reached");
    expect(used).toBeLessThan(11_000_000);
  });
});
