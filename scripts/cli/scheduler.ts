// `hookline scheduler ...`: sync the job schedulers with the tasks (what the worker does at start),
// list them, and create one tick's event by hand (`tick --at` picks the clock: tests and catch-up).
import type { Command } from "commander";
import prisma from "../../app/data/db.server";
import { createEvent, existingEventId } from "../../app/data/events.server";
import { closeQueues, schedulerQueue } from "../../app/data/queues.server";
import { shopTimeZone, syncAllSchedulers } from "../../app/data/schedulers.server";
import { isSchedulerInterval, SCHEDULER_INTERVALS } from "../../app/domain/scheduler";
import { processSchedulerTick } from "../../app/services/runner/scheduler-tick";

function done<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await body(...args);
    } finally {
      await closeQueues();
      await prisma.$disconnect();
    }
  };
}

export function registerScheduler(program: Command): void {
  const scheduler = program.command("scheduler").description("the mechanic/scheduler/* job schedulers");

  scheduler
    .command("sync")
    .description("make every shop's job schedulers match its enabled tasks (the worker does this at start)")
    .option("--json", "print as JSON")
    .action(
      done(async (opts: { json?: boolean }) => {
        const results = await syncAllSchedulers();
        if (opts.json) console.log(JSON.stringify(results, null, 2));
        else
          for (const r of results)
            console.log(
              `${r.shop}  ${r.timeZone}  [${r.intervals.join(", ")}]${r.removed.length ? `  removed [${r.removed.join(", ")}]` : ""}`,
            );
      }),
    );

  scheduler
    .command("list")
    .description("list the job schedulers with their next tick")
    .option("--json", "print as JSON")
    .action(
      done(async (opts: { json?: boolean }) => {
        const rows = (await (await schedulerQueue()).getJobSchedulers(0, -1, true)).map((s) => ({
          id: s.key,
          pattern: s.pattern ?? null,
          timeZone: s.tz ?? null,
          next: s.next ? new Date(s.next).toISOString() : null,
        }));
        if (opts.json) console.log(JSON.stringify(rows, null, 2));
        else if (rows.length === 0)
          console.log("no job schedulers (no enabled task subscribes to mechanic/scheduler/*)");
        else for (const r of rows) console.log(`${r.id}  ${r.pattern}  ${r.timeZone}  next ${r.next}`);
      }),
    );

  scheduler
    .command("tick")
    .description("create the event of the tick at or before --at (default now) for a shop and interval; once per tick")
    .requiredOption("--shop <shop>", "shop domain")
    .requiredOption("--interval <interval>", SCHEDULER_INTERVALS.join(", "))
    .option("--at <time>", "ISO 8601 time whose tick to create (default: now)")
    .option("--json", "print as JSON")
    .action(
      done(async (opts: { shop: string; interval: string; at?: string; json?: boolean }) => {
        if (!isSchedulerInterval(opts.interval))
          throw new Error(`unknown interval "${opts.interval}" (use ${SCHEDULER_INTERVALS.join(", ")})`);
        const at = opts.at ? new Date(opts.at) : new Date();
        if (Number.isNaN(at.getTime())) throw new Error(`--at "${opts.at}" is not a time (use ISO 8601)`);
        const result = await processSchedulerTick(
          { shop: opts.shop, interval: opts.interval, timeZone: await shopTimeZone(opts.shop) },
          {
            now: () => at,
            log: (message) => console.error(message),
            createEvent: async (input) => existingEventId(await createEvent(input)),
          },
        );
        if ("skipped" in result) throw new Error(result.skipped);
        if (opts.json) console.log(JSON.stringify({ eventId: result.eventId, tick: result.tick.toISOString() }));
        else console.log(result.eventId);
      }),
    );
}
