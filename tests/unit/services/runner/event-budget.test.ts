// Fan-out bounds (issue 16 item 2, docs/decisions/0070): actions per task run, events per
// originating request across generations, and events created by actions counted toward the
// shop's rate limit. Against the in-memory RunStore with real rendering.
import { describe, expect, it } from "vitest";
import { DEFAULT_FAN_OUT_LIMITS, type FanOutLimits } from "~/domain/runs/fan-out-limits";
import { createHarness, SHOP } from "./support";

const limits = (fields: Partial<FanOutLimits>): FanOutLimits => ({ ...DEFAULT_FAN_OUT_LIMITS, ...fields });

describe("actions per task run", () => {
  it("a run rendering more actions than the limit fails and performs none; at the limit it performs all", async () => {
    const h = createHarness({ overrides: { fanOut: limits({ maxActionsPerTaskRun: 5 }) } });
    h.task({
      subscriptions: "user/many/go",
      script: '{% for i in (1..event.data.n) %}{% action "echo", i %}{% endfor %}',
    });
    const over = h.event("user/many/go", { n: 6 });
    const at = h.event("user/many/go", { n: 5 });
    await h.drain();

    const [overRun] = h.store.taskRunsOf(over);
    expect(overRun).toMatchObject({ status: "failed" });
    expect(JSON.parse(overRun!.errors!)[0]).toMatch(/rendered 6 actions; a task run may perform at most 5/);
    expect(h.store.actionRunsOf(overRun!.id)).toEqual([]);
    expect(h.store.event(over)!.status).toBe("failed");

    const [atRun] = h.store.taskRunsOf(at);
    expect(atRun).toMatchObject({ status: "succeeded" });
    expect(h.store.actionRunsOf(atRun!.id).map((a) => a.status)).toEqual(Array(5).fill("succeeded"));
  });
});

describe("events per originating request", () => {
  it("a task emitting 3 events on its own topic stops at the chain's cap, every generation counted", async () => {
    const h = createHarness({ overrides: { fanOut: limits({ maxEventsPerOrigin: 20 }) } });
    h.task({
      subscriptions: "user/fan/out",
      script: '{% for i in (1..3) %}{% action "event", topic: "user/fan/out", data: i %}{% endfor %}',
    });
    const root = h.event("user/fan/out", 0);
    await h.drain();

    // Each refused event action also reports a mechanic/errors/action event (decision 0052): not part of the chain.
    const children = h.store.events().filter((e) => e.id !== root && !e.topic.startsWith("mechanic/errors/"));
    // Without the cap: 3 + 9 + 27 + 81 + 243 = 363 events.
    expect(children).toHaveLength(20);
    expect(children.every((e) => e.originId === root)).toBe(true);
    expect(h.store.event(root)!.originId).toBeNull();
    const refused = h.store
      .events()
      .flatMap((e) => h.store.taskRunsOf(e.id))
      .flatMap((r) => h.store.actionRunsOf(r.id))
      .filter((a) => a.status === "failed");
    expect(refused.length).toBeGreaterThan(0);
    for (const action of refused)
      expect(action.error).toMatch(/^event limit reached: .*\(at most 20, EVENT_CHAIN_MAX_EVENTS\)/);
  });

  it("each originating event has its own budget", async () => {
    const h = createHarness({ overrides: { fanOut: limits({ maxEventsPerOrigin: 2 }) } });
    h.task({
      subscriptions: "user/a/b",
      script: '{% for i in (1..3) %}{% action "event", topic: "user/c/d", data: i %}{% endfor %}',
    });
    const first = h.event("user/a/b");
    const second = h.event("user/a/b");
    await h.drain();
    expect(h.store.events().filter((e) => e.originId === first)).toHaveLength(2);
    expect(h.store.events().filter((e) => e.originId === second)).toHaveLength(2);
  });
});

describe("the shop's rate limit", () => {
  it("events created by actions count toward it: over it, the action waits for the window instead of failing", async () => {
    const h = createHarness();
    h.store.putShopRateLimit(SHOP, 4);
    h.task({
      subscriptions: "user/a/b",
      script: '{% for i in (1..6) %}{% action "event", topic: "user/c/d", data: i %}{% endfor %}',
    });
    const id = h.event("user/a/b");
    await h.drain();
    const run = h.store.taskRunsOf(id)[0]!;
    const waiting = () => h.store.actionRunsOf(run.id).filter((a) => a.status === "pending");
    expect(h.store.events().filter((e) => e.originId === id)).toHaveLength(4);
    expect(waiting()).toHaveLength(2);
    expect(waiting()[0]!.error).toMatch(/^the shop.s rate limit is used up: .*\(limit 4 per minute/);

    h.clock.advance(61_000);
    while (waiting().length && (await h.runNextScheduled()));
    expect(h.store.events().filter((e) => e.originId === id)).toHaveLength(6);
    expect(h.store.actionRunsOf(run.id).map((a) => a.status)).toEqual(Array(6).fill("succeeded"));
    expect(h.store.event(id)!.status).toBe("succeeded");
  });

  it("events arriving by webhook do not use up the actions' budget", async () => {
    const h = createHarness();
    h.store.putShopRateLimit(SHOP, 1);
    h.task({ subscriptions: "user/a/b", script: '{% action "event", topic: "user/c/d", data: 1 %}' });
    const a = h.event("user/a/b");
    const b = h.event("user/a/b");
    await h.drain();
    expect(h.store.events().filter((e) => e.originId === a)).toHaveLength(1);
    expect(h.store.events().filter((e) => e.originId === b)).toHaveLength(0); // the second waits its minute
  });
});
