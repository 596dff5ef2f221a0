// The seed tutorial (Mechanic's "Creating a webhook"), done the way a new merchant would do it in
// the real UI: local login, create the "Example" webhook on user/webhook/test, copy its URL, start
// a task from the Echo template, send a request, watch it arrive on Home without reloading, open it
// and see the echo result. Then the customer metafield template against the local store.
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, loginAs } from "./support/app";
import { LOCAL_STORE, expectToast, screenshotScreen } from "./support/ui";
import { resetShopData } from "./support/db";

const SHOP = "demo-store.myshopify.com";

test.describe.configure({ mode: "serial" });

// Other spec files use the same local store shop; start this one as a brand-new merchant.
test.beforeAll(() => resetShopData(SHOP));

async function createWebhook(page: Page, name: string, topic: string): Promise<string> {
  await page.getByRole("link", { name: "Webhooks" }).first().click();
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "Create webhook" }).first().click();
  await expect(page.getByRole("heading", { name: "Create webhook", level: 1 })).toBeVisible();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Event topic").fill(topic);
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  const url = await page.getByTestId("copy-field-value").inputValue();
  expect(url).toMatch(/^http:\/\/localhost:\d+\/webhook\/[0-9a-f-]{36}$/);
  return url;
}

async function goHome(page: Page): Promise<void> {
  await page.locator("ui-nav-menu").getByRole("link", { name: "Home" }).click();
  await expect(page.getByRole("heading", { name: "Hookline", level: 1 })).toBeVisible();
}

test("the seed tutorial: webhook, Echo task, request, live activity, echo result", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await loginAs(page, SHOP);

  // Home for a new merchant: the three steps.
  await expect(page.getByRole("heading", { name: "Get started in three steps" })).toBeVisible();
  await screenshotScreen(page, "home-new-merchant");
  await expectAccessible(page);

  // Step 1: create the webhook, first with a topic the validator refuses.
  await page.getByRole("link", { name: "Create a webhook" }).click();
  await expect(page.getByRole("heading", { name: "Create webhook", level: 1 })).toBeVisible();
  await page.getByLabel("Name").fill("Example");
  await page.getByLabel("Event topic").fill("User/webhook/test");
  await expect(page.getByText('must start with "user/", not "User/" (it must be lowercase "user")')).toBeVisible();
  await screenshotScreen(page, "webhook-new-invalid-topic");
  await expectAccessible(page);
  await page.getByLabel("Event topic").fill("user/webhook/test");
  await expect(page.getByText("must start with")).toHaveCount(0);
  await page.getByRole("button", { name: "Create webhook" }).click();

  await expect(page.getByRole("heading", { name: "Example", level: 1 })).toBeVisible();
  await expectToast(page, "Webhook created");
  const webhookUrl = await page.getByTestId("copy-field-value").inputValue();
  expect(webhookUrl).toMatch(/\/webhook\/[0-9a-f-]{36}$/);
  // The examples are filled with the real URL.
  await expect(page.getByTestId("example-curl-form")).toHaveText(`curl -X POST -F foo=bar '${webhookUrl}'`);
  await expect(page.getByTestId("example-fetch")).toContainText(`fetch("${webhookUrl}"`);
  // Copy the URL.
  await page.getByRole("button", { name: "Copy Webhook URL" }).click();
  await expectToast(page, "Webhook URL copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(webhookUrl);
  await screenshotScreen(page, "webhook-detail");
  await expectAccessible(page);

  // Step 2: a task subscribed to the topic, from the Echo template.
  await page.locator("ui-nav-menu").getByRole("link", { name: "Tasks" }).click();
  await expect(page.getByRole("heading", { name: "Tasks", level: 1 })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: "Start from scratch" }).click();
  await expect(page.getByRole("heading", { name: "New task", level: 1 })).toBeVisible();
  await page.getByLabel("Task name").fill("Webhook test");
  await page.getByRole("button", { name: "Subscribe to user/webhook/test (webhook Example)" }).click();
  await expect(page.getByLabel("Subscriptions")).toHaveValue("user/webhook/test");
  await page.getByRole("button", { name: "Use the Echo template" }).click();
  await expect(page.getByLabel("Script (Liquid)")).toContainText(/\{% action "echo", event\.data %\}/);
  await expect(page.getByTestId("action-sentence")).toHaveText("When user/webhook/test is triggered… Echo");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Save task" }).click();
  await expect(page.getByRole("heading", { name: "Webhook test", level: 1 })).toBeVisible();
  await expectToast(page, "Task created");
  await expect(page.getByTestId("action-sentence")).toHaveText("When user/webhook/test is triggered… Echo");
  await screenshotScreen(page, "task-editor");
  await expectAccessible(page);

  // Step 3: send a request (as ReqBin would) and watch Home without reloading.
  await goHome(page);
  await expect(page.getByTestId("activity-item")).toHaveCount(0);
  const navigations: string[] = [];
  page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
  const response = await request.post(webhookUrl, { data: { foo: "bar", sent_by: "tutorial" } });
  expect(response.status()).toBe(204);
  const requestId = response.headers()["x-request-id"];
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

  const item = page.getByTestId("activity-item").filter({ hasText: "user/webhook/test" });
  await expect(item).toHaveCount(1, { timeout: 20_000 });
  await expect(item).toContainText("Webhook: Example");
  await expect(item).toContainText("Succeeded", { timeout: 20_000 });
  expect(navigations, "Home updated without a page load").toEqual([]);
  await screenshotScreen(page, "home-activity");
  await expectAccessible(page);

  // Open the event: the echo action's result is the posted data.
  await item.getByRole("link", { name: "user/webhook/test" }).click();
  await expect(page.getByRole("heading", { name: "user/webhook/test", level: 1 })).toBeVisible();
  await expect(page.getByTestId("event-data")).toContainText('"foo": "bar"');
  await expect(page.getByText(requestId!)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Webhook test" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Action 1: echo" })).toBeVisible();
  const result = page.getByTestId("action-result-echo");
  await expect(result).toContainText('"foo": "bar"');
  await expect(result).toContainText('"sent_by": "tutorial"');
  await screenshotScreen(page, "event-detail");
  await expectAccessible(page);
});

