// Shopify event topics end to end (issue 11): a task on shopify/customers/update saved in the editor
// gets its subscription in the local store; a change to the customer there arrives as a real
// signed delivery at /webhooks/shopify, and the task writes a customer metafield. A task on a
// topic whose scope the shop has not granted shows "Needs access to orders" with a button that asks
// for it through App Bridge; once granted, the subscription exists.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { loginAs } from "./support/app";
import { LOCAL_STORE, screenshotScreen } from "./support/ui";
import { resetShopData } from "./support/db";

const SHOP = "demo-store.myshopify.com";
const CUSTOMER = 1002;

const COPY_NOTE_SCRIPT = `{% comment %}Copies the customer's note into a metafield. Writing a metafield is itself a
customers/update: the comparison stops the second run from writing again.{% endcomment %}
{% assign current = customer.metafields.hookline.last_note.value %}
{% if customer.note != blank and current != customer.note %}
  {% action "shopify" %}
    mutation {
      metafieldsSet(metafields: [{ ownerId: {{ customer.admin_graphql_api_id | json }}, namespace: "hookline", key: "last_note", type: "single_line_text_field", value: {{ customer.note | json }} }]) {
        userErrors { field message }
      }
    }
  {% endaction %}
{% endif %}`;

async function subscriptions(request: APIRequestContext): Promise<{ enumValue: string; uri: string }[]> {
  const answer = await (await request.get(`${LOCAL_STORE}/_local/shops/${SHOP}/webhook-subscriptions`)).json();
  return answer.subscriptions;
}

async function createTask(page: import("@playwright/test").Page, name: string, topics: string, script: string) {
  await page.locator("ui-nav-menu").getByRole("link", { name: "Tasks" }).click();
  await page.getByRole("link", { name: "Create task" }).first().click();
  await page.getByLabel("Task name").fill(name);
  await page.getByLabel("Subscriptions").fill(topics);
  await page.getByLabel("Script (Liquid)").fill(script);
  await page.getByRole("button", { name: "Save task" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
}

test.beforeEach(() => resetShopData(SHOP));

test("a task on shopify/customers/update writes a metafield after a real signed delivery", async ({
  page,
  request,
}) => {
  await loginAs(page, SHOP);
  await createTask(page, "Copy the customer note", "shopify/customers/update", COPY_NOTE_SCRIPT);
  await expect(page.getByTestId("access-banner")).toHaveCount(0);

  // Saving subscribed the shop to customers/update at the app's /webhooks/shopify.
  await expect
    .poll(async () => (await subscriptions(request)).map((s) => `${s.enumValue} ${new URL(s.uri).pathname}`), {
      timeout: 20_000,
    })
    .toContain("CUSTOMERS_UPDATE /webhooks/shopify");

  // The merchant changes the customer in Shopify (the local store's API, as its page does).
  const note = `Prefers email ${Date.now()}`;
  const changed = await request.post(`${LOCAL_STORE}/_local/shops/${SHOP}/customers/${CUSTOMER}`, {
    data: { note },
  });
  expect(changed.ok()).toBe(true);

  // Shopify (the store) delivers customers/update, signed; the task writes the metafield.
  await expect
    .poll(
      async () => {
        const answer = await (
          await request.get(`${LOCAL_STORE}/_local/shops/${SHOP}/customers/${CUSTOMER}/metafields`)
        ).json();
        const metafield = (answer.metafields as { namespace: string; key: string; value: string }[]).find(
          (m) => m.namespace === "hookline" && m.key === "last_note",
        );
        return metafield?.value ?? null;
      },
      { timeout: 30_000 },
    )
    .toBe(note);
  const deliveries = await (
    await request.get(`${LOCAL_STORE}/_local/webhooks/deliveries?shop=${SHOP}&topic=customers/update`)
  ).json();
  const toApp = (deliveries.deliveries as { url: string; state: string }[]).filter((d) =>
    d.url.endsWith("/webhooks/shopify"),
  );
  expect(toApp.length).toBeGreaterThan(0);
  expect(toApp.every((d) => d.state !== "failed")).toBe(true);

  // The event is in Hookline's activity, succeeded, with the customer as its data.
  await page.locator("ui-nav-menu").getByRole("link", { name: "Home" }).click();
  const item = page.getByTestId("activity-item").filter({ hasText: "shopify/customers/update" }).first();
  await expect(item).toContainText("Succeeded", { timeout: 30_000 });
  await item.getByRole("link", { name: "shopify/customers/update" }).click();
  await expect(page.getByText(note).first()).toBeVisible();
  await screenshotScreen(page, "shopify-event-customers-update");
});

test("a task needing orders access says so, asks through App Bridge, and subscribes once granted", async ({
  page,
  request,
}) => {
  // A fresh install grants only the required scopes.
  await request.post(`${LOCAL_STORE}/_local/shops/${SHOP}/uninstall`);
  await request.post(`${LOCAL_STORE}/_local/shops/${SHOP}/install`);
  await loginAs(page, SHOP);
  await createTask(page, "Tag big orders", "shopify/orders/create", '{% action "echo", order.id %}');
  const banner = page.getByTestId("access-banner");
  await expect(banner).toContainText("Needs access to orders");
  expect((await subscriptions(request)).map((s) => s.enumValue)).not.toContain("ORDERS_CREATE");
  await screenshotScreen(page, "task-needs-access");

  await page.locator("ui-nav-menu").getByRole("link", { name: "Tasks" }).click();
  const row = page.getByTestId("task-row").filter({ hasText: "Tag big orders" });
  await expect(row.getByTestId("needs-access")).toContainText("Needs access to orders");
  await row.getByRole("link", { name: "Tag big orders" }).click();

  await page.getByRole("button", { name: "Grant access" }).click();
  await expect(page.getByTestId("access-banner")).toHaveCount(0, { timeout: 20_000 });
  const scopes = await (await request.get(`${LOCAL_STORE}/_local/shops/${SHOP}/scopes`)).json();
  expect(JSON.stringify(scopes)).toContain("read_orders");
  await expect
    .poll(async () => (await subscriptions(request)).map((s) => s.enumValue), { timeout: 20_000 })
    .toContain("ORDERS_CREATE");
});
