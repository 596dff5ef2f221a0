import { describe, expect, it } from "vitest";
import { declaredPermissions, missingAccess, splitScopes } from "~/domain/shopify/task-access";

describe("missingAccess", () => {
  it("names the scopes a task's Shopify topics need and the shop lacks", () => {
    const granted = ["read_customers", "write_customers"];
    expect(missingAccess({ subscriptions: "shopify/customers/update", script: "" }, granted)).toBeNull();
    expect(
      missingAccess(
        { subscriptions: "shopify/orders/create+1.hour\nshopify/orders/paid\nuser/a/b", script: "" },
        granted,
      ),
    ).toEqual({ scopes: ["read_orders"], message: "Needs access to orders" });
    expect(
      missingAccess(
        { subscriptions: "shopify/orders/create\nshopify/products/update\nshopify/draft_orders/create", script: "" },
        granted,
      ),
    ).toEqual({
      scopes: ["read_orders", "read_products", "read_draft_orders"],
      message: "Needs access to orders, products and draft orders",
    });
  });

  it("counts {% permissions %} scopes, a write scope granting its read", () => {
    const script = "{% permissions %}\n  write_orders\n  read_customers\n{% endpermissions %}{% action 'echo', 1 %}";
    expect(declaredPermissions(script)).toEqual(["write_orders", "read_customers"]);
    expect(missingAccess({ subscriptions: "user/a/b", script }, ["read_customers", "read_orders"])).toEqual({
      scopes: ["write_orders"],
      message: "Needs access to orders",
    });
    expect(
      missingAccess({ subscriptions: "shopify/orders/create", script }, ["write_orders", "read_customers"]),
    ).toBeNull();
  });

  it("ignores a malformed permissions block (the editor reports it)", () => {
    expect(declaredPermissions("{% permissions %}read orders!{% endpermissions %}")).toEqual([]);
    expect(splitScopes(" read_a, write_b ,,")).toEqual(["read_a", "write_b"]);
    expect(splitScopes(null)).toEqual([]);
  });
});
