// The SQL RunStore's writes that PostgreSQL runs as single statements (decision 0115). The
// first-delivery calls (eventForFanOut, startEvent) when many jobs make them in the same tick, as a
// busy worker does: on PostgreSQL they share one statement per tick (app/data/tick-batch.ts); on
// SQLite one commit. Either way each call gets its own answer, a claim is won once, and a bad call
// fails alone. And a rendered task run stored with its action runs (finishTaskRun).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { databaseUrl, isPostgresUrl } from "~/data/db.server";
import { createSqlRunStore } from "~/data/hot-sql.server";
import type { ActionRunRow, NewActionRun, RunStore, StartedTaskRun } from "~/data/run-store";
import { timeOrderedUuid } from "~/domain/ids";

const onPostgres = isPostgresUrl(databaseUrl());
let store: RunStore;

beforeAll(() => {
  store = createSqlRunStore(databaseUrl(), { poolSize: 4 });
});

afterAll(async () => {
  await store.close();
});

const shop = () => `first-delivery-${randomUUID().slice(0, 8)}.myshopify.com`;

async function pendingEvent(shopDomain: string, topic = "user/first/delivery"): Promise<string> {
  const id = timeOrderedUuid();
  await prisma.event.create({ data: { id, shop: shopDomain, topic, data: `{"n":1}`, source: "user" } });
  return id;
}

async function task(shopDomain: string, subscriptions: string): Promise<string> {
  const id = randomUUID();
  await prisma.task.create({ data: { id, shop: shopDomain, name: `Task ${id}`, subscriptions, script: "" } });
  return id;
}

/** A new shop with one task of the given subscriptions, and a whole-second "now" (as stored). */
async function shopWithTask(subscriptions: string): Promise<{ shopA: string; taskId: string; now: Date }> {
  const shopA = shop();
  return { shopA, taskId: await task(shopA, subscriptions), now: new Date(Math.floor(Date.now() / 1000) * 1000) };
}

/** A rendered task run with one finished echo action run, as a first delivery of an Echo task stores. */
function renderedRun(eventId: string, taskId: string, now: Date): { run: StartedTaskRun; action: NewActionRun } {
  const run: StartedTaskRun = {
    id: timeOrderedUuid(),
    eventId,
    taskId,
    taskVersion: 1,
    runAt: now,
    createdAt: now,
    startedAt: now,
    rendered: {
      status: "succeeded",
      taskVersion: 1,
      actions: `[{"type":"echo","options":{"event":"${eventId}"}}]`,
      logs: "[]",
      errors: "[]",
      finishedAt: now,
    },
  };
  const action: NewActionRun = {
    id: timeOrderedUuid(),
    taskRunId: run.id,
    position: 0,
    type: "echo",
    options: `{"event":"${eventId}"}`,
    meta: null,
    status: "succeeded",
    attempts: 1,
    nextAttemptAt: null,
    startedAt: now,
    createdAt: now,
    finishedAt: now,
    durationMs: 0,
    result: `{"event":"${eventId}"}`,
  };
  return { run, action };
}

