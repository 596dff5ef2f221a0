// Every screen beyond the tutorial: empty states, settings validation, webhook and task management
// (copy, import/export, delete with confirmation), event replay, and the 360 px layout. axe-core
// runs on each page.
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { expectAccessible, loginAs } from "./support/app";
import { expectNoHorizontalScroll, expectToast, screenshotScreen } from "./support/ui";
import { resetShopData } from "./support/db";

// A second shop of the local store, so these tests start empty whatever ran before.
const SHOP = "other-store.myshopify.com";

test.describe.configure({ mode: "serial" });
test.beforeAll(() => resetShopData(SHOP));

test("empty states on every index for a shop with nothing yet", async ({ page }) => {
  await loginAs(page, SHOP, "/app/webhooks");
  await expect(page.getByRole("heading", { name: "No webhooks yet" })).toBeVisible();
  await screenshotScreen(page, "webhooks-empty");
  await expectAccessible(page);
  await page.locator("ui-nav-menu").getByRole("link", { name: "Tasks" }).click();
  await expect(page.getByRole("heading", { name: "No tasks yet" })).toBeVisible();
  await expectAccessible(page);
  await page.locator("ui-nav-menu").getByRole("link", { name: "Home" }).click();
  await expect(page.getByText("No events yet.")).toBeVisible();
});

test("settings: field errors keep the input, a valid save shows a toast and sticks", async ({ page }) => {
  await loginAs(page, SHOP, "/app/settings");
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Origins, one per line").fill("shop.example.com\nhttps://ok.example.com");
  await page.getByLabel("Data retention (days)").fill("0");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText('"shop.example.com" has no scheme; write it as https://shop.example.com')).toBeVisible();
  await expect(page.getByText("Retention must be between 1 and 365")).toBeVisible();
  await expect(page.getByLabel("Origins, one per line")).toHaveValue("shop.example.com\nhttps://ok.example.com");
  await expectToast(page, "Settings not saved");
  await screenshotScreen(page, "settings-errors");
  await expectAccessible(page);

  await page.getByLabel("Origins, one per line").fill("https://shop.example.com\nhttps://OK.example.com/");
  await page.getByLabel("Data retention (days)").fill("30");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expectToast(page, "Settings saved");
  await expect(page.getByLabel("Origins, one per line")).toHaveValue(
    "https://shop.example.com\nhttps://ok.example.com",
  );
  await page.reload();
  await expect(page.getByLabel("Data retention (days)")).toHaveValue("30");
  await screenshotScreen(page, "settings");
});

test("webhooks: list with copy, settings form errors, delete with confirmation", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await loginAs(page, SHOP, "/app/webhooks/new");
  await page.getByLabel("Name").fill("Typeform");
  await page.getByLabel("Event topic").fill("user/typeform/submitted");
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByRole("heading", { name: "Typeform", level: 1 })).toBeVisible();
  const url = await page.getByTestId("copy-field-value").inputValue();

  // Settings on the detail page: a bad header name is refused and the other input is kept.
  await page.getByLabel("Ignore repeated deliveries").check();
  await page.getByLabel("Idempotency header").fill("Bad Header:");
  await page.getByLabel("Name").fill("Typeform forms");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText(`"Bad Header:" is not a valid HTTP header name`)).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("Typeform forms");
  await page.getByLabel("Idempotency header").fill("X-Request-Key");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expectToast(page, "Webhook saved");
  await expect(page.getByRole("heading", { name: "Typeform forms", level: 1 })).toBeVisible();
  await expect(page.getByText("ignored (X-Request-Key)")).toBeVisible();

  await page.getByRole("link", { name: "Webhooks" }).first().click();
  const row = page.getByTestId("webhook-row").filter({ hasText: "Typeform forms" });
  await expect(row).toContainText("user/typeform/submitted");
  await expect(row).toContainText("never received");
  await row.getByRole("button", { name: "Copy the URL of Typeform forms" }).click();
  await expectToast(page, "Webhook URL copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await screenshotScreen(page, "webhooks-index");
  await expectAccessible(page);

  // Delete asks first; Cancel keeps it.
  await row.getByRole("link", { name: "Typeform forms" }).click();
  await page.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Its URL stops creating events at once");
  await expectAccessible(page);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete webhook" }).click();
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  await expectToast(page, "Webhook deleted");
  await expect(page.getByTestId("webhook-row").filter({ hasText: "Typeform forms" })).toHaveCount(0);
});

