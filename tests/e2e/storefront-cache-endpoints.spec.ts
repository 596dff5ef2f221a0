// Cache endpoints in Chromium against the production build: reached from Settings, a refused key,
// create, a task caches a webhook's data, the public URL (read from another origin) returns it, and
// delete (after confirming) makes the URL answer 404.
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { expectAccessible, loginAs, screenshot } from "./support/app";
import { E2E_APP_URL, E2E_HELPER_ENV, hooklineJson } from "./support/e2e-db";
import { expectToast, LOCAL_STORE } from "./support/ui";

const SHOP = "demo-store.myshopify.com";
const TOPIC = "user/quote/cached";
const KEY = "e2e/quote";

function createCachingTask(): void {
  const script = `(async () => {
    const { createTask } = await import("./app/data/tasks.server.ts");
    await createTask(${JSON.stringify(SHOP)}, { name: "Cache the quote", subscriptions: ${JSON.stringify(TOPIC)}, script: '{% action "cache", "set", ${JSON.stringify(KEY)}, event.data %}' });
  })().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });`;
  execFileSync("npx", ["tsx", "-e", script], {
    // The app modules keep Redis connections open: exit explicitly (above), and never wait forever.
    timeout: 120_000,
    env: E2E_HELPER_ENV,
    encoding: "utf8",
  });
}

test("a merchant creates a cache endpoint in Settings; its URL returns what the task cached, until deleted", async ({
  page,
  request,
}) => {
  await loginAs(page, SHOP, "/app/settings");
  await page.getByRole("link", { name: "Manage cache endpoints" }).click();
  await expect(page.getByRole("heading", { name: "Cache endpoints", level: 1 })).toBeVisible();
  await expect(page.getByText("No cache endpoints yet.")).toBeVisible();

  await page.getByLabel("Cache key").fill("not a key");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page.getByText("A cache key may only contain letters, digits and _ : - . /")).toBeVisible();
  await expect(page.getByLabel("Cache key")).toHaveValue("not a key");

  await page.getByLabel("Cache key").fill(KEY);
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await expectToast(page, `Endpoint created for ${KEY}`);
  const row = page.getByTestId("cache-endpoint-row").filter({ hasText: KEY });
  await expect(row).toContainText("No value now (404)");
  const url = await row.getByTestId("copy-field-value").inputValue();
  expect(url).toMatch(new RegExp(`^${E2E_APP_URL}/cache/[0-9a-f-]{36}$`));
  expect((await request.get(url)).status()).toBe(404);

  // A task caches what a webhook receives.
  const webhook = hooklineJson<{ url: string }>([
    "webhooks",
    "create",
    "--shop",
    SHOP,
    "--name",
    "Quotes",
    "--topic",
    TOPIC,
  ]);
  createCachingTask();
  expect((await request.post(webhook.url, { data: { quote: 42, id: "12345678901234567890" } })).status()).toBe(204);
  await expect.poll(async () => (await request.get(url)).status(), { timeout: 30_000 }).toBe(200);
  const answer = await request.get(url);
  expect(answer.headers()["content-type"]).toBe("application/json; charset=utf-8");
  expect(answer.headers()["cache-control"]).toBe("no-store");
  expect(await answer.json()).toEqual({ quote: 42, id: "12345678901234567890" });

  // Another origin's page can read it in the browser (CORS open to all origins).
  await page.goto(`${LOCAL_STORE}/_local/health`);
  const fromOtherOrigin = await page.evaluate(async (target) => {
    const response = await fetch(target);
    return { status: response.status, body: await response.json() };
  }, url);
  expect(fromOtherOrigin).toEqual({ status: 200, body: { quote: 42, id: "12345678901234567890" } });

  await loginAs(page, SHOP, "/app/cache-endpoints");
  await expect(row).toContainText("Has a value until");
  await expectAccessible(page);
  await screenshot(page, "cache-endpoints");

  // Delete asks first; Cancel keeps it.
  await row.getByRole("button", { name: `Delete the endpoint for ${KEY}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Its URL will answer 404 from now on.");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  expect((await request.get(url)).status()).toBe(200);
  await row.getByRole("button", { name: `Delete the endpoint for ${KEY}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete endpoint" }).click();
  await expectToast(page, "Endpoint deleted; its URL now answers 404");
  await expect(page.getByTestId("cache-endpoint-row")).toHaveCount(0);
  expect((await request.get(url)).status()).toBe(404);
  expect((await request.post(url)).status()).toBe(405);
});
