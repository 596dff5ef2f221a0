// Issue 13, bug 1: a page loaded in any way renders. In local mode a reload (F5) or a new tab of any
// /app/... screen, after client-side navigation has dropped Shopify admin's parameters, goes back
// through /local/login?path=... and lands on the same screen, never on an error page.
import type { Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { loginAs } from "./support/app";
import { resetShopData } from "./support/db";

const SHOP = "other-store.myshopify.com";

test.describe.configure({ mode: "serial" });
test.beforeAll(() => resetShopData(SHOP));

type Screen = { path: string; heading: string | RegExp };

async function expectScreen(page: Page, screen: Screen): Promise<void> {
  await expect(page.getByRole("heading", { name: screen.heading, level: 1 })).toBeVisible();
  await expect(page.getByText("Application Error")).toHaveCount(0);
  expect(new URL(page.url()).pathname).toBe(screen.path.split("?")[0]);
}

test("every screen survives a reload and opens in a new tab", async ({ page, context, request }) => {
  test.setTimeout(240_000);
  // What the screens show: a webhook, a task on its topic and one event.
  await loginAs(page, SHOP, "/app/webhooks/new");
  await page.getByLabel("Name").fill("Reload");
  await page.getByLabel("Event topic").fill("user/reload/test");
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByRole("heading", { name: "Reload", level: 1 })).toBeVisible();
  const webhookPath = new URL(page.url()).pathname;
  const hookUrl = await page.getByTestId("copy-field-value").inputValue();

  await page.locator("ui-nav-menu").getByRole("link", { name: "Tasks" }).click();
  await page
    .getByRole("link", { name: /Create task/ })
    .first()
    .click();
  await page.getByLabel("Task name").fill("Reload echo");
  await page.getByLabel("Subscriptions").fill("user/reload/test");
  await page.getByRole("button", { name: "Use the Echo template" }).click();
  await page.getByRole("button", { name: "Save task" }).click();
  await expect(page.getByRole("heading", { name: "Reload echo", level: 1 })).toBeVisible();
  const taskPath = new URL(page.url()).pathname;

  expect((await request.post(hookUrl, { data: { n: 1 } })).status()).toBe(204);
  await page.locator("ui-nav-menu").getByRole("link", { name: "Home" }).click();
  const item = page.getByTestId("activity-item").filter({ hasText: "user/reload/test" });
  await expect(item).toContainText("Succeeded", { timeout: 30_000 });
  await item.getByRole("link", { name: "user/reload/test" }).click();
  await expect(page.getByTestId("event-data")).toBeVisible();
  const eventPath = new URL(page.url()).pathname;

  const screens: Screen[] = [
    { path: "/app", heading: "Hookline" },
    { path: "/app/webhooks", heading: "Webhooks" },
    { path: "/app/webhooks/new", heading: "Create webhook" },
    { path: webhookPath, heading: "Reload" },
    { path: "/app/tasks", heading: "Tasks" },
    { path: "/app/tasks/new", heading: "New task" },
    { path: taskPath, heading: "Reload echo" },
    { path: eventPath, heading: /user\/reload\/test/ },
    { path: "/app/settings", heading: "Settings" },
  ];
  for (const screen of screens) {
    // The URL a merchant sees after client-side navigation: no shop, host or token in it.
    await page.goto("about:blank");
    await loginAs(page, SHOP, "/app");
    await page.evaluate((path) => window.history.replaceState(null, "", path), screen.path);
    await page.reload();
    await expectScreen(page, screen);

    const tab = await context.newPage();
    await tab.goto(screen.path);
    await expectScreen(tab, screen);
    await tab.close();
  }
});

test("a query string survives the round trip through the local login", async ({ page }) => {
  await loginAs(page, SHOP, "/app");
  await page.goto("/app/settings?from=reload");
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  const url = new URL(page.url());
  expect(url.searchParams.get("from")).toBe("reload");
  expect(url.searchParams.get("shop")).toBe(SHOP);
});
