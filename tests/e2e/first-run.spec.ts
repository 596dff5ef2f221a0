// Issue 13, first run and rough edges: the checklist stays until webhook + subscribed task +
// succeeded run, each step linking to where it is done; the loading bar; the Local store page with
// customers' ids and metafields; a broken script asks before saving enabled and the preview shows
// the error; field errors go once the field is fixed; one toast per save; the favicon is served.
import { expect, test } from "@playwright/test";
import { loginAs } from "./support/app";
import { expectToast, screenshotScreen } from "./support/ui";
import { resetShopData } from "./support/db";

const SHOP = "other-store.myshopify.com";
const CUSTOMER = 2001; // Otto, a customer of the local store's other-store (app/local-store/seed.ts)

test.describe.configure({ mode: "serial" });
test.beforeAll(() => resetShopData(SHOP));

test("the favicon is served from public/", async ({ request }) => {
  const response = await request.get("/favicon.ico");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("image/x-icon");
  expect((await response.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
});

test("the checklist stays until a succeeded run, each step linking where it is done", async ({ page, request }) => {
  test.setTimeout(180_000);
  await loginAs(page, SHOP);
  const checklist = page.getByRole("heading", { name: "Get started in three steps" });
  await expect(checklist).toBeVisible();
  await expect(page.getByTestId("setup-progress")).toHaveText("0 of 3 done");

  // Step 1, from the checklist; a field error goes away once the field is filled in.
  await page.getByRole("link", { name: "Create a webhook" }).click();
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByText("Name is required")).toBeVisible();
  await page.getByLabel("Name").fill("Metafields");
  await expect(page.getByText("Name is required")).toHaveCount(0);
  await page.getByLabel("Event topic").fill("user/customer/metafield");
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByRole("heading", { name: "Metafields", level: 1 })).toBeVisible();
  await expectToast(page, "Webhook created");
  await expect(page.getByTestId("local-toast").getByText("Webhook created")).toHaveCount(1);
  const hookUrl = await page.getByTestId("copy-field-value").inputValue();

  await page.locator("ui-nav-menu").getByRole("link", { name: "Home" }).click();
  await expect(page.getByTestId("setup-progress")).toHaveText("1 of 3 done");
  // Step 2 links to the Echo template for the webhook's topic.
  await page.getByRole("link", { name: "Start from the Echo template" }).click();
  await expect(page.getByLabel("Subscriptions")).toHaveValue("user/customer/metafield");

  // A broken script: the preview names the error, the save asks.
  await page.getByLabel("Task name").fill("Metafield writer");
  const editor = page.getByLabel("Script (Liquid)");
  await editor.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.type("{% if event.data %}\nunclosed");
  await expect(page.getByTestId("action-sentence")).toHaveText(
    "The script fails: Liquid syntax error: tag {% if event.data %} not closed (line 1, column 1)",
  );
  await page.getByRole("button", { name: "Save task" }).click();
  const dialog = page.getByRole("dialog");
  await expect(
    dialog.getByText("Line 1, column 1: Liquid syntax error: tag {% if event.data %} not closed"),
  ).toBeVisible();
  await screenshotScreen(page, "task-broken-script-confirm");
  await dialog.getByRole("button", { name: "Keep editing" }).click();

  // The metafield template instead, saved enabled.
  await page.goto("about:blank");
  await loginAs(page, SHOP, "/app/tasks/new?template=customer-metafield&topic=user/customer/metafield");
  await page.getByRole("button", { name: "Save task" }).click();
  await expect(page.getByRole("heading", { name: "Set a customer metafield from a webhook", level: 1 })).toBeVisible();
  await expectToast(page, "Task created");
  await expect(page.getByTestId("local-toast").getByText("Task created")).toHaveCount(1);

  await page.locator("ui-nav-menu").getByRole("link", { name: "Home" }).click();
  await expect(page.getByTestId("setup-progress")).toHaveText("2 of 3 done");
  await expect(page.getByRole("link", { name: "Open the task" })).toBeVisible();

  // Step 3: a request, as a storefront would send it; the run succeeds and the checklist goes.
  const sent = await request.post(hookUrl, {
    data: { customer_id: CUSTOMER, request_id: "r-1", plan: "gold" },
    headers: { origin: `https://${SHOP}` },
  });
  expect(sent.status()).toBe(204);
  await expect(checklist).toHaveCount(0, { timeout: 30_000 });

  // The Local store page shows the customer's id and the metafield: only the value, no request id.
  await page.locator("ui-nav-menu").getByRole("link", { name: "Local store" }).click();
  await expect(page.getByRole("heading", { name: "Local store", level: 1 })).toBeVisible();
  const otto = page.getByTestId("local-customer").filter({ hasText: String(CUSTOMER) });
  await expect(otto.getByTestId("local-metafield")).toContainText('hookline.webhook_data (json) = {"plan":"gold"}');
  await expect(otto.getByRole("link", { name: "Storefront preview as this customer" })).toHaveAttribute(
    "href",
    new RegExp(`/_local/storefront/${SHOP}\\?customer=${CUSTOMER}$`),
  );
  await screenshotScreen(page, "local-store");
});

test("a mistyped webhook URL is counted on the webhook pages", async ({ page, request }) => {
  await loginAs(page, SHOP, "/app/webhooks");
  const base = new URL(page.url()).origin;
  for (let i = 0; i < 2; i++) {
    const answer = await request.post(`${base}/webhook/00000000-0000-4000-8000-00000000000${i}`, {
      data: { x: i },
      headers: { origin: `https://${SHOP}` },
    });
    expect(answer.status()).toBe(204);
  }
  await expect
    .poll(async () => {
      await page.reload();
      return page.getByTestId("unknown-webhook-requests").first().textContent();
    })
    .toContain("Requests to unknown webhook ids in the last 24 h: 2");
});

test("client-side navigation shows the loading bar", async ({ page }) => {
  await loginAs(page, SHOP);
  // Slow every page-data request down so the bar is there to be seen.
  await page.route(/_data=/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.locator("ui-nav-menu").getByRole("link", { name: "Settings" }).click();
  await expect(page.getByTestId("local-loading")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("local-loading")).toBeHidden();
});
