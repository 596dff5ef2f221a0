// Orders, products (variants, inventory), draft orders and customer writes through the Admin
// GraphQL API, and the webhook topics each write reports (the change feed).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResourceChange } from "~/local-store/changes";
import { ALL_SCOPES, OTHER_SHOP, graphql, localStoreForFile } from "./helpers";

const ctx = localStoreForFile({ scopes: ALL_SCOPES });
let changes: ResourceChange[] = [];
let unsubscribe = () => {};

beforeEach(() => {
  ctx.store.reset();
  changes = [];
  unsubscribe = ctx.store.state.changes.subscribe((change) => changes.push(change));
});
afterEach(() => unsubscribe());

const topics = () => changes.map((change) => change.topic);

describe("seed data", () => {
  it("has orders for customer 1001 and products with variants and inventory", async () => {
    const { body } = await graphql(
      ctx,
      `
        {
          order(id: "gid://shopify/Order/5001") {
            name
            displayFinancialStatus
            customer {
              id
            }
            lineItems(first: 5) {
              nodes {
                title
                variantTitle
                quantity
                originalUnitPriceSet {
                  shopMoney {
                    amount
                    currencyCode
                  }
                }
              }
            }
            totalPriceSet {
              shopMoney {
                amount
              }
            }
          }
          product(id: "gid://shopify/Product/7001") {
            title
            totalInventory
            variants(first: 5) {
              nodes {
                id
                title
                price
                inventoryQuantity
                selectedOptions {
                  name
                  value
                }
              }
            }
          }
          customer(id: "gid://shopify/Customer/1001") {
            numberOfOrders
            canDelete
            orders(first: 5) {
              nodes {
                name
              }
            }
          }
        }
      `,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.order).toMatchObject({
      name: "#1001",
      displayFinancialStatus: "PAID",
      customer: { id: "gid://shopify/Customer/1001" },
      totalPriceSet: { shopMoney: { amount: "38.00" } },
    });
    expect(body.data?.order.lineItems.nodes[0]).toEqual({
      title: "Hookline T-Shirt",
      variantTitle: "Small",
      quantity: 2,
      originalUnitPriceSet: { shopMoney: { amount: "19.00", currencyCode: "USD" } },
    });
    expect(body.data?.product.totalInventory).toBe(14);
    expect(body.data?.product.variants.nodes[1]).toMatchObject({
      title: "Large",
      price: "21.00",
      inventoryQuantity: 4,
      selectedOptions: [{ name: "Size", value: "Large" }],
    });
    expect(body.data?.customer).toEqual({
      numberOfOrders: "1",
      canDelete: false,
      orders: { nodes: [{ name: "#1001" }] },
    });
  });

  it("keeps shops apart: another shop's order is not found", async () => {
    const { body } = await graphql(
      ctx,
      `
        {
          order(id: "gid://shopify/Order/5001") {
            id
          }
        }
      `,
      undefined,
      {
        shop: OTHER_SHOP,
      },
    );
    expect(body.data?.order).toBeNull();
  });

  it("searches orders and products with Shopify's query syntax", async () => {
    const { body } = await graphql(
      ctx,
      `
        {
          paid: orders(first: 10, query: "financial_status:paid") {
            nodes {
              name
            }
          }
          tagged: orders(first: 10, query: "tag:wholesale") {
            nodes {
              name
            }
          }
          byCustomer: orders(first: 10, query: "customer_id:1002") {
            nodes {
              name
            }
          }
          tees: products(first: 10, query: "title:Hookline*") {
            nodes {
              handle
            }
          }
        }
      `,
    );
    expect(body.data).toEqual({
      paid: { nodes: [{ name: "#1001" }] },
      tagged: { nodes: [{ name: "#1002" }] },
      byCustomer: { nodes: [{ name: "#1002" }] },
      tees: { nodes: [{ handle: "hookline-t-shirt" }] },
    });
  });
});

