// The Events list on the real database (SQLite, or PostgreSQL with TEST_DB=postgres): newest first,
// stable cursor paging with equal timestamps, every filter, and the bounded search.
import { beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import prisma from "~/data/db.server";
import { createWebhook } from "~/data/webhooks.server";
import { createTask } from "~/data/tasks.server";
import { timeOrderedUuid } from "~/domain/ids";
import { parseEventListFilters, type EventListFilters } from "~/domain/events/list-filters";
import { listEvents, SEARCH_WINDOW } from "~/services/admin/events-list.server";

function shopName(label: string) {
  return `${label}-${randomUUID().slice(0, 8)}.myshopify.com`;
}

async function insert(
  shop: string,
  fields: { topic?: string; data?: unknown; createdAt: Date; source?: string; status?: string } & Record<
    string,
    unknown
  >,
) {
  const { data, ...rest } = fields;
  const id = timeOrderedUuid(fields.createdAt.getTime());
  await prisma.event.create({
    data: {
      id,
      shop,
      topic: "user/orders/created",
      source: "user",
      status: "succeeded",
      ...rest,
      data: JSON.stringify(data ?? {}),
    } as never,
  });
  return id;
}

function filters(raw: Record<string, string>): EventListFilters {
  const parsed = parseEventListFilters(raw);
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  return parsed.value;
}

async function allPages(shop: string, f: EventListFilters, limit: number) {
  const seen: string[] = [];
  let before: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await listEvents(shop, f, { before, limit });
    seen.push(...page.rows.map((r) => r.id));
    if (!page.older) break;
    before = page.older;
  }
  return seen;
}

