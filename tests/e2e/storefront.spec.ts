// The customer-metafield pattern in Chromium: the theme app extension's block, rendered by the local
// store's storefront preview (origin 127.0.0.1:3101), POSTs across origins to the app's ingress
// (localhost:3100); the worker runs the metafield task, which writes the customer metafield in the
// local store; the block's polling (Section Rendering API) shows the value without a reload.
import { execFileSync } from "node:child_process";
import { expect, test, type Page, type Request } from "@playwright/test";
import { expectAccessible, loginAs, screenshot } from "./support/app";
import { E2E_HELPER_ENV, hooklineJson } from "./support/e2e-db";
import { LOCAL_STORE } from "./support/ui";

const SHOP = "demo-store.myshopify.com";
const PREVIEW = `${LOCAL_STORE}/_local/storefront/${SHOP}`;
const RESULT_TOPIC = "user/storefront/result";
const BROKEN_TOPIC = "user/storefront/broken";

let resultWebhook: { id: string; url: string };
let brokenWebhook: { id: string; url: string };

/** Creates tasks with the app's own models in the e2e database (the tasks CLI may not exist yet). */
function createTasks(): void {
  const script = `(async () => {
    const { createTask, draftToInput } = await import("./app/data/tasks.server.ts");
    const { findTaskTemplate } = await import("./app/domain/tasks/templates.ts");
    const template = findTaskTemplate("customer-metafield");
    await createTask(${JSON.stringify(SHOP)}, { ...draftToInput(template.draft), name: "Storefront result", subscriptions: ${JSON.stringify(RESULT_TOPIC)} });
    await createTask(${JSON.stringify(SHOP)}, { name: "Storefront lookup (broken)", subscriptions: ${JSON.stringify(BROKEN_TOPIC)}, script: '{% error "the lookup service is down" %}' });
  })().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });`;
  execFileSync("npx", ["tsx", "-e", script], {
    // The app modules keep Redis connections open: exit explicitly (above), and never wait forever.
    timeout: 120_000,
    env: E2E_HELPER_ENV,
    encoding: "utf8",
  });
}

test.beforeAll(async ({ browser }) => {
  // Opening the app installs it for the shop: an offline session for the worker and the customer
  // metafield definition in the store (afterAuth).
  const page = await browser.newPage();
  await loginAs(page, SHOP);
  await page.close();
  resultWebhook = hooklineJson([
    "webhooks",
    "create",
    "--shop",
    SHOP,
    "--name",
    "Storefront result",
    "--topic",
    RESULT_TOPIC,
  ]);
  brokenWebhook = hooklineJson([
    "webhooks",
    "create",
    "--shop",
    SHOP,
    "--name",
    "Storefront broken",
    "--topic",
    BROKEN_TOPIC,
  ]);
  createTasks();
});

function previewUrl(customer: number | null, settings: Record<string, string>): string {
  const query = new URLSearchParams(settings);
  if (customer !== null) query.set("customer", String(customer));
  return `${PREVIEW}?${query.toString()}`;
}

function block(page: Page) {
  return page.locator("[data-hookline-block]");
}

/** Requests the page sends to a webhook URL (the POSTs; Chromium handles the preflight itself). */
function webhookRequests(page: Page, url: string): Request[] {
  const seen: Request[] = [];
  page.on("request", (request) => {
    if (request.url() === url) seen.push(request);
  });
  return seen;
}

async function storedMetafield(request: import("@playwright/test").APIRequestContext, customer: number) {
  const response = await request.get(`${LOCAL_STORE}/_local/shops/${SHOP}/customers/${customer}/metafields`);
  const body = (await response.json()) as {
    metafields: { namespace: string; key: string; type: string; value: string }[];
  };
  return body.metafields.find((m) => m.namespace === "hookline" && m.key === "webhook_data") ?? null;
}