describe("customer mutations", () => {
  it("creates, updates and deletes, reporting customers/create, update and delete", async () => {
    const created = await graphql(
      ctx,
      `
        mutation {
          customerCreate(input: { firstName: "New", email: "new@example.com", tags: ["a"] }) {
            customer {
              id
              email
              tags
            }
            userErrors {
              field
              message
            }
          }
        }
      `,
    );
    expect(created.body.data?.customerCreate.userErrors).toEqual([]);
    const id = created.body.data?.customerCreate.customer.id as string;
    expect(topics()).toEqual(["customers/create", "customer.tags_added"]);
    expect(changes[0].payload).toMatchObject({ email: "new@example.com", admin_graphql_api_id: id, state: "disabled" });
    expect(changes[0].payload).not.toHaveProperty("tags");

    const updated = await graphql(
      ctx,
      `
        mutation ($id: ID!) {
          customerUpdate(input: { id: $id, note: "Hi", tags: ["b"] }) {
            customer {
              note
              tags
            }
            userErrors {
              message
            }
          }
        }
      `,
      { id },
    );
    expect(updated.body.data?.customerUpdate.customer).toEqual({ note: "Hi", tags: ["b"] });
    expect(topics().slice(2)).toEqual(["customers/update", "customer.tags_added", "customer.tags_removed"]);
    expect(changes[3].payload).toMatchObject({ customerId: id, tags: ["b"] });
    expect(changes[4].payload).toMatchObject({ customerId: id, tags: ["a"] });

    const deleted = await graphql(
      ctx,
      `
        mutation ($id: ID!) {
          customerDelete(input: { id: $id }) {
            deletedCustomerId
            userErrors {
              message
            }
          }
        }
      `,
      { id },
    );
    expect(deleted.body.data?.customerDelete).toEqual({ deletedCustomerId: id, userErrors: [] });
    expect(changes.at(-1)).toMatchObject({ topic: "customers/delete", payload: { id: Number(id.split("/").pop()) } });
  });

  it("refuses what Shopify refuses, writing nothing", async () => {
    const { body } = await graphql(
      ctx,
      `
        mutation {
          blank: customerCreate(input: { note: "no contact" }) {
            customer {
              id
            }
            userErrors {
              field
              message
            }
          }
          taken: customerCreate(input: { email: "ada@example.com" }) {
            customer {
              id
            }
            userErrors {
              field
              message
            }
          }
          invalid: customerCreate(input: { email: "not-an-email" }) {
            customer {
              id
            }
            userErrors {
              field
              message
            }
          }
          withOrders: customerDelete(input: { id: "gid://shopify/Customer/1001" }) {
            deletedCustomerId
            userErrors {
              field
              message
            }
          }
          unknown: customerUpdate(input: { id: "gid://shopify/Customer/999", note: "x" }) {
            customer {
              id
            }
            userErrors {
              field
              message
            }
          }
        }
      `,
    );
    expect(body.data?.blank.userErrors[0].message).toBe("A name, phone number, or email address must be present");
    expect(body.data?.taken.userErrors).toEqual([{ field: ["email"], message: "Email has already been taken" }]);
    expect(body.data?.invalid.userErrors).toEqual([{ field: ["email"], message: "Email is invalid" }]);
    expect(body.data?.withOrders.deletedCustomerId).toBeNull();
    expect(body.data?.withOrders.userErrors[0].field).toEqual(["id"]);
    expect(body.data?.unknown.userErrors).toEqual([{ field: ["id"], message: "Customer does not exist" }]);
    expect(changes).toEqual([]);
  });

  it("tagsAdd on a customer reports customers/update and customer.tags_added with only the new tags", async () => {
    const { body } = await graphql(
      ctx,
      `
        mutation {
          tagsAdd(id: "gid://shopify/Customer/1001", tags: ["gold", "VIP"]) {
            node {
              ... on Customer {
                tags
              }
            }
            userErrors {
              message
            }
          }
        }
      `,
    );
    expect(body.data?.tagsAdd).toEqual({ node: { tags: ["vip", "gold"] }, userErrors: [] });
    expect(topics()).toEqual(["customers/update", "customer.tags_added"]);
    expect(changes[1].payload).toMatchObject({ customerId: "gid://shopify/Customer/1001", tags: ["gold"] });
  });

  it("a metafield write is reported as customers/update; an unchanged value is not", async () => {
    const set = `mutation { metafieldsSet(metafields: [{ ownerId: "gid://shopify/Customer/1001", namespace: "loyalty",
      key: "points", type: "number_integer", value: "5" }]) { userErrors { message } } }`;
    await graphql(ctx, set);
    await graphql(ctx, set);
    expect(topics()).toEqual(["customers/update"]);
    expect(changes[0].payload).toMatchObject({ id: 1001 });
  });
});

