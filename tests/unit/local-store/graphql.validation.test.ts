// Every request is parsed and validated against the real Admin API schema; errors come back as
// HTTP 200 with Shopify-shaped GraphQL errors. Valid but unimplemented fields are refused clearly.
import { describe, expect, it } from "vitest";
import { graphql, localStoreForFile } from "./helpers";

const ctx = localStoreForFile();

describe("schema validation", () => {
  it("rejects an unknown field like Shopify does", async () => {
    const { status, body } = await graphql(
      ctx,
      `
        {
          customer(id: "gid://shopify/Customer/1001") {
            id
            favouriteColour
          }
        }
      `,
    );
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: "Field 'favouriteColour' doesn't exist on type 'Customer'",
        locations: [{ line: 5, column: 13 }],
        path: ["query", "customer", "favouriteColour"],
        extensions: { code: "undefinedField", typeName: "Customer", fieldName: "favouriteColour" },
      },
    ]);
  });

  it("names the operation in the path of a named query", async () => {
    const { body } = await graphql(
      ctx,
      `
        query Mine {
          shop {
            nonsense
          }
        }
      `,
    );
    expect(body.errors?.[0].path).toEqual(["query Mine", "shop", "nonsense"]);
    expect(body.errors?.[0].message).toBe("Field 'nonsense' doesn't exist on type 'Shop'");
  });

  it("rejects unknown and missing arguments", async () => {
    const unknown = await graphql(
      ctx,
      `
        {
          customers(first: 1, colour: "red") {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: "Field 'customers' doesn't accept argument 'colour'",
      extensions: { code: "argumentNotAccepted", argumentName: "colour" },
    });
    const missing = await graphql(
      ctx,
      `
        {
          customer {
            id
          }
        }
      `,
    );
    expect(missing.body.errors?.[0]).toMatchObject({
      message: "Field 'customer' is missing required arguments: id",
      extensions: { code: "missingRequiredArguments" },
    });
  });

  it("rejects selections missing on objects and present on scalars", async () => {
    const none = await graphql(
      ctx,
      `
        {
          shop
        }
      `,
    );
    expect(none.body.errors?.[0].message).toMatch(/^Field must have selections \(field 'shop' returns Shop/);
    expect(none.body.errors?.[0].extensions.code).toBe("selectionMismatch");
    const extra = await graphql(
      ctx,
      `
        {
          shop {
            name {
              length
            }
          }
        }
      `,
    );
    expect(extra.body.errors?.[0].message).toMatch(/^Selections can't be made on scalars/);
  });

  it("rejects a wrongly typed argument literal", async () => {
    const { body } = await graphql(
      ctx,
      `
        {
          customers(first: "ten") {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(body.errors?.[0].extensions.code).toBe("argumentLiteralsIncompatible");
    expect(body.errors?.[0].message).toMatch(/^Argument 'first' on Field 'customers' has an invalid value/);
  });

  it("answers parse errors as GraphQL errors with a location", async () => {
    const { status, body } = await graphql(ctx, `{ shop { name `);
    expect(status).toBe(200);
    expect(body.errors?.[0].message).toMatch(/^Parse error: .* at \[1, 15\]$/);
    expect(body.errors?.[0].locations).toEqual([{ line: 1, column: 15 }]);
    expect(body.errors?.[0].extensions.code).toBe("PARSE_ERROR");
  });

  it("rejects missing and wrongly typed variables", async () => {
    const query = `query One($id: ID!) { customer(id: $id) { id } }`;
    const missing = await graphql(ctx, query, {});
    expect(missing.body.errors?.[0]).toMatchObject({
      message: "Variable $id of type ID! was provided invalid value",
      extensions: { code: "INVALID_VARIABLE", problems: [{ path: [], explanation: "Expected value to not be null" }] },
    });
    const wrongType = await graphql(
      ctx,
      `
        query Page($n: Int) {
          customers(first: $n) {
            nodes {
              id
            }
          }
        }
      `,
      { n: "many" },
    );
    expect(wrongType.body.errors?.[0]).toMatchObject({
      message: "Variable $n of type Int was provided invalid value",
      extensions: { value: "many", problems: [{ explanation: 'Int cannot represent non-integer value: "many"' }] },
    });
    const undeclared = await graphql(
      ctx,
      `
        query Page {
          customers(first: $n) {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(undeclared.body.errors?.[0]).toMatchObject({ message: "Variable $n is used by Page but not declared" });
  });

  it("answers a request without a query", async () => {
    const { status, body } = await graphql(ctx, "");
    expect(status).toBe(200);
    expect(body.errors?.[0].message).toBe("No query string was present");
  });

  it("validates mutations and their input objects too", async () => {
    const { body } = await graphql(
      ctx,
      `
        mutation {
          metafieldsSet(metafields: [{ ownerId: "gid://shopify/Customer/1001", key: "k1", value: "v", colour: "x" }]) {
            userErrors {
              message
            }
          }
        }
      `,
    );
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(body.errors?.[0].message).toMatch(/colour/);
  });
});

describe("fields the local store does not implement", () => {
  it("refuses a valid root field it does not implement, naming it", async () => {
    const { status, body } = await graphql(
      ctx,
      `
        {
          collections(first: 5) {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: "Field 'collections' is not supported by the Hookline local development store",
        locations: [{ line: 3, column: 11 }],
        path: ["collections"],
        extensions: { code: "NOT_SUPPORTED_BY_LOCAL_STORE", typeName: "QueryRoot", fieldName: "collections" },
      },
    ]);
  });

  it("refuses unimplemented mutations", async () => {
    const { body } = await graphql(
      ctx,
      `
        mutation {
          collectionDelete(input: { id: "gid://shopify/Collection/1" }) {
            deletedCollectionId
          }
        }
      `,
    );
    expect(body.errors?.[0].message).toBe(
      "Field 'collectionDelete' is not supported by the Hookline local development store",
    );
  });

  it("refuses unimplemented nested fields, also inside fragments, and runs nothing", async () => {
    const { body } = await graphql(
      ctx,
      `
        fragment F on Customer {
          amountSpent {
            amount
          }
        }
        {
          shop {
            name
          }
          customer(id: "gid://shopify/Customer/1001") {
            id
            ...F
          }
        }
      `,
    );
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      message: "Field 'amountSpent' on type 'Customer' is not supported by the Hookline local development store",
      path: ["customer", "amountSpent"],
      extensions: { code: "NOT_SUPPORTED_BY_LOCAL_STORE", typeName: "Customer", fieldName: "amountSpent" },
    });
  });

  it("does not charge the throttle bucket for refused requests", async () => {
    const before = await graphql(
      ctx,
      `
        {
          shop {
            name
          }
        }
      `,
    );
    const refused = await graphql(
      ctx,
      `
        {
          collections(first: 250) {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(refused.body.extensions.cost.requestedQueryCost).toBe(0);
    expect(refused.body.extensions.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(
      before.body.extensions.cost.throttleStatus.currentlyAvailable,
    );
  });
});
