// Webhook subscriptions through the Admin API, signed deliveries to a real HTTP receiver, retries,
// app lifecycle topics from shopify.app.toml, and access scopes (currentAppInstallation, optional
// scopes granted through the App Bridge scopes endpoint, ACCESS_DENIED).
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseAppConfig } from "~/local-store/app-config";
import { API_SECRET, DEMO_SHOP, OTHER_SHOP, graphql, localStoreForFile, sessionToken } from "./helpers";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver that answers with the next status of `plan` (then 200) and records every request. */
const receiver = {
  server: null as Server | null,
  url: "",
  received: [] as Received[],
  plan: [] as number[],
};

beforeAll(async () => {
  receiver.server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      receiver.received.push({
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      response.writeHead(receiver.plan.shift() ?? 200);
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.server!.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server!.address() as AddressInfo).port}`;
});
afterAll(async () => {
  receiver.server?.closeAllConnections();
  await new Promise((resolve) => receiver.server?.close(resolve));
});

const ctx = localStoreForFile({
  scopes: "read_customers,write_customers",
  appConfig: parseAppConfig(`
[access_scopes]
scopes = "read_customers,write_customers"
optional_scopes = [ "read_orders", "write_products" ]

[webhooks]
api_version = "2025-10"

  [[webhooks.subscriptions]]
  topics = [ "app/uninstalled" ]
  uri = "/webhooks/app/uninstalled"

  [[webhooks.subscriptions]]
  topics = [ "app/scopes_update" ]
  uri = "/webhooks/app/scopes_update"
`),
  // The receiver's address is only known once it listens: resolve app uris lazily through a getter.
  get appUrl() {
    return receiver.url;
  },
  webhookTimeScale: 0.0001,
});

beforeEach(() => {
  ctx.store.reset();
  receiver.received = [];
  receiver.plan = [];
});

const CREATE = `mutation($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri }) {
    webhookSubscription { id topic uri format apiVersion { handle } }
    userErrors { field message }
  }
}`;

function subscribe(topic: string, uri = `${receiver.url}/webhooks/shopify`, shop = DEMO_SHOP) {
  return graphql(ctx, CREATE, { topic, uri }, { shop });
}

async function waitFor<T>(read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("webhook subscriptions", () => {
  it("creates, lists, updates and deletes, per shop", async () => {
    const created = await subscribe("CUSTOMERS_UPDATE");
    expect(created.body.data?.webhookSubscriptionCreate).toEqual({
      webhookSubscription: {
        id: "gid://shopify/WebhookSubscription/1",
        topic: "CUSTOMERS_UPDATE",
        uri: `${receiver.url}/webhooks/shopify`,
        format: "JSON",
        apiVersion: { handle: "2025-10" },
      },
      userErrors: [],
    });
    const listed = await graphql(
      ctx,
      `
        {
          webhookSubscriptions(first: 10, topics: [CUSTOMERS_UPDATE]) {
            nodes {
              id
              topic
            }
          }
        }
      `,
    );
    expect(listed.body.data?.webhookSubscriptions.nodes).toEqual([
      { id: "gid://shopify/WebhookSubscription/1", topic: "CUSTOMERS_UPDATE" },
    ]);
    const elsewhere = await graphql(
      ctx,
      `
        {
          webhookSubscriptions(first: 10) {
            nodes {
              id
            }
          }
        }
      `,
      undefined,
      { shop: OTHER_SHOP },
    );
    expect(elsewhere.body.data?.webhookSubscriptions.nodes).toEqual([]);

    const updated = await graphql(
      ctx,
      `mutation { webhookSubscriptionUpdate(id: "gid://shopify/WebhookSubscription/1", webhookSubscription: { uri: "${receiver.url}/other" }) {
        webhookSubscription { uri } userErrors { message } } }`,
    );
    expect(updated.body.data?.webhookSubscriptionUpdate.webhookSubscription.uri).toBe(`${receiver.url}/other`);
    const deleted = await graphql(
      ctx,
      `
        mutation {
          webhookSubscriptionDelete(id: "gid://shopify/WebhookSubscription/1") {
            deletedWebhookSubscriptionId
            userErrors {
              message
            }
          }
        }
      `,
    );
    expect(deleted.body.data?.webhookSubscriptionDelete).toEqual({
      deletedWebhookSubscriptionId: "gid://shopify/WebhookSubscription/1",
      userErrors: [],
    });
  });

  it("answers Shopify's userErrors for bad addresses, duplicates and missing scopes", async () => {
    await subscribe("CUSTOMERS_CREATE");
    const cases = await Promise.all([
      subscribe("CUSTOMERS_CREATE", "not a url"),
      subscribe("CUSTOMERS_CREATE", ""),
      subscribe("CUSTOMERS_CREATE", `${receiver.url}/webhooks/shopify`),
      subscribe("CUSTOMERS_CREATE", `https://${DEMO_SHOP}/hook`),
      subscribe("CUSTOMERS_CREATE", "pubsub://project:topic"),
      subscribe("ORDERS_CREATE"),
    ]);
    const errors = cases.map((answer) => answer.body.data?.webhookSubscriptionCreate.userErrors[0]);
    expect(errors[0]).toEqual({ field: ["webhookSubscription", "uri"], message: "Address is invalid" });
    expect(errors[1].message).toBe("Address can't be blank");
    expect(errors[2].message).toBe("Address for this topic has already been taken");
    expect(errors[3].message).toBe(`Address cannot be any of the domains: ${DEMO_SHOP}`);
    expect(errors[4].message).toMatch(/not supported by the Hookline local development store/);
    expect(errors[5]).toEqual({
      field: ["webhookSubscription", "topic"],
      message:
        "The app does not have the access scopes the orders/create topic requires (one of: read_orders, read_marketplace_orders)",
    });
  });

  it("refuses a topic that is not in the real schema's enum", async () => {
    const { body } = await subscribe("CUSTOMERS_EXPLODE");
    expect(body.errors?.[0].extensions.code).toBe("INVALID_VARIABLE");
  });
});

