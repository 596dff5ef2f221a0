// `hookline tasks ...` and `hookline events ...` as an operator runs them (real processes), with an
// in-process worker doing the runs.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hookline as runCli } from "../../../support/hookline-cli";
import prisma from "~/data/db.server";
import { findTaskTemplate } from "~/domain/tasks/templates";
import { stringifyTaskJson } from "~/domain/tasks/task-json";
import { cacheStoreFor } from "~/data/cache.server";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";
import {
  countingServer,
  newEvent,
  newTask,
  runsOf,
  uniqueShop,
  waitFor,
  waitForEventDone,
} from "../../services/runner/helpers";

const hookline = (...args: string[]) => runCli(args);

const dir = mkdtempSync(join(tmpdir(), "hookline-cli-"));
let worker: StartedWorker;

beforeAll(async () => {
  worker = await startWorker({
    concurrency: 4,
    sweepIntervalMs: 0,
    log: () => {},
    overrides: { retryBaseMs: 20, httpPolicy: { allowPrivate: true, allowedHosts: [] } },
  });
});

afterAll(async () => {
  await worker.close();
  await closeSharedQueues();
});

describe("hookline tasks", () => {
  it("imports (replacing by name), lists, exports and refuses bad input", async () => {
    const shop = uniqueShop("cli");
    const file = join(dir, "echo.json");
    const draft = {
      ...findTaskTemplate("echo")!.draft,
      extra: { shopify_api_version: "2025-10", some_future_key: { kept: true } },
    };
    writeFileSync(file, stringifyTaskJson(draft));

    const first = await hookline("tasks", "import", "--shop", shop, file, "--json");
    expect(first.code, first.stderr).toBe(0);
    const imported = JSON.parse(first.stdout);
    expect(imported).toMatchObject({ name: "Echo", version: 1, replaced: false });

    const again = await hookline("tasks", "import", "--shop", shop, file);
    expect(again.stdout).toMatch(new RegExp(`replaced task ${imported.id} "Echo" \\(version 2\\)`));
    expect(await prisma.task.count({ where: { shop } })).toBe(1);

    const list = await hookline("tasks", "list", "--shop", shop, "--json");
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        id: imported.id,
        name: "Echo",
        enabled: true,
        version: 2,
        subscriptions: ["user/webhook/test"],
      }),
    ]);

    const exported = await hookline("tasks", "export", "--shop", shop, imported.id);
    expect(exported.code).toBe(0);
    const json = JSON.parse(exported.stdout);
    expect(json).toMatchObject({
      name: "Echo",
      script: draft.script,
      subscriptions: ["user/webhook/test"],
      shopify_api_version: "2025-10",
      some_future_key: { kept: true },
    });

    const wrongShop = await hookline("tasks", "export", "--shop", uniqueShop("other"), imported.id);
    expect(wrongShop.code).toBe(1);
    expect(wrongShop.stderr.trim()).toBe(`hookline: no task ${imported.id} in this shop`);

    writeFileSync(join(dir, "broken.json"), "{ not json");
    const broken = await hookline("tasks", "import", "--shop", shop, join(dir, "broken.json"));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^hookline: Task JSON is not valid JSON/);
    const missing = await hookline("tasks", "import", "--shop", shop, join(dir, "nope.json"));
    expect(missing.stderr.trim()).toBe(`hookline: cannot read ${join(dir, "nope.json")}: ENOENT`);

    // Liquid that does not parse: imported disabled, with the reason (issue 13, bug 3).
    const liquid = join(dir, "bad-liquid.json");
    writeFileSync(liquid, stringifyTaskJson({ ...draft, name: "Bad Liquid", script: "line one\n{% if x %}" }));
    const badLiquid = await hookline("tasks", "import", "--shop", shop, liquid, "--json");
    expect(badLiquid.code).toBe(0);
    expect(JSON.parse(badLiquid.stdout)).toMatchObject({ name: "Bad Liquid", enabled: false });
    expect(badLiquid.stderr.trim()).toBe(
      "hookline: Imported disabled: Liquid syntax error: tag {% if x %} not closed (line 2, column 1). Fix the script, then enable the task.",
    );
  }, 120_000);

  it("previews a task file against an event, performing nothing", async () => {
    const file = join(dir, "preview.json");
    writeFileSync(
      file,
      stringifyTaskJson({
        ...findTaskTemplate("echo")!.draft,
        script: '{% action "echo", event.data %}{% log event.preview %}{% action "cache", "set", "k", 1 %}',
      }),
    );
    writeFileSync(
      join(dir, "event.json"),
      JSON.stringify({ topic: "user/webhook/test", data: { id: 12345678901234567890n.toString(), x: 1 } }),
    );
    const result = await hookline("tasks", "preview", file, "--event", join(dir, "event.json"), "--json");
    expect(result.code, result.stderr).toBe(0);
    const [preview] = JSON.parse(result.stdout);
    expect(preview.topic).toBe("user/webhook/test");
    expect(preview.actions.map((a: { type: string }) => a.type)).toEqual(["echo", "cache"]);
    expect(preview.actions[0].options).toEqual({ id: "12345678901234567890", x: 1 });
    expect(preview.logs).toEqual([true]);
    expect(await prisma.cacheEntry.count({ where: { key: "k" } })).toBe(0);

    const text = await hookline("tasks", "preview", file);
    expect(text.stdout).toContain("When user/webhook/test is triggered (A test webhook):");
    expect(text.stdout).toContain('action echo: {"hello":"world"}');

    writeFileSync(
      join(dir, "bad-preview.json"),
      stringifyTaskJson({ ...findTaskTemplate("echo")!.draft, script: '{% error "nope" %}' }),
    );
    const bad = await hookline("tasks", "preview", join(dir, "bad-preview.json"));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("error: nope");
  }, 180_000);
});

