// `hookline events ...`: show an event with its runs, replay it as a new event, retry its failures.
import type { Command } from "commander";
import { stringifyJson } from "../../app/domain/json";
import prisma from "../../app/data/db.server";
import { describeEvent, EventNotFoundError, replayEvent, retryEvent } from "../../app/services/runner/manual.server";
import { closeSharedQueues } from "../../app/services/runner/worker.server";

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

export function registerEvents(program: Command): void {
  const events = program.command("events").description("show, replay and retry events");

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
