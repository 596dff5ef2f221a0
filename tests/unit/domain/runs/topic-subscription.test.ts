import { describe, expect, it } from "vitest";
import { subscriptionFor } from "~/domain/runs/topic-subscription";
import { followUpEventId } from "~/services/runner/follow-up";

describe("subscriptionFor", () => {
  it("finds the subscription for a topic, exactly, with its offset", () => {
    const text = "user/a/b\n\nuser/webhook/test+5.seconds\nshopify/orders/paid+2.days\nmechanic/actions/perform";
    expect(subscriptionFor(text, "user/webhook/test")).toEqual({ topic: "user/webhook/test", offsetSeconds: 5 });
    expect(subscriptionFor(text, "shopify/orders/paid")).toEqual({
      topic: "shopify/orders/paid",
      offsetSeconds: 172_800,
    });
    expect(subscriptionFor(text, "mechanic/actions/perform")).toEqual({
      topic: "mechanic/actions/perform",
      offsetSeconds: 0,
    });
    expect(subscriptionFor(text, "user/a/b")).toEqual({ topic: "user/a/b", offsetSeconds: 0 });
    expect(subscriptionFor(text, "user/webhook/tes")).toBeNull();
    expect(subscriptionFor(text, "user/a")).toBeNull();
    expect(subscriptionFor("user/a/b+1.fortnight", "user/a/b")).toBeNull(); // a broken line never matches
  });
  it("derives one stable follow-up event id per action run attempt", () => {
    expect(followUpEventId("ar1", 1)).toBe(followUpEventId("ar1", 1));
    expect(followUpEventId("ar1", 1)).not.toBe(followUpEventId("ar1", 2));
    expect(followUpEventId("ar1", 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
