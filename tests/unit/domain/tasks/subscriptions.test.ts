import { describe, expect, it } from "vitest";
import {
  matchesTopic,
  parseSubscriptions,
  renderSubscriptionsTemplate,
  subscriptionsFor,
} from "~/domain/tasks/subscriptions";

describe("parseSubscriptions", () => {
  it("parses topics and delays in every unit, skipping blank lines", () => {
    const text = [
      "user/webhook/test",
      "",
      "   user/foo/bar+1.hour  ",
      "user/foo/bar+30.minutes",
      "shopify/orders/paid+2.days",
      "shopify/customers/create+1.second",
      "user/checkouts/abandoned+24.hours",
      "mechanic/scheduler/daily+1.week",
      "mechanic/actions/perform+2.months",
      "user/a/b+1.year",
      "mechanic/user/trigger",
    ].join("\n");
    const { subscriptions, errors } = parseSubscriptions(text);
    expect(errors).toEqual([]);
    expect(subscriptions).toEqual([
      { topic: "user/webhook/test", offsetSeconds: 0 },
      { topic: "user/foo/bar", offsetSeconds: 3600 },
      { topic: "user/foo/bar", offsetSeconds: 1800 },
      { topic: "shopify/orders/paid", offsetSeconds: 172800 },
      { topic: "shopify/customers/create", offsetSeconds: 1 },
      { topic: "user/checkouts/abandoned", offsetSeconds: 86400 },
      { topic: "mechanic/scheduler/daily", offsetSeconds: 604800 },
      { topic: "mechanic/actions/perform", offsetSeconds: 5184000 },
      { topic: "user/a/b", offsetSeconds: 31536000 },
      { topic: "mechanic/user/trigger", offsetSeconds: 0 },
    ]);
  });

  it("reports problems with line numbers", () => {
    const lines = [
      "user/webhook/test",
      "user/Webhook/test",
      "user/only_two",
      "orders/paid/x",
      "shopify/orders",
      "mechanic/scheduler/fortnightly",
      "user/foo/bar+1.fortnight",
      "user/foo/bar +1.hour",
      "user/foo/bar+-1.hour",
      "user/webhook/test",
      "user/foo/bar+1000.years",
    ];
    const { subscriptions, errors } = parseSubscriptions(lines);
    expect(subscriptions).toEqual([{ topic: "user/webhook/test", offsetSeconds: 0 }]);
    expect(errors.map((error) => error.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(errors[0].message).toContain("uppercase");
    expect(errors[1].message).toContain("expected exactly 3");
    expect(errors[2].message).toContain("must start with user/, shopify/ or mechanic/");
    expect(errors[3].message).toContain("shopify/<resource>/<event>");
    expect(errors[4].message).toContain("Unknown Mechanic topic");
    expect(errors[5].message).toContain('Unknown delay unit "fortnight"');
    expect(errors[6].message).toContain("contains spaces");
    expect(errors[7].message).toContain("is not a subscription");
    expect(errors[8].message).toContain("listed twice");
    expect(errors[9].message).toContain("too long");
  });
});

describe("renderSubscriptionsTemplate", () => {
  it("renders with options and parses the result", async () => {
    const template = `shopify/orders/paid+{{ options.days__number_required }}.days
{% if options.also_hourly__boolean %}mechanic/scheduler/hourly{% endif %}`;
    const result = await renderSubscriptionsTemplate(template, {
      days__number_required: 3,
      also_hourly__boolean: true,
    });
    expect(result.errors).toEqual([]);
    expect(result.lines).toEqual(["shopify/orders/paid+3.days", "mechanic/scheduler/hourly"]);
    expect(result.subscriptions).toEqual([
      { topic: "shopify/orders/paid", offsetSeconds: 259200 },
      { topic: "mechanic/scheduler/hourly", offsetSeconds: 0 },
    ]);
  });

  it("reports Liquid errors and invalid rendered lines", async () => {
    const broken = await renderSubscriptionsTemplate("{% if %}", {});
    expect(broken.errors[0].message).toMatch(/^Subscriptions template: Liquid syntax error/);
    const missing = await renderSubscriptionsTemplate("shopify/orders/paid+{{ options.days }}.days", {});
    expect(missing.errors[0].message).toContain("is not a subscription");
  });
});

describe("matching", () => {
  const subscriptions = ["user/webhook/test", "user/foo/bar+1.hour", "user/foo/bar", "not a topic"];
  it("finds every subscription to a topic with its delay", () => {
    expect(matchesTopic(subscriptions, "user/webhook/test")).toBe(true);
    expect(matchesTopic(subscriptions, "user/webhook/other")).toBe(false);
    expect(subscriptionsFor(subscriptions, "user/foo/bar")).toEqual([
      { topic: "user/foo/bar", offsetSeconds: 3600 },
      { topic: "user/foo/bar", offsetSeconds: 0 },
    ]);
    expect(matchesTopic([{ topic: "user/a/b", offsetSeconds: 5 }], "user/a/b")).toBe(true);
  });
});
