import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, asData, call, getRequest, postRequest, seedSession, statusOf } from "./support";
import prisma from "~/data/db.server";
import { createTask } from "~/data/tasks.server";
import * as index from "~/routes/app.tasks._index";
import * as create from "~/routes/app.tasks.new";
import * as edit from "~/routes/app.tasks.$id";
import type { TaskFormState } from "~/domain/tasks/task-form";

const ECHO = '{% action "echo", event.data %}';

function form(state: Partial<TaskFormState>): string {
  return JSON.stringify({
    name: "",
    subscriptions: "",
    script: "",
    options: {},
    performActionRunsInSequence: false,
    haltActionRunSequenceOnError: false,
    enabled: true,
    ...state,
  });
}

/** Posts the editor's dry run of `taskId`: the form's fields, and what the dry run previews with. */
async function dryRun(taskId: string, fields: Partial<TaskFormState>, preview: Record<string, unknown> = {}) {
  return asData(
    await call(
      edit.action,
      postRequest(SHOP_A, `/app/tasks/${taskId}`, {
        intent: "dry-run",
        payload: JSON.stringify({ ...JSON.parse(form(fields)), ...preview }),
      }),
      { id: taskId },
    ),
  );
}

describe("Task screens", () => {
  beforeAll(async () => {
    await seedSession(SHOP_A);
  });

  it("creates a task from the editor and shows its action preview sentence", async () => {
    const result = await call(
      create.action,
      postRequest(SHOP_A, "/app/tasks/new", {
        intent: "save",
        payload: form({ name: "Webhook test", subscriptions: "user/webhook/test", script: ECHO }),
      }),
    );
    expect(statusOf(result)).toBe(302);
    const id = (result as Response).headers.get("Location")!.match(/tasks\/([0-9a-f-]{36})/)![1]!;
    const row = await prisma.task.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      shop: SHOP_A,
      name: "Webhook test",
      subscriptions: "user/webhook/test",
      script: ECHO,
      enabled: true,
    });
    const page = asData(await call(edit.loader, getRequest(SHOP_A, `/app/tasks/${id}`), { id }));
    expect(page.sentence).toMatch(/^When user\/webhook\/test is triggered… Echo/);
    expect(JSON.parse(page.exportJson)).toMatchObject({
      name: "Webhook test",
      script: ECHO,
      subscriptions: ["user/webhook/test"],
    });
  });

  it("refuses bad subscriptions and invalid options with field errors, and stores nothing", async () => {
    const before = await prisma.task.count();
    const result = asData(
      await call(
        create.action,
        postRequest(SHOP_A, "/app/tasks/new", {
          intent: "save",
          payload: form({
            name: "Bad",
            subscriptions: "user/webhook/test\nUser/Foo/bar\nuser/x/y+3.fortnights",
            script: "{{ options.days__number_required }} {{ options.email__email }}",
            options: { days__number_required: "soon", email__email: "not-an-email" },
          }),
        }),
      ),
    );
    if (!("errors" in result) || result.ok) throw new Error("expected errors");
    expect(result.errors.subscriptions).toContain("Line 2");
    expect(result.errors.subscriptions).toContain("Line 3");
    expect(result.errors.options?.days__number_required).toBe("Days must be a number");
    expect(result.errors.options?.email__email).toBe("Email must be an email address");
    expect(await prisma.task.count()).toBe(before);
  });

  it("stores typed option values from the generated form", async () => {
    const task = await createTask(SHOP_A, {
      name: "Options",
      subscriptions: "user/a/b",
      script: "{{ options.days__number }}{{ options.on__boolean }}{{ options.tags__array }}",
    });
    const result = asData(
      await call(
        edit.action,
        postRequest(SHOP_A, `/app/tasks/${task.id}`, {
          intent: "save",
          payload: form({
            name: "Options",
            subscriptions: "user/a/b",
            script: task.script,
            options: { days__number: "3", on__boolean: true, tags__array: "vip\nwholesale" },
          }),
        }),
        { id: task.id },
      ),
    );
    expect(result).toMatchObject({ ok: true });
    const row = await prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(JSON.parse(row.options)).toEqual({ days__number: 3, on__boolean: true, tags__array: ["vip", "wholesale"] });
    expect(row.version).toBe(2);
  });

  it("dry run renders with event.preview and performs nothing", async () => {
    const task = await createTask(SHOP_A, { name: "Dry", subscriptions: "user/dry/run", script: ECHO });
    const actionRunsBefore = await prisma.actionRun.count();
    const result = await dryRun(
      task.id,
      {
        name: "Dry",
        subscriptions: "user/dry/run",
        script:
          '{% log event.preview %}{% action "echo", event.data %}{% if event.data.bad %}{% error "bad input" %}{% endif %}',
      },
      { topic: "user/dry/run", dataJson: '{"customer_id": 12345678901234567890, "bad": true}' },
    );
    if (!("result" in result) || !result.result.ok) throw new Error(`dry run failed: ${JSON.stringify(result)}`);
    expect(result.result.actions).toHaveLength(1);
    expect(result.result.actions[0]!.type).toBe("echo");
    expect(result.result.actions[0]!.options).toContain("12345678901234567890");
    expect(result.result.logs).toEqual(["true"]);
    expect(result.result.errors).toContain("bad input");
    expect(await prisma.actionRun.count()).toBe(actionRunsBefore);

    const malformed = await dryRun(task.id, { script: ECHO }, { dataJson: "{nope" });
    expect("result" in malformed && !malformed.result.ok && malformed.result.error).toContain("not valid JSON");
  });

  // Issue 15's inline respond form: hash literals in the action tag (decision 0100).
  it("dry run shows the response of the inline respond form; a malformed hash literal is refused at save with its line and column", async () => {
    const inline =
      '{% assign result = event.data %}\n{% action "respond", status: 200, headers: {"content-type": "application/json"}, body: result %}';
    const task = await createTask(SHOP_A, {
      name: "Inline respond",
      subscriptions: "user/quote/requested",
      script: inline,
    });
    const preview = await dryRun(
      task.id,
      { name: "Inline respond", subscriptions: "user/quote/requested", script: inline },
      { topic: "user/quote/requested", dataJson: '{"total": 30.0}' },
    );
    if (!("result" in preview) || !preview.result.ok) throw new Error(`dry run failed: ${JSON.stringify(preview)}`);
    expect(preview.result.errors).toEqual([]);
    expect(preview.result.actions).toHaveLength(1);
    expect(preview.result.actions[0]).toMatchObject({
      type: "respond",
      response: 'HTTP 200\ncontent-type: application/json\n\n{"total":30.0}',
    });

    const broken =
      '{% assign result = event.data %}\n{% action "respond", status: 200,\n  headers: {"content-type" "application/json"}, body: result %}';
    const refused = asData(
      await call(
        create.action,
        postRequest(SHOP_A, "/app/tasks/new", {
          intent: "save",
          payload: form({ name: "Broken literal", subscriptions: "user/quote/requested", script: broken }),
        }),
      ),
    ) as { ok: boolean; errors: { script?: string }; brokenScript?: unknown };
    expect(refused.ok).toBe(false);
    expect(refused.brokenScript).toMatchObject({ line: 3, column: 28 });
    expect(refused.errors.script).toMatch(
      /^Liquid syntax error: expected ":" after the key "content-type" in the hash literal \(line 3, column 28\)\./,
    );
  });

  it("dry run of every subscribed topic: one result per topic, from recent events or Shopify's examples", async () => {
    const task = await createTask(SHOP_A, { name: "Every", subscriptions: "user/every/one", script: ECHO });
    // The shop's latest user/every/one event is what that topic previews with.
    await prisma.event.create({
      data: {
        id: randomUUID(),
        shop: SHOP_A,
        topic: "user/every/one",
        data: '{"from":"recent"}',
        source: "webhook",
      },
    });
    const run = (subscriptions: string) =>
      dryRun(
        task.id,
        { name: "Every", subscriptions, script: '{% action "echo", topic: event.topic, data: event.data %}' },
        { everyTopic: true },
      );
    const result = await run("user/every/one\nshopify/customers/update+1.hour");
    if (!("result" in result) || !result.result.ok) throw new Error(`dry run failed: ${JSON.stringify(result)}`);
    const perTopic = result.result.perTopic!;
    expect(perTopic.map((r) => r.topic)).toEqual(["user/every/one", "shopify/customers/update"]);
    expect(perTopic[0]!.actions[0]!.options).toContain('"from": "recent"');
    // No event of that topic in the shop: Shopify's documented example payload (a customer with an email).
    expect(perTopic[1]!.actions[0]!.options).toContain("email");
    expect(result.result.topic).toBe("user/every/one");

    const none = await run("");
    expect("result" in none && !none.result.ok && none.result.error).toContain("Subscribe the task to a topic");
  });

  it("imports Mechanic task JSON, replacing a task with the same name, and lists it", async () => {
    const json = JSON.stringify({
      name: "Imported",
      script: ECHO,
      subscriptions: ["user/imported/test"],
      options: {},
      online_store_javascript: null,
      some_future_key: { kept: true },
    });
    const first = await call(index.action, postRequest(SHOP_A, "/app/tasks", { intent: "import", json }));
    expect(statusOf(first)).toBe(302);
    const second = await call(
      index.action,
      postRequest(SHOP_A, "/app/tasks", {
        intent: "import",
        json: json.replace("user/imported/test", "user/imported/again"),
      }),
    );
    expect((second as Response).headers.get("Location")).toContain("replaced=1");
    const rows = await prisma.task.findMany({ where: { shop: SHOP_A, name: "Imported" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.subscriptions).toBe("user/imported/again");
    expect(JSON.parse(rows[0]!.extra)).toMatchObject({ some_future_key: { kept: true } });
    const bad = asData(
      await call(index.action, postRequest(SHOP_A, "/app/tasks", { intent: "import", json: "{not json" })),
    );
    expect(bad.ok).toBe(false);
    expect(bad.errors[0]).toContain("not valid JSON");
    const list = asData(await call(index.loader, getRequest(SHOP_A, "/app/tasks")));
    expect(list.tasks.find((t) => t.name === "Imported")?.topics).toEqual(["user/imported/again"]);
  });

  it("disables, enables and deletes", async () => {
    const task = await createTask(SHOP_A, { name: "Toggle", subscriptions: "user/t/t", script: ECHO });
    await call(edit.action, postRequest(SHOP_A, `/app/tasks/${task.id}`, { intent: "disable" }), { id: task.id });
    expect((await prisma.task.findUniqueOrThrow({ where: { id: task.id } })).enabled).toBe(false);
    await call(edit.action, postRequest(SHOP_A, `/app/tasks/${task.id}`, { intent: "enable" }), { id: task.id });
    expect((await prisma.task.findUniqueOrThrow({ where: { id: task.id } })).enabled).toBe(true);
    expect(
      statusOf(
        await call(edit.action, postRequest(SHOP_A, `/app/tasks/${task.id}`, { intent: "delete" }), { id: task.id }),
      ),
    ).toBe(302);
    expect(await prisma.task.findUnique({ where: { id: task.id } })).toBeNull();
    expect(statusOf(await call(edit.loader, getRequest(SHOP_A, `/app/tasks/${task.id}`), { id: task.id }))).toBe(404);
  });

  it("starts from a template with the topic from the URL, and previews the sentence of unsaved edits", async () => {
    const page = asData(
      await call(create.loader, getRequest(SHOP_A, "/app/tasks/new?template=echo&topic=user/from/url")),
    );
    expect(page.templates.map((t) => t.id)).toEqual([
      "echo",
      "customer-metafield",
      "forward-to-url",
      "respond-with-quote",
    ]);
    expect(page.initial.script).toContain('{% action "echo", event.data %}');
    expect(page.initial.subscriptions).toBe("user/from/url");
    expect(page.sentence).toBe("When user/from/url is triggered… Echo");

    const metafield = asData(
      await call(create.loader, getRequest(SHOP_A, "/app/tasks/new?template=customer-metafield")),
    );
    expect(metafield.initial.options).toMatchObject({
      metafield_namespace__required: "hookline",
      metafield_type__required: "json",
    });

    const live = asData(
      await call(
        create.action,
        postRequest(SHOP_A, "/app/tasks/new", {
          intent: "sentence",
          payload: form({
            subscriptions: "user/a/b\nuser/c/d+1.hour",
            script: '{% action "http", url: "https://example.com" %}{% action "echo", 1 %}',
          }),
        }),
      ),
    );
    expect(live).toEqual({
      intent: "sentence",
      sentence: "When user/a/b or user/c/d (after 1 hour) is triggered… HTTP request, Echo",
    });
  });

  // Issue 13, bug 3: broken Liquid is named with its line and column, and saved enabled only when confirmed.
  it("asks before saving a task with a Liquid syntax error enabled, and previews the error", async () => {
    const broken = '{% action "echo", event.data %}\n{% if event.data %}\nunclosed';
    const state = { name: "Broken", subscriptions: "user/broken/test", script: broken };
    const before = await prisma.task.count({ where: { shop: SHOP_A, name: "Broken" } });
    const refused = asData(
      await call(create.action, postRequest(SHOP_A, "/app/tasks/new", { intent: "save", payload: form(state) })),
    ) as { ok: boolean; errors: { script?: string }; brokenScript?: unknown };
    expect(refused.ok).toBe(false);
    expect(refused.brokenScript).toMatchObject({ line: 2, column: 1 });
    expect(refused.errors.script).toMatch(
      /^Liquid syntax error: tag \{% if event.data %\} not closed \(line 2, column 1\)/,
    );
    expect(await prisma.task.count({ where: { shop: SHOP_A, name: "Broken" } })).toBe(before);

    const live = asData(
      await call(create.action, postRequest(SHOP_A, "/app/tasks/new", { intent: "sentence", payload: form(state) })),
    ) as { sentence: string | null };
    expect(live.sentence).toBe(
      "The script fails: Liquid syntax error: tag {% if event.data %} not closed (line 2, column 1)",
    );

    // Saved disabled: no question. Saved enabled with the merchant's confirmation: stored enabled.
    const disabled = await call(
      create.action,
      postRequest(SHOP_A, "/app/tasks/new", { intent: "save", payload: form({ ...state, enabled: false }) }),
    );
    expect(statusOf(disabled)).toBe(302);
    const id = (disabled as Response).headers.get("Location")!.match(/tasks\/([0-9a-f-]{36})/)![1]!;
    expect((await prisma.task.findUniqueOrThrow({ where: { id } })).enabled).toBe(false);
    const page = asData(await call(edit.loader, getRequest(SHOP_A, `/app/tasks/${id}`), { id }));
    expect(page.task.syntaxError).toMatchObject({ line: 2, column: 1 });
    expect(page.sentence).toMatch(/^The script fails: Liquid syntax error/);

    // Enabling it from the list or the page is refused with the reason.
    const enable = asData(
      await call(edit.action, postRequest(SHOP_A, `/app/tasks/${id}`, { intent: "enable" }), { id }),
    );
    expect(enable).toMatchObject({ ok: false, toastError: true });
    expect("toast" in enable && enable.toast).toMatch(/^Not enabled: Liquid syntax error.*\(line 2, column 1\)/);
    expect((await prisma.task.findUniqueOrThrow({ where: { id } })).enabled).toBe(false);

    const confirmed = asData(
      await call(
        edit.action,
        postRequest(SHOP_A, `/app/tasks/${id}`, {
          intent: "save",
          payload: form({ ...state, enabled: true, confirmBrokenScript: true }),
        }),
        { id },
      ),
    ) as { ok: boolean };
    expect(confirmed.ok).toBe(true);
    expect((await prisma.task.findUniqueOrThrow({ where: { id } })).enabled).toBe(true);
  });

  it("imports a task whose Liquid does not parse disabled, and says so", async () => {
    const json = JSON.stringify({
      name: "Broken import",
      script: "{{ unclosed",
      subscriptions: ["user/b/i"],
      options: {},
    });
    const result = await call(index.action, postRequest(SHOP_A, "/app/tasks", { intent: "import", json }));
    expect((result as Response).headers.get("Location")).toMatch(/\?disabled=1$/);
    const row = await prisma.task.findFirstOrThrow({ where: { shop: SHOP_A, name: "Broken import" } });
    expect(row.enabled).toBe(false);
  });
});
