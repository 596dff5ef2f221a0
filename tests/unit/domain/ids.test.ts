import { describe, expect, it } from "vitest";
import { timeOrderedUuid } from "~/domain/ids";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp at the front of a version 7 UUID. */
function timeOf(id: string): number {
  return parseInt(id.replace(/-/g, "").slice(0, 12), 16);
}

describe("timeOrderedUuid", () => {
  it("is a version 7 UUID whose first 48 bits are the time in milliseconds", () => {
    for (const now of [0, 1, 0xffff, 0x10000, Date.UTC(2026, 10, 26, 12), 2 ** 48 - 1]) {
      const id = timeOrderedUuid(now);
      expect(id).toMatch(V7);
      expect(timeOf(id)).toBe(now);
    }
    const before = Date.now();
    const id = timeOrderedUuid();
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(Date.now());
  });

  it("sorts by time as text, so new ids go to the end of an index", () => {
    const start = Date.UTC(2026, 10, 26);
    const ids = Array.from({ length: 1_000 }, (_, i) => timeOrderedUuid(start + i * 37));
    expect([...ids].sort()).toEqual(ids);
  });

  it("differs in its random bits even within one millisecond", () => {
    const ids = Array.from({ length: 10_000 }, () => timeOrderedUuid(1_795_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(15))).size).toBe(ids.length);
  });
});
