// The cache action's `set` applies at most once per action run (decision 0071), on SQLite (a batch in
// the group commit) and PostgreSQL (one statement: the write only when this call marks the run).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma, { databaseUrl, isPostgresUrl } from "~/data/db.server";
import { exactlyOnceCacheStore } from "~/data/cache-once.server";
import { timeOrderedUuid } from "~/domain/ids";

const onPostgres = isPostgresUrl(databaseUrl());

/** A shop with one pending cache action run (event, task, task run, action run rows). */
async function cacheActionRuns(count: number): Promise<{ shop: string; actionRunIds: string[] }> {
  const shop = `cache-once-${randomUUID().slice(0, 8)}.myshopify.com`;
  const taskId = randomUUID();
  await prisma.task.create({ data: { id: taskId, shop, name: "Cache", subscriptions: "user/a/b", script: "" } });
  const eventId = timeOrderedUuid();
  await prisma.event.create({ data: { id: eventId, shop, topic: "user/a/b", data: "{}", source: "user" } });
  const taskRunId = timeOrderedUuid();
  await prisma.taskRun.create({ data: { id: taskRunId, eventId, taskId, taskVersion: 1 } });
  const actionRunIds = Array.from({ length: count }, () => timeOrderedUuid());
  await prisma.actionRun.createMany({
    data: actionRunIds.map((id, position) => ({ id, taskRunId, position, type: "cache", options: "[]" })),
  });
  return { shop, actionRunIds };
}

const entry = (shop: string, key: string) =>
  prisma.cacheEntry.findUnique({ where: { shop_key: { shop, key } }, select: { value: true } });

describe(`cache set exactly once (${onPostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("writes once per action run and marks it; a repeat of the run writes nothing; another run writes", async () => {
    const { shop, actionRunIds } = await cacheActionRuns(2);
    const [first, second] = actionRunIds as [string, string];

    await exactlyOnceCacheStore(shop, first).set("k", '"v1"', 60);
    expect(await entry(shop, "k")).toEqual({ value: '"v1"' });
    expect((await prisma.actionRun.findUniqueOrThrow({ where: { id: first } })).appliedEffect).toBe("set");

    // The same run performed again (its worker died before recording the outcome): nothing changes.
    await exactlyOnceCacheStore(shop, first).set("k", '"v2"', 60);
    expect(await entry(shop, "k")).toEqual({ value: '"v1"' });

    await exactlyOnceCacheStore(shop, second).set("k", '"v3"', 60);
    expect(await entry(shop, "k")).toEqual({ value: '"v3"' });
  });

  it("many runs' sets at once (one statement on PostgreSQL): each written once, one key's last arrival wins", async () => {
    const { shop, actionRunIds } = await cacheActionRuns(6);
    const [a, b, c, d, e, f] = actionRunIds as [string, string, string, string, string, string];
    await Promise.all([
      exactlyOnceCacheStore(shop, a).set("k1", '"a"', 60),
      exactlyOnceCacheStore(shop, b).set("k2", '"b"', 60),
      exactlyOnceCacheStore(shop, c).set("k3", '"c"', 60),
      // Two runs writing one key in the same tick, and one run performed twice at once.
      exactlyOnceCacheStore(shop, d).set("k1", '"d"', 60),
      exactlyOnceCacheStore(shop, e).set("k4", '"e1"', 60),
      exactlyOnceCacheStore(shop, e).set("k5", '"e2"', 60),
    ]);
    expect(await entry(shop, "k1")).toEqual({ value: '"d"' });
    expect(await entry(shop, "k2")).toEqual({ value: '"b"' });
    expect(await entry(shop, "k3")).toEqual({ value: '"c"' });
    const eWrites = [await entry(shop, "k4"), await entry(shop, "k5")].filter((x) => x !== null);
    expect(eWrites).toHaveLength(1);
    const marks = await prisma.actionRun.findMany({
      where: { id: { in: actionRunIds } },
      select: { id: true, appliedEffect: true },
    });
    expect(Object.fromEntries(marks.map((m) => [m.id, m.appliedEffect]))).toEqual({
      [a]: "set",
      [b]: "set",
      [c]: "set",
      [d]: "set",
      [e]: "set",
      [f]: null,
    });
    // Repeats of the same runs in one tick change nothing.
    await Promise.all([
      exactlyOnceCacheStore(shop, a).set("k1", '"again"', 60),
      exactlyOnceCacheStore(shop, b).set("k2", '"again"', 60),
    ]);
    expect(await entry(shop, "k1")).toEqual({ value: '"d"' });
    expect(await entry(shop, "k2")).toEqual({ value: '"b"' });
  });

  it("two performers of one run at once: exactly one of their values is written", async () => {
    const { shop, actionRunIds } = await cacheActionRuns(1);
    const [only] = actionRunIds as [string];
    await Promise.all([
      exactlyOnceCacheStore(shop, only).set("race", '"a"', 60),
      exactlyOnceCacheStore(shop, only).set("other", '"b"', 60),
    ]);
    const written = [await entry(shop, "race"), await entry(shop, "other")].filter((e) => e !== null);
    expect(written).toHaveLength(1);
    expect((await prisma.actionRun.findUniqueOrThrow({ where: { id: only } })).appliedEffect).toBe("set");
  });
});
