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
import { DEMO_SHOP, graphql, localStoreForFile } from "./helpers";

const ctx = localStoreForFile();
const schema = loadAdminSchema();

// Arguments for supported fields that require them.
const REQUIRED_ARGUMENTS: Record<string, string> = {
  "QueryRoot.customer": `(id: "gid://shopify/Customer/1001")`,
  "QueryRoot.metafieldDefinitions": `(ownerType: CUSTOMER, first: 3)`,
  "Customer.metafield": `(namespace: "loyalty", key: "points")`,
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
    const query = `{ ${selectAll(schema.getQueryType()!, 6)} }`;
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