test("customer 1001 clicks the button: the POST crosses origins to ingress, the task writes the metafield, the block shows it without a reload", async ({
  page,
  request,
}) => {
  expect(await storedMetafield(request, 1001)).toBeNull();
  const posts = webhookRequests(page, resultWebhook.url);
  await page.goto(
    previewUrl(1001, { webhook_url: resultWebhook.url, input_label: "Favourite colour", poll_interval: "1" }),
  );
  await expect(page.getByTestId("storefront-customer")).toHaveText("Ada Lovelace");
  await expect(block(page)).toHaveAttribute("data-state", "idle");
  await expect(page.getByRole("heading", { name: "Your result" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "storefront-idle");

  // A marker that a reload would wipe out.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await page.getByLabel("Favourite colour").fill("teal <b>bold</b>");
  await page.getByRole("button", { name: "Get my result" }).click();
  await expect(block(page)).toHaveAttribute("data-state", "working");
  await expect(page.getByRole("status")).toHaveText("Working on it…");
  await expect(page.getByRole("button", { name: "Get my result" })).toBeDisabled();
  await screenshot(page, "storefront-working");

  await expect(block(page)).toHaveAttribute("data-state", "result", { timeout: 30_000 });
  await expect(page.getByRole("status")).toHaveText("Your result is ready.");
  const value = page.locator("[data-hookline-value]");
  await expect(value).toContainText('"message":"teal <b>bold</b>"'); // shown as text, not markup
  await expect(value.locator("b")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await expectAccessible(page);
  await screenshot(page, "storefront-result");

  // The browser sent one cross-origin JSON POST and was allowed to read the answer.
  expect(posts).toHaveLength(1);
  const post = posts[0];
  expect(post.method()).toBe("POST");
  const sent = await post.allHeaders(); // includes Origin, which the network stack adds
  expect(sent["origin"]).toBe(LOCAL_STORE);
  expect(sent["content-type"]).toBe("application/json");
  const body = post.postDataJSON() as Record<string, string>;
  expect(body).toMatchObject({ customer_id: "1001", message: "teal <b>bold</b>" });
  expect(body.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const answer = await post.response();
  expect(answer?.status()).toBe(204);
  expect(answer?.headers()["access-control-allow-origin"]).toBeTruthy();

  // The value lives in the store, written by the task: only the value, not the request id (issue 13).
  const metafield = await storedMetafield(request, 1001);
  expect(metafield?.type).toBe("json");
  expect(JSON.parse(metafield!.value)).toEqual({ message: "teal <b>bold</b>" });

  // Reloading now renders the stored value straight away, with no button.
  await page.reload();
  await expect(block(page)).toHaveAttribute("data-state", "result");
  await expect(page.getByRole("button", { name: "Get my result" })).toHaveCount(0);
});

test("a visitor who is not logged in sees a login prompt and never posts", async ({ page }) => {
  const posts = webhookRequests(page, resultWebhook.url);
  await page.goto(previewUrl(null, { webhook_url: resultWebhook.url }));
  await expect(block(page)).toHaveAttribute("data-state", "logged-out");
  await expect(page.getByText("Log in to get your result.")).toBeVisible();
  await expect(page.getByRole("button")).toHaveCount(0);
  await expect(block(page)).not.toHaveAttribute("data-webhook-url", /.*/);
  await expectAccessible(page);
  await screenshot(page, "storefront-logged-out");
  await page.waitForTimeout(1500);
  expect(posts).toHaveLength(0);

  // The prompt leads to the (preview's) login, which lists the demo customers.
  await block(page).getByRole("link", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: `Log in to Demo Store` })).toBeVisible();
  await page.getByRole("link", { name: "Grace Hopper (customer 1002)" }).click();
  await expect(page.getByTestId("storefront-customer")).toHaveText("Grace Hopper");
  await expect(block(page)).toHaveAttribute("data-state", "idle");
});

test("a task that fails: the block gives up after its timeout and offers to try again", async ({ page, request }) => {
  await page.goto(previewUrl(1003, { webhook_url: brokenWebhook.url, poll_interval: "1", timeout: "5" }));
  await expect(block(page)).toHaveAttribute("data-state", "idle");
  const started = Date.now();
  await page.getByRole("button", { name: "Get my result" }).click();
  await expect(block(page)).toHaveAttribute("data-state", "working");
  await expect(block(page)).toHaveAttribute("data-state", "timeout", { timeout: 20_000 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
  await expect(page.getByRole("status")).toHaveText("This is taking longer than expected. Try again in a moment.");
  await expect(page.getByRole("button", { name: "Try again" })).toBeEnabled();
  await screenshot(page, "storefront-timeout");
  expect(await storedMetafield(request, 1003)).toBeNull();
});

test("two customers at once each get their own value", async ({ browser, request }) => {
  const grace = await browser.newPage();
  const katherine = await browser.newPage();
  try {
    const settings = { webhook_url: resultWebhook.url, input_label: "Your note", poll_interval: "1" };
    await grace.goto(previewUrl(1002, settings));
    await katherine.goto(previewUrl(1004, settings));
    await grace.getByLabel("Your note").fill("note from Grace");
    await katherine.getByLabel("Your note").fill("note from Katherine");
    await Promise.all([
      grace.getByRole("button", { name: "Get my result" }).click(),
      katherine.getByRole("button", { name: "Get my result" }).click(),
    ]);
    await expect(block(grace)).toHaveAttribute("data-state", "result", { timeout: 30_000 });
    await expect(block(katherine)).toHaveAttribute("data-state", "result", { timeout: 30_000 });
    await expect(grace.locator("[data-hookline-value]")).toContainText("note from Grace");
    await expect(grace.locator("[data-hookline-value]")).not.toContainText("Katherine");
    await expect(katherine.locator("[data-hookline-value]")).toContainText("note from Katherine");
    await expect(katherine.locator("[data-hookline-value]")).not.toContainText("Grace");
    expect(JSON.parse((await storedMetafield(request, 1002))!.value).message).toBe("note from Grace");
    expect(JSON.parse((await storedMetafield(request, 1004))!.value).message).toBe("note from Katherine");
    await screenshot(katherine, "storefront-second-customer");
  } finally {
    await grace.close();
    await katherine.close();
  }
});

test("when the request cannot be sent, the block says so and offers to try again", async ({ page }) => {
  // Nothing listens on port 9 (discard): the POST fails in the browser.
  await page.goto(previewUrl(1005, { webhook_url: "http://127.0.0.1:9/webhook/unreachable", poll_interval: "1" }));
  await page.getByRole("button", { name: "Get my result" }).click();
  await expect(block(page)).toHaveAttribute("data-state", "error");
  await expect(page.getByRole("status")).toHaveText(
    "Your request could not be sent. Check your connection and try again.",
  );
  await expect(page.getByRole("button", { name: "Try again" })).toBeEnabled();
  await screenshot(page, "storefront-error");
});
