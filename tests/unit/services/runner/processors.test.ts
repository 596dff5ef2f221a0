// The runner's processors (fanOutEvent, processTaskRun, renderTaskRun, performActionRun, rollUp)
// against the in-memory RunStore. The same behaviour is proved on SQLite and PostgreSQL by
// tests/integration/services/runner, through real workers.
import { describe, expect, it } from "vitest";
import { MAX_EVENT_DEPTH } from "~/domain/actions/event";
import { parseJson } from "~/domain/json";
import { fanOutEvent } from "~/services/runner/fan-out-event";
import { ACTIONS_PERFORM_TOPIC, followUpEventId } from "~/services/runner/follow-up";
import {
  ORPHANED_ACTION_MESSAGE,
  performActionRun,
  RETRIED_ORPHAN_MESSAGE,
} from "~/services/runner/perform-action-runs";
import { processTaskRun } from "~/services/runner/process-task-run";
import { DISABLED_TASK_MESSAGE, LOOP_GUARD_MESSAGE } from "~/services/runner/render-task-run";
import { CANCELLED_MESSAGE, rollUp, rollUpEvent } from "~/services/runner/roll-up";
import { createHarness, SHOP, type GraphqlHandler } from "./support";

const ok = (data: unknown = { done: true }) => ({ status: 200, body: { data } });
const json = (text: string | null) => (text === null ? null : JSON.parse(text));

describe("fanOutEvent", () => {
  it("creates a task run per subscribed enabled task of the shop, renders it and performs its actions", async () => {
    const h = createHarness();
    const task = h.task({ subscriptions: "user/a/b", script: '{% action "echo", greeting: event.data.hi %}' });
    h.task({ subscriptions: "user/a/b", script: '{% action "echo", 1 %}', enabled: false });
    h.task({ subscriptions: "user/other/topic", script: '{% action "echo", 1 %}' });
    h.task({ subscriptions: "user/a/b", script: '{% action "echo", 1 %}', shop: "other.myshopify.com" });
    h.task({ subscriptions: "user/a/bc", script: '{% action "echo", 1 %}' }); // contains the topic, does not match it
    const id = h.event("user/a/b", { hi: "there" });
    expect(await h.drain()).toBe(1);

    const event = h.store.event(id)!;
    expect(event).toMatchObject({ status: "succeeded", error: null });
    expect(event.startedAt).toEqual(new Date(h.clock.now));
    const [run, ...others] = h.store.taskRunsOf(id);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ taskId: task.id, status: "succeeded", attempts: 1, taskVersion: 1 });
    const [action] = h.store.actionRunsOf(run!.id);
    expect(action).toMatchObject({ type: "echo", status: "succeeded", attempts: 1, durationMs: 0 });
    expect(json(action!.result)).toEqual({ greeting: "there" });
  });

  it("an event nobody subscribes to succeeds with no task runs; a finished event is left alone", async () => {
    const h = createHarness();
    const id = h.event("user/nobody/cares");
    await h.drain();
    expect(h.store.event(id)!.status).toBe("succeeded");
    expect(h.store.taskRunsOf(id)).toEqual([]);
    expect(await fanOutEvent(id, h.deps)).toBe("finished-before");
    expect(await fanOutEvent("no-such-event", h.deps)).toBe("not-found");
  });

  it("delivers a targeted event (task_ids) only to the named tasks", async () => {
    const h = createHarness();
    const a = h.task({ subscriptions: "user/a/b", script: '{% action "echo", "a" %}' });
    h.task({ subscriptions: "user/a/b", script: '{% action "echo", "b" %}' });
    const id = h.event("user/a/b", {}, { taskIds: [a.id] });
    await h.drain();
    expect(h.store.taskRunsOf(id).map((r) => r.taskId)).toEqual([a.id]);
  });

  it("a subscription offset makes the task run wait for its time", async () => {
    const h = createHarness();
    h.task({ subscriptions: "user/a/b+2.minutes", script: '{% action "echo", 1 %}' });
    const start = h.clock.now;
    const id = h.event("user/a/b");
    await h.drain();
    const [pending] = h.store.taskRunsOf(id);
    expect(pending).toMatchObject({ status: "pending", attempts: 0 });
    expect(pending!.runAt.getTime()).toBe(start + 120_000);
    expect(h.scheduled).toEqual([{ taskRunId: pending!.id, at: start + 120_000 }]);
    expect(h.store.event(id)!.status).toBe("running");

    // A look delivered early changes nothing and asks again for the due time.
    h.clock.advance(60_000);
    await processTaskRun(pending!.id, h.deps);
    expect(h.store.taskRunsOf(id)[0]!.status).toBe("pending");

    expect(await h.runNextScheduled()).toBe(true);
    expect(h.store.taskRunsOf(id)[0]).toMatchObject({ status: "succeeded", startedAt: new Date(start + 120_000) });
    expect(h.store.event(id)!.status).toBe("succeeded");
  });
});