test("Send test event goes through the real ingress and links to the event", async ({ page }) => {
  await loginAs(page, SHOP, "/app/webhooks");
  await page.getByRole("link", { name: "Example" }).click();
  await expect(page.getByRole("heading", { name: "Example", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByText("Test event received").first()).toBeVisible();
  await page.getByTestId("test-event-link").click();
  await expect(page.getByRole("heading", { name: "user/webhook/test", level: 1 })).toBeVisible();
  await expect(page.getByTestId("event-data")).toContainText('"sent_from": "Hookline test button"');
  await expect(page.getByTestId("action-result-echo")).toContainText("Hookline test button", { timeout: 20_000 });
});

test("the metafield template writes the posted value to customer 1001 in the local store", async ({
  page,
  request,
}) => {
  await loginAs(page, SHOP);
  const webhookUrl = await createWebhook(page, "Customer data", "user/customer/metafield");

  await page.locator("ui-nav-menu").getByRole("link", { name: "Tasks" }).click();
  await page.getByRole("link", { name: "Create task" }).first().click();
  await expect(page.getByRole("heading", { name: "New task", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Use the Set a customer metafield from a webhook template" }).click();
  await expect(page.getByLabel("Subscriptions")).toHaveValue("user/customer/metafield");
  await expect(page.getByLabel("Metafield namespace (required)")).toHaveValue("hookline");
  await expect(page.getByLabel("Metafield key (required)")).toHaveValue("webhook_data");
  await page.getByLabel("Metafield key (required)").fill("plan");

  // Dry run with pasted data: the shopify action is shown, nothing is performed.
  await page.getByLabel("Event data (JSON)").fill('{"customer_id": 1001, "value": {"plan": "preview"}}');
  await page.getByRole("button", { name: "Run dry run" }).click();
  await expect(page.getByTestId("dry-run-action")).toContainText("metafieldsSet");
  await expect(page.getByTestId("dry-run-action")).toContainText('\\"plan\\":\\"preview\\"');
  await expect(page.getByTestId("action-sentence")).toHaveText("When user/customer/metafield is triggered… Shopify");
  await screenshotScreen(page, "task-dry-run");
  // Mechanic's preview: every subscribed topic, here from the template's preview events.
  await page.getByLabel("Event", { exact: true }).selectOption("every-topic");
  await expect(page.getByLabel("Event data (JSON)")).toHaveCount(0);
  await page.getByRole("button", { name: "Run dry run" }).click();
  await expect(page.getByTestId("dry-run-topic")).toHaveText("user/customer/metafield");
  await expect(page.getByTestId("dry-run-action")).toContainText("metafieldsSet");
  await expect(page.getByTestId("dry-run-action")).not.toContainText('\\"plan\\":\\"preview\\"');
  await page.getByRole("button", { name: "Save task" }).click();
  await expect(page.getByRole("heading", { name: "Set a customer metafield from a webhook", level: 1 })).toBeVisible();

  // The dry run wrote nothing.
  const before = await (await request.get(`${LOCAL_STORE}/_local/shops/${SHOP}/customers/1001/metafields`)).json();
  expect(JSON.stringify(before.metafields)).not.toContain("preview");

  const response = await request.post(webhookUrl, { data: { customer_id: 1001, value: { plan: "gold" } } });
  expect(response.status()).toBe(204);
  await goHome(page);
  const item = page.getByTestId("activity-item").filter({ hasText: "user/customer/metafield" });
  await expect(item).toContainText("Succeeded", { timeout: 30_000 });
  await item.getByRole("link", { name: "user/customer/metafield" }).click();
  await expect(page.getByRole("heading", { name: "Action 1: shopify" })).toBeVisible();
  await expect(page.getByTestId("action-result-shopify")).toContainText("metafieldsSet");
  await screenshotScreen(page, "event-detail-metafield");

  const stored = await (await request.get(`${LOCAL_STORE}/_local/shops/${SHOP}/customers/1001/metafields`)).json();
  const metafield = (stored.metafields as { namespace: string; key: string; value: string; type: string }[]).find(
    (m) => m.namespace === "hookline" && m.key === "plan",
  );
  expect(metafield?.type).toBe("json");
  expect(JSON.parse(metafield!.value)).toEqual({ plan: "gold" });
});
