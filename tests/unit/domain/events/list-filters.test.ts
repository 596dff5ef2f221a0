import { describe, expect, it } from "vitest";
import {
  decodeCursor,
  encodeCursor,
  eventListFilterParams,
  likePattern,
  parseEventListFilters,
  parsePageSize,
} from "~/domain/events/list-filters";

describe("parseEventListFilters", () => {
  it("accepts every filter and gives them back as the same query parameters", () => {
    const raw = {
      topic: "user/orders",
      status: "failed",
      source: "shopify",
      webhook: "w1",
      task: "t1",
      since: "2026-11-30",
      until: "2026-11-30T12:00:00.000Z",
      q: "jane",
    };
    const parsed = parseEventListFilters(raw);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.since?.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(eventListFilterParams(parsed.value)).toEqual({ ...raw, since: "2026-11-30T00:00:00.000Z" });
  });

  it("refuses what it cannot honour, with the reason", () => {
    const parsed = parseEventListFilters({
      status: "done",
      source: "zapier",
      since: "yesterday",
      q: "x".repeat(201),
    });
    expect(parsed).toEqual({
      ok: false,
      errors: [
        'Status "done" is not one of pending, running, succeeded, failed, cancelled',
        'Source "zapier" is not one of webhook, task, shopify, scheduler, manual, replay',
        'Since "yesterday" is not a date or time (use ISO 8601, e.g. 2026-11-30 or 2026-11-30T08:00:00Z)',
        "Search is longer than 200 characters",
      ],
    });
    expect(parseEventListFilters({ since: "2026-12-02", until: "2026-12-01" })).toEqual({
      ok: false,
      errors: ["Since is after Until: no event can match"],
    });
    expect(parseEventListFilters({ topic: "  ", q: "" })).toEqual({ ok: true, value: {} });
  });
});

describe("cursor", () => {
  it("round-trips (time, id) and refuses anything else", () => {
    const cursor = { createdAt: new Date("2026-11-30T08:00:00.123Z"), id: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor("garbage")).toBeNull();
    expect(decodeCursor("abc.id' OR 1=1")).toBeNull();
    expect(decodeCursor(null)).toBeNull();
  });
});

describe("likePattern and page sizes", () => {
  it("escapes LIKE's wildcards and lower-cases", () => {
    expect(likePattern("100% Off_x\\")).toBe("%100\\% off\\_x\\\\%");
  });
  it("page size is one of the offered sizes", () => {
    expect(parsePageSize("100")).toBe(100);
    expect(parsePageSize("1000000")).toBe(50);
    expect(parsePageSize(null)).toBe(50);
  });
});
