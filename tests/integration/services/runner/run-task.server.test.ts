// "Run task": manual-run events go to the one task run, with the text or the user form's values
// (input.<name> in Liquid), from the service the task page uses and from `hookline tasks run`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { parseJson } from "~/domain/json";
import { setTaskEnabled } from "~/data/tasks.server";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";
import { ManualRunError, runTaskManually } from "~/services/runner/run-task.server";
import { hookline } from "../../../support/hookline-cli";
import { newTask, runsOf, shopGraphql, uniqueShop, waitForEventDone } from "./helpers";

let worker: StartedWorker;

beforeAll(async () => {
  worker = await startWorker({
    concurrency: 4,
    sweepIntervalMs: 0,
    syncSchedulers: false,
    log: () => {},
    overrides: { adminGraphql: shopGraphql() },
  });
});

afterAll(async () => {
  await worker.close();
  await closeSharedQueues();
});

const FORM_SCRIPT = `{% assign start = options.start__date_required_userform %}{% assign note = options.note__userform %}{% assign level = options.level__select_o1_low_o2_high %}
{% action "echo" %}{"start": {{ input.start | json }}, "note": {{ input.note | json }}, "data": {{ event.data | json }}, "topic": {{ event.topic | json }}}{% endaction %}`;

async function echoed(eventId: string) {
  await waitForEventDone(eventId, 30_000);
  const runs = await runsOf(eventId);
  return runs.map((run) => ({
    taskId: run.taskId,
    status: run.status,
    result: run.actionRuns[0] ? parseJson(run.actionRuns[0].result ?? "null") : null,
  }));
}

describe("runTaskManually", () => {
  it("a user form run reaches only that task, with input.<name> and event.data", async () => {
    const shop = uniqueShop("run-form");
    const task = await newTask(shop, { subscriptions: "mechanic/user/form", script: FORM_SCRIPT });
    const other = await newTask(shop, { subscriptions: "mechanic/user/form", script: FORM_SCRIPT });
    const { eventId, topic } = await runTaskManually(shop, task.id, {
      data: { start: "2026-12-24", note: "Holiday launch" },
    });
    expect(topic).toBe("mechanic/user/form");
    const runs = await echoed(eventId);
    expect(runs).toEqual([
      {
        taskId: task.id,
        status: "succeeded",
        result: {
          start: "2026-12-24",
          note: "Holiday launch",
          data: { start: "2026-12-24", note: "Holiday launch" },
          topic: "mechanic/user/form",
        },
      },
    ]);
    expect(runs.some((run) => run.taskId === other.id)).toBe(false);
  });

  it("trigger runs at once; text carries the text as event.data", async () => {
    const shop = uniqueShop("run-text");
    const task = await newTask(shop, {
      subscriptions: ["mechanic/user/trigger", "mechanic/user/text"],
      script: '{% action "echo" %}{"topic": {{ event.topic | json }}, "data": {{ event.data | json }}}{% endaction %}',
    });
    const trigger = await runTaskManually(shop, task.id);
    expect(trigger.topic).toBe("mechanic/user/trigger");
    expect((await echoed(trigger.eventId))[0]!.result).toEqual({ topic: "mechanic/user/trigger", data: null });
    const text = await runTaskManually(shop, task.id, { topic: "mechanic/user/text", data: "line one\nline two" });
    expect((await echoed(text.eventId))[0]!.result).toEqual({
      topic: "mechanic/user/text",
      data: "line one\nline two",
    });
  });

  it("refuses clearly: no manual topic, disabled, a missing required value, an unknown field", async () => {
    const shop = uniqueShop("run-refused");
    const plain = await newTask(shop, { subscriptions: "user/a/b", script: "" });
    const form = await newTask(shop, { subscriptions: "mechanic/user/form", script: FORM_SCRIPT });
    const refused = (promise: Promise<unknown>) =>
      promise.then(
        () => "ran",
        (error: Error) => (error instanceof ManualRunError ? error.message : `unexpected: ${error.message}`),
      );
    expect(await refused(runTaskManually(shop, plain.id))).toContain("has no Run task button");
    expect(await refused(runTaskManually(shop, form.id, { data: { note: "x" } }))).toBe("Start is required");
    expect(await refused(runTaskManually(shop, form.id, { data: { start: "2026-12-24", level: "low" } }))).toContain(
      "Unknown form field level",
    );
    expect(await refused(runTaskManually(shop, form.id, { topic: "mechanic/user/text" }))).toContain(
      'does not subscribe to "mechanic/user/text"',
    );
    await setTaskEnabled(shop, form.id, false);
    expect(await refused(runTaskManually(shop, form.id, { data: { start: "2026-12-24" } }))).toContain("disabled");
    expect(await prisma.event.count({ where: { shop } })).toBe(0);
  });
});

describe("hookline tasks run", () => {
  it("creates the same event and prints its id", async () => {
    const shop = uniqueShop("run-cli");
    const task = await newTask(shop, { subscriptions: "mechanic/user/form", script: FORM_SCRIPT });
    const result = await hookline([
      "tasks",
      "run",
      "--shop",
      shop,
      task.id,
      "--data",
      JSON.stringify({ start: "2027-01-01" }),
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const eventId = result.stdout.trim();
    const runs = await echoed(eventId);
    expect(runs).toEqual([
      expect.objectContaining({
        taskId: task.id,
        result: expect.objectContaining({ start: "2027-01-01", note: null }),
      }),
    ]);
  });
});
