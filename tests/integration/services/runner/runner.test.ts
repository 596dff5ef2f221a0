// The runner end to end in-process: events enqueued through the real ingress model, processed by
// real BullMQ workers (startWorker) against the real database and Redis.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { parseJson } from "~/domain/json";
import { createWebhook } from "~/data/webhooks.server";
import { createEvent } from "~/data/events.server";
import { getCacheValue } from "~/data/cache.server";
import { createTask, draftToInput } from "~/data/tasks.server";
import { findTaskTemplate } from "~/domain/tasks/templates";
import { ORPHANED_ACTION_MESSAGE } from "~/services/runner/perform-action-runs";
import { LOOP_GUARD_MESSAGE } from "~/services/runner/render-task-run";
import { redisThrottleGate } from "~/data/throttle.server";
import { createRedis, enqueueEvent, eventJobAdds, EVENTS_PER_JOB } from "~/data/queues.server";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";
import {
  countingServer,
  newEvent,
  newTask,
  runsOf,
  shopGraphql,
  uniqueShop,
  waitFor,
  waitForEventDone,
} from "./helpers";

let worker: StartedWorker;
let graphqlHandler:
  ((query: string, variables?: Record<string, unknown>) => { status: number; body: unknown }) | undefined;
const policy = { allowPrivate: true, allowedHosts: [] as string[] };

beforeAll(async () => {
  worker = await startWorker({
    concurrency: 4,
    lockMs: 5_000,
    sweepIntervalMs: 0,
    log: () => {},
    overrides: {
      adminGraphql: shopGraphql((q, v) => {
        if (!graphqlHandler) throw new Error("no graphql handler");
        return graphqlHandler(q, v);
      }),
      retryBaseMs: 20,
      httpPolicy: policy,
      actionLeaseMs: 10_000,
      taskLeaseMs: 10_000,
      random: () => 0.5,
    },
  });
});

afterAll(async () => {
  await worker.close();
  await closeSharedQueues();
});

describe("the seed tutorial without a browser", () => {
  it("webhook Example -> event -> task Webhook test (Echo) -> echo action run holding the data", async () => {
    const shop = uniqueShop("tutorial");
    const webhook = await createWebhook(shop, { name: "Example", topic: "user/webhook/test" });
    const echo = findTaskTemplate("echo")!;
    const task = await createTask(shop, {
      ...draftToInput(echo.draft),
      name: "Webhook test",
      subscriptions: "user/webhook/test",
    });
    const created = await createEvent({
      shop,
      topic: webhook.topic,
      webhookId: webhook.id,
      source: "user",
      data: parseJson('{"foo":"bar","id":12345678901234567890}'),
    });
    expect(created.status).toBe("created");
    const id = created.status === "created" ? created.id : "";
    const event = await waitForEventDone(id);
    expect(event.status).toBe("succeeded");
    const [taskRun] = await runsOf(id);
    expect(taskRun.taskId).toBe(task.id);
    expect(taskRun.status).toBe("succeeded");
    expect(taskRun.actionRuns).toHaveLength(1);
    const [actionRun] = taskRun.actionRuns;
    expect(actionRun).toMatchObject({ type: "echo", status: "succeeded", attempts: 1 });
    expect(actionRun.result).toBe('{"foo":"bar","id":12345678901234567890}'); // 64-bit id exact
    expect(actionRun.startedAt).toBeInstanceOf(Date);
    expect(actionRun.durationMs).toBeGreaterThanOrEqual(0);
    expect(event.finishedAt).toBeInstanceOf(Date);
  });

  it("an event nobody subscribes to succeeds with no task runs; disabled and other shops' tasks are not run", async () => {
    const shop = uniqueShop("nobody");
    await newTask(shop, { subscriptions: "user/other/topic", script: '{% action "echo", 1 %}' });
    await newTask(shop, { subscriptions: "user/webhook/test", script: '{% action "echo", 1 %}', enabled: false });
    await newTask(uniqueShop("elsewhere"), { subscriptions: "user/webhook/test", script: '{% action "echo", 1 %}' });
    const id = await newEvent(shop, "user/webhook/test", {});
    expect((await waitForEventDone(id)).status).toBe("succeeded");
    expect(await runsOf(id)).toHaveLength(0);
  });
});

