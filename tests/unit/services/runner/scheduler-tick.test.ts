import { describe, expect, it } from "vitest";
import type { NewEventInput } from "~/services/runner/deps";
import { processSchedulerTick, schedulerEventId } from "~/services/runner/scheduler-tick";

function harness(at: string) {
  const created: NewEventInput[] = [];
  const deps = {
    now: () => new Date(at),
    log: () => {},
    createEvent: async (input: NewEventInput) => {
      created.push(input);
      return { id: input.id! };
    },
  };
  return { created, deps };
}

describe("processSchedulerTick", () => {
  it("creates the tick's event with an id fixed by shop, interval and tick", async () => {
    const { created, deps } = harness("2026-01-05T05:00:00.120Z"); // New York midnight, a Monday
    const result = await processSchedulerTick(
      { shop: "s.myshopify.com", interval: "monday", timeZone: "America/New_York" },
      deps,
    );
    const tick = new Date("2026-01-05T05:00:00.000Z");
    expect(result).toEqual({ eventId: schedulerEventId("s.myshopify.com", "monday", tick), tick });
    expect(created).toEqual([
      expect.objectContaining({ topic: "mechanic/scheduler/monday", data: null, source: "scheduler", taskIds: null }),
    ]);
    expect(schedulerEventId("s.myshopify.com", "monday", tick)).not.toBe(
      schedulerEventId("t.myshopify.com", "monday", tick),
    );
  });

  it("a job run late creates the latest tick only; one a little early still means its tick", async () => {
    const late = harness("2026-01-08T17:43:00.000Z"); // workers were down since Monday
    expect(await processSchedulerTick({ shop: "s", interval: "hourly", timeZone: "UTC" }, late.deps)).toMatchObject({
      tick: new Date("2026-01-08T17:00:00.000Z"),
    });
    expect(late.created).toHaveLength(1);
    const early = harness("2026-01-08T17:59:58.500Z");
    expect(await processSchedulerTick({ shop: "s", interval: "hourly", timeZone: "UTC" }, early.deps)).toMatchObject({
      tick: new Date("2026-01-08T18:00:00.000Z"),
    });
  });

  it("skips a job that is not a scheduler tick", async () => {
    const { created, deps } = harness("2026-01-08T17:43:00.000Z");
    expect(await processSchedulerTick({ shop: "s", interval: "fortnightly" }, deps)).toHaveProperty("skipped");
    expect(created).toEqual([]);
  });
});