describe(`first deliveries made together (${onPostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("reads each event with its own candidate tasks, and null for an unknown event", async () => {
    const shopA = shop();
    const shopB = shop();
    const a1 = await task(shopA, "user/first/delivery");
    const a2 = await task(shopA, "user/first/delivery+1.hour");
    await task(shopA, "user/other/topic");
    const b1 = await task(shopB, "user/first/delivery");
    const [eventA, eventB, eventNone] = [
      await pendingEvent(shopA),
      await pendingEvent(shopB),
      await pendingEvent(shop()),
    ];

    const [readA, readB, readNone, missing] = await Promise.all([
      store.eventForFanOut(eventA),
      store.eventForFanOut(eventB),
      store.eventForFanOut(eventNone),
      store.eventForFanOut(timeOrderedUuid()),
    ]);
    expect(readA?.event).toMatchObject({ id: eventA, shop: shopA, status: "pending" });
    expect(readA?.candidates.map((t) => t.id)).toEqual([a1, a2]);
    expect(readB?.event.id).toBe(eventB);
    expect(readB?.candidates.map((t) => t.id)).toEqual([b1]);
    expect(readNone).toMatchObject({ event: { id: eventNone }, candidates: [] });
    expect(missing).toBeNull();
  });

  it("claims each pending event once, with its runs; a second claim in the same tick and a claim of a started event lose", async () => {
    const { shopA, taskId, now } = await shopWithTask("user/first/delivery");
    const ids = [await pendingEvent(shopA), await pendingEvent(shopA), await pendingEvent(shopA)];
    const started = await pendingEvent(shopA);
    await prisma.event.update({ where: { id: started }, data: { status: "running", startedAt: now } });

    const firstRuns = ids.map((id) => renderedRun(id, taskId, now));
    const again = renderedRun(ids[0]!, taskId, now);
    const late = renderedRun(started, taskId, now);
    const answers = await Promise.all([
      ...ids.map((id, i) =>
        store.startEvent(id, now, [firstRuns[i]!.run], [firstRuns[i]!.action], { status: "succeeded", at: now }),
      ),
      // The same event again in the same tick (a duplicate delivery): it must not also win. (Without
      // action runs, so nothing else in the statement would fail and give it away.)
      store.startEvent(ids[0]!, now, [again.run], [], { status: "succeeded", at: now }),
      store.startEvent(started, now, [late.run], [late.action], null),
    ]);
    expect(answers).toEqual([true, true, true, false, false]);

    for (const [i, id] of ids.entries()) {
      const event = await prisma.event.findUniqueOrThrow({
        where: { id },
        include: { taskRuns: { include: { actionRuns: true } } },
      });
      expect(event).toMatchObject({ status: "succeeded", startedAt: now, finishedAt: now, error: null });
      expect(event.taskRuns.map((r) => r.id)).toEqual([firstRuns[i]!.run.id]);
      expect(event.taskRuns[0]).toMatchObject({ status: "succeeded", attempts: 1, logs: "[]", startedAt: now });
      expect(event.taskRuns[0]!.actionRuns).toMatchObject([
        { id: firstRuns[i]!.action.id, status: "succeeded", type: "echo", result: `{"event":"${id}"}`, durationMs: 0 },
      ]);
    }
    // The losers wrote nothing: no second task run, and the started event kept its state.
    expect(await prisma.taskRun.count({ where: { id: { in: [again.run.id, late.run.id] } } })).toBe(0);
    expect(await prisma.event.findUniqueOrThrow({ where: { id: started } })).toMatchObject({
      status: "running",
      finishedAt: null,
    });
  });

  it("leaves an event running (not finished) when its runs are still open", async () => {
    const { shopA, taskId, now } = await shopWithTask("user/first/delivery");
    const id = await pendingEvent(shopA);
    const pendingRun: StartedTaskRun = {
      id: timeOrderedUuid(),
      eventId: id,
      taskId,
      taskVersion: 1,
      runAt: new Date(now.getTime() + 3_600_000),
      createdAt: now,
      startedAt: null,
      rendered: null,
    };
    await expect(store.startEvent(id, now, [pendingRun], [], null)).resolves.toBe(true);
    expect(await prisma.event.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "running",
      startedAt: now,
      finishedAt: null,
    });
    expect(await prisma.taskRun.findUniqueOrThrow({ where: { id: pendingRun.id } })).toMatchObject({
      status: "pending",
      attempts: 0,
      startedAt: null,
      actions: null,
    });
  });

  it("fails only the call whose rows are bad; the others of its tick are stored", async () => {
    const { shopA, taskId, now } = await shopWithTask("user/first/delivery");
    const good = await pendingEvent(shopA);
    const bad = await pendingEvent(shopA);
    const goodRun = renderedRun(good, taskId, now);
    // A task run of a task that does not exist: the foreign key refuses it.
    const badRun = renderedRun(bad, randomUUID(), now);
    const [goodAnswer, badAnswer] = await Promise.allSettled([
      store.startEvent(good, now, [goodRun.run], [goodRun.action], { status: "succeeded", at: now }),
      store.startEvent(bad, now, [badRun.run], [badRun.action], { status: "succeeded", at: now }),
    ]);
    expect(goodAnswer).toEqual({ status: "fulfilled", value: true });
    expect(badAnswer.status).toBe("rejected");
    expect((await prisma.event.findUniqueOrThrow({ where: { id: good } })).status).toBe("succeeded");
    // Nothing of the bad call was kept: the event is still pending, for a retry or the sweep.
    expect((await prisma.event.findUniqueOrThrow({ where: { id: bad } })).status).toBe("pending");
    expect(await prisma.taskRun.count({ where: { eventId: bad } })).toBe(0);
  });
});

describe(`a rendered task run stored with its action runs (${onPostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("stores the run and its action runs while the claim holds, and nothing once it is lost", async () => {
    const { shopA, taskId, now } = await shopWithTask("user/first/delivery+1.hour");
    const eventId = await pendingEvent(shopA);
    const runId = timeOrderedUuid();
    const pending: StartedTaskRun = {
      id: runId,
      eventId,
      taskId,
      taskVersion: 1,
      runAt: now,
      createdAt: now,
      startedAt: null,
      rendered: null,
    };
    expect(await store.startEvent(eventId, now, [pending], [], null)).toBe(true);
    expect(await store.claimTaskRun(runId, now, new Date(0))).toBe(true);
    const actionRun: ActionRunRow = {
      id: timeOrderedUuid(),
      taskRunId: runId,
      position: 0,
      type: "echo",
      options: '{"n":1}',
      meta: null,
      status: "pending",
      attempts: 0,
      nextAttemptAt: null,
      startedAt: null,
      createdAt: now,
    };
    const finished = {
      status: "succeeded" as const,
      taskVersion: 2,
      actions: '[{"type":"echo"}]',
      logs: '["hello"]',
      errors: "[]",
      finishedAt: now,
    };

    // A stale claim (another attempt's number) stores nothing.
    expect(await store.finishTaskRun(runId, 2, finished, [actionRun])).toBe(false);
    expect(await prisma.actionRun.count({ where: { taskRunId: runId } })).toBe(0);

    expect(await store.finishTaskRun(runId, 1, finished, [actionRun])).toBe(true);
    const stored = await prisma.taskRun.findUniqueOrThrow({ where: { id: runId }, include: { actionRuns: true } });
    expect(stored).toMatchObject({ status: "succeeded", taskVersion: 2, logs: '["hello"]', finishedAt: now });
    expect(stored.actionRuns).toMatchObject([
      {
        id: actionRun.id,
        position: 0,
        type: "echo",
        options: '{"n":1}',
        status: "pending",
        attempts: 0,
        result: null,
        finishedAt: null,
        createdAt: now,
      },
    ]);
    // Finished: the claim no longer holds, so a repeat stores nothing more.
    expect(await store.finishTaskRun(runId, 1, finished, [{ ...actionRun, id: timeOrderedUuid(), position: 1 }])).toBe(
      false,
    );
    expect(await prisma.actionRun.count({ where: { taskRunId: runId } })).toBe(1);
  });
});

describe(`action runs' claims and outcomes made together (${onPostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("claims each due pending action run once, records outcomes only under a live claim, and finishes events", async () => {
    const { shopA, taskId, now } = await shopWithTask("user/first/delivery");
    const eventId = await pendingEvent(shopA);
    const { run } = renderedRun(eventId, taskId, now);
    const later = new Date(now.getTime() + 60_000);
    const actionRuns: NewActionRun[] = [0, 1, 2, 3].map((position) => ({
      id: timeOrderedUuid(),
      taskRunId: run.id,
      position,
      type: "http",
      options: `{"n":${position}}`,
      meta: null,
      status: "pending",
      attempts: position === 1 ? 2 : 0,
      nextAttemptAt: null,
      startedAt: null,
      createdAt: now,
    }));
    expect(await store.startEvent(eventId, now, [run], actionRuns, null)).toBe(true);
    const [a0, a1, a2, a3] = actionRuns.map((a) => a.id) as [string, string, string, string];
    // A retry's wait (new action runs are stored due).
    await prisma.actionRun.update({ where: { id: a2 }, data: { nextAttemptAt: later } });

    const claims = await Promise.all([
      store.claimActionRun(a0, 0, now),
      store.claimActionRun(a0, 0, now), // the same claim again in the same tick: loses
      store.claimActionRun(a1, 0, now), // its attempts are 2, not 0: loses
      store.claimActionRun(a2, 0, now), // not due until a minute from now: loses
      store.claimActionRun(a3, 0, now),
    ]);
    expect(claims).toEqual([true, false, false, false, true]);
    expect(await prisma.actionRun.findUniqueOrThrow({ where: { id: a0 } })).toMatchObject({
      status: "running",
      attempts: 1,
      startedAt: now,
    });
    expect((await prisma.actionRun.findUniqueOrThrow({ where: { id: a2 } })).status).toBe("pending");

    const outcome = (status: "succeeded" | "failed", error: string | null) => ({
      status,
      attempts: 1,
      nextAttemptAt: null,
      result: status === "succeeded" ? '{"ok":true}' : null,
      error,
      finishedAt: now,
      durationMs: 7,
    });
    const records = await Promise.all([
      store.recordActionRun(a0, 1, outcome("succeeded", null)),
      store.recordActionRun(a3, 2, outcome("succeeded", null)), // another attempt's claim: stale
      store.recordActionRun(a1, 2, outcome("failed", "boom")), // never claimed (pending): nothing
    ]);
    expect(records).toEqual([true, false, false]);
    expect(await prisma.actionRun.findUniqueOrThrow({ where: { id: a0 } })).toMatchObject({
      status: "succeeded",
      result: '{"ok":true}',
      durationMs: 7,
      finishedAt: now,
    });
    expect(await prisma.actionRun.findUniqueOrThrow({ where: { id: a3 } })).toMatchObject({
      status: "running",
      result: null,
    });
    expect(await prisma.actionRun.findUniqueOrThrow({ where: { id: a1 } })).toMatchObject({
      status: "pending",
      error: null,
    });

    const other = await pendingEvent(shopA);
    await Promise.all([
      store.markEventFinished(eventId, "failed", "an action failed", now),
      store.markEventFinished(other, "cancelled", null, now),
    ]);
    expect(await prisma.event.findUniqueOrThrow({ where: { id: eventId } })).toMatchObject({
      status: "failed",
      error: "an action failed",
      finishedAt: now,
    });
    expect(await prisma.event.findUniqueOrThrow({ where: { id: other } })).toMatchObject({
      status: "cancelled",
      finishedAt: now,
    });
  });
});
