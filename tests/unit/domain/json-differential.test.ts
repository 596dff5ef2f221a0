// parseJson's fast path (JSON.parse, with placeholders for the numbers it would lose) must give
// exactly what the exact parser gives, and stringifyJson and writeJson what writing each value writes, for any text: generated texts full of numbers that JSON.parse rounds,
// whole-valued floats, long fractions, exponents and number-like strings. Seeded, so a failure
// repeats.
import { describe, expect, it } from "vitest";
import { parseJson, parseJsonExactly, parseJsonOr, stringifyJson, writeEachValue, writeJson } from "~/domain/json";

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function jsonText(next: () => number): string {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const digits = (count: number, first = "123456789") =>
    pick([...first]) + Array.from({ length: count - 1 }, () => pick([..."0123456789"])).join("");
  const run = (char: string, count: number) => char.repeat(count);
  const number = (): string => {
    const sign = next() < 0.2 ? "-" : "";
    const whole = next() < 0.3 ? "0" : digits(1 + Math.floor(next() * 22));
    switch (Math.floor(next() * 7)) {
      case 0:
        return sign + whole;
      case 1:
        return `${sign}${whole}.${digits(1 + Math.floor(next() * 20), "0123456789")}`;
      case 2: // a fraction near a whole number: .999... or .000...1
        return `${sign}${whole}.${next() < 0.5 ? run("9", 1 + Math.floor(next() * 20)) : run("0", Math.floor(next() * 20)) + "1"}`;
      case 3:
        return `${sign}${whole}.${run("0", 1 + Math.floor(next() * 3))}`;
      case 4:
        return `${sign}${whole}${pick(["e", "E"])}${pick(["", "+", "-"])}${Math.floor(next() * 400)}`;
      case 5:
        return `${sign}${whole}.${digits(1 + Math.floor(next() * 5), "0123456789")}e${pick(["", "-"])}${Math.floor(next() * 30)}`;
      default:
        return pick(["0", "-0", "0.0", "1.0", "9007199254740993", "9007199254740992", "1e400", "-1e400", "1e-400"]);
    }
  };
  const string = () =>
    JSON.stringify(
      pick([
        "",
        "plain",
        "10.00",
        "v2.0",
        "1e5",
        'say "3.0"',
        "back\\slash",
        "}{][",
        number(),
        number() + ":" + number(),
        // What parseJson and stringifyJson write in place of exact numbers (a NUL and an index):
        // a sender's own such strings must come back as strings.
        "\u0000",
        "\u00000",
        `\u0000${Math.floor(next() * 3)}`,
        'quote"\u00001',
      ]),
    );
  const value = (depth: number): string => {
    const roll = next();
    if (depth > 3 || roll < 0.45) return number();
    if (roll < 0.6) return string();
    if (roll < 0.65) return pick(["true", "false", "null"]);
    const count = Math.floor(next() * 5);
    if (roll < 0.8) return `[${Array.from({ length: count }, () => value(depth + 1)).join(",")}]`;
    // "__proto__" is an own key in JSON.parse's objects and must stay one; a key may read as a placeholder.
    const key = (i: number) => (next() < 0.1 ? "__proto__" : next() < 0.1 ? `\u0000${i}` : `k${i}`);
    return `{${Array.from({ length: count }, (_, i) => `${JSON.stringify(key(i))}:${value(depth + 1)}`).join(",")}}`;
  };
  return value(0);
}

describe("parseJson agrees with the exact parser", () => {
  it("on 3,000 generated texts: the same values, written the same way", () => {
    const next = random(20261201);
    for (let i = 0; i < 3000; i++) {
      const text = jsonText(next);
      const exact = parseJsonExactly(text);
      const fast = parseJson(text);
      expect(fast, text).toStrictEqual(exact);
      expect(stringifyJson(fast), text).toBe(stringifyJson(exact));
      expect(parseJsonOr(text, "fallback"), text).toStrictEqual(exact);
    }
  });
});

describe("writeJson's built-in path agrees with writing each value", () => {
  it("on the values of 3,000 generated texts: the same text and the same sizes charged, with each option", () => {
    const next = random(20261203);
    for (let i = 0; i < 3000; i++) {
      const value = parseJsonExactly(jsonText(next));
      for (const options of [{}, { space: 2 }, { rubyFloats: true }]) {
        const charges = { builtIn: 0, each: 0 };
        const builtIn = writeJson(value, { ...options, charge: (n) => (charges.builtIn += n) });
        const each = writeEachValue(value, { ...options, charge: (n) => (charges.each += n) });
        expect(builtIn, String(i)).toBe(each);
        expect(charges.builtIn, String(i)).toBe(charges.each);
      }
    }
  });
});

describe("stringifyJson agrees with the exact writer", () => {
  it("on the values of 3,000 generated texts, compact and indented", () => {
    const next = random(20261202);
    for (let i = 0; i < 3000; i++) {
      const value = parseJsonExactly(jsonText(next));
      expect(stringifyJson(value), String(i)).toBe(writeEachValue(value));
      expect(stringifyJson(value, 2), String(i)).toBe(writeEachValue(value, { space: 2 }));
    }
  });
});
