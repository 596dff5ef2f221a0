// The task and cache models against the real database.
import { describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { CacheValueError } from "~/domain/actions/cache";
import { cacheStoreFor, getCacheValue, purgeExpiredCache } from "~/data/cache.server";
import {
  createTask,
  deleteTask,
  exportTaskJson,
  findSubscribedTasks,
  getTask,
  importTaskJson,
  listTasks,
  setTaskEnabled,
  TaskNotFoundError,
  TaskValidationError,
  updateTask,
} from "~/data/tasks.server";
import { uniqueShop } from "../services/runner/helpers";

const base = { name: "T", subscriptions: "user/a/b", script: '{% action "echo", 1 %}' };

describe("tasks model", () => {
  it("creates, updates (bumping the version), enables/disables, lists and deletes per shop", async () => {
    const shop = uniqueShop("model");
    const task = await createTask(shop, {
      ...base,
      subscriptions: ["user/a/b", " user/c/d+1.hour "],
      options: { n__number: 5 },
    });
    expect(task.version).toBe(1);
    expect(task.subscriptions).toBe("user/a/b\nuser/c/d+1.hour");
    expect(JSON.parse(task.options)).toEqual({ n__number: 5 });
    const updated = await updateTask(shop, task.id, { ...base, name: "Renamed" });
    expect(updated).toMatchObject({ name: "Renamed", version: 2, subscriptions: "user/a/b" });
    expect((await setTaskEnabled(shop, task.id, false)).enabled).toBe(false);
    expect(await findSubscribedTasks(shop, "user/a/b")).toEqual([]);
    await setTaskEnabled(shop, task.id, true);
    expect((await findSubscribedTasks(shop, "user/a/b")).map((f) => f.task.id)).toEqual([task.id]);
    expect(await getTask(uniqueShop("other"), task.id)).toBeNull();
    await expect(updateTask(uniqueShop("other"), task.id, base)).rejects.toBeInstanceOf(TaskNotFoundError);
    expect((await listTasks(shop)).map((t) => t.id)).toEqual([task.id]);
    await deleteTask(shop, task.id);
    await expect(deleteTask(shop, task.id)).rejects.toBeInstanceOf(TaskNotFoundError);
  });

  it("matches subscriptions exactly, with offsets", async () => {
    const shop = uniqueShop("match");
    const task = await createTask(shop, { ...base, subscriptions: "user/a/bc\nuser/a/b+2.minutes" });
    const found = await findSubscribedTasks(shop, "user/a/b");
    expect(found.map((f) => [f.task.id, f.subscription.offsetSeconds])).toEqual([[task.id, 120]]);
    expect(await findSubscribedTasks(shop, "user/a")).toEqual([]);
  });

  it("refuses bad input with a reason", async () => {
    const shop = uniqueShop("bad");
    const bad = [
      { ...base, name: "  " },
      { ...base, name: "x".repeat(256) },
      { ...base, subscriptions: "User/Foo/bar" },
      { ...base, subscriptions: "user/a/b+3.fortnights" },
      { ...base, subscriptions: "user/a/b c/d" },
      { ...base, options: [] as unknown as Record<string, unknown> },
      { ...base, script: 5 as unknown as string },
    ];
    for (const input of bad)
      await expect(createTask(shop, input), JSON.stringify(input).slice(0, 80)).rejects.toBeInstanceOf(
        TaskValidationError,
      );
    expect(await prisma.task.count({ where: { shop } })).toBe(0);
  });

  it("imports Mechanic task JSON, replaces by name, keeps unknown keys, and exports them back", async () => {
    const shop = uniqueShop("import");
    const json = JSON.stringify({
      name: "Library task",
      options: { greeting__required: "hi" },
      subscriptions: ["user/a/b"],
      subscriptions_template: "user/a/b",
      script: "{% log options.greeting__required %}",
      docs: "Docs",
      online_store_javascript: null,
      order_status_javascript: null,
      shopify_api_version: "2025-10",
      liquid_profiling: true,
      perform_action_runs_in_sequence: true,
      halt_action_run_sequence_on_error: false,
      preview_event_definitions: [{ description: "d", event_attributes: { topic: "user/a/b", data: { x: 1 } } }],
      future_key: [1, 2],
    });
    const first = await importTaskJson(shop, json);
    expect(first.replaced).toBe(false);
    expect(first.task).toMatchObject({ name: "Library task", performActionRunsInSequence: true, docs: "Docs" });
    const second = await importTaskJson(shop, json);
    expect(second).toMatchObject({ replaced: true, task: { id: first.task.id, version: 2 } });
    const exported = JSON.parse(await exportTaskJson(shop, first.task.id));
    expect(exported).toMatchObject({
      name: "Library task",
      shopify_api_version: "2025-10",
      liquid_profiling: true,
      future_key: [1, 2],
      options: { greeting__required: "hi" },
    });
    expect(exported.preview_event_definitions[0].event_attributes.data).toEqual({ x: 1 });
    await expect(importTaskJson(shop, "[]")).rejects.toBeInstanceOf(TaskValidationError);
    await expect(importTaskJson(shop, "{")).rejects.toThrow(/not valid JSON/);
  });
});

describe("cache model", () => {
  it("never loses a concurrent increment", async () => {
    const shop = uniqueShop("cas");
    const store = cacheStoreFor(shop);
    await Promise.all(Array.from({ length: 40 }, () => store.incrBy("n", 1n, 600)));
    expect(await getCacheValue(shop, "n")).toBe(40);
  });

  it("honours expiry: an expired key reads as missing and counts as 0", async () => {
    const shop = uniqueShop("ttl");
    let clock = new Date("2030-01-01T00:00:00Z");
    const store = cacheStoreFor(shop, prisma, () => clock);
    await store.set("k", '"v"', 10);
    await store.incrBy("n", 5n, 10);
    expect(await getCacheValue(shop, "k", prisma, clock)).toBe("v");
    clock = new Date(clock.getTime() + 11_000);
    expect(await getCacheValue(shop, "k", prisma, clock)).toBeUndefined();
    expect(await store.incrBy("n", 1n, 10)).toBe(1n);
    expect(await purgeExpiredCache(prisma, clock)).toBeGreaterThanOrEqual(1);
    expect(await prisma.cacheEntry.count({ where: { shop, key: "k" } })).toBe(0);
  });

  it("keeps 64-bit values exact and refuses incr on non-integers", async () => {
    const shop = uniqueShop("big");
    const store = cacheStoreFor(shop);
    await store.set("id", "12345678901234567890", 60);
    expect(await getCacheValue(shop, "id")).toBe(12345678901234567890n);
    expect(await store.incrBy("id", 1n, 60)).toBe(12345678901234567891n);
    await store.set("word", '"abc"', 60);
    await expect(store.incrBy("word", 1n, 60)).rejects.toBeInstanceOf(CacheValueError);
    expect(await store.del("word")).toBe(true);
    expect(await store.del("word")).toBe(false);
  });
});
