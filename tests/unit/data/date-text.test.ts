import { describe, expect, it } from "vitest";
import { isoText } from "~/data/date-text";

describe("isoText", () => {
  it("is toISOString's text for any date, with the zone designator asked for (the minute's text is reused)", () => {
    const edges = [0, -1, 1, 999, 1000, 59_999, 60_000, -60_000, -60_001, 253_402_300_799_999, -62_167_219_200_000];
    // Random instants between the years 0001 and 9999, and a run within one minute and across the next.
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const instants = [
      ...edges,
      ...Array.from({ length: 5000 }, () => Math.floor(-62_135_596_800_000 + random() * 315_537_897_599_999)),
    ];
    const base = Date.parse("2026-12-01T10:00:59.990Z");
    instants.push(...Array.from({ length: 40 }, (_, i) => base + i));
    for (const ms of instants) {
      const date = new Date(ms);
      expect(isoText(date)).toBe(date.toISOString());
      expect(isoText(date, "+00:00")).toBe(`${date.toISOString().slice(0, -1)}+00:00`);
    }
  });

  it("takes toISOString's own form for extended years, and throws for an invalid date as it does", () => {
    expect(isoText(new Date(8.64e15))).toBe("+275760-09-13T00:00:00.000Z");
    expect(isoText(new Date(8.64e15), "+00:00")).toBe("+275760-09-13T00:00:00.000+00:00");
    expect(() => isoText(new Date(NaN))).toThrow(RangeError);
  });
});
