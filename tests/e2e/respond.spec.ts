// A webhook that answers with data (issue 15) in Chromium: switch a webhook to "Wait for a task's
// response" on its page, create the task from the "Respond with a quote" template (its dry run shows
// the response it would send), then a browser fetch from another origin gets the computed quote.
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { loginAs, screenshot } from "./support/app";
import { E2E_HELPER_ENV, hooklineJson } from "./support/e2e-db";
import { LOCAL_STORE, expectToast, screenshotScreen } from "./support/ui";

const SHOP = "demo-store.myshopify.com";
const TOPIC = "user/quote/requested";

test("wait mode in the UI, the quote template, and a browser fetch that shows the answer", async ({ page }) => {
  test.setTimeout(180_000);
  await loginAs(page, SHOP);
  const webhook = hooklineJson<{ id: string; url: string; responseMode: string }>([
    "webhooks",
    "create",
    "--shop",
    SHOP,
    "--name",
    "Quotes",
    "--topic",
    TOPIC,
  ]);
  expect(webhook.responseMode).toBe("immediate");

  // The webhook's page: switch to wait mode with a 15 s timeout and save.
  await loginAs(page, SHOP, `/app/webhooks/${webhook.id}`);
  await expect(page.getByRole("heading", { name: "Quotes", level: 1 })).toBeVisible();
  await page.getByText("Wait for a task's response").click();
  await page.getByLabel("Response timeout (seconds)").fill("15");
  await page.getByRole("button", { name: "Save" }).click();
  await expectToast(page, /saved/i);
  await expect
    .poll(() => hooklineJson(["webhooks", "show", webhook.id, "--shop", SHOP, "--json"]), { timeout: 15_000 })
    .toMatchObject({ responseMode: "wait", responseTimeoutSeconds: 15 });
  await screenshotScreen(page, "webhook-wait-mode");

  // The task, from the template; the dry run shows what the caller would get.
  await page.locator("ui-nav-menu").getByRole("link", { name: "Tasks" }).click();
  await page.getByRole("link", { name: "Create task" }).first().click();
  await expect(page.getByRole("heading", { name: "New task", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Use the Respond with a quote template" }).click();
  await expect(page.getByLabel("Subscriptions")).toHaveValue(TOPIC);
  await page.getByLabel("Event data (JSON)").fill('{"lines": [{"quantity": 3, "price": "4.50"}]}');
  await page.getByRole("button", { name: "Run dry run" }).click();
  await expect(page.getByTestId("dry-run-response")).toContainText("HTTP 200");
  await expect(page.getByTestId("dry-run-response")).toContainText('"total":13.5');
  await page.getByRole("button", { name: "Save task" }).click();
  await expect(page.getByRole("heading", { name: "Respond with a quote", level: 1 })).toBeVisible();

  // A page on another origin (the local store's) posts cart lines and shows the answer.
  await page.goto(`${LOCAL_STORE}/_local/health`);
  const answer = await page.evaluate(async (url) => {
    const started = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        lines: [
          { quantity: 2, price: "12.50" },
          { quantity: 1, price: 5 },
        ],
      }),
    });
    const body = await response.json();
    const ms = Math.round(performance.now() - started);
    document.body.innerHTML = "";
    const pre = document.createElement("pre");
    pre.id = "answer";
    pre.textContent = `${response.status} in ${ms} ms, X-Request-Id ${response.headers.get("x-request-id")}\n${JSON.stringify(body, null, 2)}`;
    document.body.appendChild(pre);
    return { status: response.status, body, requestId: response.headers.get("x-request-id") };
  }, webhook.url);
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ quantity: 3, subtotal: 30, total: 30, discount: 0 });
  expect(answer.requestId).toBeTruthy();
  await expect(page.locator("#answer")).toContainText('"total": 30');
  await screenshotScreen(page, "respond-browser-fetch");

  // The event page shows what the caller got.
  await loginAs(page, SHOP, "/app");
  const item = page.getByTestId("activity-item").filter({ hasText: TOPIC }).first();
  await expect(item).toContainText("Succeeded", { timeout: 30_000 });
  await item.getByRole("link", { name: TOPIC }).click();
  await expect(page.getByTestId("event-response")).toContainText("200 after");
  await expect(page.getByTestId("event-response-sent")).toContainText('\\"total\\":30');
  await screenshotScreen(page, "respond-event");
});

test("the storefront block shows a wait-mode webhook's answer at once, without polling", async ({ page }) => {
  test.setTimeout(120_000);
  await loginAs(page, SHOP);
  const webhook = hooklineJson<{ id: string; url: string }>([
    "webhooks",
    "create",
    "--shop",
    SHOP,
    "--name",
    "Block answers",
    "--topic",
    "user/block/answer",
    "--response",
    "wait",
    "--response-timeout",
    "15",
  ]);
  const script = `(async () => {
    const { createTask } = await import("./app/data/tasks.server.ts");
    await createTask(${JSON.stringify(SHOP)}, { name: "Block answer", subscriptions: "user/block/answer", script: '{% assign text = "Your note: " | append: event.data.message %}{% action "respond", body: text %}' });
  })().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });`;
  execFileSync("npx", ["tsx", "-e", script], {
    // The app modules keep Redis connections open: exit explicitly (above), and never wait forever.
    timeout: 120_000,
    env: E2E_HELPER_ENV,
    encoding: "utf8",
  });

  const sectionRequests: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("section_id=")) sectionRequests.push(request.url());
  });
  const query = new URLSearchParams({
    customer: "1002",
    webhook_url: webhook.url,
    input_label: "Your note",
    wait_for_response: "true",
    poll_interval: "1",
  });
  await page.goto(`${LOCAL_STORE}/_local/storefront/${SHOP}?${query.toString()}`);
  const block = page.locator("[data-hookline-block]");
  await expect(block).toHaveAttribute("data-state", "idle");
  await expect(block).toHaveAttribute("data-wait-response", "true");
  await page.getByLabel("Your note").fill("<b>hello</b>");
  await page.getByRole("button", { name: "Get my result" }).click();
  await expect(block).toHaveAttribute("data-state", "result", { timeout: 30_000 });
  // Shown as text, never as HTML.
  await expect(block.locator("[data-hookline-value]")).toHaveText("Your note: <b>hello</b>");
  await expect(page.getByRole("status")).toHaveText("Your result is ready.");
  expect(sectionRequests).toEqual([]);
  await screenshot(page, "storefront-wait-mode");
});
