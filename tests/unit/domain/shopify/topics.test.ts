// The Shopify topic catalog against the real Admin schema shipped with the local store: every
// enum value exists, names the same topic string and requires the same scopes.
import { describe, expect, it } from "vitest";
import {
  SHOPIFY_TOPICS,
  missingScopeFor,
  scopeGranted,
  scopeResourceName,
  shopifyTopicByEnum,
  shopifyTopicByMechanic,
  shopifyTopicByShopify,
} from "~/domain/shopify/topics";
import { webhookTopics } from "~/local-store/webhooks/topics";

describe("Shopify topic catalog", () => {
  it("matches the WebhookSubscriptionTopic enum of the Admin API schema, row by row", () => {
    const schemaTopics = webhookTopics();
    const mismatches = SHOPIFY_TOPICS.filter((topic) => {
      const info = schemaTopics.get(topic.enumValue);
      return !info || info.topic !== topic.shopify || info.anyOfScopes.join(",") !== topic.scopes.join(",");
    });
    expect(mismatches).toEqual([]);
    expect(SHOPIFY_TOPICS.length).toBeGreaterThan(150);
  });

  it("leaves out topics only one app receives", () => {
    for (const shopify of [
      "app/uninstalled",
      "app/scopes_update",
      "subscription_contracts/create",
      "product_listings/add",
      "bulk_operations/finish",
    ]) {
      expect(shopifyTopicByShopify(shopify)).toBeNull();
    }
  });

  it("maps Mechanic's names to Shopify's topic strings, enum values, scopes and subject variables", () => {
    expect(shopifyTopicByMechanic("shopify/orders/create")).toEqual({
      mechanic: "shopify/orders/create",
      shopify: "orders/create",
      enumValue: "ORDERS_CREATE",
      scopes: ["read_orders", "read_marketplace_orders"],
      subject: "order",
    });
    const subjects = Object.fromEntries(
      [
        "shopify/customers/update",
        "shopify/customer/tags_added",
        "shopify/products/update",
        "shopify/draft_orders/create",
        "shopify/inventory_levels/update",
        "shopify/companies/create",
        "shopify/refunds/create",
        "shopify/finance_kyc_information/update",
        "shopify/shop/update",
      ].map((topic) => [topic, shopifyTopicByMechanic(topic)?.subject]),
    );
    expect(subjects).toEqual({
      "shopify/customers/update": "customer",
      "shopify/customer/tags_added": "customer",
      "shopify/products/update": "product",
      "shopify/draft_orders/create": "draft_order",
      "shopify/inventory_levels/update": "inventory_level",
      "shopify/companies/create": "company",
      "shopify/refunds/create": "refund",
      "shopify/finance_kyc_information/update": "finance_kyc_information",
      "shopify/shop/update": "shop",
    });
    expect(shopifyTopicByShopify("customer.tags_added")?.mechanic).toBe("shopify/customer/tags_added");
    expect(shopifyTopicByEnum("DRAFT_ORDERS_UPDATE")?.scopes).toEqual(["read_draft_orders"]);
    expect(shopifyTopicByMechanic("shopify/orders/update")).toBeNull(); // Shopify's is orders/updated
    expect(shopifyTopicByMechanic("shopify/orders/create+1.hour")).toBeNull(); // offsets are stripped first
  });

  it("says which scope a topic still needs, counting write as read", () => {
    const orders = shopifyTopicByMechanic("shopify/orders/paid")!;
    expect(missingScopeFor(orders, ["read_customers"])).toBe("read_orders");
    expect(missingScopeFor(orders, ["write_orders"])).toBeNull();
    expect(missingScopeFor(orders, ["read_marketplace_orders"])).toBeNull();
    expect(missingScopeFor(shopifyTopicByMechanic("shopify/shop/update")!, [])).toBeNull();
    expect(scopeGranted(["write_products"], "read_products")).toBe(true);
    expect(scopeGranted(["read_products"], "write_products")).toBe(false);
    expect(scopeResourceName("read_draft_orders")).toBe("draft orders");
  });
});
