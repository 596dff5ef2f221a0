// Errors as events, on the runner's processors with the in-memory store: what fails for good is
// reported once, to the tasks Mechanic's routing rule names, and failures while handling an error
// event report nothing (the loop guard).
import { describe, expect, it } from "vitest";
import { createHarness, type GraphqlHandler, type Harness } from "./support";

const json = (text: string | null) => (text === null ? null : JSON.parse(text));

function errorEvents(h: Harness) {
  return h.store.events().filter((e) => e.topic.startsWith("mechanic/errors/"));
}

function receivers(h: Harness, eventId: string): string[] {
  return h.store
    .taskRunsOf(eventId)
    .map((run) => run.taskId)
    .sort();
}

describe("mechanic/errors/action", () => {
  it("reports an action that fails for good to its own task and to error-only tasks, not to other tasks", async () => {
    const h = createHarness();
    const own = h.task({
      subscriptions: "user/a/b\nmechanic/errors/action",
      script: '{% action "ftp" %}{}{% endaction %}',
    });
    const watcher = h.task({
      subscriptions: "mechanic/errors/action\nmechanic/errors/task",
      script: '{% action "echo" event.data.message %}',
    });
    const other = h.task({ subscriptions: "user/c/d\nmechanic/errors/action", script: '{% action "echo" 1 %}' });
    const id = h.event("user/a/b");
    await h.drain();
    const [error] = errorEvents(h).filter((e) => e.topic === "mechanic/errors/action");
    expect(error).toMatchObject({ shop: h.store.event(id)!.shop, parentId: id, depth: 1, source: "error" });
    const data = json(error!.data);
    expect(data.message).toContain('action type "ftp" is not supported');
    expect(data.action).toMatchObject({ type: "ftp", attempts: 1 });
    expect(data.task).toMatchObject({ id: own.id, subscriptions: ["user/a/b", "mechanic/errors/action"] });
    expect(data.event).toMatchObject({ id, topic: "user/a/b" });
    expect(receivers(h, error!.id)).toEqual([own.id, watcher.id].sort());
    expect(receivers(h, error!.id)).not.toContain(other.id);
    // The failed event is reported too, to nobody here (only error-only tasks subscribed to it get it).
    expect(
      errorEvents(h)
        .map((e) => e.topic)
        .sort(),
    ).toEqual(["mechanic/errors/action", "mechanic/errors/event"]);
  });

  it("a transient failure is reported once, after its last retry", async () => {
    const failing: GraphqlHandler = () => ({ status: 503, body: { errors: "down" } });
    const h = createHarness({ graphql: failing });
    h.task({ subscriptions: "user/a/b", script: '{% action "shopify" %}mutation { x }{% endaction %}' });
    h.event("user/a/b");
    await h.drain();
    expect(errorEvents(h)).toEqual([]); // retrying: not failed for good
    while (await h.runNextScheduled()) {
      /* every retry */
    }
    const actionErrors = errorEvents(h).filter((e) => e.topic === "mechanic/errors/action");
    expect(actionErrors).toHaveLength(1);
    expect(json(actionErrors[0]!.data).message).toContain("gave up after 5 attempts");
  });
});

describe("mechanic/errors/task and the loop guard", () => {
  it("a failed task run is reported; the handler failing on it reports nothing more", async () => {
    const h = createHarness();
    const failing = h.task({ subscriptions: "user/a/b", script: '{% error "bad input" %}' });
    // An error-only task that itself fails on every error event.
    const alerter = h.task({
      subscriptions: "mechanic/errors/task\nmechanic/errors/event",
      script: '{% error "alerting is broken" %}',
    });
    const id = h.event("user/a/b");
    await h.drain();
    const errors = errorEvents(h);
    expect(errors.map((e) => e.topic).sort()).toEqual(["mechanic/errors/event", "mechanic/errors/task"]);
    const taskError = errors.find((e) => e.topic === "mechanic/errors/task")!;
    expect(json(taskError.data)).toMatchObject({
      message: "bad input",
      task: { id: failing.id },
      event: { id, topic: "user/a/b" },
    });
    // The alerter ran on both and failed on both, and no error event came of that.
    for (const error of errors) {
      expect(h.store.taskRunsOf(error.id)).toEqual([expect.objectContaining({ taskId: alerter.id, status: "failed" })]);
      expect(h.store.event(error.id)!.status).toBe("failed");
    }
    expect(h.store.events()).toHaveLength(3);
  });

  it("the same failure seen twice (a re-delivered job) creates its error event once", async () => {
    const h = createHarness();
    h.task({ subscriptions: "user/a/b", script: '{% error "bad input" %}' });
    const id = h.event("user/a/b");
    await h.drain();
    const { rollUpEvent } = await import("~/services/runner/roll-up");
    await rollUpEvent(id, h.deps);
    await h.drain();
    expect(
      errorEvents(h)
        .map((e) => e.topic)
        .sort(),
    ).toEqual(["mechanic/errors/event", "mechanic/errors/task"]);
  });
});