test("tasks: import Mechanic JSON, export it back, disable, delete with confirmation", async ({ page }) => {
  await loginAs(page, SHOP, "/app/tasks");
  await page.getByRole("button", { name: "Import task JSON" }).click();
  const taskJson = {
    name: "Imported echo",
    script: '{% action "echo", greeting: options.greeting__required %}',
    subscriptions: ["user/imported/test"],
    options: { greeting__required: "hello" },
    online_store_javascript: null,
    liquid_profiling: false,
  };
  await page.getByLabel("Task JSON", { exact: true }).fill("{ not json");
  await page.getByRole("dialog").getByRole("button", { name: "Import" }).click();
  await expect(page.getByText("The task was not imported")).toBeVisible();
  await page.getByLabel("Task JSON", { exact: true }).fill(JSON.stringify(taskJson));
  await page.getByRole("dialog").getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("heading", { name: "Imported echo", level: 1 })).toBeVisible();
  await expectToast(page, "Task imported");
  await expect(page.getByLabel("Greeting (required)")).toHaveValue("hello");
  await expect(page.getByTestId("action-sentence")).toHaveText("When user/imported/test is triggered… Echo");

  // A required option left empty is refused with its own message.
  await page.getByLabel("Greeting (required)").fill("");
  await page.getByRole("button", { name: "Save task" }).click();
  await expect(page.getByText("Greeting is required")).toBeVisible();
  await page.getByLabel("Greeting (required)").fill("bonjour");
  await page.getByRole("button", { name: "Save task" }).click();
  await expectToast(page, "Task saved (version 2)");

  await page.getByRole("button", { name: "Export JSON" }).click();
  await expect(page.getByTestId("export-json")).toContainText('"greeting__required": "bonjour"');
  await expect(page.getByTestId("export-json")).toContainText('"online_store_javascript": null');
  await expectAccessible(page);
  await page.getByRole("dialog").getByRole("button", { name: "Close", exact: true }).last().click();

  await page.getByRole("button", { name: "Disable" }).click();
  await expectToast(page, "Task disabled");
  await expect(page.getByRole("button", { name: "Enable" })).toBeVisible();
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete task" }).click();
  await expect(page.getByRole("heading", { name: "Tasks", level: 1 })).toBeVisible();
  await expectToast(page, "Task deleted");
});