describe("how many reads and writes an event takes", () => {
  function counting(h: ReturnType<typeof createHarness>) {
    const calls = new Map<string, number>();
    const store = h.store;
    const counted = Object.fromEntries(
      Object.entries(store).map(([name, fn]) => [
        name,
        typeof fn === "function"
          ? (...args: unknown[]) => {
              calls.set(name, (calls.get(name) ?? 0) + 1);
              return (fn as (...a: unknown[]) => unknown)(...args);
            }
          : fn,
      ]),
    ) as typeof store;
    h.deps.store = counted;
    return calls;
  }

  it("a first delivery renders, then stores the claim, the task runs and their action runs in one write, and rolls up from what it knows", async () => {
    const h = createHarness();
    h.task({ subscriptions: "user/a/b", script: '{% action "cache", "set", "k", 1 %}' });
    const calls = counting(h);
    const id = h.event("user/a/b");
    await h.drain();
    expect(h.store.event(id)!.status).toBe("succeeded");
    expect(h.store.taskRunsOf(id)[0]).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(Object.fromEntries(calls)).toEqual({
      eventForFanOut: 1,
      startEvent: 1,
      claimActionRun: 1,
      recordActionRun: 1,
      markEventFinished: 1,
    });
  });

  it("inline actions (echo) are performed before the first delivery's commit, which also finishes the event: one write", async () => {
    const h = createHarness();
    h.task({ subscriptions: "user/a/b", script: '{% action "echo", "first" %}{% action "echo", hello: "world" %}' });
    const calls = counting(h);
    const id = h.event("user/a/b");
    await h.drain();
    expect(h.store.event(id)).toMatchObject({ status: "succeeded", error: null });
    expect(h.store.event(id)!.finishedAt).toBeInstanceOf(Date);
    const [taskRun] = h.store.taskRunsOf(id);
    expect(taskRun).toMatchObject({ status: "succeeded", attempts: 1 });
    const actionRuns = h.store.actionRunsOf(taskRun!.id);
    expect(actionRuns).toMatchObject([
      { position: 0, type: "echo", status: "succeeded", attempts: 1, result: '"first"', error: null },
      { position: 1, type: "echo", status: "succeeded", attempts: 1, result: '{"hello":"world"}', error: null },
    ]);
    for (const a of actionRuns) {
      expect(a.startedAt).toBeInstanceOf(Date);
      expect(a.finishedAt).toBeInstanceOf(Date);
      expect(a.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(Object.fromEntries(calls)).toEqual({ eventForFanOut: 1, startEvent: 1 });
  });

  it("an inline echo's result is its options exactly, 64-bit ids and whole floats included", async () => {
    const h = createHarness();
    h.task({ subscriptions: "user/a/b", script: '{% action "echo", event.data %}' });
    const id = h.event(
      "user/a/b",
      parseJson('{"id":820982911946154508,"total":20.0,"items":[{"grams":1.5}],"note":null}'),
    );
    await h.drain();
    const [actionRun] = h.store.actionRunsOf(h.store.taskRunsOf(id)[0]!.id);
    expect(actionRun).toMatchObject({ status: "succeeded" });
    expect(actionRun!.result).toBe('{"id":820982911946154508,"total":20.0,"items":[{"grams":1.5}],"note":null}');
    expect(actionRun!.result).toBe(actionRun!.options);
  });

  it("an inline action that fails, or one beside an action that is not inline, is performed after the commit as usual", async () => {
    const h = createHarness();
    const failingTask = h.task({ subscriptions: "user/a/b", script: '{% action "echo", __error: "no" %}' });
    const mixedTask = h.task({
      subscriptions: "user/a/b",
      script: '{% action "echo", 1 %}{% action "cache", "set", "k", 1 %}',
    });
    const calls = counting(h);
    const id = h.event("user/a/b");
    await h.drain();
    expect(h.store.event(id)).toMatchObject({ status: "failed", error: "1 action run failed" });
    // By task, not by position: two task runs created in the same millisecond have no fixed order.
    const runOf = (taskId: string) => h.store.taskRunsOf(id).find((run) => run.taskId === taskId);
    const [failing, mixed] = [runOf(failingTask.id), runOf(mixedTask.id)];
    expect(h.store.actionRunsOf(failing!.id)).toMatchObject([{ status: "failed", attempts: 1, error: "no" }]);
    expect(h.store.actionRunsOf(mixed!.id)).toMatchObject([
      { type: "echo", status: "succeeded", attempts: 1, result: "1" },
      { type: "cache", status: "succeeded", attempts: 1 },
    ]);
    expect(calls.get("claimActionRun")).toBe(3);
    expect(calls.get("markEventFinished")).toBe(1);
  });

  it("a later delivery (the event already claimed) creates what is missing and carries every run on", async () => {
    const h = createHarness();
    const task = h.task({ subscriptions: "user/a/b", script: '{% action "echo", 1 %}' });
    const id = h.event("user/a/b");
    h.enqueued.length = 0;
    // A worker stored the claim (with no task runs: the task did not exist yet) and died.
    await h.store.startEvent(id, h.deps.now(), [], []);
    expect(await fanOutEvent(id, h.deps)).toBe("processed");
    expect(h.store.taskRunsOf(id)).toMatchObject([{ taskId: task.id, status: "succeeded", attempts: 1 }]);
    expect(h.store.event(id)!.status).toBe("succeeded");
    // Delivered once more: nothing new is created or performed.
    await fanOutEvent(id, h.deps);
    expect(h.store.taskRunsOf(id)).toHaveLength(1);
    expect(h.store.actionRunsOf(h.store.taskRunsOf(id)[0]!.id)).toMatchObject([{ attempts: 1 }]);
  });
});

describe("claims: two workers racing", () => {
  it("for the same event: one task run, each action performed once", async () => {
    let calls = 0;
    const h = createHarness({
      graphql: () => {
        calls++;
        return ok();
      },
    });
    h.task({
      subscriptions: "user/a/b",
      script:
        '{% action "shopify" %}mutation { one }{% endaction %}{% action "shopify" %}mutation { two }{% endaction %}',
    });
    const id = h.event("user/a/b");
    h.enqueued.length = 0;
    // The same job delivered to two workers at once (a re-delivery, or the sweep and the queue).
    await Promise.all([fanOutEvent(id, h.deps), fanOutEvent(id, h.deps), fanOutEvent(id, h.deps)]);
    const runs = h.store.taskRunsOf(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.attempts).toBe(1);
    expect(h.store.actionRunsOf(runs[0]!.id).map((a) => [a.status, a.attempts])).toEqual([
      ["succeeded", 1],
      ["succeeded", 1],
    ]);
    expect(calls).toBe(2);
    expect(h.store.event(id)!.status).toBe("succeeded");
  });

  it("for the same action run: only the claim's winner performs it", async () => {
    let calls = 0;
    const h = createHarness({
      graphql: () => {
        calls++;
        return ok();
      },
    });
    const task = h.task({ subscriptions: "user/a/b", script: '{% action "shopify" %}mutation { one }{% endaction %}' });
    const id = h.event("user/a/b");
    // Render only: a throttled shop defers the action, so the run is rendered and its action pending.
    h.throttleUntil.set(SHOP, h.clock.now + 1);
    await h.drain();
    const [run] = h.store.taskRunsOf(id);
    const [action] = h.store.actionRunsOf(run!.id);
    expect(action!.status).toBe("pending");
    h.clock.advance(1);
    const event = (await h.store.getEvent(id))!;
    const results = await Promise.all([
      performActionRun(action!, task, event, h.deps),
      performActionRun(action!, task, event, h.deps),
    ]);
    expect(results.sort()).toEqual(["lost", "succeeded"]);
    expect(calls).toBe(1);
  });

  it("a rendering claim: left to its worker within the lease, rendered again once orphaned past it", async () => {
    const h = createHarness();
    h.task({ subscriptions: "user/a/b+1.minute", script: '{% action "echo", "rendered" %}' });
    const id = h.event("user/a/b");
    await h.drain();
    const [run] = h.store.taskRunsOf(id);
    h.clock.advance(60_000);
    // As a worker that claimed the run and died mid-render left it: running, attempt 1.
    h.store.patchTaskRun(run!.id, { status: "running", attempts: 1, startedAt: new Date(h.clock.now) });

    h.clock.advance(h.deps.taskLeaseMs - 1);
    await processTaskRun(run!.id, h.deps);
    expect(h.store.taskRunsOf(id)[0]).toMatchObject({ status: "running", attempts: 1 });
    expect(h.store.actionRunsOf(run!.id)).toEqual([]);

    h.clock.advance(2);
    await processTaskRun(run!.id, h.deps);
    expect(h.store.taskRunsOf(id)[0]).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(json(h.store.actionRunsOf(run!.id)[0]!.result)).toBe("rendered");
    expect(h.store.event(id)!.status).toBe("succeeded");
  });
});

describe("retries and backoff", () => {
  function flaky(failures: number, status = 503): { handler: GraphqlHandler; calls: () => number } {
    let calls = 0;
    return {
      handler: () => (++calls <= failures ? { status, body: { errors: "down" } } : ok()),
      calls: () => calls,
    };
  }

  it("retries a transient failure on the backoff schedule and succeeds once it recovers", async () => {
    const server = flaky(2);
    const h = createHarness({ graphql: server.handler });
    h.task({ subscriptions: "user/a/b", script: '{% action "shopify" %}mutation { x }{% endaction %}' });
    const start = h.clock.now;
    const id = h.event("user/a/b");
    await h.drain();
    const [run] = h.store.taskRunsOf(id);
    let [action] = h.store.actionRunsOf(run!.id);
    // Attempt 1 failed: pending again, next attempt after base x 1 (jitter 0.5 -> x 1.0).
    expect(action).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: new Date(start + 1_000) });
    expect(action!.error).toMatch(/HTTP 503 \(attempt 1 of 5; next at /);
    expect(h.scheduled).toEqual([{ taskRunId: run!.id, at: start + 1_000 }]);
    expect(h.store.event(id)!.status).toBe("running");

    // A look before the retry is due performs nothing.
    await processTaskRun(run!.id, h.deps);
    expect(server.calls()).toBe(1);

    await h.runNextScheduled(); // attempt 2 at +1 s fails; attempt 3 after base x 2
    [action] = h.store.actionRunsOf(run!.id);
    expect(action).toMatchObject({ status: "pending", attempts: 2, nextAttemptAt: new Date(start + 1_000 + 2_000) });
    await h.runNextScheduled();
    [action] = h.store.actionRunsOf(run!.id);
    expect(action).toMatchObject({ status: "succeeded", attempts: 3, error: null, nextAttemptAt: null });
    expect(server.calls()).toBe(3);
    expect(h.store.event(id)!.status).toBe("succeeded");
  });

  it("gives up after 5 attempts (about 1, 2, 5 and 10 x the base apart) and fails the event", async () => {
    const server = flaky(99, 500);
    const h = createHarness({ graphql: server.handler });
    h.task({ subscriptions: "user/a/b", script: '{% action "shopify" %}mutation { x }{% endaction %}' });
    const start = h.clock.now;
    const id = h.event("user/a/b");
    await h.drain();
    const attemptsAt: number[] = [h.clock.now];
    while (await h.runNextScheduled()) attemptsAt.push(h.clock.now);
    expect(attemptsAt.map((t) => t - start)).toEqual([0, 1_000, 3_000, 8_000, 18_000]);
    const [action] = h.store.actionRunsOf(h.store.taskRunsOf(id)[0]!.id);
    expect(action).toMatchObject({ status: "failed", attempts: 5 });
    expect(action!.error).toMatch(/HTTP 500 \(gave up after 5 attempts\)$/);
    expect(server.calls()).toBe(5);
    expect(h.store.event(id)).toMatchObject({ status: "failed", error: "1 action run failed" });
  });

  it("does not retry a permanent failure", async () => {
    const h = createHarness({ graphql: () => ({ status: 200, body: { errors: [{ message: "bad field" }] } }) });
    h.task({ subscriptions: "user/a/b", script: '{% action "shopify" %}query { nope }{% endaction %}' });
    const id = h.event("user/a/b");
    await h.drain();
    const [action] = h.store.actionRunsOf(h.store.taskRunsOf(id)[0]!.id);
    expect(action).toMatchObject({ status: "failed", attempts: 1, error: "GraphQL errors: bad field" });
    expect(h.scheduled).toEqual([]);
  });
});

describe("throttling", () => {
  it("a shop whose bucket is empty: its shopify actions wait without using an attempt; other actions go on", async () => {
    let calls = 0;
    const h = createHarness({
      graphql: () => {
        calls++;
        return ok();
      },
    });
    h.task({
      subscriptions: "user/a/b",
      script: '{% action "shopify" %}mutation { x }{% endaction %}{% action "echo", "not throttled" %}',
    });
    const until = h.clock.now + 2_500;
    h.throttleUntil.set(SHOP, until);
    const id = h.event("user/a/b");
    await h.drain();
    const run = h.store.taskRunsOf(id)[0]!;
    const [waiting, echo] = h.store.actionRunsOf(run.id);
    expect(waiting).toMatchObject({ status: "pending", attempts: 0, nextAttemptAt: new Date(until) });
    expect(echo!.status).toBe("succeeded");
    expect(calls).toBe(0);
    expect(h.scheduled).toEqual([{ taskRunId: run.id, at: until }]);

    await h.runNextScheduled();
    const [shopify] = h.store.actionRunsOf(run.id);
    expect(shopify).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(h.store.event(id)!.status).toBe("succeeded");
  });

  it("THROTTLED: blocks the shop until the bucket refills and retries without counting the attempt", async () => {
    let calls = 0;
    const h = createHarness({
      graphql: () => {
        calls++;
        if (calls === 1) {
          return {
            status: 200,
            body: {
              errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
              extensions: {
                cost: {
                  requestedQueryCost: 60,
                  throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 10, restoreRate: 100 },
                },
              },
            },
          };
        }
        return ok();
      },
    });
    h.task({ subscriptions: "user/a/b", script: '{% action "shopify" %}mutation { x }{% endaction %}' });
    const start = h.clock.now;
    const id = h.event("user/a/b");
    await h.drain();
    expect(h.throttleUntil.get(SHOP)).toBe(start + 500); // (60 - 10) / 100 s
    const run = h.store.taskRunsOf(id)[0]!;
    expect(h.store.actionRunsOf(run.id)[0]).toMatchObject({ status: "pending", attempts: 0 });
    await h.runNextScheduled();
    expect(h.clock.now).toBe(start + 500);
    expect(h.store.actionRunsOf(run.id)[0]).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(calls).toBe(2);
  });
});

