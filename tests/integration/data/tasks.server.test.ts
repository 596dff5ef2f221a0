// The task rules (app/domain/tasks/rules.ts) hold wherever a task comes in: the model, the app's
// Import button and `hookline tasks import` refuse the same things with the same message.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hookline } from "../../support/hookline-cli";
import prisma from "~/data/db.server";
import { createTask, importTaskJson, TaskValidationError } from "~/data/tasks.server";
import { importTaskJson as importFromScreen, saveTaskFromForm } from "~/services/admin/tasks.server";
import { EMPTY_TASK_FORM } from "~/domain/tasks/task-form";
import { MAX_SCRIPT_LENGTH, MAX_TASK_JSON_LENGTH } from "~/domain/tasks/rules";

const shop = `rules-${randomUUID().slice(0, 8)}.myshopify.com`;

async function refusal(promise: Promise<unknown>): Promise<TaskValidationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TaskValidationError);
  return error as TaskValidationError;
}

describe("the task model", () => {
  it("refuses a blank or long name and a long script, naming the field", async () => {
    const blank = await refusal(createTask(shop, { name: "  ", subscriptions: "user/a/b", script: "" }));
    expect([blank.field, blank.message]).toEqual(["name", "Name is required"]);
    const long = await refusal(createTask(shop, { name: "x".repeat(256), subscriptions: "user/a/b", script: "" }));
    expect([long.field, long.message]).toEqual(["name", "Name is 256 characters; the limit is 255"]);
    const script = await refusal(
      createTask(shop, { name: "Big", subscriptions: "user/a/b", script: "x".repeat(MAX_SCRIPT_LENGTH + 1) }),
    );
    expect(script.field).toBe("script");
    const subscriptions = await refusal(createTask(shop, { name: "Subs", subscriptions: "nope", script: "" }));
    expect(subscriptions.field).toBe("subscriptions");
    expect(await prisma.task.count({ where: { shop } })).toBe(0);
  });
});

describe("task JSON over 2 MB", () => {
  const tooBig = JSON.stringify({
    name: "Big",
    subscriptions: ["user/a/b"],
    script: "",
    docs: "x".repeat(MAX_TASK_JSON_LENGTH),
  });
  const message = `Task JSON is ${tooBig.length} characters; the limit is ${MAX_TASK_JSON_LENGTH} (2 MB)`;

  it("is refused by the model and the app's import", async () => {
    expect((await refusal(importTaskJson(shop, tooBig))).message).toBe(message);
    expect(await importFromScreen(shop, tooBig)).toEqual({ ok: false, errors: [message] });
  });

  it("is refused by `hookline tasks import`", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "hookline-rules-")), "big.json");
    writeFileSync(file, tooBig);
    const result = await hookline(["tasks", "import", "--shop", shop, file]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`hookline: ${message}`);
    expect(await prisma.task.count({ where: { shop } })).toBe(0);
  });
});

describe("topics Hookline never produces", () => {
  const emailTask = JSON.stringify({
    name: "Forward received email",
    subscriptions: ["mechanic/user/trigger", "mechanic/emails/received"],
    script: '{% action "echo" event.data %}',
  });

  it("are refused by the model, the editor, the app's import and `hookline tasks import`, naming topic and reason", async () => {
    const model = await refusal(
      createTask(shop, { name: "Bulk", subscriptions: "mechanic/shopify/bulk_operation", script: "" }),
    );
    expect(model.field).toBe("subscriptions");
    expect(model.message).toContain('Hookline never produces "mechanic/shopify/bulk_operation"');

    const form = await saveTaskFromForm(shop, null, {
      ...EMPTY_TASK_FORM,
      name: "Admin link",
      subscriptions: "user/a/b\nmechanic/user/order",
      script: "",
    });
    expect(form).toMatchObject({ ok: false, errors: { subscriptions: expect.stringContaining("Line 2:") } });
    expect(JSON.stringify(form)).toContain("admin action links");

    const imported = await importFromScreen(shop, emailTask);
    expect(imported.ok).toBe(false);
    expect(JSON.stringify(imported)).toContain('Hookline never produces \\"mechanic/emails/received\\"');

    const file = join(mkdtempSync(join(tmpdir(), "hookline-rules-")), "email.json");
    writeFileSync(file, emailTask);
    const cli = await hookline(["tasks", "import", "--shop", shop, file]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('Hookline never produces "mechanic/emails/received": Hookline has no inbound email');
    expect(await prisma.task.count({ where: { shop } })).toBe(0);
  });
});
