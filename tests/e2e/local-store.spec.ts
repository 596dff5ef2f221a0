// The local development store as a developer uses it: its page creates an order for customer 1001
// and tags a customer (the changes the app's webhooks report), its mail catcher shows a message an
// SMTP client sent, and the app's App Bridge stub asks the store for optional scopes.
import nodemailer from "nodemailer";
import { expect, test } from "@playwright/test";
import { LOCAL_STORE } from "./support/ui";
import { SCREENSHOT_DIR, loginAs } from "./support/app";

const SHOP = "demo-store.myshopify.com";
const smtpPort = Number(process.env.E2E_LOCAL_STORE_SMTP_PORT || Number(new URL(LOCAL_STORE).port) + 1000);

test.beforeEach(async ({ request }) => {
  await request.post(`${LOCAL_STORE}/_local/reset`);
});

test("the store page creates an order for customer 1001 and tags a customer", async ({ page, request }) => {
  await page.goto(`${LOCAL_STORE}/_local/`);
  await expect(page.getByRole("heading", { name: "Customers" })).toBeVisible();
  const orders = page.locator("section", { has: page.getByRole("heading", { name: "Orders" }) });
  await expect(orders.getByRole("cell", { name: "#1001", exact: true })).toBeVisible();

  await orders.getByRole("button", { name: "Create order" }).click();
  await expect(page.locator("#result")).toContainText("201");
  await expect(orders.getByRole("cell", { name: "#1003", exact: true })).toBeVisible();

  const customers = page.locator("section", { has: page.getByRole("heading", { name: "Customers" }) });
  const tagForm = customers.locator("form", { has: page.getByRole("button", { name: "Change tags" }) });
  await tagForm.getByPlaceholder("tag to add").fill("gold");
  await tagForm.getByRole("button", { name: "Change tags" }).click();
  await expect(customers.getByRole("row", { name: /ada@example\.com/ })).toContainText("vip, gold");
  await page.screenshot({ path: `${SCREENSHOT_DIR}/local-store-page.png`, fullPage: true });

  const state = await (await request.get(`${LOCAL_STORE}/_local/shops/${SHOP}/customers/1001`)).json();
  expect(state.orders.map((order: { name: string }) => order.name)).toEqual(["#1001", "#1003"]);
  expect(state.customer.tags).toEqual(["vip", "gold"]);
});

test("the mail catcher lists what an SMTP client sent", async ({ page, request }) => {
  await request.delete(`${LOCAL_STORE}/_local/mail`);
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, secure: false });
  await transport.sendMail({
    from: "shop@hookline.example",
    to: "ada@example.com",
    subject: "Your loyalty points",
    html: "<h1>5 points</h1>",
  });
  transport.close();
  const { messages } = await (await request.get(`${LOCAL_STORE}/_local/mail?to=ada@example.com`)).json();
  expect(messages[0]).toMatchObject({ subject: "Your loyalty points", to: "ada@example.com" });
  await page.goto(`${LOCAL_STORE}/_local/mail/view`);
  await expect(page.getByRole("heading", { name: "Your loyalty points" })).toBeVisible();
  await expect(page.frameLocator("iframe").getByRole("heading", { name: "5 points" })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/local-store-mail.png`, fullPage: true });
});

test("App Bridge's scopes API in the app asks the store, which grants optional scopes", async ({ page, request }) => {
  await loginAs(page);
  const detail = await page.evaluate(() =>
    (window as unknown as { shopify: { scopes: { query(): Promise<unknown> } } }).shopify.scopes.query(),
  );
  expect(detail).toMatchObject({
    granted: ["read_customers", "write_customers"],
    optional: expect.arrayContaining(["read_orders"]),
  });
  const answer = await page.evaluate(() =>
    (window as unknown as { shopify: { scopes: { request(s: string[]): Promise<unknown> } } }).shopify.scopes.request([
      "read_orders",
    ]),
  );
  expect(answer).toMatchObject({ result: "granted-all", detail: { granted: expect.arrayContaining(["read_orders"]) } });
  const scopes = await (await request.get(`${LOCAL_STORE}/_local/shops/${SHOP}/scopes`)).json();
  expect(scopes.granted).toContain("read_orders");
  // The store told the app, as Shopify does, on the uri shopify.app.toml declares.
  await expect
    .poll(async () => {
      const { deliveries } = await (
        await request.get(`${LOCAL_STORE}/_local/webhooks/deliveries?topic=app/scopes_update`)
      ).json();
      return deliveries[0]?.url as string | undefined;
    })
    .toMatch(/\/webhooks\/app\/scopes_update$/);
});