describe("sequencing and halting", () => {
  const script =
    '{% action "echo", "one" %}{% action "shopify" %}mutation { two }{% endaction %}{% action "echo", "three" %}';

  it("in sequence: an action waits for the previous one, retries included", async () => {
    let calls = 0;
    const h = createHarness({ graphql: () => (++calls === 1 ? { status: 502, body: {} } : ok()) });
    h.task({ subscriptions: "user/a/b", script, performActionRunsInSequence: true });
    const id = h.event("user/a/b");
    await h.drain();
    const run = h.store.taskRunsOf(id)[0]!;
    expect(h.store.actionRunsOf(run.id).map((a) => a.status)).toEqual(["succeeded", "pending", "pending"]);
    await h.runNextScheduled();
    const [one, two, three] = h.store.actionRunsOf(run.id);
    expect([one!.status, two!.status, three!.status]).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(three!.startedAt!.getTime()).toBeGreaterThanOrEqual(two!.finishedAt!.getTime());
  });

  it("not in sequence: the others are performed while one waits for its retry", async () => {
    let calls = 0;
    const h = createHarness({ graphql: () => (++calls === 1 ? { status: 502, body: {} } : ok()) });
    h.task({ subscriptions: "user/a/b", script });
    const id = h.event("user/a/b");
    await h.drain();
    const run = h.store.taskRunsOf(id)[0]!;
    expect(h.store.actionRunsOf(run.id).map((a) => a.status)).toEqual(["succeeded", "pending", "succeeded"]);
  });

  it("halt on error: the first failure skips the rest, which never use an attempt", async () => {
    const h = createHarness();
    h.task({
      subscriptions: "user/a/b",
      script: '{% action "echo", "one" %}{% action "echo", __error: "second fails" %}{% action "echo", "three" %}',
      performActionRunsInSequence: true,
      haltActionRunSequenceOnError: true,
    });
    const id = h.event("user/a/b");
    await h.drain();
    const [one, two, three] = h.store.actionRunsOf(h.store.taskRunsOf(id)[0]!.id);
    expect([one!.status, two!.status, three!.status]).toEqual(["succeeded", "failed", "skipped"]);
    expect(two!.error).toBe("second fails");
    expect(three).toMatchObject({
      attempts: 0,
      error: "skipped: action 2 failed and the task halts the sequence on error",
    });
    expect(h.store.event(id)).toMatchObject({ status: "failed", error: "1 action run failed" });
  });

  it("without halting, a failure does not stop the sequence", async () => {
    const h = createHarness();
    h.task({
      subscriptions: "user/a/b",
      script: '{% action "echo", "one" %}{% action "echo", __error: "second fails" %}{% action "echo", "three" %}',
      performActionRunsInSequence: true,
    });
    const id = h.event("user/a/b");
    await h.drain();
    expect(h.store.actionRunsOf(h.store.taskRunsOf(id)[0]!.id).map((a) => a.status)).toEqual([
      "succeeded",
      "failed",
      "succeeded",
    ]);
  });
});

