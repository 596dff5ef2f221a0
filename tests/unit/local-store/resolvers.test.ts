// Keeps the list of implemented fields honest: every field the store claims to support exists in
// the real schema, and selecting all of them at once executes without a single error.
import { describe, expect, it } from "vitest";
import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  type GraphQLObjectType,
} from "graphql";
import { loadAdminSchema } from "~/local-store";
import { SUPPORTED_FIELDS } from "~/local-store/resolvers";
import { ALL_SCOPES, DEMO_SHOP, graphql, localStoreForFile } from "./helpers";

// Selecting every field at once costs far more than Shopify's per-query limit; lift it here.
const ctx = localStoreForFile({ maxQueryCost: 1_000_000, bucketSize: 1_000_000, scopes: ALL_SCOPES });
const schema = loadAdminSchema();

// Arguments for supported fields that require them.
const REQUIRED_ARGUMENTS: Record<string, string> = {
  "QueryRoot.customer": `(id: "gid://shopify/Customer/1001")`,
  "QueryRoot.metafieldDefinitions": `(ownerType: CUSTOMER, first: 3)`,
  "Customer.metafield": `(namespace: "loyalty", key: "points")`,
  "QueryRoot.product": `(id: "gid://shopify/Product/7001")`,
  "QueryRoot.productVariant": `(id: "gid://shopify/ProductVariant/8001")`,
  "QueryRoot.inventoryItem": `(id: "gid://shopify/InventoryItem/9001")`,
  "QueryRoot.order": `(id: "gid://shopify/Order/5001")`,
  "InventoryItem.inventoryLevel": `(locationId: "gid://shopify/Location/6001")`,
  "Location.inventoryLevel": `(inventoryItemId: "gid://shopify/InventoryItem/9001")`,
  "InventoryLevel.quantities": `(names: ["available", "on_hand"])`,
};

/** Selects every supported field of `type`, recursing into objects (connections: first 3). */
function selectAll(type: GraphQLObjectType, depth: number): string {
  const supported = SUPPORTED_FIELDS[type.name];
  const parts: string[] = [];
  for (const [name, field] of Object.entries(type.getFields())) {
    if (!supported?.has(name)) continue;
    const named = getNamedType(field.type);
    const required = REQUIRED_ARGUMENTS[`${type.name}.${name}`];
    const isConnection = named.name.endsWith("Connection");
    const args = required ?? (isConnection ? "(first: 3)" : "");
    if (field.args.some((arg) => arg.type.toString().endsWith("!")) && !required) continue;
    if (isLeafType(named)) {
      parts.push(`${name}${args}`);
    } else if (depth > 0 && isObjectType(named)) {
      const inner = selectAll(named, depth - 1);
      if (inner !== "") parts.push(`${name}${args} { ${inner} }`);
    } else if (depth > 0 && isInterfaceType(named)) {
      parts.push(`${name}${args} { __typename ${named.name === "HasMetafields" ? `... on Customer { id }` : ""} }`);
    }
  }
  return parts.join(" ");
}

describe("supported fields", () => {
  it("exist in the real Admin API schema", () => {
    const missing: string[] = [];
    for (const [typeName, fields] of Object.entries(SUPPORTED_FIELDS)) {
      const type = schema.getType(typeName);
      if (!type || !isCompositeType(type) || !("getFields" in type)) {
        missing.push(typeName);
        continue;
      }
      for (const field of fields) if (!(field in type.getFields())) missing.push(`${typeName}.${field}`);
    }
    expect(missing).toEqual([]);
  });

  it("all answer together without errors", async () => {
    const draft = ctx.store.state.commerce.createDraftOrder(DEMO_SHOP, {
      customerId: 1001,
      lineItems: [{ variantId: 8001, quantity: 1 }],
    });
    REQUIRED_ARGUMENTS["QueryRoot.draftOrder"] = `(id: "gid://shopify/DraftOrder/${draft.draftOrder!.id}")`;
    ctx.store.state.createMetafieldDefinition(DEMO_SHOP, {
      name: "Points",
      namespace: "loyalty",
      key: "points",
      type: "number_integer",
      ownerType: "CUSTOMER",
    });
    ctx.store.state.setMetafields(DEMO_SHOP, [
      {
        ownerId: "gid://shopify/Customer/1001",
        namespace: "loyalty",
        key: "points",
        type: "number_integer",
        value: "5",
      },
    ]);
    const query = `{ ${selectAll(schema.getQueryType()!, 4)} }`;
    expect(query).toContain("compareDigest");
    expect(query).toContain("metafieldsCount");
    const { body } = await graphql(ctx, query);
    expect(body.errors).toBeUndefined();
    expect(body.data?.customer.metafield.definition.key).toBe("points");
    expect(body.data?.customer.metafields.nodes[0].owner).toEqual({
      __typename: "Customer",
      id: "gid://shopify/Customer/1001",
    });
  });
});
