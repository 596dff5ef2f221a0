// Scheduler ticks in the shop's time zone, including daylight-saving changes both ways (also at
// midnight), month ends and leap years, and zones whose offset is not a whole hour.
import { describe, expect, it } from "vitest";
import {
  SCHEDULER_INTERVALS,
  cronPattern,
  currentTick,
  nextTick,
  schedulerInterval,
  ticksBetween,
  type SchedulerInterval,
} from "~/domain/scheduler";

const NY = "America/New_York";
const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();
const current = (interval: SchedulerInterval, zone: string, when: string) => iso(currentTick(interval, zone, at(when)));
const next = (interval: SchedulerInterval, zone: string, when: string) => iso(nextTick(interval, zone, at(when)));

describe("scheduler topics", () => {
  it("knows Mechanic's intervals and nothing else", () => {
    expect(SCHEDULER_INTERVALS).toHaveLength(14);
    expect(schedulerInterval("mechanic/scheduler/daily")).toBe("daily");
    expect(schedulerInterval("mechanic/scheduler/friday")).toBe("friday");
    expect(schedulerInterval("mechanic/scheduler/5min")).toBeNull();
    expect(schedulerInterval("mechanic/scheduler/daily+5.hours")).toBeNull(); // strip offsets first
    expect(schedulerInterval("user/scheduler/daily")).toBeNull();
    expect(cronPattern("15min")).toBe("*/15 * * * *");
    expect(cronPattern("hourly")).toBe("0 * * * *");
    expect(cronPattern("monday")).toBe("0 0 * * 1");
    expect(cronPattern("sunday")).toBe("0 0 * * 0");
    expect(cronPattern("monthly")).toBe("0 0 1 * *");
  });

  it("refuses an unknown time zone", () => {
    expect(() => currentTick("daily", "Mars/Olympus", at("2026-01-01T00:00:00Z"))).toThrow(/Unknown time zone/);
  });
});

describe("minute intervals and hourly", () => {
  it("tick on the local clock's multiples, including the tick instant itself", () => {
    expect(current("10min", NY, "2026-01-15T15:27:31Z")).toBe("2026-01-15T15:20:00.000Z");
    expect(next("10min", NY, "2026-01-15T15:27:31Z")).toBe("2026-01-15T15:30:00.000Z");
    expect(current("15min", NY, "2026-01-15T15:45:00Z")).toBe("2026-01-15T15:45:00.000Z");
    expect(next("15min", NY, "2026-01-15T15:45:00Z")).toBe("2026-01-15T16:00:00.000Z");
    expect(next("20min", NY, "2026-01-15T15:59:59Z")).toBe("2026-01-15T16:00:00.000Z");
    expect(next("30min", NY, "2026-01-15T15:00:00.001Z")).toBe("2026-01-15T15:30:00.000Z");
    expect(current("hourly", NY, "2026-01-15T15:59:59Z")).toBe("2026-01-15T15:00:00.000Z");
  });

  it("follow a half-hour and a quarter-hour offset (India +05:30, Nepal +05:45)", () => {
    expect(current("hourly", "Asia/Kolkata", "2026-01-15T10:10:00Z")).toBe("2026-01-15T09:30:00.000Z");
    expect(next("hourly", "Asia/Kolkata", "2026-01-15T10:10:00Z")).toBe("2026-01-15T10:30:00.000Z");
    expect(next("30min", "Asia/Kathmandu", "2026-01-15T10:00:00Z")).toBe("2026-01-15T10:15:00.000Z");
  });

  it("skip the hour the clock skips in spring: 01:00, then 03:00 an hour later (New York, 8 March 2026)", () => {
    const ticks = ticksBetween("hourly", NY, at("2026-03-08T04:30:00Z"), at("2026-03-08T08:30:00Z")).map(iso);
    // 00:00 EST is 05:00Z; 01:00 EST 06:00Z; 03:00 EDT 07:00Z; 04:00 EDT 08:00Z
    expect(ticks).toEqual([
      "2026-03-08T05:00:00.000Z",
      "2026-03-08T06:00:00.000Z",
      "2026-03-08T07:00:00.000Z",
      "2026-03-08T08:00:00.000Z",
    ]);
  });

  it("tick twice in the hour the clock repeats in autumn (New York, 1 November 2026)", () => {
    const ticks = ticksBetween("hourly", NY, at("2026-11-01T03:30:00Z"), at("2026-11-01T07:30:00Z")).map(iso);
    // 00:00 EDT 04:00Z; 01:00 EDT 05:00Z; 01:00 EST 06:00Z; 02:00 EST 07:00Z
    expect(ticks).toEqual([
      "2026-11-01T04:00:00.000Z",
      "2026-11-01T05:00:00.000Z",
      "2026-11-01T06:00:00.000Z",
      "2026-11-01T07:00:00.000Z",
    ]);
    const quarterHours = ticksBetween("15min", NY, at("2026-11-01T05:00:00Z"), at("2026-11-01T07:00:00Z"));
    expect(quarterHours).toHaveLength(8);
  });
});