function verifyHmac(received: Received): boolean {
  const expected = createHmac("sha256", API_SECRET).update(received.body, "utf8").digest("base64");
  return received.headers["x-shopify-hmac-sha256"] === expected;
}

describe("deliveries", () => {
  it("POSTs each change to its subscriptions with Shopify's headers and a valid HMAC", async () => {
    await subscribe("CUSTOMERS_UPDATE");
    await subscribe("CUSTOMER_TAGS_ADDED");
    await graphql(
      ctx,
      `
        mutation {
          tagsAdd(id: "gid://shopify/Customer/1001", tags: ["gold"]) {
            userErrors {
              message
            }
          }
        }
      `,
    );
    await ctx.store.webhooks.idle();
    expect(receiver.received.map((request) => request.headers["x-shopify-topic"])).toEqual([
      "customers/update",
      "customer.tags_added",
    ]);
    const [update, tags] = receiver.received;
    expect(update.path).toBe("/webhooks/shopify");
    expect(verifyHmac(update)).toBe(true);
    expect(update.headers).toMatchObject({
      "content-type": "application/json",
      "x-shopify-shop-domain": DEMO_SHOP,
      "x-shopify-api-version": "2025-10",
    });
    expect(update.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(update.headers["x-shopify-event-id"]).not.toBe(tags.headers["x-shopify-event-id"]);
    expect(new Date(update.headers["x-shopify-triggered-at"] as string).getTime()).not.toBeNaN();
    expect(JSON.parse(update.body)).toMatchObject({ id: 1001, email: "ada@example.com" });
    expect(JSON.parse(tags.body)).toMatchObject({ customerId: "gid://shopify/Customer/1001", tags: ["gold"] });
    // Another shop's change goes to that shop's subscriptions only.
    await graphql(
      ctx,
      `
        mutation {
          tagsAdd(id: "gid://shopify/Customer/2001", tags: ["x"]) {
            userErrors {
              message
            }
          }
        }
      `,
      undefined,
      {
        shop: OTHER_SHOP,
      },
    );
    await ctx.store.webhooks.idle();
    expect(receiver.received).toHaveLength(2);
  });

  it("retries a failed delivery with the same webhook id and body until it succeeds", async () => {
    const grant = await fetch(`${ctx.url}/_local/shops/${DEMO_SHOP}/scopes`, {
      method: "POST",
      body: JSON.stringify({ grant: ["write_products"] }),
    });
    expect(grant.status).toBe(200);
    await subscribe("PRODUCTS_UPDATE");
    await ctx.store.webhooks.idle();
    receiver.received = [];
    receiver.plan = [500, 503];
    const updated = await graphql(
      ctx,
      `
        mutation {
          productUpdate(product: { id: "gid://shopify/Product/7001", title: "Tee" }) {
            userErrors {
              message
            }
          }
        }
      `,
    );
    expect(updated.body.data?.productUpdate.userErrors).toEqual([]);
    await ctx.store.webhooks.idle();
    const productDeliveries = receiver.received.filter(
      (request) => request.headers["x-shopify-topic"] === "products/update",
    );
    expect(productDeliveries).toHaveLength(3);
    expect(new Set(productDeliveries.map((request) => request.headers["x-shopify-webhook-id"])).size).toBe(1);
    expect(new Set(productDeliveries.map((request) => request.body)).size).toBe(1);
    const [record] = ctx.store.webhooks.deliveries({ topic: "products/update" });
    expect(record.state).toBe("delivered");
    expect(record.attempts.map((attempt) => attempt.status)).toEqual([500, 503, 200]);
  });

  it("gives up after 8 retries and deletes the subscription, as Shopify does", async () => {
    await subscribe("CUSTOMERS_UPDATE", `${receiver.url}/broken`);
    receiver.plan = Array(9).fill(500);
    await graphql(
      ctx,
      `
        mutation {
          customerUpdate(input: { id: "gid://shopify/Customer/1002", note: "x" }) {
            userErrors {
              message
            }
          }
        }
      `,
    );
    await ctx.store.webhooks.idle();
    const [record] = ctx.store.webhooks.deliveries({ topic: "customers/update" });
    expect(record.state).toBe("failed");
    expect(record.attempts).toHaveLength(9);
    expect(record.subscriptionRemoved).toBe(true);
    expect(ctx.store.state.webhookSubscriptions.list(DEMO_SHOP)).toEqual([]);
  });

  it("counts an unreachable address as a failure and records why", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await subscribe("CUSTOMERS_UPDATE", `http://127.0.0.1:${port}/nothing-listens`);
    await graphql(
      ctx,
      `
        mutation {
          customerUpdate(input: { id: "gid://shopify/Customer/1002", note: "y" }) {
            userErrors {
              message
            }
          }
        }
      `,
    );
    const record = await waitFor(() =>
      ctx.store.webhooks.deliveries({ topic: "customers/update" }).find((r) => r.attempts.length > 0),
    );
    expect(record.attempts[0].status).toBeNull();
    expect(record.attempts[0].error).toMatch(/ECONNREFUSED|connect/i);
    await ctx.store.webhooks.idle();
  });
});