describe("products", () => {
  it("create, variants, update, tags and delete, each reported", async () => {
    const created = await graphql(
      ctx,
      `
        mutation {
          productCreate(product: { title: "Mug", tags: ["kitchen"] }) {
            product {
              id
              handle
              status
              variants(first: 5) {
                nodes {
                  title
                  price
                }
              }
            }
            userErrors {
              field
              message
            }
          }
        }
      `,
    );
    const product = created.body.data?.productCreate.product;
    expect(product).toMatchObject({
      handle: "mug",
      status: "ACTIVE",
      variants: { nodes: [{ title: "Default Title", price: "0.00" }] },
    });

    const variants = await graphql(
      ctx,
      `
        mutation ($id: ID!) {
          productVariantsBulkCreate(
            productId: $id
            variants: [
              {
                optionValues: [{ optionName: "Color", name: "Red" }]
                price: "9.5"
                inventoryQuantities: [{ availableQuantity: 3, locationId: "gid://shopify/Location/6001" }]
              }
              { optionValues: [{ optionName: "Color", name: "Blue" }], price: "10" }
            ]
          ) {
            product {
              totalInventory
              options {
                name
                values
              }
            }
            productVariants {
              title
              price
              inventoryQuantity
            }
            userErrors {
              message
            }
          }
        }
      `,
      { id: product.id },
    );
    expect(variants.body.data?.productVariantsBulkCreate).toEqual({
      product: { totalInventory: 3, options: [{ name: "Color", values: ["Red", "Blue"] }] },
      productVariants: [
        { title: "Red", price: "9.50", inventoryQuantity: 3 },
        { title: "Blue", price: "10.00", inventoryQuantity: 0 },
      ],
      userErrors: [],
    });

    await graphql(
      ctx,
      `
        mutation ($id: ID!) {
          productUpdate(product: { id: $id, title: "Big Mug" }) {
            userErrors {
              message
            }
          }
        }
      `,
      {
        id: product.id,
      },
    );
    await graphql(
      ctx,
      `
        mutation ($id: ID!) {
          tagsAdd(id: $id, tags: ["sale"]) {
            userErrors {
              message
            }
          }
        }
      `,
      { id: product.id },
    );
    const deleted = await graphql(
      ctx,
      `
        mutation ($id: ID!) {
          productDelete(input: { id: $id }) {
            deletedProductId
            userErrors {
              message
            }
          }
        }
      `,
      { id: product.id },
    );
    expect(deleted.body.data?.productDelete.deletedProductId).toBe(product.id);
    expect(topics()).toEqual([
      "products/create",
      "products/update",
      "products/update",
      "products/update",
      "products/delete",
    ]);
    const lastUpdate = changes[3].payload as { title: string; tags: string; variants: { price: string }[] };
    expect(lastUpdate).toMatchObject({ title: "Big Mug", tags: "kitchen, sale" });
    expect(lastUpdate.variants.map((variant) => variant.price)).toEqual(["9.50", "10.00"]);
    expect(changes[4].payload).toEqual({ id: Number(product.id.split("/").pop()) });
  });

  it("refuses a blank title and unknown products", async () => {
    const { body } = await graphql(
      ctx,
      `
        mutation {
          blank: productCreate(product: { title: " " }) {
            product {
              id
            }
            userErrors {
              field
              message
            }
          }
          missing: productUpdate(product: { id: "gid://shopify/Product/1", title: "x" }) {
            product {
              id
            }
            userErrors {
              field
              message
            }
          }
        }
      `,
    );
    expect(body.data?.blank.userErrors).toEqual([{ field: ["title"], message: "Title can't be blank" }]);
    expect(body.data?.missing.userErrors).toEqual([{ field: ["id"], message: "Product does not exist" }]);
    expect(changes).toEqual([]);
  });

  it("inventoryAdjustQuantities reports inventory_levels/update with the new available quantity", async () => {
    const { body } = await graphql(
      ctx,
      `
        mutation {
          inventoryAdjustQuantities(
            input: {
              name: "available"
              reason: "correction"
              changes: [
                {
                  delta: -3
                  inventoryItemId: "gid://shopify/InventoryItem/9001"
                  locationId: "gid://shopify/Location/6001"
                }
              ]
            }
          ) {
            inventoryAdjustmentGroup {
              reason
              changes {
                name
                delta
                quantityAfterChange
              }
            }
            userErrors {
              field
              message
              code
            }
          }
        }
      `,
    );
    expect(body.data?.inventoryAdjustQuantities).toEqual({
      inventoryAdjustmentGroup: {
        reason: "correction",
        changes: [{ name: "available", delta: -3, quantityAfterChange: 7 }],
      },
      userErrors: [],
    });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      topic: "inventory_levels/update",
      payload: {
        inventory_item_id: 9001,
        location_id: 6001,
        available: 7,
        admin_graphql_api_id: "gid://shopify/InventoryLevel/6001?inventory_item_id=9001",
      },
    });
  });
});