describe("orphaned action runs of effects outside (at-most-once)", () => {
  async function rendered(inSequence: boolean) {
    const h = createHarness();
    h.task({
      subscriptions: "user/a/b",
      script: '{% action "echo", 1 %}{% action "echo", 2 %}',
      performActionRunsInSequence: inSequence,
    });
    const id = h.event("user/a/b");
    await h.drain();
    const run = h.store.taskRunsOf(id)[0]!;
    const [first, second] = h.store.actionRunsOf(run.id);
    // As a worker that died mid-action left them: the first claimed, the second not yet started.
    // An http action (its effect is outside the app, so at-most-once).
    h.store.patchActionRun(first!.id, {
      type: "http",
      options: JSON.stringify({ method: "post", url: "https://orders.example.com/hook" }),
      status: "running",
      attempts: 1,
      startedAt: new Date(h.clock.now),
      result: null,
    });
    h.store.patchActionRun(second!.id, { status: "pending", attempts: 0, startedAt: null, result: null });
    h.store.patchTaskRun(run.id, { status: "succeeded" });
    return { h, id, run };
  }

  it("past the lease: failed with the orphan message, never performed again; the rest goes on", async () => {
    const { h, id, run } = await rendered(true);
    h.clock.advance(h.deps.actionLeaseMs + 1);
    await processTaskRun(run.id, h.deps);
    const [first, second] = h.store.actionRunsOf(run.id);
    expect(first).toMatchObject({ status: "failed", attempts: 1, error: ORPHANED_ACTION_MESSAGE, result: null });
    expect(second).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(h.store.event(id)!.status).toBe("failed");
    expect(h.logs.join("\n")).toContain(ORPHANED_ACTION_MESSAGE);
  });

  it("within the lease: left to the worker performing it (in sequence, nothing after it starts)", async () => {
    const { h, run } = await rendered(true);
    h.clock.advance(h.deps.actionLeaseMs - 1);
    await processTaskRun(run.id, h.deps);
    expect(h.store.actionRunsOf(run.id).map((a) => a.status)).toEqual(["running", "pending"]);
  });

  it("within the lease, not in sequence: the other actions are performed", async () => {
    const { h, run } = await rendered(false);
    await processTaskRun(run.id, h.deps);
    expect(h.store.actionRunsOf(run.id).map((a) => a.status)).toEqual(["running", "succeeded"]);
  });
});