test("event replay, and the screens at 360 px wide", async ({ page, request }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await loginAs(page, SHOP, "/app/webhooks/new");
  await page.getByLabel("Name").fill("Phone");
  await page.getByLabel("Event topic").fill("user/phone/test");
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByRole("heading", { name: "Phone", level: 1 })).toBeVisible();
  const url = await page.getByTestId("copy-field-value").inputValue();
  await expectNoHorizontalScroll(page);
  await screenshotScreen(page, "mobile-webhook-detail");
  await expectAccessible(page);

  await page.goto("about:blank");
  await loginAs(page, SHOP, "/app/tasks/new");
  await page.getByLabel("Task name").fill("Phone echo");
  await page.getByLabel("Subscriptions").fill("user/phone/test");
  await page.getByRole("button", { name: "Use the Echo template" }).click();
  await page.getByRole("button", { name: "Save task" }).click();
  await expect(page.getByRole("heading", { name: "Phone echo", level: 1 })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await screenshotScreen(page, "mobile-task-editor");
  await expectAccessible(page);

  expect(
    (
      await request.post(`${url}?source=phone`, {
        form: { "contact[name]": "Jane", "contact[email]": "jane@example.com" },
      })
    ).status(),
  ).toBe(204);
  await page.locator("ui-nav-menu").getByRole("link", { name: "Home" }).click();
  const item = page.getByTestId("activity-item").filter({ hasText: "user/phone/test" });
  await expect(item).toContainText("Succeeded", { timeout: 20_000 });
  await expectNoHorizontalScroll(page);
  await screenshotScreen(page, "mobile-home");
  await expectAccessible(page);

  await item.getByRole("link", { name: "user/phone/test" }).click();
  await expect(page.getByTestId("event-data")).toContainText('"email": "jane@example.com"');
  await expect(page.getByTestId("event-data")).toContainText('"source": "phone"');
  // The stored JSON, whole, as a file (fetched with the session token, saved from a blob).
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download raw Event data" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^event-[0-9a-f-]{36}-data\.json$/);
  const raw = JSON.parse(await readFile(await download.path(), "utf8"));
  expect(raw).toMatchObject({ source: "phone", contact: { email: "jane@example.com" } });
  await expectNoHorizontalScroll(page);
  await screenshotScreen(page, "mobile-event-detail");
  await expectAccessible(page);

  // Replay: a new event with the same data, whose parent is the original.
  const originalUrl = page.url();
  await page.getByRole("button", { name: "Replay event" }).click();
  await expectToast(page, "Event replayed");
  await expect.poll(() => page.url()).not.toBe(originalUrl);
  await expect(page.getByText("Parent event")).toBeVisible();
  await expect(page.getByTestId("action-result-echo")).toContainText("jane@example.com", { timeout: 20_000 });

  await page.locator("ui-nav-menu").getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await screenshotScreen(page, "mobile-settings");
});

test("a failed action: the event shows the error, and Retry failed performs it again", async ({ page, request }) => {
  await loginAs(page, SHOP, "/app/webhooks/new");
  await page.getByLabel("Name").fill("Flaky");
  await page.getByLabel("Event topic").fill("user/flaky/test");
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByRole("heading", { name: "Flaky", level: 1 })).toBeVisible();
  const url = await page.getByTestId("copy-field-value").inputValue();

  await page.locator("ui-nav-menu").getByRole("link", { name: "Tasks" }).click();
  await page.getByRole("link", { name: "Create task" }).first().click();
  await page.getByLabel("Task name").fill("Fails on purpose");
  await page.getByLabel("Subscriptions").fill("user/flaky/test");
  await page
    .getByLabel("Script (Liquid)")
    .fill('{% action "echo" %}{"__error": "the receiving system is down"}{% endaction %}');
  await page.getByRole("button", { name: "Save task" }).click();
  await expect(page.getByRole("heading", { name: "Fails on purpose", level: 1 })).toBeVisible();

  expect((await request.post(url, { data: { attempt: 1 } })).status()).toBe(204);
  await page.locator("ui-nav-menu").getByRole("link", { name: "Home" }).click();
  // (The failure's mechanic/errors/* events name user/flaky/test too.)
  const item = page
    .getByTestId("activity-item")
    .filter({ hasText: "user/flaky/test" })
    .filter({ hasNotText: "mechanic/errors/" });
  await expect(item).toContainText("Failed", { timeout: 20_000 });
  await item.getByRole("link", { name: "user/flaky/test" }).click();
  await expect(page.getByText("the receiving system is down").first()).toBeVisible();
  await screenshotScreen(page, "event-detail-failed");
  await expectAccessible(page);

  await page.getByRole("button", { name: "Retry failed" }).click();
  await expectToast(page, "Retrying 1 failed run");
  // The page follows the retry live and ends failed again (the script always fails).
  await expect(page.getByRole("heading", { name: "Action 1: echo" })).toBeVisible();
  await expect(page.locator("h1").locator("..")).toContainText("Failed", { timeout: 20_000 });
});
