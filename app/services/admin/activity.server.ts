// Read-only queries for the Home screen and the event detail screen. Every query is scoped by shop.
import prisma from "~/data/db.server";
import { rollUpStatus, type RolledUpStatus } from "~/domain/runs/display-status";
import { subscriptionTopics } from "~/domain/tasks/task-form";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ActivityItem {
  id: string;
  topic: string;
  source: string;
  sourceLabel: string;
  webhookId: string | null;
  status: RolledUpStatus;
  taskRunCount: number;
  taskNames: string[];
  createdAt: string;
}

export interface DayCounts {
  events: number;
  taskRunsSucceeded: number;
  taskRunsFailed: number;
  actionRuns: number;
  actionRunsFailed: number;
}

/** Where an event came from, in words a merchant understands. */
export function describeSource(source: string, webhookName: string | null, parentTopic: string | null): string {
  if (webhookName !== null) return `Webhook: ${webhookName}`;
  if (parentTopic !== null) return `Event action (from ${parentTopic})`;
  if (source.startsWith("webhook")) return "Webhook (deleted)";
  if (source === "replay") return "Replay";
  return source.charAt(0).toUpperCase() + source.slice(1);
}

export async function recentActivity(shop: string, limit = 25): Promise<ActivityItem[]> {
  const events = await prisma.event.findMany({
    where: { shop },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: {
      id: true,
      topic: true,
      source: true,
      status: true,
      parentId: true,
      webhookId: true,
      createdAt: true,
      webhook: { select: { name: true } },
      taskRuns: {
        select: { status: true, task: { select: { name: true } }, actionRuns: { select: { status: true } } },
      },
    },
  });
  const parentIds = [...new Set(events.map((e) => e.parentId).filter((id): id is string => id !== null))];
  const parents = parentIds.length
    ? await prisma.event.findMany({ where: { shop, id: { in: parentIds } }, select: { id: true, topic: true } })
    : [];
  const parentTopic = new Map(parents.map((p) => [p.id, p.topic]));
  return events.map((event) => {
    const runStatuses = event.taskRuns.flatMap((run) => [run.status, ...run.actionRuns.map((a) => a.status)]);
    return {
      id: event.id,
      topic: event.topic,
      source: event.source,
      sourceLabel: describeSource(
        event.source,
        event.webhook?.name ?? null,
        event.parentId ? (parentTopic.get(event.parentId) ?? "another event") : null,
      ),
      webhookId: event.webhookId,
      status: rollUpStatus(event.status, runStatuses),
      taskRunCount: event.taskRuns.length,
      taskNames: event.taskRuns.map((run) => run.task.name),
      createdAt: event.createdAt.toISOString(),
    };
  });
}

export async function lastDayCounts(shop: string, now = new Date()): Promise<DayCounts> {
  const since = new Date(now.getTime() - DAY_MS);
  const [events, taskRuns, actionRuns] = await Promise.all([
    prisma.event.count({ where: { shop, createdAt: { gte: since } } }),
    prisma.taskRun.groupBy({
      by: ["status"],
      where: { createdAt: { gte: since }, event: { shop } },
      _count: { _all: true },
    }),
    prisma.actionRun.groupBy({
      by: ["status"],
      where: { createdAt: { gte: since }, taskRun: { event: { shop } } },
      _count: { _all: true },
    }),
  ]);
  const count = (rows: { status: string; _count: { _all: number } }[], status?: string) =>
    rows.filter((r) => status === undefined || r.status === status).reduce((sum, r) => sum + r._count._all, 0);
  return {
    events,
    taskRunsSucceeded: count(taskRuns, "succeeded"),
    taskRunsFailed: count(taskRuns, "failed"),
    actionRuns: count(actionRuns),
    actionRunsFailed: count(actionRuns, "failed"),
  };
}

/**
 * What the getting-started checklist needs (issue 13): it stays on Home until the shop has a
 * webhook, a task subscribed to a webhook's topic, and a succeeded task run of an event a webhook
 * received. Each step names where it is done. Bounded: at most 200 webhooks and 500 tasks are read.
 */
