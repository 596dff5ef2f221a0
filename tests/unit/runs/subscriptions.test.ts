import { describe, expect, it } from "vitest";
import { parseSubscriptionLine, parseSubscriptions, subscriptionFor } from "~/runs/subscriptions";
import { followUpEventId } from "~/runs/runner.server";

describe("subscriptions", () => {
  it("parses topics with and without offsets", () => {
    expect(parseSubscriptionLine("user/foo/bar")).toEqual({ topic: "user/foo/bar", offsetSeconds: 0 });
    expect(parseSubscriptionLine(" user/foo/bar+1.hour ")).toEqual({ topic: "user/foo/bar", offsetSeconds: 3600 });
    expect(parseSubscriptionLine("shopify/orders/paid+30.minutes")).toEqual({ topic: "shopify/orders/paid", offsetSeconds: 1800 });
    expect(parseSubscriptionLine("user/a/b+2.days")).toEqual({ topic: "user/a/b", offsetSeconds: 172_800 });
    expect(parseSubscriptionLine("mechanic/scheduler/10min")).toEqual({ topic: "mechanic/scheduler/10min", offsetSeconds: 0 });
    expect(parseSubscriptionLine("mechanic/actions/perform")).toEqual({ topic: "mechanic/actions/perform", offsetSeconds: 0 });
    expect(parseSubscriptionLine("user/a/b+1.fortnight")).toBeNull();
    expect(parseSubscriptionLine("not a topic")).toBeNull();
    expect(parseSubscriptionLine("")).toBeNull();
  });
  it("finds the subscription for a topic, exactly", () => {
    const text = "user/a/b\n\nuser/webhook/test+5.seconds\n";
    expect(parseSubscriptions(text)).toHaveLength(2);
    expect(subscriptionFor(text, "user/webhook/test")).toEqual({ topic: "user/webhook/test", offsetSeconds: 5 });
    expect(subscriptionFor(text, "user/webhook/tes")).toBeNull();
    expect(subscriptionFor(text, "user/a")).toBeNull();
  });
  it("derives one stable follow-up event id per action run attempt", () => {
    expect(followUpEventId("ar1", 1)).toBe(followUpEventId("ar1", 1));
    expect(followUpEventId("ar1", 1)).not.toBe(followUpEventId("ar1", 2));
    expect(followUpEventId("ar1", 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