describe("task runs that fail", () => {
  it("any {% error %} fails the run and cancels all of its actions (kept for display)", async () => {
    const h = createHarness();
    h.task({
      subscriptions: "user/a/b",
      script: '{% action "echo", 1 %}{% log "before" %}{% error "bad input" %}{% action "echo", 2 %}',
    });
    const id = h.event("user/a/b");
    await h.drain();
    const [run] = h.store.taskRunsOf(id);
    expect(run).toMatchObject({ status: "failed" });
    expect(json(run!.errors)).toEqual(["bad input"]);
    expect(json(run!.logs)).toEqual(["before"]);
    expect(json(run!.actions)).toHaveLength(2);
    expect(h.store.actionRunsOf(run!.id)).toEqual([]);
    expect(h.store.event(id)).toMatchObject({ status: "failed", error: "1 task run failed" });
  });

  it("a renderer that throws fails the run with the reason; a disabled task's run fails at once", async () => {
    const h = createHarness({
      overrides: {
        renderTask: async () => {
          throw new Error("engine exploded");
        },
      },
    });
    h.task({ subscriptions: "user/a/b", script: "x" });
    const id = h.event("user/a/b");
    await h.drain();
    expect(json(h.store.taskRunsOf(id)[0]!.errors)).toEqual(["task run failed: engine exploded"]);

    const h2 = createHarness();
    const task = h2.task({ subscriptions: "user/a/b+1.minute", script: '{% action "echo", 1 %}' });
    const id2 = h2.event("user/a/b");
    await h2.drain();
    h2.store.putTask({ ...task, enabled: false }); // disabled while its run waited
    await h2.runNextScheduled();
    const [run] = h2.store.taskRunsOf(id2);
    expect(run).toMatchObject({ status: "failed" });
    expect(json(run!.errors)).toEqual([DISABLED_TASK_MESSAGE]);
  });

  it("a rendered run that cannot be stored is given back and looked at again shortly", async () => {
    const h = createHarness();
    h.task({ subscriptions: "user/a/b+1.minute", script: '{% action "echo", 1 %}' });
    const id = h.event("user/a/b");
    await h.drain();
    let failures = 1;
    const store = h.store;
    h.deps.store = {
      ...store,
      finishTaskRun: async (...args) => {
        if (failures-- > 0) throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
        return store.finishTaskRun(...args);
      },
    };
    h.clock.advance(60_000);
    const [look] = h.scheduled.splice(0);
    await processTaskRun(look!.taskRunId, h.deps);
    const [run] = h.store.taskRunsOf(id);
    expect(run).toMatchObject({ status: "pending", attempts: 1 });
    expect(h.scheduled).toEqual([{ taskRunId: run!.id, at: h.clock.now + 500 }]);
    expect(h.logs.join("\n")).toMatch(/could not store the rendered run \(database is locked\); retrying shortly/);
    await h.runNextScheduled();
    expect(h.store.taskRunsOf(id)[0]).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(h.store.event(id)!.status).toBe("succeeded");
  });
});