describe("listEvents paging", () => {
  const shop = shopName("events-list");
  const ids: string[] = [];
  const t0 = new Date("2026-11-01T10:00:00.000Z");

  beforeAll(async () => {
    // 23 events, many sharing one timestamp: paging must neither skip nor repeat any.
    for (let i = 0; i < 23; i++) {
      ids.push(await insert(shop, { createdAt: new Date(t0.getTime() + Math.floor(i / 5) * 1000), data: { n: i } }));
    }
    await insert(shopName("other"), { createdAt: t0, data: { n: "other shop" } });
  });

  it("walks every event once, newest first, through equal timestamps", async () => {
    const seen = await allPages(shop, {}, 4);
    expect(new Set(seen).size).toBe(23);
    expect(seen).toHaveLength(23);
    const rows = await prisma.event.findMany({ where: { shop }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(seen).toEqual(rows.map((r) => r.id));
  });

  it("goes back to newer pages with the newer cursor", async () => {
    const first = await listEvents(shop, {}, { limit: 5 });
    expect(first.newer).toBeNull();
    const second = await listEvents(shop, {}, { before: first.older!, limit: 5 });
    const third = await listEvents(shop, {}, { before: second.older!, limit: 5 });
    const backToSecond = await listEvents(shop, {}, { after: third.newer!, limit: 5 });
    expect(backToSecond.rows.map((r) => r.id)).toEqual(second.rows.map((r) => r.id));
    const backToFirst = await listEvents(shop, {}, { after: backToSecond.newer!, limit: 5 });
    expect(backToFirst.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
    expect(backToFirst.newer).toBeNull();
  });

  it("summarises each row's data", async () => {
    const page = await listEvents(shop, {}, { limit: 1 });
    const row = await prisma.event.findUniqueOrThrow({ where: { id: page.rows[0]!.id } });
    expect(page.rows[0]!.summary).toBe(`n: ${(JSON.parse(row.data) as { n: number }).n}`);
    expect(page.rows[0]!.summary).toMatch(/^n: 2[0-2]$/); // one of the newest second's events
  });
});

describe("listEvents filters", () => {
  const shop = shopName("events-filters");
  const at = (s: number) => new Date(Date.UTC(2026, 10, 2, 12, 0, s));
  let webhookId: string;
  let taskId: string;
  const named: Record<string, string> = {};

  beforeAll(async () => {
    const webhook = await createWebhook(shop, { name: "Stripe", topic: "user/stripe/paid" });
    webhookId = webhook.id;
    const task = await createTask(shop, { name: "Tagger", subscriptions: "user/stripe/paid", script: "" });
    taskId = task.id;
    named.webhook = await insert(shop, {
      topic: "user/stripe/paid",
      webhookId,
      createdAt: at(1),
      data: { email: "Jane@Example.com", amount: 10 },
      requestId: "req-abc-123",
    });
    named.failed = await insert(shop, { topic: "user/orders/created", status: "failed", createdAt: at(2) });
    named.shopify = await insert(shop, { topic: "shopify/customers/create", source: "shopify", createdAt: at(3) });
    named.scheduler = await insert(shop, { topic: "mechanic/scheduler/hourly", source: "scheduler", createdAt: at(4) });
    named.manual = await insert(shop, { topic: "mechanic/user/trigger", source: "manual", createdAt: at(5) });
    named.task = await insert(shop, { topic: "user/orders/tagged", source: "event_action", createdAt: at(6) });
    named.percent = await insert(shop, { topic: "user/misc/x", createdAt: at(7), data: { note: "100% off_sale" } });
    await prisma.taskRun.create({
      data: { id: timeOrderedUuid(), eventId: named.webhook, taskId, taskVersion: 1, status: "succeeded" },
    });
  });

  const idsOf = async (raw: Record<string, string>) =>
    (await listEvents(shop, filters(raw), { limit: 50 })).rows.map((r) => r.id).sort();

  it("topic prefix, status, source, webhook, task and time range", async () => {
    expect(await idsOf({ topic: "user/orders" })).toEqual([named.failed, named.task].sort());
    expect(await idsOf({ status: "failed" })).toEqual([named.failed]);
    expect(await idsOf({ source: "webhook" })).toEqual([named.webhook, named.failed, named.percent].sort());
    expect(await idsOf({ source: "shopify" })).toEqual([named.shopify]);
    expect(await idsOf({ source: "scheduler" })).toEqual([named.scheduler]);
    expect(await idsOf({ source: "manual" })).toEqual([named.manual]);
    expect(await idsOf({ source: "task" })).toEqual([named.task]);
    expect(await idsOf({ webhook: webhookId })).toEqual([named.webhook]);
    expect(await idsOf({ task: taskId })).toEqual([named.webhook]);
    expect(await idsOf({ since: at(3).toISOString(), until: at(5).toISOString() })).toEqual(
      [named.shopify, named.scheduler, named.manual].sort(),
    );
  });

  it("search by event id and by request id, whatever the filters", async () => {
    const byId = await listEvents(shop, filters({ q: named.failed!, status: "succeeded" }), { limit: 50 });
    expect(byId.matchedBy).toBe("id");
    expect(byId.rows.map((r) => r.id)).toEqual([named.failed]);
    const byRequest = await listEvents(shop, filters({ q: "req-abc-123" }), { limit: 50 });
    expect(byRequest.rows.map((r) => r.id)).toEqual([named.webhook]);
    // Another shop's event id is not found.
    const other = await listEvents(shopName("nobody"), filters({ q: named.failed! }), { limit: 50 });
    expect(other.rows).toEqual([]);
  });

  it("search text in the data, case-insensitively, with % and _ taken literally", async () => {
    expect(await idsOf({ q: "jane@example" })).toEqual([named.webhook]);
    expect(await idsOf({ q: "100% off_" })).toEqual([named.percent]);
    expect(await idsOf({ q: "100%_off" })).toEqual([]);
    expect(await idsOf({ q: "jane", status: "failed" })).toEqual([]);
  });
});

describe("listEvents text search is bounded", () => {
  it(`looks through ${SEARCH_WINDOW} events per page and says where it stopped`, async () => {
    const shop = shopName("events-window");
    const base = Date.UTC(2026, 10, 3);
    const needle = await insert(shop, { createdAt: new Date(base), data: { code: "needle-42" } });
    const rows = Array.from({ length: SEARCH_WINDOW + 5 }, (_, i) => ({
      id: timeOrderedUuid(base + 1000 + i),
      shop,
      topic: "user/bulk/x",
      source: "user",
      status: "succeeded",
      data: JSON.stringify({ i }),
      createdAt: new Date(base + 1000 + i),
    }));
    for (let i = 0; i < rows.length; i += 500) await prisma.event.createMany({ data: rows.slice(i, i + 500) });
    const first = await listEvents(shop, filters({ q: "needle-42" }), { limit: 50 });
    expect(first.rows).toEqual([]);
    expect(first.searchedUntil).not.toBeNull();
    expect(first.older).not.toBeNull();
    const second = await listEvents(shop, filters({ q: "needle-42" }), { before: first.older!, limit: 50 });
    expect(second.rows.map((r) => r.id)).toEqual([needle]);
    expect(second.older).toBeNull();
  });
});

describe.runIf((process.env.DATABASE_URL ?? "").startsWith("postgres"))("PostgreSQL plans", () => {
  it("the status and webhook filters use their indexes", async () => {
    const plan = async (sql: string, ...params: unknown[]) =>
      prisma.$transaction(async (tx) => {
        // Tiny test tables make a sequential scan cheapest; ask what the planner does at scale.
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`, ...params);
        return rows.map((r) => r["QUERY PLAN"]).join("\n");
      });
    expect(
      await plan(
        `SELECT "id" FROM "Event" WHERE "shop" = $1 AND "status" = $2 ORDER BY "createdAt" DESC, "id" DESC LIMIT 51`,
        "a.myshopify.com",
        "failed",
      ),
    ).toContain("Event_shop_status_createdAt_idx");
    expect(
      await plan(`SELECT "id" FROM "Event" WHERE "webhookId" = $1 ORDER BY "createdAt" DESC LIMIT 51`, "w1"),
    ).toContain("Event_webhookId_createdAt_idx");
    expect(await plan(`SELECT "eventId" FROM "TaskRun" WHERE "taskId" = $1`, "t1")).toContain("TaskRun_taskId_idx");
  });
});
