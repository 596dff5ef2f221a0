// metafieldsSet / metafieldsDelete / metafieldDefinitionCreate over real HTTP, with Shopify's
// validation and userErrors, and the written values visible through queries and /_local.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_SHOP, OTHER_SHOP, graphql, localStoreForFile } from "./helpers";

const ctx = localStoreForFile();
const ADA = "gid://shopify/Customer/1001";
const GRACE = "gid://shopify/Customer/1002";

const SET = `mutation Set($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key type value jsonValue ownerType createdAt updatedAt compareDigest }
    userErrors { field message code elementIndex }
  }
}`;

async function setMetafields(metafields: Record<string, unknown>[], shop = DEMO_SHOP) {
  const { status, body } = await graphql(ctx, SET, { metafields }, { shop });
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  return body.data?.metafieldsSet as {
    metafields: Record<string, any>[];
    userErrors: { field: string[]; message: string; code: string; elementIndex: number | null }[];
  };
}

async function oneError(input: Record<string, unknown>) {
  const result = await setMetafields([input]);
  expect(result.metafields).toEqual([]);
  expect(result.userErrors).toHaveLength(1);
  return result.userErrors[0];
}

const valid = { ownerId: ADA, namespace: "loyalty", key: "points", type: "number_integer", value: "120" };

beforeEach(() => ctx.store.reset());

