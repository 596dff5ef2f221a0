import { expect, test } from "@playwright/test";
import { expectAccessible, loginAs, screenshot } from "./support/app";

test("a new merchant opens the app through the local login and sees the embedded home", async ({ page }) => {
  await loginAs(page);
  await expect(page).toHaveURL(/\/app\?.*embedded=1/);
  await expect(page.getByRole("heading", { name: "Hookline", level: 1 })).toBeVisible();
  await expect(page.getByText("Recent activity")).toBeVisible();
  // Polaris styles are applied (its CSS custom properties exist on the document).
  const polarisLoaded = await page.evaluate(() =>
    getComputedStyle(document.documentElement).getPropertyValue("--p-color-bg").trim(),
  );
  expect(polarisLoaded).not.toBe("");
  // The App Bridge stub is in place: the shopify global answers idToken().
  const token = await page.evaluate(async () =>
    (window as unknown as { shopify: { idToken(): Promise<string> } }).shopify.idToken(),
  );
  expect(token.split(".")).toHaveLength(3);
  await screenshot(page, "home");
  await expectAccessible(page);
});

test("without a session token the app does not render", async ({ request }) => {
  const response = await request.get("/app", { maxRedirects: 0 });
  expect([302, 401, 410]).toContain(response.status());
});