describe("the first delivery of an event", () => {
  it("renders before it claims: a delivery that loses the claim drops its renders and carries on from the winner's", async () => {
    let calls = 0;
    const h = createHarness({
      graphql: () => {
        calls++;
        return ok();
      },
    });
    h.task({ subscriptions: "user/a/b", script: '{% action "shopify" %}mutation { one }{% endaction %}' });
    const id = h.event("user/a/b");
    h.enqueued.length = 0;
    const store = h.store;
    // The other delivery commits its claim while this one renders.
    let other: Promise<unknown> | undefined;
    h.deps.store = {
      ...store,
      startEvent: async (...args) => {
        other ??= fanOutEvent(id, { ...h.deps, store });
        await other;
        return store.startEvent(...args);
      },
    };
    expect(await fanOutEvent(id, h.deps)).toBe("processed");
    expect(h.store.taskRunsOf(id)).toHaveLength(1);
    expect(h.store.actionRunsOf(h.store.taskRunsOf(id)[0]!.id)).toMatchObject([{ status: "succeeded", attempts: 1 }]);
    expect(calls).toBe(1);
    expect(h.store.event(id)!.status).toBe("succeeded");
  });

  it("stores a task run whose offset has not come as pending, with a look at its time", async () => {
    const h = createHarness();
    const nowTask = h.task({ subscriptions: "user/a/b", script: '{% action "echo", "now" %}' });
    const laterTask = h.task({ subscriptions: "user/a/b+5.minutes", script: '{% action "echo", "later" %}' });
    const id = h.event("user/a/b");
    await h.drain();
    // Both runs are created in the same millisecond, so their order is the ids' (random): find each by task.
    const runOf = (taskId: string) => h.store.taskRunsOf(id).find((r) => r.taskId === taskId);
    expect(runOf(nowTask.id)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(runOf(laterTask.id)).toMatchObject({ status: "pending", attempts: 0, startedAt: null, actions: null });
    expect(h.store.event(id)!.status).toBe("running");
    await h.runNextScheduled();
    expect(runOf(laterTask.id)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(h.store.event(id)!.status).toBe("succeeded");
  });
});

describe("follow-up events (mechanic/actions/perform)", () => {
  it("go to the originating task only, with the action's result, once per attempt", async () => {
    const h = createHarness({ graphql: () => ok({ tagsAdd: { userErrors: [] } }) });
    const task = h.task({
      subscriptions: `user/a/b\n${ACTIONS_PERFORM_TOPIC}`,
      script: `{% if event.topic == "${ACTIONS_PERFORM_TOPIC}" %}{% action "echo", ok: action.run.ok, meta: action.meta, type: action.type %}{% else %}{% action "shopify", __meta: "m1" %}mutation { tagsAdd }{% endaction %}{% endif %}`,
    });
    const bystander = h.task({ subscriptions: ACTIONS_PERFORM_TOPIC, script: '{% action "echo", "not me" %}' });
    const id = h.event("user/a/b");
    await h.drain();
    const [run] = h.store.taskRunsOf(id);
    const [action] = h.store.actionRunsOf(run!.id);
    const followUps = h.store.events().filter((e) => e.topic === ACTIONS_PERFORM_TOPIC);
    expect(followUps).toHaveLength(1);
    const followUp = followUps[0]!;
    expect(followUp).toMatchObject({
      id: followUpEventId(action!.id, 1),
      parentId: id,
      depth: 1,
      source: "mechanic",
      taskIds: JSON.stringify([task.id]),
      status: "succeeded",
    });
    expect(json(followUp.data)).toMatchObject({
      type: "shopify",
      meta: "m1",
      run: { id: action!.id, ok: true, attempts: 1, error: null },
    });
    const followRuns = h.store.taskRunsOf(followUp.id);
    expect(followRuns.map((r) => r.taskId)).toEqual([task.id]);
    expect(followRuns.map((r) => r.taskId)).not.toContain(bystander.id);
    expect(json(h.store.actionRunsOf(followRuns[0]!.id)[0]!.result)).toEqual({ ok: true, meta: "m1", type: "shopify" });
  });

  it("none for echo, for __perform_event: false, or for a task that does not subscribe", async () => {
    const h = createHarness({ graphql: () => ok() });
    h.task({
      subscriptions: `user/a/b\n${ACTIONS_PERFORM_TOPIC}`,
      script: `{% if event.topic == "user/a/b" %}{% action "echo", 1 %}{% action "cache" %}{"set": {"key": "k", "value": 1}, "__perform_event": false}{% endaction %}{% endif %}`,
    });
    h.task({ subscriptions: "user/a/b", script: '{% action "shopify" %}mutation { y }{% endaction %}' });
    h.event("user/a/b");
    await h.drain();
    expect(h.store.events().filter((e) => e.topic === ACTIONS_PERFORM_TOPIC)).toEqual([]);
  });

  it("the loop guard fails a response that renders the same actions as the run it responds to", async () => {
    const h = createHarness();
    // The first response differs from the original (its topic is new); the second repeats the first.
    // (A cache action: echo never emits mechanic/actions/perform.)
    const task = h.task({
      subscriptions: `user/a/b\n${ACTIONS_PERFORM_TOPIC}`,
      script: '{% action "cache", "set", "last_topic", event.topic %}',
    });
    const root = h.event("user/a/b");
    await h.drain();
    const all = h.store.events().sort((a, b) => a.depth - b.depth);
    const events = all.filter((e) => !e.topic.startsWith("mechanic/errors/"));
    expect(events.map((e) => [e.depth, e.topic, e.status])).toEqual([
      [0, "user/a/b", "succeeded"],
      [1, ACTIONS_PERFORM_TOPIC, "succeeded"],
      [2, ACTIONS_PERFORM_TOPIC, "failed"],
    ]);
    // The failure is reported as error events (no task subscribes to them here).
    expect(
      all
        .filter((e) => e.topic.startsWith("mechanic/errors/"))
        .map((e) => [e.depth, e.topic])
        .sort(),
    ).toEqual([
      [3, "mechanic/errors/event"],
      [3, "mechanic/errors/task"],
    ]);
    expect(events[0]!.id).toBe(root);
    const [repeat] = h.store.taskRunsOf(events[2]!.id);
    expect(repeat).toMatchObject({ taskId: task.id, status: "failed" });
    expect(json(repeat!.errors)).toEqual([LOOP_GUARD_MESSAGE]);
    expect(h.store.actionRunsOf(repeat!.id)).toEqual([]);
  });

  it("stop at the depth limit", async () => {
    const h = createHarness();
    h.task({
      subscriptions: `user/a/b\n${ACTIONS_PERFORM_TOPIC}`,
      script: '{% action "cache", "incr", "n" %}',
    });
    const id = h.event("user/a/b", {}, { depth: MAX_EVENT_DEPTH });
    await h.drain();
    expect(h.store.events().map((e) => e.id)).toEqual([id]);
    expect(h.logs.join("\n")).toMatch(/not emitting mechanic\/actions\/perform, the event chain is already 5 deep/);
  });
});

describe("the event action", () => {
  it("creates child events down to the depth limit, then fails the action", async () => {
    const h = createHarness();
    h.task({ subscriptions: "user/loop/go", script: '{% action "event", topic: "user/loop/go", data: event.data %}' });
    const root = h.event("user/loop/go", { n: 1 });
    await h.drain();
    const events = h.store.events().sort((a, b) => a.depth - b.depth);
    expect(events.map((e) => e.depth)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events[0]!.id).toBe(root);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]).toMatchObject({ parentId: events[i - 1]!.id, source: "event_action", data: '{"n":1}' });
    }
    const [last] = h.store.actionRunsOf(h.store.taskRunsOf(events[5]!.id)[0]!.id);
    expect(last).toMatchObject({ status: "failed" });
    expect(last!.error).toMatch(/depth limit/);
    expect(events[5]!.status).toBe("failed");
  });

  it("passes run_at and task_id through to the new event", async () => {
    const h = createHarness();
    const target = h.task({ subscriptions: "user/later/run", script: '{% action "echo", event.parent.topic %}' });
    const runAt = Math.floor(h.clock.now / 1000) + 60;
    h.task({
      subscriptions: "user/a/b",
      script: `{% action "event", topic: "user/later/run", data: 1, run_at: ${runAt}, task_id: "${target.id}" %}`,
    });
    const id = h.event("user/a/b");
    await h.drain();
    const child = h.store.events().find((e) => e.parentId === id)!;
    expect(child).toMatchObject({ runAt: new Date(runAt * 1000), taskIds: JSON.stringify([target.id]) });
  });
});