describe("metafieldsSet", () => {
  it("creates a metafield and returns it with Shopify's fields", async () => {
    const result = await setMetafields([valid]);
    expect(result.userErrors).toEqual([]);
    expect(result.metafields).toHaveLength(1);
    expect(result.metafields[0]).toMatchObject({
      id: expect.stringMatching(/^gid:\/\/shopify\/Metafield\/\d+$/),
      namespace: "loyalty",
      key: "points",
      type: "number_integer",
      value: "120",
      jsonValue: 120,
      ownerType: "CUSTOMER",
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    });
  });

  it("makes the value readable through customer.metafield, customer.metafields and /_local", async () => {
    await setMetafields([
      valid,
      { ownerId: ADA, namespace: "prefs", key: "settings", type: "json", value: '{"theme":"dark"}' },
    ]);
    const { body } = await graphql(
      ctx,
      `{ customer(id: "${ADA}") {
          points: metafield(namespace: "loyalty", key: "points") { value jsonValue type }
          missing: metafield(namespace: "loyalty", key: "nothing") { value }
          all: metafields(first: 10) { nodes { namespace key jsonValue } }
          loyalty: metafields(first: 10, namespace: "loyalty") { edges { node { key } } }
      } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.customer.points).toEqual({ value: "120", jsonValue: 120, type: "number_integer" });
    expect(body.data?.customer.missing).toBeNull();
    expect(body.data?.customer.all.nodes).toEqual([
      { namespace: "loyalty", key: "points", jsonValue: 120 },
      { namespace: "prefs", key: "settings", jsonValue: { theme: "dark" } },
    ]);
    expect(body.data?.customer.loyalty.edges).toEqual([{ node: { key: "points" } }]);

    const response = await fetch(`${ctx.url}/_local/shops/${DEMO_SHOP}/customers/1001/metafields`);
    expect(response.status).toBe(200);
    const local = (await response.json()) as { customer: { id: string }; metafields: Record<string, unknown>[] };
    expect(local.customer.id).toBe(ADA);
    expect(local.metafields.map((metafield) => [metafield.namespace, metafield.key, metafield.value])).toEqual([
      ["loyalty", "points", "120"],
      ["prefs", "settings", '{"theme":"dark"}'],
    ]);
    // The in-process view agrees.
    expect(ctx.store.state.getMetafield(DEMO_SHOP, ADA, "loyalty", "points")?.value).toBe("120");
  });

  it("updates an existing metafield in place, keeping its id", async () => {
    const created = await setMetafields([valid]);
    const updated = await setMetafields([{ ...valid, value: "121" }]);
    expect(updated.metafields[0].id).toBe(created.metafields[0].id);
    expect(updated.metafields[0].value).toBe("121");
    expect(ctx.store.state.listMetafields(DEMO_SHOP, 1001)).toHaveLength(1);
  });

  it("uses the app-reserved namespace when the namespace is omitted or $app", async () => {
    const result = await setMetafields([
      { ownerId: ADA, key: "flag", type: "boolean", value: "true" },
      { ownerId: ADA, namespace: "$app:settings", key: "mode", type: "single_line_text_field", value: "fast" },
    ]);
    expect(result.userErrors).toEqual([]);
    expect(result.metafields.map((metafield) => metafield.namespace)).toEqual(["app--1", "app--1--settings"]);
    expect(result.metafields[0].jsonValue).toBe(true);
  });

  it("refuses an unknown type with INVALID_TYPE", async () => {
    expect(await oneError({ ...valid, type: "integer" })).toEqual({
      field: ["metafields", "0", "type"],
      message: "Type 'integer' is not a valid metafield type.",
      code: "INVALID_TYPE",
      elementIndex: 0,
    });
  });

  it("refuses a missing type without a definition with BLANK", async () => {
    expect(await oneError({ ownerId: ADA, namespace: "loyalty", key: "points", value: "1" })).toMatchObject({
      field: ["metafields", "0", "type"],
      code: "BLANK",
    });
  });

  it("refuses a value that does not match the type with INVALID_VALUE", async () => {
    const cases: [string, string][] = [
      ["number_integer", "12.5"],
      ["number_decimal", "abc"],
      ["boolean", "yes"],
      ["json", "{not json"],
      ["date", "2025-02-30"],
      ["date_time", "yesterday"],
      ["url", "ftp://example.com"],
      ["color", "red"],
      ["single_line_text_field", "two\nlines"],
      ["list.single_line_text_field", '"not a list"'],
      ["customer_reference", "gid://shopify/Product/1"],
      ["weight", '{"value": 2, "unit": "stone"}'],
    ];
    for (const [type, value] of cases) {
      const error = await oneError({ ...valid, type, value });
      expect({ type, field: error.field, code: error.code }).toEqual({
        type,
        field: ["metafields", "0", "value"],
        code: "INVALID_VALUE",
      });
      expect(error.message.length).toBeGreaterThan(0);
    }
  });

  it("refuses a blank value with BLANK", async () => {
    expect(await oneError({ ...valid, value: "" })).toMatchObject({
      field: ["metafields", "0", "value"],
      code: "BLANK",
    });
  });

  it("checks namespace and key length and characters", async () => {
    expect(await oneError({ ...valid, namespace: "ab" })).toEqual({
      field: ["metafields", "0", "namespace"],
      message: "Namespace is too short (minimum is 3 characters).",
      code: "TOO_SHORT",
      elementIndex: 0,
    });
    expect(await oneError({ ...valid, namespace: "n".repeat(256) })).toMatchObject({
      field: ["metafields", "0", "namespace"],
      code: "TOO_LONG",
    });
    expect(await oneError({ ...valid, namespace: "has space" })).toMatchObject({
      field: ["metafields", "0", "namespace"],
      code: "INVALID",
    });
    expect(await oneError({ ...valid, key: "k" })).toEqual({
      field: ["metafields", "0", "key"],
      message: "Key is too short (minimum is 2 characters).",
      code: "TOO_SHORT",
      elementIndex: 0,
    });
    expect(await oneError({ ...valid, key: "k".repeat(65) })).toMatchObject({
      field: ["metafields", "0", "key"],
      code: "TOO_LONG",
    });
    expect(await oneError({ ...valid, key: "dots.not.allowed" })).toMatchObject({
      field: ["metafields", "0", "key"],
      code: "INVALID",
    });
    expect(await oneError({ ...valid, key: "" })).toMatchObject({ field: ["metafields", "0", "key"], code: "BLANK" });
    // The limits themselves are accepted.
    const edges = await setMetafields([
      { ...valid, namespace: "n".repeat(255), key: "k".repeat(64) },
      { ...valid, namespace: "abc", key: "a-_" },
    ]);
    expect(edges.userErrors).toEqual([]);
  });

  it("requires the owner to be an existing Customer of this shop", async () => {
    expect(await oneError({ ...valid, ownerId: "gid://shopify/Customer/999999" })).toEqual({
      field: ["metafields", "0", "ownerId"],
      message: "Owner does not exist.",
      code: "INVALID",
      elementIndex: 0,
    });
    expect(await oneError({ ...valid, ownerId: "gid://shopify/Customer/2001" })).toMatchObject({
      code: "INVALID",
      message: "Owner does not exist.",
    });
    expect(await oneError({ ...valid, ownerId: "gid://shopify/Product/1" })).toMatchObject({
      field: ["metafields", "0", "ownerId"],
      code: "INVALID",
    });
    expect(await oneError({ ...valid, ownerId: "1001" })).toMatchObject({
      field: ["metafields", "0", "ownerId"],
      code: "INVALID",
    });
  });

  it("allows at most 25 metafields per call", async () => {
    const inputs = Array.from({ length: 26 }, (_, index) => ({ ...valid, key: `key${index}` }));
    const result = await setMetafields(inputs);
    expect(result.metafields).toEqual([]);
    expect(result.userErrors).toEqual([
      {
        field: ["metafields"],
        message: "Exceeded the maximum metafields input limit of 25.",
        code: "LESS_THAN_OR_EQUAL_TO",
        elementIndex: null,
      },
    ]);
    const atLimit = await setMetafields(inputs.slice(0, 25));
    expect(atLimit.userErrors).toEqual([]);
    expect(atLimit.metafields).toHaveLength(25);
  });

  it("is atomic: one bad input writes nothing, and errors name each bad element", async () => {
    const result = await setMetafields([valid, { ...valid, key: "second", value: "x" }, { ...valid, key: "z" }]);
    expect(result.metafields).toEqual([]);
    expect(result.userErrors.map((error) => [error.field, error.code])).toEqual([
      [["metafields", "1", "value"], "INVALID_VALUE"],
      [["metafields", "2", "key"], "TOO_SHORT"],
    ]);
    expect(ctx.store.state.listMetafields(DEMO_SHOP, 1001)).toEqual([]);
  });

  it("refuses a stale compareDigest with STALE_OBJECT", async () => {
    const created = await setMetafields([valid]);
    const digest = created.metafields[0].compareDigest as string;
    const fresh = await setMetafields([{ ...valid, value: "130", compareDigest: digest }]);
    expect(fresh.userErrors).toEqual([]);
    expect(await oneError({ ...valid, value: "140", compareDigest: digest })).toMatchObject({ code: "STALE_OBJECT" });
    expect(ctx.store.state.getMetafield(DEMO_SHOP, ADA, "loyalty", "points")?.value).toBe("130");
  });

  it("keeps shops apart", async () => {
    await setMetafields([{ ...valid, ownerId: "gid://shopify/Customer/2001" }], OTHER_SHOP);
    expect(ctx.store.state.listMetafields(OTHER_SHOP, 2001)).toHaveLength(1);
    expect(ctx.store.state.listMetafields(DEMO_SHOP, 2001)).toEqual([]);
    const response = await fetch(`${ctx.url}/_local/shops/${DEMO_SHOP}/customers/2001/metafields`);
    expect(response.status).toBe(404);
  });
});

describe("metafieldsDelete", () => {
  const DELETE = `mutation Delete($metafields: [MetafieldIdentifierInput!]!) {
    metafieldsDelete(metafields: $metafields) { deletedMetafields { ownerId namespace key } userErrors { field message } }
  }`;

  it("deletes existing metafields and answers null for ones that did not exist", async () => {
    await setMetafields([valid, { ...valid, ownerId: GRACE }]);
    const { body } = await graphql(ctx, DELETE, {
      metafields: [
        { ownerId: ADA, namespace: "loyalty", key: "points" },
        { ownerId: ADA, namespace: "loyalty", key: "never-set" },
      ],
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.metafieldsDelete).toEqual({
      deletedMetafields: [{ ownerId: ADA, namespace: "loyalty", key: "points" }, null],
      userErrors: [],
    });
    expect(ctx.store.state.getMetafield(DEMO_SHOP, ADA, "loyalty", "points")).toBeNull();
    expect(ctx.store.state.getMetafield(DEMO_SHOP, GRACE, "loyalty", "points")?.value).toBe("120");
    const read = await graphql(
      ctx,
      `{ customer(id: "${ADA}") { metafield(namespace: "loyalty", key: "points") { id } } }`,
    );
    expect(read.body.data?.customer.metafield).toBeNull();
  });

  it("reports an owner that does not exist", async () => {
    const { body } = await graphql(ctx, DELETE, {
      metafields: [{ ownerId: "gid://shopify/Customer/424242", namespace: "loyalty", key: "points" }],
    });
    expect(body.data?.metafieldsDelete).toEqual({
      deletedMetafields: [null],
      userErrors: [{ field: ["metafields", "0", "ownerId"], message: "Owner does not exist." }],
    });
  });
});

describe("metafield definitions", () => {
  const CREATE = `mutation Create($definition: MetafieldDefinitionInput!) {
    metafieldDefinitionCreate(definition: $definition) {
      createdDefinition { id name namespace key ownerType type { name category } access { admin storefront customerAccount } pinnedPosition }
      userErrors { field message code }
    }
  }`;
  const definition = {
    name: "Loyalty points",
    namespace: "loyalty",
    key: "points",
    type: "number_integer",
    ownerType: "CUSTOMER",
    access: { storefront: "PUBLIC_READ" },
  };

  it("creates a definition, records storefront access, and refuses a duplicate with TAKEN", async () => {
    const created = await graphql(ctx, CREATE, { definition });
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data?.metafieldDefinitionCreate).toEqual({
      createdDefinition: {
        id: expect.stringMatching(/^gid:\/\/shopify\/MetafieldDefinition\/\d+$/),
        name: "Loyalty points",
        namespace: "loyalty",
        key: "points",
        ownerType: "CUSTOMER",
        type: { name: "number_integer", category: "NUMBER" },
        access: { admin: "PUBLIC_READ_WRITE", storefront: "PUBLIC_READ", customerAccount: "NONE" },
        pinnedPosition: null,
      },
      userErrors: [],
    });
    expect(ctx.store.state.findDefinition(DEMO_SHOP, "CUSTOMER", "loyalty", "points")?.access.storefront).toBe(
      "PUBLIC_READ",
    );

    const duplicate = await graphql(ctx, CREATE, { definition });
    expect(duplicate.body.data?.metafieldDefinitionCreate).toEqual({
      createdDefinition: null,
      userErrors: [
        {
          field: ["definition", "key"],
          message: "Key is in use for Customer metafields on the 'loyalty' namespace.",
          code: "TAKEN",
        },
      ],
    });
    // Same key on another owner type or in another shop is fine.
    const product = await graphql(ctx, CREATE, { definition: { ...definition, ownerType: "PRODUCT" } });
    expect(product.body.data?.metafieldDefinitionCreate.userErrors).toEqual([]);
    const otherShop = await graphql(ctx, CREATE, { definition }, { shop: OTHER_SHOP });
    expect(otherShop.body.data?.metafieldDefinitionCreate.userErrors).toEqual([]);
  });

  it("validates the definition input", async () => {
    const { body } = await graphql(ctx, CREATE, {
      definition: { ...definition, name: "", namespace: "ab", key: "bad key", type: "nonsense" },
    });
    expect(body.data?.metafieldDefinitionCreate.createdDefinition).toBeNull();
    expect(
      body.data?.metafieldDefinitionCreate.userErrors.map((error: { field: string[]; code: string }) => [
        error.field[1],
        error.code,
      ]),
    ).toEqual([
      ["name", "BLANK"],
      ["namespace", "TOO_SHORT"],
      ["key", "INVALID_CHARACTER"],
      ["type", "INCLUSION"],
    ]);
  });

  it("lets metafieldsSet omit the type when a definition exists, and enforces the definition's type", async () => {
    await graphql(ctx, CREATE, { definition });
    const withoutType = await setMetafields([{ ownerId: ADA, namespace: "loyalty", key: "points", value: "7" }]);
    expect(withoutType.userErrors).toEqual([]);
    expect(withoutType.metafields[0].type).toBe("number_integer");
    expect(await oneError({ ...valid, type: "single_line_text_field", value: "seven" })).toMatchObject({
      field: ["metafields", "0", "type"],
      code: "INVALID_TYPE",
    });
  });

  it("lists definitions by owner type, with their metafield count", async () => {
    await graphql(ctx, CREATE, { definition });
    await graphql(ctx, CREATE, { definition: { ...definition, key: "tier", type: "single_line_text_field" } });
    await setMetafields([valid, { ...valid, ownerId: GRACE }]);
    const { body } = await graphql(
      ctx,
      `
        {
          metafieldDefinitions(ownerType: CUSTOMER, first: 10) {
            nodes {
              key
              metafieldsCount
            }
          }
          products: metafieldDefinitions(ownerType: PRODUCT, first: 10) {
            nodes {
              key
            }
          }
        }
      `,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.metafieldDefinitions.nodes).toEqual([
      { key: "points", metafieldsCount: 2 },
      { key: "tier", metafieldsCount: 0 },
    ]);
    expect(body.data?.products.nodes).toEqual([]);
  });
});