describe("orders and draft orders", () => {
  it("orderCreate for customer 1001 reports orders/create and orders/paid with the REST order", async () => {
    const { body } = await graphql(
      ctx,
      `
        mutation {
          orderCreate(
            order: {
              customer: { toAssociate: { id: "gid://shopify/Customer/1001" } }
              lineItems: [{ variantId: "gid://shopify/ProductVariant/8002", quantity: 2 }]
              tags: ["api"]
            }
          ) {
            order {
              id
              name
              email
              displayFinancialStatus
              totalPriceSet {
                shopMoney {
                  amount
                }
              }
            }
            userErrors {
              field
              message
              code
            }
          }
        }
      `,
    );
    expect(body.data?.orderCreate.userErrors).toEqual([]);
    expect(body.data?.orderCreate.order).toMatchObject({
      name: "#1003",
      email: "ada@example.com",
      displayFinancialStatus: "PAID",
      totalPriceSet: { shopMoney: { amount: "42.00" } },
    });
    expect(topics()).toEqual(["orders/create", "orders/paid"]);
    const payload = changes[0].payload as Record<string, any>;
    expect(payload).toMatchObject({
      name: "#1003",
      order_number: 1003,
      financial_status: "paid",
      total_price: "42.00",
      currency: "USD",
      tags: "api",
      customer: { id: 1001, email: "ada@example.com" },
    });
    expect(payload.line_items[0]).toMatchObject({
      variant_id: 8002,
      product_id: 7001,
      quantity: 2,
      price: "21.00",
      variant_title: "Large",
    });
    expect(payload.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$/);
  });

  it("orderUpdate, orderMarkAsPaid, orderCancel and orderDelete report their topics", async () => {
    const run = (mutation: string) => graphql(ctx, `mutation { ${mutation} }`);
    await run(
      `orderUpdate(input: { id: "gid://shopify/Order/5002", note: "rush" }) { order { note } userErrors { message } }`,
    );
    await run(
      `orderMarkAsPaid(input: { id: "gid://shopify/Order/5002" }) { order { displayFinancialStatus } userErrors { message } }`,
    );
    const cancelled = await run(
      `orderCancel(orderId: "gid://shopify/Order/5002", reason: CUSTOMER, restock: false) { job { done } orderCancelUserErrors { message } }`,
    );
    expect(cancelled.body.data?.orderCancel).toEqual({ job: { done: true }, orderCancelUserErrors: [] });
    await run(`orderDelete(orderId: "gid://shopify/Order/5002") { deletedId userErrors { message } }`);
    expect(topics()).toEqual([
      "orders/updated",
      "orders/paid",
      "orders/updated",
      "orders/cancelled",
      "orders/updated",
      "orders/delete",
    ]);
    expect(changes[3].payload).toMatchObject({ cancel_reason: "customer", financial_status: "paid" });
  });

  it("draftOrderCreate then draftOrderComplete: draft_orders/create, orders/create, orders/paid, draft_orders/update", async () => {
    const created = await graphql(
      ctx,
      `
        mutation {
          draftOrderCreate(
            input: {
              purchasingEntity: { customerId: "gid://shopify/Customer/1003" }
              lineItems: [
                {
                  title: "Engraving"
                  quantity: 1
                  originalUnitPriceWithCurrency: { amount: "7.25", currencyCode: USD }
                }
              ]
            }
          ) {
            draftOrder {
              id
              name
              status
              email
              subtotalPriceSet {
                shopMoney {
                  amount
                }
              }
            }
            userErrors {
              field
              message
            }
          }
        }
      `,
    );
    const draft = created.body.data?.draftOrderCreate.draftOrder;
    expect(draft).toMatchObject({
      name: "#D1",
      status: "OPEN",
      email: "alan@example.com",
      subtotalPriceSet: { shopMoney: { amount: "7.25" } },
    });
    const completed = await graphql(
      ctx,
      `
        mutation ($id: ID!) {
          draftOrderComplete(id: $id) {
            draftOrder {
              status
              order {
                name
                customer {
                  id
                }
              }
            }
            userErrors {
              message
            }
          }
        }
      `,
      { id: draft.id },
    );
    expect(completed.body.data?.draftOrderComplete.draftOrder).toEqual({
      status: "COMPLETED",
      order: { name: "#1003", customer: { id: "gid://shopify/Customer/1003" } },
    });
    expect(topics()).toEqual(["draft_orders/create", "orders/create", "orders/paid", "draft_orders/update"]);
    expect(changes[0].payload).toMatchObject({
      name: "#D1",
      status: "open",
      total_price: "7.25",
      line_items: [{ custom: true }],
    });
    expect(changes[3].payload).toMatchObject({ status: "completed" });
  });

  it("refuses orders without line items or with unknown variants and customers", async () => {
    const { body } = await graphql(
      ctx,
      `
        mutation {
          empty: orderCreate(order: { lineItems: [] }) {
            order {
              id
            }
            userErrors {
              field
              message
            }
          }
          badVariant: orderCreate(
            order: { lineItems: [{ variantId: "gid://shopify/ProductVariant/1", quantity: 1 }] }
          ) {
            order {
              id
            }
            userErrors {
              field
              message
            }
          }
          badCustomer: draftOrderCreate(
            input: {
              customerId: "gid://shopify/Customer/9"
              lineItems: [{ variantId: "gid://shopify/ProductVariant/8001", quantity: 1 }]
            }
          ) {
            draftOrder {
              id
            }
            userErrors {
              field
              message
            }
          }
        }
      `,
    );
    expect(body.data?.empty.userErrors[0].field).toEqual(["order", "lineItems"]);
    expect(body.data?.badVariant.userErrors[0]).toEqual({
      field: ["order", "lineItems", "0", "variantId"],
      message: "Product variant does not exist",
    });
    expect(body.data?.badCustomer.userErrors[0].message).toBe("Customer does not exist");
    expect(changes).toEqual([]);
  });
});