describe("app lifecycle and access scopes", () => {
  it("uninstall sends app/uninstalled to the shopify.app.toml uri, drops subscriptions and revokes the token", async () => {
    await subscribe("CUSTOMERS_UPDATE");
    const response = await fetch(`${ctx.url}/_local/shops/${DEMO_SHOP}/uninstall`, { method: "POST" });
    expect(response.status).toBe(200);
    await ctx.store.webhooks.idle();
    const [uninstalled] = receiver.received;
    expect(uninstalled.path).toBe("/webhooks/app/uninstalled");
    expect(uninstalled.headers["x-shopify-topic"]).toBe("app/uninstalled");
    expect(verifyHmac(uninstalled)).toBe(true);
    expect(JSON.parse(uninstalled.body)).toMatchObject({ myshopify_domain: DEMO_SHOP, name: "Demo Store" });
    expect(ctx.store.state.webhookSubscriptions.list(DEMO_SHOP)).toEqual([]);
    expect((await graphql(ctx, "{ shop { name } }")).status).toBe(401);
    // Changes made while uninstalled are not delivered; reinstalling brings the token back.
    await fetch(`${ctx.url}/_local/shops/${DEMO_SHOP}/install`, { method: "POST" });
    expect((await graphql(ctx, "{ shop { name } }")).status).toBe(200);
  });

  it("grants optional scopes through the App Bridge scopes endpoint and reports app/scopes_update", async () => {
    const before = await graphql(
      ctx,
      `
        {
          currentAppInstallation {
            accessScopes {
              handle
            }
          }
          orders(first: 1) {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(before.body.data).toBeNull();
    expect(before.body.errors?.[0]).toMatchObject({
      message: "Access denied for orders field. Required access: `read_orders` access scope.",
      extensions: { code: "ACCESS_DENIED" },
    });

    const token = sessionToken(DEMO_SHOP);
    const query = await fetch(`${ctx.url}/_local/app-bridge/scopes`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await query.json()).toEqual({
      granted: ["read_customers", "write_customers"],
      required: ["read_customers", "write_customers"],
      optional: ["read_orders", "write_products"],
    });
    expect(query.headers.get("access-control-allow-origin")).toBe("*");
    const refused = await fetch(`${ctx.url}/_local/app-bridge/scopes/request`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ scopes: ["write_themes"] }),
    });
    expect(refused.status).toBe(422);
    const granted = await fetch(`${ctx.url}/_local/app-bridge/scopes/request`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ scopes: ["read_orders"] }),
    });
    expect(await granted.json()).toEqual({
      result: "granted-all",
      detail: {
        granted: ["read_customers", "write_customers", "read_orders"],
        required: ["read_customers", "write_customers"],
        optional: ["read_orders", "write_products"],
      },
    });
    await ctx.store.webhooks.idle();
    const update = receiver.received.find((request) => request.headers["x-shopify-topic"] === "app/scopes_update")!;
    expect(update.path).toBe("/webhooks/app/scopes_update");
    expect(JSON.parse(update.body)).toMatchObject({
      previous: ["read_customers", "write_customers"],
      current: ["read_customers", "write_customers", "read_orders"],
    });

    const after = await graphql(
      ctx,
      `
        {
          currentAppInstallation {
            accessScopes {
              handle
            }
          }
          orders(first: 1) {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(after.body.errors).toBeUndefined();
    expect(
      after.body.data?.currentAppInstallation.accessScopes.map((scope: { handle: string }) => scope.handle),
    ).toContain("read_orders");
    expect((await subscribe("ORDERS_CREATE")).body.data?.webhookSubscriptionCreate.userErrors).toEqual([]);

    const revoked = await graphql(
      ctx,
      `
        mutation {
          appRevokeAccessScopes(scopes: ["read_orders"]) {
            revoked {
              handle
            }
            userErrors {
              message
              code
            }
          }
        }
      `,
    );
    expect(revoked.body.data?.appRevokeAccessScopes).toEqual({ revoked: [{ handle: "read_orders" }], userErrors: [] });
    const required = await graphql(
      ctx,
      `
        mutation {
          appRevokeAccessScopes(scopes: ["read_customers"]) {
            revoked {
              handle
            }
            userErrors {
              code
            }
          }
        }
      `,
    );
    expect(required.body.data?.appRevokeAccessScopes.userErrors[0].code).toBe("CANNOT_REVOKE_REQUIRED_SCOPES");
  });

  it("refuses the scopes endpoint without a valid session token", async () => {
    const response = await fetch(`${ctx.url}/_local/app-bridge/scopes`);
    expect(response.status).toBe(401);
    const forged = await fetch(`${ctx.url}/_local/app-bridge/scopes`, {
      headers: { Authorization: `Bearer ${sessionToken(DEMO_SHOP, {}, "wrong-secret")}` },
    });
    expect(forged.status).toBe(401);
  });
});
