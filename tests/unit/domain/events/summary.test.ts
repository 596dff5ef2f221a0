import { describe, expect, it } from "vitest";
import { summarizeEventData, summarizeJsonPrefix, SUMMARY_MAX_CHARS } from "~/domain/events/summary";

describe("summarizeEventData", () => {
  it("shows the first scalar fields, scalars of a level before nested ones", () => {
    expect(summarizeEventData({ customer: { id: 1, email: "a@b.c" }, email: "x@y.z", total: 12.5 })).toBe(
      'email: "x@y.z" · total: 12.5 · customer.id: 1 · customer.email: "a@b.c"',
    );
  });

  it("stops at four fields and truncates long values and the whole line", () => {
    const data = { a: 1, b: 2, c: 3, d: 4, e: 5 };
    expect(summarizeEventData(data)).toBe("a: 1 · b: 2 · c: 3 · d: 4");
    const long = summarizeEventData({ text: "x".repeat(500) });
    expect(long).toBe(`text: "${"x".repeat(39)}…"`);
    const wide = summarizeEventData(Object.fromEntries(["a", "b", "c", "d"].map((k) => [k.repeat(60), 1])));
    expect(wide.length).toBe(SUMMARY_MAX_CHARS);
    expect(wide.endsWith("…")).toBe(true);
  });

  it("arrays, scalars, empty bodies, 64-bit integers and control characters", () => {
    expect(summarizeEventData([{ id: 7 }, { id: 8 }])).toBe("[0].id: 7 · [1].id: 8");
    expect(summarizeEventData("plain text")).toBe('"plain text"');
    expect(summarizeEventData({})).toBe("{}");
    expect(summarizeEventData([])).toBe("[]");
    expect(summarizeEventData({ deep: { deeper: { deepest: { gone: { x: 1 } } } } })).toBe("{…}");
    expect(summarizeEventData({ id: 12345678901234567890n })).toBe("id: 12345678901234567890");
    expect(summarizeEventData({ note: "a\nb\tc" })).toBe('note: "a b c"');
  });
});

describe("summarizeJsonPrefix", () => {
  it("reads scalars in document order from a cut-off JSON text", () => {
    const text = JSON.stringify({ email: "a@b.c", customer: { id: 42, tags: ["vip", "x"] }, blob: "y".repeat(5000) });
    expect(summarizeJsonPrefix(text.slice(0, 2048))).toBe(
      'email: "a@b.c" · customer.id: 42 · customer.tags[0]: "vip" · customer.tags[1]: "x"',
    );
  });

  it("stops at a value the prefix cuts", () => {
    expect(summarizeJsonPrefix('{"a": 1, "b": "unfinish')).toBe("a: 1");
    expect(summarizeJsonPrefix('{"a": 12')).toBe("{…}");
    expect(summarizeJsonPrefix('{"big": 12345678901234567890, "b": true,')).toBe("big: 12345678901234567890 · b: true");
  });
});
