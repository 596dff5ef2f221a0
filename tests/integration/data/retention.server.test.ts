// Retention: finished events past the shop's period are deleted with their runs; recent or unfinished ones stay.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { purgeExpiredEvents } from "~/data/retention.server";

const DAY = 24 * 60 * 60 * 1000;

async function event(shop: string, ageDays: number, status: string) {
  const id = randomUUID();
  await prisma.event.create({
    data: {
      id,
      shop,
      topic: "user/a/b",
      data: "{}",
      source: "webhook",
      status,
      createdAt: new Date(Date.now() - ageDays * DAY),
    },
  });
  return id;
}

describe("purgeExpiredEvents", () => {
  it("honours each shop's retention days, the 15-day default, and never deletes unfinished events", async () => {
    const custom = `retention-custom-${Date.now()}.myshopify.com`;
    const fallback = `retention-default-${Date.now()}.myshopify.com`;
    await prisma.shop.create({ data: { domain: custom, retentionDays: 3 } });

    const oldCustom = await event(custom, 4, "succeeded");
    const youngCustom = await event(custom, 2, "failed");
    const oldRunning = await event(custom, 30, "running");
    const oldDefault = await event(fallback, 16, "succeeded");
    const youngDefault = await event(fallback, 10, "succeeded");

    const task = await prisma.task.create({ data: { id: randomUUID(), shop: custom, name: "t" } });
    await prisma.taskRun.create({ data: { id: randomUUID(), eventId: oldCustom, taskId: task.id, taskVersion: 1 } });

    expect(await purgeExpiredEvents()).toBeGreaterThanOrEqual(2);
    const left = (
      await prisma.event.findMany({ where: { shop: { in: [custom, fallback] } }, select: { id: true } })
    ).map((e) => e.id);
    expect(left.sort()).toEqual([youngCustom, oldRunning, youngDefault].sort());
    expect(left).not.toContain(oldDefault);
    expect(await prisma.taskRun.count({ where: { eventId: oldCustom } })).toBe(0);
  });
});