describe("hookline tasks preview: the inline respond form (issue 15)", () => {
  it("shows the response a hash-literal respond action would send, as JSON and as text", async () => {
    const file = join(dir, "respond-inline.json");
    writeFileSync(
      file,
      stringifyTaskJson({
        ...findTaskTemplate("echo")!.draft,
        subscriptions: ["user/quote/requested"],
        script:
          '{% assign result = event.data %}{% action "respond", status: 201, headers: {"content-type": "application/json", "x-quote": event.data.id}, body: result %}',
      }),
    );
    writeFileSync(
      join(dir, "quote-event.json"),
      JSON.stringify({ topic: "user/quote/requested", data: { id: "q-7", total: 12.5 } }),
    );
    const result = await hookline("tasks", "preview", file, "--event", join(dir, "quote-event.json"), "--json");
    expect(result.code, result.stderr).toBe(0);
    const [preview] = JSON.parse(result.stdout);
    expect(preview.errors).toEqual([]);
    expect(preview.actions).toEqual([
      {
        type: "respond",
        options: {
          status: 201,
          headers: { "content-type": "application/json", "x-quote": "q-7" },
          body: { id: "q-7", total: 12.5 },
        },
        meta: null,
        performEvent: true,
      },
    ]);
    expect(preview.responses).toEqual([
      'HTTP 201\ncontent-type: application/json\nx-quote: q-7\n\n{"id":"q-7","total":12.5}',
    ]);

    const text = await hookline("tasks", "preview", file, "--event", join(dir, "quote-event.json"));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      '    the caller would get:\n      HTTP 201\n      content-type: application/json\n      x-quote: q-7\n      \n      {"id":"q-7","total":12.5}',
    );
  }, 180_000);
});

describe("hookline events", () => {
  it("shows an event, replays it, and refuses unknown ids", async () => {
    const shop = uniqueShop("show");
    await newTask(shop, { subscriptions: "user/a/b", script: '{% action "echo", event.data %}' });
    const id = await newEvent(shop, "user/a/b", { hello: "world" });
    await waitForEventDone(id);

    const shown = await hookline("events", "show", id, "--json");
    expect(shown.code, shown.stderr).toBe(0);
    const event = JSON.parse(shown.stdout);
    expect(event).toMatchObject({ id, status: "succeeded", topic: "user/a/b", data: { hello: "world" } });
    expect(event.taskRuns[0].actionRuns[0]).toMatchObject({
      type: "echo",
      status: "succeeded",
      result: { hello: "world" },
    });
    const text = await hookline("events", "show", id);
    expect(text.stdout).toContain(`event ${id}  succeeded  user/a/b`);
    expect(text.stdout).toMatch(/action 1 echo {2}succeeded {2}attempts 1/);

    const replayed = await hookline("events", "replay", id);
    expect(replayed.code, replayed.stderr).toBe(0);
    const newId = /as event (\S+)/.exec(replayed.stdout)![1];
    const copy = await waitForEventDone(newId);
    expect(copy).toMatchObject({ topic: "user/a/b", source: "replay", parentId: id, shop, status: "succeeded" });
    expect(JSON.parse(copy.data)).toEqual({ hello: "world" });

    const unknown = await hookline("events", "show", "00000000-0000-0000-0000-000000000000");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe("hookline: no event 00000000-0000-0000-0000-000000000000");
  }, 180_000);

  it("retries failed action runs (with their options) and failed task runs (with the current task), never succeeded ones", async () => {
    let healthy = false;
    const server = await countingServer(() => ({ status: healthy ? 200 : 500 }));
    try {
      const shop = uniqueShop("retry");
      await newTask(shop, {
        subscriptions: "user/a/b",
        script: `{% action "echo", "once" %}{% action "http", method: "get", url: "${server.url}/flaky", error_on_5xx: true %}`,
      });
      await newTask(shop, {
        subscriptions: "user/a/b",
        script:
          '{% if cache["ready"] == nil %}{% error "not ready" %}{% else %}{% action "echo", "ready" %}{% endif %}',
      });
      const id = await newEvent(shop, "user/a/b", {});
      expect((await waitForEventDone(id)).status).toBe("failed");
      const before = await runsOf(id);
      expect(server.count("/flaky")).toBe(5);

      const nothing = await hookline("events", "retry", before.flatMap((t) => t.actionRuns)[0].id);
      expect(nothing.code).toBe(1); // an action run id is not an event id

      healthy = true;
      await cacheStoreFor(shop).set("ready", "true", 600);
      const retried = await hookline("events", "retry", id);
      expect(retried.code, retried.stderr).toBe(0);
      expect(retried.stdout.trim()).toBe(`retrying 1 task run(s) and 1 action run(s) of event ${id}`);
      const event = await waitFor(
        async () => {
          const row = await prisma.event.findUnique({ where: { id } });
          return row?.status === "succeeded" ? row : null;
        },
        20_000,
        "the retried event to succeed",
      );
      expect(event.finishedAt).toBeInstanceOf(Date);
      const after = await runsOf(id);
      const echoOnce = after.flatMap((t) => t.actionRuns).find((a) => a.options === '"once"')!;
      expect(echoOnce.attempts).toBe(1); // succeeded before, not performed again
      expect(server.count("/flaky")).toBe(6);
      expect(after.every((t) => t.status === "succeeded")).toBe(true);
      expect(after.flatMap((t) => t.actionRuns).every((a) => a.status === "succeeded")).toBe(true);

      const again = await hookline("events", "retry", id);
      expect(again.stdout.trim()).toBe(`event ${id} has nothing failed to retry`);
    } finally {
      await server.close();
    }
  }, 180_000);
});
