// "Run task" in the browser: a user form built from the task's userform options, whose values the
// task reads as input.<name>; and an email task run from the task list, its message caught by the
// local store's mail catcher (SMTP_URL points there in e2e).
import { expect, test, type Page } from "@playwright/test";
import { loginAs } from "./support/app";
import { resetShopData } from "./support/db";
import { LOCAL_STORE, screenshotScreen } from "./support/ui";

const SHOP = "other-store.myshopify.com";

test.describe.configure({ mode: "serial" });
test.beforeAll(() => resetShopData(SHOP));

async function importTask(page: Page, task: Record<string, unknown>): Promise<void> {
  await loginAs(page, SHOP, "/app/tasks");
  await page.getByRole("button", { name: "Import task JSON" }).click();
  await page.getByRole("textbox", { name: "Task JSON" }).fill(JSON.stringify(task));
  await page.getByRole("dialog").getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("heading", { name: String(task.name), level: 1 })).toBeVisible();
}

test("a user form run: the form shows the userform options, the task reads input.<name>", async ({ page }) => {
  await importTask(page, {
    name: "Schedule a launch",
    subscriptions: ["mechanic/user/form"],
    script: [
      "{% assign launch = options.launch_date__date_required_userform %}",
      "{% assign note = options.note__multiline_userform %}",
      "{% assign team = options.team_email__email %}",
      '{% action "echo" %}{"launch": {{ input.launch_date | json }}, "note": {{ input.note | json }}}{% endaction %}',
    ].join("\n"),
    options: { team_email__email: "team@example.com" },
  });
  await page.getByRole("button", { name: "Run task" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Launch date (required)")).toBeVisible();
  await expect(dialog.getByLabel("Note")).toBeVisible();
  await expect(dialog.getByLabel("Team email")).toHaveCount(0); // not a userform option
  // A required value left out is refused, nothing is created.
  await dialog.getByRole("button", { name: "Run with these values" }).click();
  await expect(dialog.getByText("Launch date is required")).toBeVisible();
  await dialog.getByLabel("Launch date (required)").fill("2027-03-01");
  await dialog.getByLabel("Note").fill("Spring collection");
  await screenshotScreen(page, "run-task-user-form");
  await dialog.getByRole("button", { name: "Run with these values" }).click();
  await expect(dialog.getByText("Task run started")).toBeVisible();
  await dialog
    .getByRole("link")
    .filter({ hasText: /^[0-9a-f-]{36}$/ })
    .click();
  await expect(page.getByTestId("event-data")).toContainText('"launch_date": "2027-03-01"');
  await expect(page.getByTestId("action-result-echo")).toContainText('"note": "Spring collection"', {
    timeout: 30_000,
  });
  await screenshotScreen(page, "run-task-event");
});

test("an email task run from the task list reaches the mail catcher", async ({ page, request }) => {
  await request.delete(`${LOCAL_STORE}/_local/mail`);
  await importTask(page, {
    name: "Email the team",
    subscriptions: ["mechanic/user/trigger"],
    script:
      '{% action "email" %}{"to": "team@example.com", "subject": "Hello from {{ shop.name }}", "body": "<h1>It works</h1>", "from_display_name": "Hookline e2e"}{% endaction %}',
  });
  await page.getByRole("link", { name: "Tasks" }).first().click();
  await page.getByRole("link", { name: "Run Email the team" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Run now" }).click();
  await expect(dialog.getByText("Task run started")).toBeVisible();
  await expect
    .poll(
      async () => {
        const { messages } = await (await request.get(`${LOCAL_STORE}/_local/mail?to=team@example.com`)).json();
        return messages.map((m: { subject: string }) => m.subject);
      },
      { timeout: 30_000 },
    )
    .toEqual([expect.stringMatching(/^Hello from /)]);
  await page.goto(`${LOCAL_STORE}/_local/mail/view`);
  await expect(page.frameLocator("iframe").getByRole("heading", { name: "It works" })).toBeVisible();
  await screenshotScreen(page, "run-task-email-caught");
});