describe("roll-up", () => {
  it("running while anything is open; then failed (with counts) if anything failed; else succeeded", () => {
    expect(rollUp([])).toEqual({ status: "succeeded", error: null });
    expect(rollUp([{ taskRun: "succeeded", actionRuns: ["succeeded", "skipped"] }])).toEqual({
      status: "succeeded",
      error: null,
    });
    expect(rollUp([{ taskRun: "succeeded", actionRuns: ["failed", "pending"] }]).status).toBe("running");
    expect(rollUp([{ taskRun: "running", actionRuns: [] }]).status).toBe("running");
    expect(
      rollUp([
        { taskRun: "failed", actionRuns: [] },
        { taskRun: "succeeded", actionRuns: ["failed", "failed", "succeeded"] },
      ]),
    ).toEqual({ status: "failed", error: "1 task run failed, 2 action runs failed" });
  });

  it("cancelled when the merchant cancelled runs and nothing failed; a failure still wins", () => {
    expect(rollUp([{ taskRun: "succeeded", actionRuns: ["succeeded", "cancelled"] }])).toEqual({
      status: "cancelled",
      error: CANCELLED_MESSAGE,
    });
    expect(rollUp([{ taskRun: "cancelled", actionRuns: [] }]).status).toBe("cancelled");
    expect(rollUp([{ taskRun: "succeeded", actionRuns: ["failed", "cancelled"] }]).status).toBe("failed");
    expect(rollUp([{ taskRun: "succeeded", actionRuns: ["running", "cancelled"] }]).status).toBe("running");
  });

  it("never reopens a finished event (a stale snapshot from another worker)", async () => {
    const h = createHarness();
    const id = h.event("user/a/b");
    await h.drain();
    expect(h.store.event(id)!.status).toBe("succeeded");
    const staleStore = { ...h.store, runStatuses: async () => [{ taskRun: "running" as const, actionRuns: [] }] };
    expect(await rollUpEvent(id, { store: staleStore, now: h.deps.now })).toBe("running");
    expect(h.store.event(id)!.status).toBe("succeeded");
  });
});

