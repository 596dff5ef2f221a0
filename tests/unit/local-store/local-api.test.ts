// The developer surface: /_local JSON endpoints that change the store like a merchant would, the
// HTML page, the mail catcher (real SMTP through nodemailer), and the CLI against a running store.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import nodemailer from "nodemailer";
import { beforeEach, describe, expect, it } from "vitest";
import { parseAppConfig } from "~/local-store/app-config";
import { DEMO_SHOP, localStoreForFile } from "./helpers";

const ctx = localStoreForFile({ smtpPort: 0 });
const base = () => `${ctx.url}/_local/shops/${DEMO_SHOP}`;

beforeEach(() => {
  ctx.store.reset();
  ctx.store.mail?.clear();
});

async function post(path: string, body: unknown, method = "POST") {
  const response = await fetch(`${base()}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe("/_local JSON endpoints", () => {
  it("creates an order for customer 1001 (first variant by default) and reports it", async () => {
    const topics: string[] = [];
    const stop = ctx.store.state.changes.subscribe((change) => topics.push(change.topic));
    const { status, body } = await post("/orders", { customer: 1001 });
    stop();
    expect(status).toBe(201);
    expect(body.order).toMatchObject({ customerId: 1001, name: "#1003", financialStatus: "paid" });
    expect(body.order.lineItems[0]).toMatchObject({ variantId: 8001, quantity: 1 });
    expect(topics).toEqual(["orders/create", "orders/paid"]);
    const customer = await fetch(`${base()}/customers/1001`).then((r) => r.json());
    expect(customer.orders.map((order: { name: string }) => order.name)).toEqual(["#1001", "#1003"]);
  });

  it("tags a customer, sets a metafield and updates a customer", async () => {
    const tagged = await post("/customers/1001/tags", { add: ["gold"], remove: ["vip"] });
    expect(tagged.body.customer.tags).toEqual(["gold"]);
    const metafield = await post("/customers/1001/metafields", {
      namespace: "loyalty",
      key: "tier",
      type: "single_line_text_field",
      value: "gold",
    });
    expect(metafield.status).toBe(200);
    const invalid = await post("/customers/1001/metafields", {
      namespace: "loyalty",
      key: "n",
      type: "number_integer",
      value: "x",
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.userErrors.length).toBeGreaterThan(0);
    const updated = await post("/customers/1001", { note: "Prefers mail" });
    expect(updated.body.customer.firstName).toBe("Ada");
    const shown = await fetch(`${base()}/customers/1001`).then((r) => r.json());
    expect(shown.metafields).toEqual([expect.objectContaining({ namespace: "loyalty", key: "tier", value: "gold" })]);
  });

  it("adjusts inventory, completes a draft order and uninstalls", async () => {
    const inventory = await post("/inventory", { variantId: 8001, delta: -2 });
    expect(inventory.body.changes[0]).toMatchObject({ quantityAfterChange: 8 });
    const draft = await post("/draft-orders", { customer: 1002 });
    expect(draft.status).toBe(201);
    const completed = await post(`/draft-orders/${draft.body.draftOrder.id}/complete`, {});
    expect(completed.body.draftOrder.status).toBe("completed");
    const uninstall = await post("/uninstall", {});
    expect(uninstall.body).toEqual({ shop: DEMO_SHOP, installed: false, changed: true });
  });

  it("answers clearly: unknown shop, unknown ids, bad JSON, wrong method, invalid input", async () => {
    expect((await fetch(`${ctx.url}/_local/shops/nowhere.myshopify.com/orders`)).status).toBe(404);
    expect((await fetch(`${base()}/customers/999`)).status).toBe(404);
    expect((await fetch(`${base()}/orders/999/paid`, { method: "POST" })).status).toBe(404);
    const badJson = await fetch(`${base()}/orders`, { method: "POST", body: "{" });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ error: "Body must be a JSON object" });
    const wrongMethod = await fetch(`${base()}/orders/5001/paid`);
    expect(wrongMethod.status).toBe(405);
    const badOrder = await post("/orders", { customer: 4242 });
    expect(badOrder.status).toBe(422);
    expect(badOrder.body.userErrors[0].message).toBe("Customer does not exist");
    expect((await post("/inventory", { variantId: 8001, delta: 1.5 })).status).toBe(400);
  });
});

describe("developer page", () => {
  it("lists customers with ids and metafields, orders and products, with forms", async () => {
    ctx.store.state.setMetafields(DEMO_SHOP, [
      {
        ownerId: "gid://shopify/Customer/1001",
        namespace: "loyalty",
        key: "tier",
        type: "single_line_text_field",
        value: "<gold>",
      },
    ]);
    const response = await fetch(`${ctx.url}/_local/`);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html).toContain("<code>1001</code>");
    expect(html).toContain("loyalty.tier</code> = &lt;gold&gt;");
    expect(html).toContain("#1001");
    expect(html).toContain("Hookline T-Shirt");
    expect(html).toContain(`data-path="/_local/shops/${DEMO_SHOP}/orders"`);
    const other = await fetch(`${ctx.url}/_local/?shop=other-store.myshopify.com`).then((r) => r.text());
    expect(other).toContain("Other Mug");
  });
});

describe("mail catcher", () => {
  it("records what an SMTP client sends: from, to, subject, HTML body and headers", async () => {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: ctx.store.mail!.port!, secure: false });
    await transport.sendMail({
      from: '"Demo Store" <store@example.com>',
      to: "ada@example.com",
      bcc: "audit@example.com",
      subject: "Your points",
      html: "<p>You have <b>5</b> points</p>",
      headers: { "X-Hookline-Task": "points" },
    });
    transport.close();
    const { messages } = await fetch(`${ctx.url}/_local/mail`).then((r) => r.json());
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      from: '"Demo Store" <store@example.com>',
      to: "ada@example.com",
      subject: "Your points",
      envelope: { from: "store@example.com", to: ["ada@example.com", "audit@example.com"] },
    });
    expect(messages[0].html.trim()).toBe("<p>You have <b>5</b> points</p>");
    expect(messages[0].headers["x-hookline-task"]).toBe("points");
    const forAudit = await fetch(`${ctx.url}/_local/mail?to=audit@example.com`).then((r) => r.json());
    expect(forAudit.messages).toHaveLength(1);
    const view = await fetch(`${ctx.url}/_local/mail/view`).then((r) => r.text());
    expect(view).toContain("Your points");
    expect(view).toContain('sandbox=""');
    await fetch(`${ctx.url}/_local/mail`, { method: "DELETE" });
    expect((await fetch(`${ctx.url}/_local/mail`).then((r) => r.json())).messages).toEqual([]);
  });
});

describe("command line", () => {
  it("creates an order for a customer on a running store", async () => {
    const { stdout } = await promisify(execFile)(
      "npx",
      [
        "tsx",
        "scripts/local-store.ts",
        "--store",
        ctx.url,
        "order",
        "create",
        "--customer",
        "1001",
        "--variant",
        "8002",
        "--quantity",
        "2",
      ],
      { timeout: 60_000 },
    );
    const answer = JSON.parse(stdout);
    expect(answer.order).toMatchObject({
      customerId: 1001,
      lineItems: [expect.objectContaining({ variantId: 8002, quantity: 2 })],
    });
    expect(ctx.store.state.commerce.listOrders(DEMO_SHOP)).toHaveLength(3);
  }, 90_000);

  it("fails with the store's message for an unknown customer", async () => {
    const failed = await promisify(execFile)(
      "npx",
      ["tsx", "scripts/local-store.ts", "--store", ctx.url, "order", "create", "--customer", "4242"],
      { timeout: 60_000 },
    ).catch((error: { code: number; stderr: string }) => error);
    expect("code" in failed && failed.code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain("Customer does not exist");
  }, 90_000);
});

describe("command line: faults", () => {
  const run = (...args: string[]) =>
    promisify(execFile)("npx", ["tsx", "scripts/local-store.ts", "--store", ctx.url, "fault", ...args], {
      timeout: 60_000,
    });

  it("sets a 5xx fault for a duration, shows it and clears it", async () => {
    const set = JSON.parse((await run("5xx", "--for", "90s", "--status", "502")).stdout);
    expect(set).toMatchObject({ mode: "5xx", status: 502 });
    expect(Date.parse(set.until) - Date.now()).toBeGreaterThan(30_000);
    expect(ctx.store.faults.status().mode).toBe("5xx");
    expect(JSON.parse((await run("status")).stdout)).toMatchObject({ mode: "5xx" });
    expect(JSON.parse((await run("clear")).stdout)).toMatchObject({ mode: null });
    expect(ctx.store.faults.status().mode).toBeNull();
  }, 120_000);

  it("refuses a duration it cannot read, and one the store does not allow, with the reason", async () => {
    const unreadable = await run("throttle", "--for", "soon").catch((error: { code: number; stderr: string }) => error);
    expect("code" in unreadable && unreadable.code).toBe(1);
    expect((unreadable as { stderr: string }).stderr).toContain('a duration like "10s"');
    const tooLong = await run("throttle", "--for", "11m").catch((error: { code: number; stderr: string }) => error);
    expect((tooLong as { stderr: string }).stderr).toContain("at most 600000");
    expect(ctx.store.faults.status().mode).toBeNull();
  }, 120_000);
});

describe("shopify.app.toml reader", () => {
  it("reads scopes, optional scopes and webhook subscriptions, as the project's file declares them", async () => {
    const { readFileSync } = await import("node:fs");
    const config = parseAppConfig(readFileSync("shopify.app.toml", "utf8"));
    expect(config.scopes).toEqual(["read_customers", "write_customers"]);
    expect(config.optionalScopes).toContain("read_orders");
    expect(config.webhooksApiVersion).toBe("2025-10");
    expect(config.subscriptions).toEqual([
      { topics: ["app/uninstalled"], uri: "/webhooks/app/uninstalled" },
      { topics: ["app/scopes_update"], uri: "/webhooks/app/scopes_update" },
    ]);
  });
});