describe("topics", () => {
  it("every topic the store emits is one Hookline's catalog supports", async () => {
    const { shopifyTopicByShopify } = await import("~/domain/shopify/topics");
    const state = ctx.store.state;
    const shop = "demo-store.myshopify.com";
    const created = state.createCustomer(shop, { email: "t@example.com", tags: ["a"] }).customer!;
    state.updateCustomer(shop, { id: `gid://shopify/Customer/${created.id}`, tags: ["b"] });
    state.deleteCustomer(shop, `gid://shopify/Customer/${created.id}`);
    const product = state.commerce.createProduct(shop, { title: "P" }).product!;
    state.commerce.updateProduct(shop, `gid://shopify/Product/${product.id}`, { title: "Q" });
    state.commerce.adjustInventory(shop, {
      name: "available",
      reason: "correction",
      changes: [
        { delta: 1, inventoryItemId: "gid://shopify/InventoryItem/9001", locationId: "gid://shopify/Location/6001" },
      ],
    });
    state.commerce.deleteProduct(shop, `gid://shopify/Product/${product.id}`);
    const draft = state.commerce.createDraftOrder(shop, {
      customerId: 1001,
      lineItems: [{ variantId: 8001, quantity: 1 }],
    }).draftOrder!;
    state.commerce.completeDraftOrder(shop, `gid://shopify/DraftOrder/${draft.id}`, true);
    const order = state.commerce.getOrder(shop, state.commerce.getDraftOrder(shop, draft.id)!.orderId!)!;
    state.commerce.markOrderAsPaid(shop, `gid://shopify/Order/${order.id}`);
    state.commerce.cancelOrder(shop, `gid://shopify/Order/${order.id}`, "OTHER");
    state.commerce.deleteOrder(shop, `gid://shopify/Order/${order.id}`);
    state.commerce.deleteDraftOrder(shop, `gid://shopify/DraftOrder/${draft.id}`);
    const emitted = [...new Set(topics())].sort();
    expect(emitted).toHaveLength(17);
    expect(emitted.filter((topic) => shopifyTopicByShopify(topic) === null)).toEqual([]);
  });
});
