// A scheduler task whose tick the test's clock decides: `hookline scheduler tick --at` creates the
// tick's event (what the worker's job scheduler does at that time), once however often it is asked,
// and the subscribed task runs on it.
import { expect, test } from "@playwright/test";
import { loginAs } from "./support/app";
import { resetShopData } from "./support/db";
import { hooklineJson } from "./support/e2e-db";
import { screenshotScreen } from "./support/ui";

const SHOP = "other-store.myshopify.com";

test.beforeAll(() => resetShopData(SHOP));

test("a daily task runs on the tick the test's clock names, once per tick", async ({ page }) => {
  await loginAs(page, SHOP, "/app/tasks");
  await page.getByRole("button", { name: "Import task JSON" }).click();
  await page.getByRole("textbox", { name: "Task JSON" }).fill(
    JSON.stringify({
      name: "Nightly report",
      subscriptions: ["mechanic/scheduler/daily"],
      script: '{% action "echo" %}{"topic": {{ event.topic | json }}}{% endaction %}',
    }),
  );
  await page.getByRole("dialog").getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("heading", { name: "Nightly report", level: 1 })).toBeVisible();

  const args = ["scheduler", "tick", "--shop", SHOP, "--interval", "daily"];
  const first = hooklineJson<{ eventId: string; tick: string }>([...args, "--at", "2027-01-04T00:00:30Z"]);
  expect(first.tick).toBe("2027-01-04T00:00:00.000Z"); // the shop's midnight (UTC until its zone is read)
  // Another worker, a retry, a later look within the same day: the same event.
  const again = hooklineJson<{ eventId: string }>([...args, "--at", "2027-01-04T17:45:00Z"]);
  expect(again.eventId).toBe(first.eventId);
  const nextDay = hooklineJson<{ eventId: string }>([...args, "--at", "2027-01-05T00:00:01Z"]);
  expect(nextDay.eventId).not.toBe(first.eventId);

  // The CLI's job may land where no worker listens; the worker's recovery sweep picks the event up.
  await expect(async () => {
    await loginAs(page, SHOP, `/app/events/${first.eventId}`);
    await expect(page.getByText("mechanic/scheduler/daily").first()).toBeVisible({ timeout: 5_000 });
    await expect(page.getByTestId("action-result-echo")).toContainText('"topic": "mechanic/scheduler/daily"', {
      timeout: 2_000,
    });
  }).toPass({ timeout: 45_000 });
  await screenshotScreen(page, "scheduler-tick-event");
});