describe("orphaned action runs of effects inside the app (exactly-once, issue 16 item 9)", () => {
  /** Renders the task, then leaves its first action as a worker that died performing it would. */
  async function orphaned(script: string) {
    const h = createHarness();
    const task = h.task({ subscriptions: "user/a/b", script });
    const id = h.event("user/a/b");
    await h.drain();
    const run = h.store.taskRunsOf(id)[0]!;
    const [first] = h.store.actionRunsOf(run.id);
    return { h, id, run, first: first!, task };
  }

  it("echo: performed again past the lease and succeeds (attempt 2)", async () => {
    const { h, id, run, first } = await orphaned('{% action "echo", 1 %}');
    h.store.patchActionRun(first.id, {
      status: "running",
      attempts: 1,
      startedAt: new Date(h.clock.now),
      result: null,
    });
    h.store.patchTaskRun(run.id, { status: "succeeded" });
    h.clock.advance(h.deps.actionLeaseMs + 1);
    await processTaskRun(run.id, h.deps);
    expect(h.store.actionRunsOf(run.id)[0]).toMatchObject({ status: "succeeded", attempts: 2, result: "1" });
    expect(h.store.event(id)!.status).toBe("succeeded");
    expect(h.logs.join("\n")).toContain(RETRIED_ORPHAN_MESSAGE);
  });

  it("cache incr applied by the dead worker: the retry records it without counting twice", async () => {
    const { h, run, first } = await orphaned('{% action "cache", "incr", "count" %}');
    expect(h.cache.get(`${SHOP}\u0000count`)!.valueJson).toBe("1");
    // The dead worker had applied the increment (and its mark) but not recorded the outcome.
    h.store.patchActionRun(first.id, {
      status: "running",
      attempts: 1,
      startedAt: new Date(h.clock.now),
      result: null,
    });
    h.clock.advance(h.deps.actionLeaseMs + 1);
    await processTaskRun(run.id, h.deps);
    expect(h.cache.get(`${SHOP}\u0000count`)!.valueJson).toBe("1");
    const [after] = h.store.actionRunsOf(run.id);
    expect(after).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(json(after!.result)).toMatchObject({ command: "incrby", value: 1 });
  });

  it("event action: the retry finds the event the dead attempt created (one id per action run)", async () => {
    const { h, id, run, first } = await orphaned('{% action "event", topic: "user/c/d", data: 7 %}');
    const children = () => h.store.events().filter((e) => e.parentId === id);
    expect(children()).toHaveLength(1);
    h.store.patchActionRun(first.id, {
      status: "running",
      attempts: 1,
      startedAt: new Date(h.clock.now),
      result: null,
    });
    h.clock.advance(h.deps.actionLeaseMs + 1);
    await processTaskRun(run.id, h.deps);
    expect(children()).toHaveLength(1);
    const [after] = h.store.actionRunsOf(run.id);
    expect(after).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(json(after!.result)).toMatchObject({ event_id: children()[0]!.id });
  });
});
