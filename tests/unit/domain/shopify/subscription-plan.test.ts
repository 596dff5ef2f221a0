import { describe, expect, it } from "vitest";
import { planSubscriptions, planIsEmpty, shopifyTopicsOf } from "~/domain/shopify/subscription-plan";
import { shopifyTopicByMechanic } from "~/domain/shopify/topics";

const URL = "https://app.example.com/webhooks/shopify";
const topic = (name: string) => shopifyTopicByMechanic(name)!;

describe("shopifyTopicsOf", () => {
  it("keeps catalog Shopify topics, strips offsets, drops repeats and other domains", () => {
    const found = shopifyTopicsOf([
      "shopify/orders/create+1.hour\nuser/a/b\nshopify/orders/create",
      "shopify/customer/tags_added\nmechanic/scheduler/daily\nshopify/not/a_topic",
    ]);
    expect(found.map((t) => t.enumValue)).toEqual(["ORDERS_CREATE", "CUSTOMER_TAGS_ADDED"]);
  });
});

describe("planSubscriptions", () => {
  it("creates what is wanted and granted, keeps what is right, deletes the rest of the catalog's topics", () => {
    const plan = planSubscriptions({
      wanted: [topic("shopify/customers/update"), topic("shopify/customers/create"), topic("shopify/orders/create")],
      grantedScopes: ["write_customers"],
      existing: [
        { id: "1", topic: "CUSTOMERS_UPDATE", uri: URL },
        { id: "2", topic: "CUSTOMERS_UPDATE", uri: URL },
        { id: "3", topic: "CUSTOMERS_CREATE", uri: "https://old.example.com/webhooks/shopify" },
        { id: "4", topic: "PRODUCTS_UPDATE", uri: URL },
        { id: "5", topic: "APP_UNINSTALLED", uri: URL },
      ],
      callbackUrl: URL,
    });
    expect(plan.keep.map((s) => s.id)).toEqual(["1"]);
    expect(plan.delete.map((s) => s.id)).toEqual(["2", "3", "4"]);
    expect(plan.create.map((t) => t.enumValue)).toEqual(["CUSTOMERS_CREATE"]);
    expect(plan.missingScopes.map((m) => [m.topic.mechanic, m.scope])).toEqual([
      ["shopify/orders/create", "read_orders"],
    ]);
    expect(planIsEmpty(plan)).toBe(false);
  });

  it("deletes a subscription whose scope was revoked, and nothing is left when no task wants anything", () => {
    const plan = planSubscriptions({
      wanted: [topic("shopify/orders/create")],
      grantedScopes: ["read_customers"],
      existing: [{ id: "9", topic: "ORDERS_CREATE", uri: URL }],
      callbackUrl: URL,
    });
    expect(plan.delete.map((s) => s.id)).toEqual(["9"]);
    const none = planSubscriptions({ wanted: [], grantedScopes: [], existing: [], callbackUrl: URL });
    expect(planIsEmpty(none)).toBe(true);
  });
});