describe("jobs carrying several events", () => {
  it("runs every event of a tick's shared job side by side: a slow one holds up none of the others", async () => {
    const server = await countingServer(() => ({ delayMs: 5_000 }));
    try {
      const slowShop = uniqueShop("sharedslow");
      const fastShop = uniqueShop("sharedfast");
      await newTask(slowShop, {
        subscriptions: "user/a/b",
        script: `{% action "http", method: "post", url: "${server.url}/slow", body: event.data %}`,
      });
      await newTask(fastShop, { subscriptions: "user/a/b", script: '{% action "echo", event.data %}' });
      // Rows first, then their jobs asked for in one tick, as ingress asks after a grouped commit.
      const row = async (shop: string, n: number) =>
        (
          await prisma.event.create({
            data: { id: randomUUID(), shop, topic: "user/a/b", data: `{"n":${n}}`, source: "user" },
          })
        ).id;
      const slow = await row(slowShop, 0);
      const fast = [];
      for (let n = 1; n < EVENTS_PER_JOB; n++) fast.push(await row(fastShop, n));
      const before = eventJobAdds.calls;
      expect(await Promise.all([slow, ...fast].map((id) => enqueueEvent(id)))).toEqual(
        Array(EVENTS_PER_JOB).fill(true),
      );
      expect(eventJobAdds.calls - before).toBe(1);

      // The worker has 4 event slots: the slow event holds one for 5 s while the rest run in the others.
      for (const id of fast) expect((await waitForEventDone(id, 4_000)).status).toBe("succeeded");
      expect(server.hits.get("/slow")).toBe(1);
      expect((await prisma.event.findUniqueOrThrow({ where: { id: slow } })).status).toBe("running");
      expect((await waitForEventDone(slow)).status).toBe("succeeded");
      const [fastRun] = await runsOf(fast[2]!);
      expect(fastRun.actionRuns[0].result).toBe('{"n":3}');
    } finally {
      await server.close();
    }
  });
});

describe("task runs", () => {
  it("any {% error %} fails the task run and cancels all of its actions", async () => {
    const shop = uniqueShop("error");
    await newTask(shop, {
      subscriptions: "user/a/b",
      script: '{% action "echo", 1 %}{% log "before" %}{% error "bad input" %}{% action "echo", 2 %}',
    });
    const id = await newEvent(shop, "user/a/b", {});
    const event = await waitForEventDone(id);
    expect(event.status).toBe("failed");
    expect(event.error).toContain("1 task run failed");
    const [taskRun] = await runsOf(id);
    expect(taskRun.status).toBe("failed");
    expect(taskRun.actionRuns).toHaveLength(0);
    expect(JSON.parse(taskRun.errors!)).toEqual(["bad input"]);
    expect(JSON.parse(taskRun.logs!)).toEqual(["before"]);
    expect(JSON.parse(taskRun.actions!)).toHaveLength(2); // recorded for display, never performed
  });

  it("a script that breaks a limit fails the task run, not the worker", async () => {
    const shop = uniqueShop("hostile");
    await newTask(shop, {
      subscriptions: "user/a/b",
      script: "{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}",
    });
    const id = await newEvent(shop, "user/a/b", {});
    const event = await waitForEventDone(id, 20_000);
    expect(event.status).toBe("failed");
    const [taskRun] = await runsOf(id);
    expect(taskRun.status).toBe("failed");
    expect(JSON.parse(taskRun.errors!).join(" ")).toMatch(/limit|time|exceed/i);
  });

  it("reads the shop's details from the Admin API and passes options, task and event", async () => {
    const shop = uniqueShop("env");
    const task = await newTask(shop, {
      subscriptions: "user/a/b",
      options: { greeting__required: "hi" },
      script:
        '{% action "echo", shop: shop.name, domain: shop.domain, currency: shop.currency, greeting: options.greeting__required, task: task.name, topic: event.topic, x: event.data.x %}',
    });
    const id = await newEvent(shop, "user/a/b", { x: 7 });
    await waitForEventDone(id);
    const [taskRun] = await runsOf(id);
    expect(JSON.parse(taskRun.actionRuns[0].result!)).toEqual({
      shop: `Shop ${shop}`,
      domain: `www.${shop}`,
      currency: "EUR",
      greeting: "hi",
      task: task.name,
      topic: "user/a/b",
      x: 7,
    });
  });

  it("honours subscription offsets: the task run waits for its time", async () => {
    const shop = uniqueShop("offset");
    await newTask(shop, { subscriptions: "user/a/b+2.seconds", script: '{% action "echo", 1 %}' });
    const started = Date.now();
    const id = await newEvent(shop, "user/a/b", {});
    const [pending] = await waitFor(async () => {
      const runs = await runsOf(id);
      return runs.length ? runs : null;
    });
    expect(pending.status).toBe("pending");
    const created = await prisma.event.findUniqueOrThrow({ where: { id } });
    expect(pending.runAt.getTime() - created.createdAt.getTime()).toBe(2000); // the event's time + the offset
    const event = await waitForEventDone(id);
    expect(event.status).toBe("succeeded");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    const [done] = await runsOf(id);
    expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(done.runAt.getTime());
  });

  it("delivers a targeted event (task_ids) only to the named tasks", async () => {
    const shop = uniqueShop("target");
    const a = await newTask(shop, { subscriptions: "user/a/b", script: '{% action "echo", "a" %}' });
    await newTask(shop, { subscriptions: "user/a/b", script: '{% action "echo", "b" %}' });
    const id = await newEvent(shop, "user/a/b", {}, { taskIds: [a.id] });
    await waitForEventDone(id);
    const runs = await runsOf(id);
    expect(runs.map((r) => r.taskId)).toEqual([a.id]);
  });
});

