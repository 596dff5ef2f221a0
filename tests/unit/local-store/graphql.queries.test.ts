// Queries against the seed data over real HTTP: shop, customer, customers with pagination and
// search, aliases, fragments, variables, operationName, and tenant isolation between shops.
import { describe, expect, it } from "vitest";
import { DEMO_SHOP, OTHER_SHOP, graphql, localStoreForFile } from "./helpers";

const ctx = localStoreForFile();

describe("local store queries", () => {
  it("answers the shop query with the seeded demo store", async () => {
    const { status, body } = await graphql(
      ctx,
      `
        {
          shop {
            id
            name
            email
            myshopifyDomain
            primaryDomain {
              host
              url
            }
            currencyCode
            ianaTimezone
            plan {
              publicDisplayName
              partnerDevelopment
              shopifyPlus
            }
          }
        }
      `,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.shop).toEqual({
      id: "gid://shopify/Shop/60000000001",
      name: "Demo Store",
      email: "owner@demo-store.example",
      myshopifyDomain: DEMO_SHOP,
      primaryDomain: { host: DEMO_SHOP, url: `https://${DEMO_SHOP}` },
      currencyCode: "USD",
      ianaTimezone: "America/New_York",
      plan: { publicDisplayName: "Development", partnerDevelopment: true, shopifyPlus: false },
    });
  });

  it("answers per shop: the other store has its own name and currency", async () => {
    const { body } = await graphql(
      ctx,
      `
        {
          shop {
            name
            currencyCode
            myshopifyDomain
          }
        }
      `,
      undefined,
      { shop: OTHER_SHOP },
    );
    expect(body.data?.shop).toEqual({ name: "Other Store", currencyCode: "EUR", myshopifyDomain: OTHER_SHOP });
  });

  it("reads one customer by gid with every supported scalar field", async () => {
    const { body } = await graphql(
      ctx,
      `
        query One($id: ID!) {
          customer(id: $id) {
            id
            legacyResourceId
            firstName
            lastName
            displayName
            email
            defaultEmailAddress {
              emailAddress
            }
            tags
            note
            state
            createdAt
            updatedAt
          }
        }
      `,
      { id: "gid://shopify/Customer/1004" },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.customer).toEqual({
      id: "gid://shopify/Customer/1004",
      legacyResourceId: "1004",
      firstName: "Katherine",
      lastName: "Johnson",
      displayName: "Katherine Johnson",
      email: "katherine@example.com",
      defaultEmailAddress: { emailAddress: "katherine@example.com" },
      tags: ["vip", "wholesale"],
      note: null,
      state: "DISABLED",
      createdAt: "2025-01-13T10:00:00Z",
      updatedAt: "2025-01-13T10:00:00Z",
    });
  });

  it("answers null for an unknown customer and for another shop's customer", async () => {
    const unknown = await graphql(
      ctx,
      `
        {
          customer(id: "gid://shopify/Customer/999999") {
            id
          }
        }
      `,
    );
    expect(unknown.body.errors).toBeUndefined();
    expect(unknown.body.data?.customer).toBeNull();
    const otherShops = await graphql(
      ctx,
      `
        {
          customer(id: "gid://shopify/Customer/2001") {
            id
          }
        }
      `,
    );
    expect(otherShops.body.data?.customer).toBeNull();
    const ownShop = await graphql(
      ctx,
      `
        {
          customer(id: "gid://shopify/Customer/2001") {
            id
          }
        }
      `,
      undefined,
      { shop: OTHER_SHOP },
    );
    expect(ownShop.body.data?.customer).toEqual({ id: "gid://shopify/Customer/2001" });
  });

  it("rejects an id that is not a Customer gid like Shopify does", async () => {
    const { status, body } = await graphql(
      ctx,
      `
        {
          customer(id: "1001") {
            id
          }
        }
      `,
    );
    expect(status).toBe(200);
    expect(body.errors?.[0].message).toBe("Invalid global id '1001'");
    expect(body.errors?.[0].path).toEqual(["customer"]);
  });

  it("pages through customers forwards with first/after and cursors", async () => {
    const query = `query Page($after: String) { customers(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body } = await graphql(ctx, query, { after });
      const connection = body.data?.customers;
      seen.push(...connection.edges.map((edge: { node: { id: string } }) => edge.node.id));
      pages++;
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(connection.pageInfo.endCursor).toBe(connection.edges[connection.edges.length - 1].cursor);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([1001, 1002, 1003, 1004, 1005].map((id) => `gid://shopify/Customer/${id}`));
  });

  it("pages backwards with last/before and in reverse order", async () => {
    const last = await graphql(
      ctx,
      `
        {
          customers(last: 2) {
            nodes {
              id
            }
            pageInfo {
              hasPreviousPage
              hasNextPage
              startCursor
            }
          }
        }
      `,
    );
    expect(last.body.data?.customers.nodes.map((node: { id: string }) => node.id)).toEqual([
      "gid://shopify/Customer/1004",
      "gid://shopify/Customer/1005",
    ]);
    expect(last.body.data?.customers.pageInfo.hasPreviousPage).toBe(true);
    const before = await graphql(
      ctx,
      `
        query ($before: String) {
          customers(last: 2, before: $before) {
            nodes {
              id
            }
          }
        }
      `,
      {
        before: last.body.data?.customers.pageInfo.startCursor,
      },
    );
    expect(before.body.data?.customers.nodes.map((node: { id: string }) => node.id)).toEqual([
      "gid://shopify/Customer/1002",
      "gid://shopify/Customer/1003",
    ]);
    const reversed = await graphql(
      ctx,
      `
        {
          customers(first: 2, reverse: true) {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(reversed.body.data?.customers.nodes.map((node: { id: string }) => node.id)).toEqual([
      "gid://shopify/Customer/1005",
      "gid://shopify/Customer/1004",
    ]);
  });

  it("requires first or last, refuses pages over 250 and bad cursors", async () => {
    const missing = await graphql(
      ctx,
      `
        {
          customers {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(missing.body.errors?.[0].message).toBe("you must provide one of first or last");
    const tooMany = await graphql(
      ctx,
      `
        {
          customers(first: 251) {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(tooMany.body.errors?.[0].message).toMatch(/250/);
    const badCursor = await graphql(
      ctx,
      `
        {
          customers(first: 1, after: "not-a-cursor") {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(badCursor.body.errors?.[0].message).toMatch(/Invalid cursor/);
  });

  it("filters customers with Shopify search syntax", async () => {
    const ids = async (query: string) => {
      const { body } = await graphql(
        ctx,
        `
          query ($q: String) {
            customers(first: 50, query: $q) {
              nodes {
                legacyResourceId
              }
            }
          }
        `,
        { q: query },
      );
      expect(body.errors).toBeUndefined();
      return body.data?.customers.nodes.map((node: { legacyResourceId: string }) => node.legacyResourceId);
    };
    expect(await ids("email:grace@example.com")).toEqual(["1002"]);
    expect(await ids("email:GRACE@example.com")).toEqual(["1002"]);
    expect(await ids("email:a*")).toEqual(["1001", "1003"]);
    expect(await ids("tag:vip")).toEqual(["1001", "1004"]);
    expect(await ids("tag:vip -tag:wholesale")).toEqual(["1001"]);
    expect(await ids('first_name:"Alan"')).toEqual(["1003"]);
    expect(await ids("turing")).toEqual(["1003"]);
    expect(await ids("email:nobody@example.com")).toEqual([]);
    expect(await ids("")).toEqual(["1001", "1002", "1003", "1004", "1005"]);
  });

  it("supports aliases, fragments, several root fields and operationName", async () => {
    const document = `
      fragment Person on Customer { id displayName }
      query First { a: customer(id: "gid://shopify/Customer/1001") { ...Person } b: customer(id: "gid://shopify/Customer/1002") { ... on Customer { email } } shop { name } }
      query Second { shop { myshopifyDomain } }`;
    const first = await graphql(ctx, document, undefined, { operationName: "First" });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data).toEqual({
      a: { id: "gid://shopify/Customer/1001", displayName: "Ada Lovelace" },
      b: { email: "grace@example.com" },
      shop: { name: "Demo Store" },
    });
    const second = await graphql(ctx, document, undefined, { operationName: "Second" });
    expect(second.body.data).toEqual({ shop: { myshopifyDomain: DEMO_SHOP } });
    const ambiguous = await graphql(ctx, document);
    expect(ambiguous.body.errors?.[0].message).toMatch(/operation name is required/);
    const unknownName = await graphql(ctx, document, undefined, { operationName: "Third" });
    expect(unknownName.body.errors?.[0].message).toBe('No operation named "Third"');
  });

  it("answers __typename and introspection", async () => {
    const { body } = await graphql(
      ctx,
      `
        {
          __typename
          shop {
            __typename
          }
          __type(name: "Customer") {
            name
          }
        }
      `,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ __typename: "QueryRoot", shop: { __typename: "Shop" }, __type: { name: "Customer" } });
  });
});
