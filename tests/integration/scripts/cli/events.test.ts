// `hookline events list` as an operator runs it (a real process) against the test database: the
// Events page's filters and paging, text and JSON output, and clear refusals.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { hookline as runCli } from "../../../support/hookline-cli";
import prisma from "~/data/db.server";
import { timeOrderedUuid } from "~/domain/ids";

const hookline = (...args: string[]) => runCli(args);

const shop = `cli-events-${randomUUID().slice(0, 8)}.myshopify.com`;
const ids: Record<string, string> = {};

beforeAll(async () => {
  const rows = [
    { name: "old", topic: "user/orders/created", status: "succeeded", at: "2026-11-01T10:00:00Z", data: { n: 1 } },
    { name: "failed", topic: "user/orders/paid", status: "failed", at: "2026-11-02T10:00:00Z", data: { n: 2 } },
    {
      name: "new",
      topic: "user/forms/sent",
      status: "succeeded",
      at: "2026-11-03T10:00:00Z",
      data: { email: "a@b.c" },
    },
  ];
  for (const row of rows) {
    ids[row.name] = timeOrderedUuid(Date.parse(row.at));
    await prisma.event.create({
      data: {
        id: ids[row.name]!,
        shop,
        topic: row.topic,
        status: row.status,
        source: "user",
        data: JSON.stringify(row.data),
        createdAt: new Date(row.at),
      },
    });
  }
}, 60_000);

describe("hookline events list", () => {
  it("prints the shop's events newest first with their summaries", async () => {
    const out = await hookline("events", "list", "--shop", shop);
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`2026-11-03T10:00:00.000Z  succeeded  ${ids.new}  user/forms/sent  email: "a@b.c"`);
    expect(lines[2]).toContain(ids.old);
  });

  it("filters by topic, status and since, as JSON", async () => {
    const out = await hookline(
      "events",
      "list",
      "--shop",
      shop,
      "--topic",
      "user/orders",
      "--status",
      "failed",
      "--since",
      "2026-11-02",
      "--json",
    );
    expect(out.code).toBe(0);
    const parsed = JSON.parse(out.stdout) as { events: { id: string; summary: string }[]; older: string | null };
    expect(parsed.events.map((e) => e.id)).toEqual([ids.failed]);
    expect(parsed.events[0]!.summary).toBe("n: 2");
    expect(parsed.older).toBeNull();
  });

  it("takes --limit and a date-only --since (that day from its start)", async () => {
    const first = JSON.parse((await hookline("events", "list", "--shop", shop, "--limit", "25", "--json")).stdout);
    expect(first.events).toHaveLength(3);
    const since = await hookline("events", "list", "--shop", shop, "--since", "2026-11-03", "--json");
    expect(JSON.parse(since.stdout).events.map((e: { id: string }) => e.id)).toEqual([ids.new]);
  });

  it("refuses a filter it cannot honour, with the reason and exit code 2", async () => {
    const out = await hookline("events", "list", "--shop", shop, "--status", "done", "--since", "yesterday");
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      'hookline: Status "done" is not one of pending, running, succeeded, failed, cancelled',
    );
    expect(out.stderr).toContain('hookline: Since "yesterday" is not a date or time');
    const missing = await hookline("events", "list");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("--shop");
  });
});
