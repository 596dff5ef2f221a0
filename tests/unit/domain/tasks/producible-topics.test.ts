import { describe, expect, it } from "vitest";
import { SCHEDULER_INTERVALS } from "~/domain/scheduler";
import { SHOPIFY_TOPICS } from "~/domain/shopify/topics";
import { topicProducibility, unproducibleTopicReason } from "~/domain/tasks/producible-topics";
import { parseSubscriptions } from "~/domain/tasks/subscriptions";
import { subscriptionProblems } from "~/domain/tasks/task-form";

describe("topicProducibility", () => {
  it("accepts every topic Hookline produces", () => {
    const produced = [
      "user/orders/created",
      "shopify/orders/create",
      "shopify/customers/update",
      "shopify/customer/tags_added",
      ...SCHEDULER_INTERVALS.map((interval) => `mechanic/scheduler/${interval}`),
      "mechanic/user/trigger",
      "mechanic/user/text",
      "mechanic/user/form",
      "mechanic/errors/action",
      "mechanic/errors/task",
      "mechanic/errors/event",
      "mechanic/actions/perform",
    ];
    for (const topic of produced) expect(topicProducibility(topic), topic).toEqual({ producible: true });
    for (const topic of SHOPIFY_TOPICS) expect(unproducibleTopicReason(topic.mechanic)).toBeNull();
  });

  it("refuses the others, naming the topic and why", () => {
    const cases: [string, string][] = [
      ["mechanic/emails/received", "no inbound email address"],
      ["mechanic/shopify/bulk_operation", "bulk operations"],
      ["mechanic/user/order", "admin action links"],
      ["mechanic/user/products", "admin action links"],
      ["shopify/unknown_things/create", "no webhook topic unknown_things/create"],
      ["shopify/orders/explode", "no webhook topic orders/explode"],
      ["judgeme/review/created", "no integration with judgeme"],
      ["locksmith/access/granted", "no integration with locksmith"],
    ];
    for (const [topic, why] of cases) {
      const reason = unproducibleTopicReason(topic);
      expect(reason, topic).toContain(`"${topic}"`);
      expect(reason, topic).toContain(why);
    }
  });
});

describe("subscriptions refuse unproducible topics", () => {
  it("at save (the parser the model, CLI and importer use), with the line and the reason", () => {
    const { subscriptions, errors } = parseSubscriptions([
      "mechanic/scheduler/daily+5.hours",
      "mechanic/emails/received",
      "shopify/orders/create+1.hour",
      "mechanic/shopify/bulk_operation",
    ]);
    expect(subscriptions.map((s) => s.topic)).toEqual(["mechanic/scheduler/daily", "shopify/orders/create"]);
    expect(errors.map((e) => e.line)).toEqual([2, 4]);
    expect(errors[0]!.message).toContain('Hookline never produces "mechanic/emails/received"');
  });

  it("in the editor's inline hint too", () => {
    expect(subscriptionProblems("user/a/b\nmechanic/user/customer")).toEqual([
      expect.stringMatching(/^Line 2: Hookline never produces "mechanic\/user\/customer"/),
    ]);
    expect(subscriptionProblems("mechanic/user/form\nshopify/orders/paid+1.day")).toEqual([]);
  });
});