describe("action sequencing", () => {
  const script =
    '{% action "echo", "one" %}{% action "echo" %}{"__error": "second fails"}{% endaction %}{% action "echo", "three" %}';

  it("in sequence with halt on error: stops at the first failure and skips the rest", async () => {
    const shop = uniqueShop("halt");
    await newTask(shop, {
      subscriptions: "user/a/b",
      script,
      performActionRunsInSequence: true,
      haltActionRunSequenceOnError: true,
    });
    const id = await newEvent(shop, "user/a/b", {});
    const event = await waitForEventDone(id);
    expect(event.status).toBe("failed");
    const [taskRun] = await runsOf(id);
    expect(taskRun.status).toBe("succeeded");
    expect(taskRun.actionRuns.map((a) => a.status)).toEqual(["succeeded", "failed", "skipped"]);
    expect(taskRun.actionRuns[1].error).toBe("second fails");
    expect(taskRun.actionRuns[2].error).toMatch(/action 2 failed/);
    expect(taskRun.actionRuns[2].attempts).toBe(0);
  });

  it("in sequence without halt, and not in sequence: every action is performed", async () => {
    for (const inSequence of [true, false]) {
      const shop = uniqueShop("nohalt");
      await newTask(shop, { subscriptions: "user/a/b", script, performActionRunsInSequence: inSequence });
      const id = await newEvent(shop, "user/a/b", {});
      await waitForEventDone(id);
      const [taskRun] = await runsOf(id);
      expect(taskRun.actionRuns.map((a) => a.status)).toEqual(["succeeded", "failed", "succeeded"]);
      if (inSequence) {
        const [first, second, third] = taskRun.actionRuns;
        expect(first.finishedAt!.getTime()).toBeLessThanOrEqual(second.startedAt!.getTime());
        expect(second.finishedAt!.getTime()).toBeLessThanOrEqual(third.startedAt!.getTime());
      }
    }
  });
});