describe("daily, weekdays and monthly", () => {
  it("daily is local midnight, 23 and 25 hours apart across the clock changes", () => {
    expect(current("daily", NY, "2026-01-15T15:00:00Z")).toBe("2026-01-15T05:00:00.000Z");
    expect(current("daily", NY, "2026-01-15T04:59:59Z")).toBe("2026-01-14T05:00:00.000Z");
    expect(next("daily", NY, "2026-01-15T05:00:00Z")).toBe("2026-01-16T05:00:00.000Z");
    const spring = ticksBetween("daily", NY, at("2026-03-07T12:00:00Z"), at("2026-03-09T12:00:00Z")).map(iso);
    expect(spring).toEqual(["2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z"]);
    const autumn = ticksBetween("daily", NY, at("2026-10-31T12:00:00Z"), at("2026-11-02T12:00:00Z")).map(iso);
    expect(autumn).toEqual(["2026-11-01T04:00:00.000Z", "2026-11-02T05:00:00.000Z"]);
  });

  it("a day whose midnight is skipped starts at 01:00 (Santiago, 6 September 2026)", () => {
    expect(next("daily", "America/Santiago", "2026-09-05T12:00:00Z")).toBe("2026-09-06T04:00:00.000Z");
    expect(current("daily", "America/Santiago", "2026-09-06T04:30:00Z")).toBe("2026-09-06T04:00:00.000Z");
  });

  it("a day whose eve is repeated starts at the midnight after it (Santiago, 5 April 2026)", () => {
    // 23:00-24:00 on Saturday happens twice (-03 then -04); Sunday starts at 00:00 -04 = 04:00Z.
    expect(current("daily", "America/Santiago", "2026-04-05T03:30:00Z")).toBe("2026-04-04T03:00:00.000Z");
    expect(next("daily", "America/Santiago", "2026-04-04T12:00:00Z")).toBe("2026-04-05T04:00:00.000Z");
  });

  it("weekdays are local midnight starting that day", () => {
    // Thursday 15 January 2026
    expect(current("monday", NY, "2026-01-15T15:00:00Z")).toBe("2026-01-12T05:00:00.000Z");
    expect(next("monday", NY, "2026-01-15T15:00:00Z")).toBe("2026-01-19T05:00:00.000Z");
    expect(current("thursday", NY, "2026-01-15T05:00:00Z")).toBe("2026-01-15T05:00:00.000Z");
    expect(current("thursday", NY, "2026-01-15T04:59:00Z")).toBe("2026-01-08T05:00:00.000Z");
    // Across the spring change: a week of 167 hours.
    expect(next("sunday", NY, "2026-03-01T05:00:00Z")).toBe("2026-03-08T05:00:00.000Z");
    expect(next("monday", NY, "2026-03-02T05:00:00Z")).toBe("2026-03-09T04:00:00.000Z");
    expect(next("monday", "Asia/Tokyo", "2026-01-15T00:00:00Z")).toBe("2026-01-18T15:00:00.000Z");
  });

  it("monthly is local midnight on the 1st, across month ends, leap years and the year end", () => {
    expect(current("monthly", NY, "2026-01-31T23:00:00Z")).toBe("2026-01-01T05:00:00.000Z");
    expect(next("monthly", NY, "2026-01-31T23:00:00Z")).toBe("2026-02-01T05:00:00.000Z");
    expect(next("monthly", NY, "2028-02-29T12:00:00Z")).toBe("2028-03-01T05:00:00.000Z");
    expect(next("monthly", NY, "2026-03-01T04:59:00Z")).toBe("2026-03-01T05:00:00.000Z");
    expect(next("monthly", NY, "2026-03-15T00:00:00Z")).toBe("2026-04-01T04:00:00.000Z");
    expect(next("monthly", NY, "2026-12-31T12:00:00Z")).toBe("2027-01-01T05:00:00.000Z");
    // 1 January 00:30 in Berlin is still 31 December in UTC.
    expect(current("monthly", "Europe/Berlin", "2025-12-31T23:30:00Z")).toBe("2025-12-31T23:00:00.000Z");
  });

  it("ticksBetween gives a bounded list, so a late scheduler can take only the last tick", () => {
    const missed = ticksBetween("10min", "UTC", at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"));
    expect(missed).toHaveLength(144);
    expect(ticksBetween("10min", "UTC", at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"), 5)).toHaveLength(5);
    expect(ticksBetween("daily", "UTC", at("2026-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"))).toEqual([]);
  });
});