export async function setupProgress(shop: string) {
  const [webhookRows, taskRows, webhooks, tasks, events, succeeded] = await Promise.all([
    prisma.webhook.findMany({
      where: { shop, deletedAt: null },
      orderBy: { createdAt: "asc" },
      select: { id: true, name: true, topic: true },
      take: 200,
    }),
    prisma.task.findMany({
      where: { shop },
      orderBy: { createdAt: "asc" },
      select: { id: true, name: true, subscriptions: true },
      take: 500,
    }),
    prisma.webhook.count({ where: { shop, deletedAt: null } }),
    prisma.task.count({ where: { shop } }),
    prisma.event.count({ where: { shop } }),
    prisma.taskRun.findFirst({
      where: { status: "succeeded", event: { shop, webhookId: { not: null } } },
      orderBy: { createdAt: "desc" },
      select: { eventId: true },
    }),
  ]);
  const firstWebhook = webhookRows[0] ?? null;
  let subscribed: { task: { id: string; name: string }; webhook: { id: string; name: string; topic: string } } | null =
    null;
  for (const task of taskRows) {
    const topics = subscriptionTopics(task.subscriptions);
    const webhook = webhookRows.find((w) => topics.includes(w.topic));
    if (webhook) {
      subscribed = { task: { id: task.id, name: task.name }, webhook };
      break;
    }
  }
  const steps = {
    webhook: webhooks > 0,
    task: subscribed !== null,
    run: succeeded !== null,
  };
  return {
    webhooks,
    tasks,
    events,
    firstWebhook,
    /** The webhook the next step is about: the subscribed one, else the first. */
    webhook: subscribed?.webhook ?? firstWebhook,
    subscribedTask: subscribed?.task ?? null,
    succeededEventId: succeeded?.eventId ?? null,
    steps,
    complete: steps.webhook && steps.task && steps.run,
  };
}

export async function getEventDetail(shop: string, id: string) {
  return prisma.event.findFirst({
    where: { id, shop },
    select: {
      id: true,
      topic: true,
      data: true,
      source: true,
      status: true,
      error: true,
      parentId: true,
      depth: true,
      requestId: true,
      responseWaitUntil: true,
      responseStatus: true,
      responseMs: true,
      contentType: true,
      bodySize: true,
      userAgent: true,
      ipHash: true,
      runAt: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      webhook: { select: { id: true, name: true, deletedAt: true } },
      taskRuns: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          status: true,
          taskVersion: true,
          runAt: true,
          actions: true,
          logs: true,
          errors: true,
          attempts: true,
          createdAt: true,
          startedAt: true,
          finishedAt: true,
          task: { select: { id: true, name: true } },
          actionRuns: {
            orderBy: { position: "asc" },
            select: {
              id: true,
              position: true,
              type: true,
              options: true,
              meta: true,
              status: true,
              result: true,
              error: true,
              attempts: true,
              nextAttemptAt: true,
              startedAt: true,
              finishedAt: true,
              durationMs: true,
            },
          },
        },
      },
    },
  });
}

export async function childEvents(shop: string, parentId: string) {
  return prisma.event.findMany({
    where: { shop, parentId },
    orderBy: { createdAt: "asc" },
    take: 50,
    select: { id: true, topic: true, status: true, createdAt: true },
  });
}

/** The newest event a request created, by its X-Request-Id (for "Send test event"). */
export async function findEventByRequestId(shop: string, requestId: string) {
  return prisma.event.findFirst({ where: { shop, requestId }, select: { id: true, status: true } });
}

/** Recent events for the dry-run picker. */
export async function recentEventsForPicker(shop: string, topics: string[] | null, limit = 20) {
  return prisma.event.findMany({
    where: { shop, ...(topics && topics.length > 0 ? { topic: { in: topics } } : {}) },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, topic: true, createdAt: true },
  });
}

export async function getEventData(shop: string, id: string) {
  return prisma.event.findFirst({
    where: { id, shop },
    select: { id: true, topic: true, data: true, createdAt: true },
  });
}