describe("retries", () => {
  it("retries transient failures with backoff and succeeds once the server recovers", async () => {
    const server = await countingServer((path, hit) => ({ status: hit < 3 ? 503 : 200 }));
    try {
      const shop = uniqueShop("retry");
      await newTask(shop, {
        subscriptions: "user/a/b",
        script: `{% action "http", method: "post", url: "${server.url}/flaky", error_on_5xx: true, body: event.data %}`,
      });
      const id = await newEvent(shop, "user/a/b", { n: 1 });
      const event = await waitForEventDone(id);
      expect(event.status).toBe("succeeded");
      const [taskRun] = await runsOf(id);
      const [actionRun] = taskRun.actionRuns;
      expect(actionRun.status).toBe("succeeded");
      expect(actionRun.attempts).toBe(3);
      expect(server.count("/flaky")).toBe(3);
      expect(JSON.parse(actionRun.result!).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("gives up after 5 attempts and marks the run failed (dead)", async () => {
    const server = await countingServer(() => ({ status: 500 }));
    try {
      const shop = uniqueShop("dead");
      await newTask(shop, {
        subscriptions: "user/a/b",
        script: `{% action "http", method: "get", url: "${server.url}/down", error_on_5xx: true %}`,
      });
      const id = await newEvent(shop, "user/a/b", {});
      const event = await waitForEventDone(id);
      expect(event.status).toBe("failed");
      const [taskRun] = await runsOf(id);
      const [actionRun] = taskRun.actionRuns;
      expect(actionRun.status).toBe("failed");
      expect(actionRun.attempts).toBe(5);
      expect(actionRun.error).toMatch(/HTTP 500 \(gave up after 5 attempts\)/);
      expect(server.count("/down")).toBe(5);
    } finally {
      await server.close();
    }
  });

  it("does not retry permanent failures", async () => {
    const shop = uniqueShop("permanent");
    await newTask(shop, {
      subscriptions: "user/a/b",
      script: '{% action "http", method: "get", url: "ftp://example.com/x" %}',
    });
    const id = await newEvent(shop, "user/a/b", {});
    await waitForEventDone(id);
    const [taskRun] = await runsOf(id);
    expect(taskRun.actionRuns[0]).toMatchObject({ status: "failed", attempts: 1 });
  });
});

describe("http action", () => {
  it("records the response and emits mechanic/actions/perform to the originating task only", async () => {
    const server = await countingServer(() => ({ status: 201, body: { received: true } }));
    try {
      const shop = uniqueShop("perform");
      const task = await newTask(shop, {
        subscriptions: "user/a/b\nmechanic/actions/perform",
        script: `{% if event.topic == "mechanic/actions/perform" %}{% action "echo", status: action.run.result.status, ok: action.run.ok, meta: action.meta %}{% else %}{% action "http", method: "post", url: "${server.url}/hook", body: event.data, __meta: "m1" %}{% endif %}`,
      });
      const bystander = await newTask(shop, {
        subscriptions: "mechanic/actions/perform",
        script: '{% action "echo", "should not run" %}',
      });
      const id = await newEvent(shop, "user/a/b", { hello: "world" });
      await waitForEventDone(id);
      const [taskRun] = await runsOf(id);
      const result = JSON.parse(taskRun.actionRuns[0].result!);
      expect(result.status).toBe(201);
      expect(result.body).toEqual({ received: true });
      expect(JSON.parse(server.bodies[0].body)).toEqual({ hello: "world" });
      const followUp = await waitFor(async () =>
        prisma.event.findFirst({ where: { parentId: id, topic: "mechanic/actions/perform" } }),
      );
      expect(followUp.depth).toBe(1);
      await waitForEventDone(followUp.id);
      const followRuns = await runsOf(followUp.id);
      expect(followRuns.map((r) => r.taskId)).toEqual([task.id]);
      expect(followRuns.map((r) => r.taskId)).not.toContain(bystander.id);
      expect(JSON.parse(followRuns[0].actionRuns[0].result!)).toEqual({ status: 201, ok: true, meta: "m1" });
    } finally {
      await server.close();
    }
  });

  it("refuses loopback without the operator's allowance, and sends nothing", async () => {
    const server = await countingServer();
    policy.allowPrivate = false;
    try {
      const shop = uniqueShop("refuse");
      await newTask(shop, {
        subscriptions: "user/a/b",
        script: `{% action "http", method: "get", url: "${server.url}/secret", __perform_event: false %}`,
      });
      const id = await newEvent(shop, "user/a/b", {});
      await waitForEventDone(id);
      const [taskRun] = await runsOf(id);
      expect(taskRun.actionRuns[0].status).toBe("failed");
      expect(taskRun.actionRuns[0].error).toMatch(/refusing to reach 127\.0\.0\.1/);
      expect(server.count("/secret")).toBe(0);
    } finally {
      policy.allowPrivate = true;
      await server.close();
    }
  });
});

describe("cache action", () => {
  it("runs every command, counts missing keys as 0, and is readable by later tasks", async () => {
    const shop = uniqueShop("cache");
    await newTask(shop, {
      subscriptions: "user/cache/write",
      performActionRunsInSequence: true,
      script: `
        {% action "cache", "set", "greeting", event.data %}
        {% action "cache", "incr", "hits" %}
        {% action "cache", "incrby", "hits", 5 %}
        {% action "cache", "decr", "hits" %}
        {% action "cache", "decrby", "down", 2 %}
        {% action "cache", "setex", "short", 60, "soon gone" %}
        {% action "cache", "set", "temp", 1 %}
        {% action "cache", "del", "temp" %}
        {% action "cache" %}{"incr": {"key": "verbose", "ttl": 600}}{% endaction %}
      `,
    });
    const id = await newEvent(shop, "user/cache/write", { hello: "world" });
    expect((await waitForEventDone(id)).status).toBe("succeeded");
    expect(await getCacheValue(shop, "greeting")).toEqual({ hello: "world" });
    expect(await getCacheValue(shop, "hits")).toBe(5);
    expect(await getCacheValue(shop, "down")).toBe(-2);
    expect(await getCacheValue(shop, "short")).toBe("soon gone");
    expect(await getCacheValue(shop, "temp")).toBeUndefined();
    expect(await getCacheValue(shop, "verbose")).toBe(1);
    expect(await getCacheValue(uniqueShop("other"), "hits")).toBeUndefined(); // per shop
    const short = await prisma.cacheEntry.findUnique({ where: { shop_key: { shop, key: "short" } } });
    expect(short!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    const hits = await prisma.cacheEntry.findUnique({ where: { shop_key: { shop, key: "hits" } } });
    expect(hits!.expiresAt.getTime() - Date.now()).toBeGreaterThan(59 * 24 * 3600 * 1000);

    await newTask(shop, {
      subscriptions: "user/cache/read",
      script: '{% action "echo", hits: cache["hits"], greeting: cache.greeting, missing: cache["nope"] %}',
    });
    const readId = await newEvent(shop, "user/cache/read", {});
    await waitForEventDone(readId);
    const [reader] = await runsOf(readId);
    expect(JSON.parse(reader.actionRuns[0].result!)).toEqual({ hits: 5, greeting: { hello: "world" }, missing: null });
  });

  it("refuses incr on a non-integer and bad keys", async () => {
    const shop = uniqueShop("cachebad");
    await newTask(shop, {
      subscriptions: "user/a/b",
      script:
        '{% action "cache", "set", "word", "abc" %}{% action "cache", "incr", "word" %}{% action "cache", "set", "bad key", 1 %}',
      performActionRunsInSequence: true,
    });
    const id = await newEvent(shop, "user/a/b", {});
    await waitForEventDone(id);
    const [taskRun] = await runsOf(id);
    expect(taskRun.actionRuns.map((a) => a.status)).toEqual(["succeeded", "failed", "failed"]);
    expect(taskRun.actionRuns[1].error).toMatch(/not an integer/);
    expect(taskRun.actionRuns[2].error).toMatch(/may only contain/);
  });
});

describe("event action", () => {
  it("creates child events and stops a self-triggering chain at depth 5", async () => {
    const shop = uniqueShop("loop");
    await newTask(shop, {
      subscriptions: "user/loop/go",
      script: '{% action "event", topic: "user/loop/go", data: event.data %}',
    });
    const rootId = await newEvent(shop, "user/loop/go", { n: 1 });
    const events = await waitFor(
      async () => {
        const rows = await prisma.event.findMany({ where: { shop }, orderBy: { depth: "asc" } });
        return rows.length === 6 && rows.every((e) => e.status === "succeeded" || e.status === "failed") ? rows : null;
      },
      20_000,
      "the chain to stop",
    );
    expect(events.map((e) => e.depth)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events[0].id).toBe(rootId);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].parentId).toBe(events[i - 1].id);
      expect(events[i].source).toBe("event_action");
    }
    const [last] = await runsOf(events[5].id);
    expect(last.actionRuns[0].status).toBe("failed");
    expect(last.actionRuns[0].error).toMatch(/depth limit/);
    expect(events[5].status).toBe("failed");
  });

  it("fails a mechanic/actions/perform run that renders the same actions as the run it responds to", async () => {
    const shop = uniqueShop("loop-guard");
    // The first response differs from the original run (its topic is new); the second repeats the first.
    // (A cache action, as echo never emits mechanic/actions/perform.)
    const task = await newTask(shop, {
      subscriptions: "user/a/b\nmechanic/actions/perform",
      script: '{% action "cache", "set", "last_topic", event.topic %}',
    });
    const rootId = await newEvent(shop, "user/a/b", {});
    const events = await waitFor(
      async () => {
        // The failure's own reports (mechanic/errors/*) are checked in error-events.test.ts.
        const rows = await prisma.event.findMany({
          where: { shop, NOT: { topic: { startsWith: "mechanic/errors/" } } },
          orderBy: { depth: "asc" },
        });
        return rows.length === 3 && rows.every((e) => e.status === "succeeded" || e.status === "failed") ? rows : null;
      },
      20_000,
      "the loop guard to stop the chain",
    );
    expect(events.map((e) => [e.depth, e.topic])).toEqual([
      [0, "user/a/b"],
      [1, "mechanic/actions/perform"],
      [2, "mechanic/actions/perform"],
    ]);
    expect(events[0]!.id).toBe(rootId);
    const [first] = await runsOf(events[1]!.id);
    expect(first).toMatchObject({ taskId: task.id, status: "succeeded" });
    const [repeat] = await runsOf(events[2]!.id);
    expect(repeat).toMatchObject({ taskId: task.id, status: "failed" });
    expect(JSON.parse(repeat!.errors!)).toEqual([LOOP_GUARD_MESSAGE]);
    expect(repeat!.actionRuns).toHaveLength(0);
    expect(events[2]!.status).toBe("failed");
    // Nothing further: the failed run performed nothing, so no third response exists.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await prisma.event.count({ where: { shop, NOT: { topic: { startsWith: "mechanic/errors/" } } } })).toBe(3);
  });

  it("schedules with run_at and targets task_id", async () => {
    const shop = uniqueShop("evt");
    const target = await newTask(shop, {
      subscriptions: "user/later/run",
      script: '{% action "echo", event.parent.topic %}',
    });
    await newTask(shop, { subscriptions: "user/later/run", script: '{% action "echo", "not me" %}' });
    const runAt = Math.floor(Date.now() / 1000) + 2;
    await newTask(shop, {
      subscriptions: "user/a/b",
      script: `{% action "event", topic: "user/later/run", data: 1, run_at: ${runAt}, task_id: "${target.id}" %}`,
    });
    const id = await newEvent(shop, "user/a/b", {});
    await waitForEventDone(id);
    const child = await waitFor(async () => prisma.event.findFirst({ where: { parentId: id } }));
    expect(child.runAt!.getTime()).toBe(runAt * 1000);
    const done = await waitForEventDone(child.id);
    expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(runAt * 1000 - 50);
    const runs = await runsOf(child.id);
    expect(runs.map((r) => r.taskId)).toEqual([target.id]);
    expect(JSON.parse(runs[0].actionRuns[0].result!)).toBe("user/a/b");
  });
});

describe("shopify action", () => {
  it("fails with userErrors, and survives THROTTLED by waiting for the bucket", async () => {
    let calls = 0;
    graphqlHandler = (query) => {
      calls++;
      if (query.includes("bad"))
        return {
          status: 200,
          body: {
            data: {
              metafieldsSet: {
                metafields: [],
                userErrors: [{ field: ["metafields", "0", "type"], message: "Type is invalid" }],
              },
            },
          },
        };
      if (calls === 2) {
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
      return {
        status: 200,
        body: { data: { metafieldsSet: { metafields: [{ id: "gid://shopify/Metafield/1" }], userErrors: [] } } },
      };
    };
    try {
      const shop = uniqueShop("shopify");
      await newTask(shop, {
        subscriptions: "user/a/b",
        performActionRunsInSequence: true,
        script:
          '{% action "shopify" %}mutation { bad }{% endaction %}{% action "shopify" %}mutation { good }{% endaction %}',
      });
      const id = await newEvent(shop, "user/a/b", {});
      const event = await waitForEventDone(id);
      const [taskRun] = await runsOf(id);
      const [bad, good] = taskRun.actionRuns;
      expect(bad.status).toBe("failed");
      expect(bad.error).toMatch(/userErrors: metafields\.0\.type: Type is invalid/);
      expect(good.status).toBe("succeeded");
      expect(good.attempts).toBe(1); // the throttled try does not use up an attempt
      expect(good.finishedAt!.getTime() - good.createdAt.getTime()).toBeGreaterThanOrEqual(450); // waited (60-10)/100 s
      expect(calls).toBe(3);
      expect(event.status).toBe("failed");
    } finally {
      graphqlHandler = undefined;
    }
  });
});

describe("per-shop throttling", () => {
  it("a throttled shop's shopify actions wait without blocking another shop's", async () => {
    graphqlHandler = () => ({
      status: 200,
      body: { data: { tagsAdd: { node: { id: "gid://shopify/Customer/1" }, userErrors: [] } } },
    });
    const redis = createRedis();
    try {
      const throttled = uniqueShop("throttled");
      const free = uniqueShop("free");
      const blockedUntil = Date.now() + 2_500;
      await redisThrottleGate(redis).block(throttled, blockedUntil);
      for (const shop of [throttled, free]) {
        await newTask(shop, {
          subscriptions: "user/a/b",
          script: '{% action "shopify" %}mutation { tagsAdd }{% endaction %}',
        });
      }
      const started = Date.now();
      const slowId = await newEvent(throttled, "user/a/b", {});
      const fastId = await newEvent(free, "user/a/b", {});
      const fast = await waitForEventDone(fastId);
      expect(fast.status).toBe("succeeded");
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await prisma.event.findUniqueOrThrow({ where: { id: slowId } })).status).toBe("running");
      const slow = await waitForEventDone(slowId);
      expect(slow.status).toBe("succeeded");
      // Not before the shop's bucket allowed it (measured from the block itself: setting up the
      // tasks may take a while on a busy machine).
      expect(slow.finishedAt!.getTime()).toBeGreaterThanOrEqual(blockedUntil);
      const [run] = await runsOf(slowId);
      expect(run.actionRuns[0].attempts).toBe(1); // waiting did not use an attempt
    } finally {
      graphqlHandler = undefined;
      await redis.quit();
    }
  });
});

describe("crash recovery inside the runner", () => {
  it("marks an http action run orphaned by a dead worker as failed and does not perform it again; an echo is performed again", async () => {
    const shop = uniqueShop("orphan");
    const task = await newTask(shop, {
      subscriptions: "user/a/b",
      script: '{% action "echo", 1 %}{% action "echo", 2 %}',
      performActionRunsInSequence: true,
    });
    // Simulate a worker that died mid-action: a task run rendered, action 1 claimed long ago.
    const event = await prisma.event.create({
      data: {
        id: crypto.randomUUID(),
        shop,
        topic: "user/a/b",
        data: "{}",
        source: "user",
        status: "running",
        startedAt: new Date(),
      },
    });
    const taskRun = await prisma.taskRun.create({
      data: {
        id: crypto.randomUUID(),
        eventId: event.id,
        taskId: task.id,
        taskVersion: 1,
        status: "succeeded",
        actions: "[]",
        logs: "[]",
        errors: "[]",
      },
    });
    await prisma.actionRun.create({
      data: {
        id: crypto.randomUUID(),
        taskRunId: taskRun.id,
        position: 0,
        type: "http",
        options: JSON.stringify({ method: "post", url: "http://127.0.0.1:9/hook" }),
        status: "running",
        attempts: 1,
        startedAt: new Date(Date.now() - 60_000),
      },
    });
    // An exactly-once action (echo) orphaned the same way: performed again (issue 16 item 9).
    await prisma.actionRun.create({
      data: {
        id: crypto.randomUUID(),
        taskRunId: taskRun.id,
        position: 2,
        type: "echo",
        options: "3",
        status: "running",
        attempts: 1,
        startedAt: new Date(Date.now() - 60_000),
      },
    });
    await prisma.actionRun.create({
      data: {
        id: crypto.randomUUID(),
        taskRunId: taskRun.id,
        position: 1,
        type: "echo",
        options: "2",
        status: "pending",
      },
    });
    await worker.runner.processTaskRun(taskRun.id);
    const [run] = await runsOf(event.id);
    expect(run.actionRuns[0]).toMatchObject({ status: "failed", error: ORPHANED_ACTION_MESSAGE, attempts: 1 });
    expect(run.actionRuns[1]).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(run.actionRuns[2]).toMatchObject({ status: "succeeded", attempts: 2, result: "3" });
    expect((await prisma.event.findUnique({ where: { id: event.id } }))!.status).toBe("failed");
  });
});
