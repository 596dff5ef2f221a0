// `hookline events ...`: show an event with its runs, replay it as a new event, retry its failures.
import type { Command } from "commander";
import { stringifyJson } from "../../app/domain/json";
import prisma from "../../app/data/db.server";
import { describeEvent, EventNotFoundError, replayEvent, retryEvent } from "../../app/services/runner/manual.server";
import { closeSharedQueues } from "../../app/services/runner/worker.server";
import { listEvents } from "../../app/services/admin/events-list.server";
import { parseEventListFilters, PAGE_SIZES, type RawFilters } from "../../app/domain/events/list-filters";

function run<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      if (error instanceof EventNotFoundError) {
        console.error(`hookline: ${error.message}`);
        process.exitCode = 1;
      } else {
        throw error;
      }
    } finally {
      await closeSharedQueues();
      await prisma.$disconnect();
    }
  };
}

function iso(date: Date | null): string {
  return date ? date.toISOString() : "-";
}

interface ListOptions {
  shop: string;
  topic?: string;
  status?: string;
  source?: string;
  webhook?: string;
  task?: string;
  since?: string;
  until?: string;
  search?: string;
  limit?: string;
  before?: string;
  json?: boolean;
}

export function registerEvents(program: Command): void {
  const events = program.command("events").description("list, show, replay and retry events");

  events
    .command("list")
    .description("the shop's events, newest first, with the Events page's filters")
    .requiredOption("--shop <domain>", "the shop (e.g. demo-store.myshopify.com)")
    .option("--topic <prefix>", "topic starts with (user/orders matches user/orders/created)")
    .option("--status <status>", "pending, running, succeeded, failed or cancelled")
    .option("--source <source>", "webhook, task, shopify, scheduler, manual or replay")
    .option("--webhook <id>", "events of this webhook")
    .option("--task <id>", "events this task ran on")
    .option("--since <iso>", "created at or after (ISO 8601; a date alone is its start, UTC)")
    .option("--until <iso>", "created at or before (ISO 8601; a date alone is its end, UTC)")
    .option("--search <text>", "an event id, a request id (X-Request-Id), or text in the data")
    .option("--limit <n>", `events per page: ${PAGE_SIZES.join(", ")} (default 50)`)
    .option("--before <cursor>", "the page after this cursor (printed as `older` at the end of a page)")
    .option("--json", "print as JSON")
    .action(
      run(async (opts: ListOptions) => {
        const raw: RawFilters = {
          topic: opts.topic,
          status: opts.status,
          source: opts.source,
          webhook: opts.webhook,
          task: opts.task,
          since: opts.since,
          until: opts.until,
          q: opts.search,
        };
        const parsed = parseEventListFilters(raw);
        if (!parsed.ok) {
          for (const error of parsed.errors) console.error(`hookline: ${error}`);
          process.exitCode = 2;
          return;
        }
        const limit = opts.limit === undefined ? 50 : Number(opts.limit);
        if (!(PAGE_SIZES as readonly number[]).includes(limit)) {
          console.error(`hookline: --limit must be one of ${PAGE_SIZES.join(", ")}`);
          process.exitCode = 2;
          return;
        }
        const page = await listEvents(opts.shop, parsed.value, { before: opts.before, limit });
        if (opts.json) {
          console.log(
            stringifyJson(
              { events: page.rows, older: page.older, matchedBy: page.matchedBy, searchedUntil: page.searchedUntil },
              2,
            ),
          );
          return;
        }
        if (!page.rows.length) console.log("no events match");
        for (const row of page.rows) {
          console.log(`${row.createdAt}  ${row.status.padEnd(9)}  ${row.id}  ${row.topic}  ${row.summary}`);
        }
        if (page.searchedUntil) console.log(`searched down to ${page.searchedUntil}; more with --before ${page.older}`);
        else if (page.older) console.log(`older: --before ${page.older}`);
      }),
    );

  events
    .command("show")
    .description("print an event with its task runs and action runs")
    .argument("<id>", "event id")
    .option("--json", "print as JSON")
    .action(
      run(async (id: string, opts: { json?: boolean }) => {
        const event = await describeEvent(id);
        if (opts.json) {
          console.log(stringifyJson(event, 2));
          return;
        }
        console.log(
          `event ${event.id}  ${event.status}  ${event.topic}  (${event.shop}, source ${event.source}, depth ${event.depth})`,
        );
        console.log(
          `  created ${iso(event.createdAt)}  started ${iso(event.startedAt)}  finished ${iso(event.finishedAt)}`,
        );
        if (event.error) console.log(`  error: ${event.error}`);
        console.log(`  data: ${stringifyJson(event.data)}`);
        if (!event.taskRuns.length) console.log("  no task runs (no enabled task subscribes to this topic)");
        for (const taskRun of event.taskRuns) {
          console.log(
            `  task run ${taskRun.id}  ${taskRun.status}  "${taskRun.taskName}"  run at ${iso(taskRun.runAt)}`,
          );
          for (const e of taskRun.errors as unknown[])
            console.log(`    error: ${typeof e === "string" ? e : stringifyJson(e)}`);
          for (const l of taskRun.logs as unknown[])
            console.log(`    log: ${typeof l === "string" ? l : stringifyJson(l)}`);
          for (const a of taskRun.actionRuns) {
            console.log(
              `    action ${a.position + 1} ${a.type}  ${a.status}  attempts ${a.attempts}${a.durationMs !== null ? `  ${a.durationMs} ms` : ""}`,
            );
            if (a.error) console.log(`      error: ${a.error}`);
            if (a.nextAttemptAt) console.log(`      next attempt ${iso(a.nextAttemptAt)}`);
          }
        }
      }),
    );

  events
    .command("replay")
    .description("create a new event with the same topic and data (source replay, parent = this event)")
    .argument("<id>", "event id")
    .action(
      run(async (id: string) => {
        const created = await replayEvent(id);
        console.log(`replayed ${id} as event ${created.id}`);
      }),
    );

  events
    .command("retry")
    .description("retry the event's failed task runs and action runs (succeeded ones are never repeated)")
    .argument("<id>", "event id")
    .action(
      run(async (id: string) => {
        const report = await retryEvent(id);
        if (report.requeued) console.log(`event ${id} had not been processed; enqueued it again`);
        else if (report.taskRuns + report.actionRuns === 0) console.log(`event ${id} has nothing failed to retry`);
        else
          console.log(`retrying ${report.taskRuns} task run(s) and ${report.actionRuns} action run(s) of event ${id}`);
      }),
    );
}
