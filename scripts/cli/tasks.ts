// `hookline tasks ...`: import, export, list and preview tasks (Mechanic's task JSON format).
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parseJson, stringifyJson } from "../../app/domain/json";
import prisma from "../../app/data/db.server";
import { closeQueues } from "../../app/data/queues.server";

import { previewTask, type PreviewEventInput } from "../../app/domain/tasks/preview";
import { describeResponse } from "../../app/domain/actions/respond";
import { parseTaskJson } from "../../app/domain/tasks/task-json";
import {
  exportTaskJson,
  importTaskJson,
  listTasks,
  TaskNotFoundError,
  TaskValidationError,
} from "../../app/data/tasks.server";
import { ManualRunError, runTaskManually } from "../../app/services/runner/run-task.server";
import { tasksChanged } from "../../app/services/tasks/tasks-changed.server";

class CliInputError extends Error {}

function readText(file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    throw new CliInputError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function run<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      if (
        error instanceof TaskValidationError ||
        error instanceof TaskNotFoundError ||
        error instanceof ManualRunError ||
        error instanceof CliInputError
      ) {
        console.error(`hookline: ${error.message}`);
        process.exitCode = 1;
      } else {
        throw error;
      }
    } finally {
      await closeQueues(); // task writes sync the shop's schedulers (app/data/schedulers.server.ts)
      await prisma.$disconnect();
    }
  };
}

/** `--event` file: `{ "topic": ..., "data": ... }`, or any other JSON taken as the event's data. */
export function previewEventFromJson(value: unknown): PreviewEventInput {
  if (typeof value === "object" && value !== null && !Array.isArray(value) && ("topic" in value || "data" in value)) {
    const v = value as Record<string, unknown>;
    if (v.topic !== undefined && typeof v.topic !== "string")
      throw new CliInputError("the event's topic must be a string");
    return { topic: v.topic as string | undefined, data: v.data ?? null };
  }
  return { data: value };
}

export function registerTasks(program: Command): void {
  const tasks = program.command("tasks").description("import, export, list, preview and run tasks");

  tasks
    .command("import")
    .description("import a task from Mechanic task JSON (a task with the same name is replaced)")
    .requiredOption("--shop <shop>", "shop domain, e.g. demo-store.myshopify.com")
    .option("--json", "print the result as JSON")
    .argument("<file>", "task JSON file (- for standard input)")
    .action(
      run(async (file: string, opts: { shop: string; json?: boolean }) => {
        const { task, replaced, warning } = await importTaskJson(opts.shop, readText(file));
        // The shop's schedulers and Shopify subscriptions follow its tasks (what changed goes to
        // stderr; never throws), before the CLI exits.
        await tasksChanged(opts.shop, "task imported", { waitForShopify: true, log: (line) => console.error(line) });
        if (opts.json)
          console.log(
            JSON.stringify(
              { id: task.id, name: task.name, version: task.version, replaced, enabled: task.enabled, warning },
              null,
              2,
            ),
          );
        else
          console.log(`${replaced ? "replaced" : "imported"} task ${task.id} "${task.name}" (version ${task.version})`);
        // A script that does not parse is imported disabled (app/domain/tasks/script-check.ts).
        if (warning) console.error(`hookline: ${warning}`);
      }),
    );

  tasks
    .command("run")
    .description(
      "run a task by hand (mechanic/user/trigger, text or form): creates the event for that task only and prints its id",
    )
    .requiredOption("--shop <shop>", "shop domain")
    .option(
      "--topic <topic>",
      "mechanic/user/trigger, mechanic/user/text or mechanic/user/form (default: the task's first)",
    )
    .option(
      "--data <json>",
      "the event data as JSON: the text for mechanic/user/text, the form's values by name for mechanic/user/form",
    )
    .argument("<id>", "task id")
    .action(
      run(async (id: string, opts: { shop: string; topic?: string; data?: string }) => {
        let data: unknown;
        if (opts.data !== undefined) {
          try {
            data = parseJson(opts.data);
          } catch (error) {
            throw new CliInputError(`--data is not valid JSON: ${(error as Error).message}`);
          }
        }
        const { eventId } = await runTaskManually(opts.shop, id, { topic: opts.topic ?? null, data });
        console.log(eventId);
      }),
    );

  tasks
    .command("export")
    .description("print a task as Mechanic task JSON")
    .requiredOption("--shop <shop>", "shop domain")
    .argument("<id>", "task id")
    .action(
      run(async (id: string, opts: { shop: string }) => {
        process.stdout.write(await exportTaskJson(opts.shop, id));
      }),
    );

  tasks
    .command("list")
    .description("list the shop's tasks")
    .requiredOption("--shop <shop>", "shop domain")
    .option("--json", "print as JSON")
    .action(
      run(async (opts: { shop: string; json?: boolean }) => {
        const rows = (await listTasks(opts.shop)).map((t) => ({
          id: t.id,
          name: t.name,
          enabled: t.enabled,
          version: t.version,
          subscriptions: t.subscriptions.split("\n").filter(Boolean),
          updatedAt: t.updatedAt.toISOString(),
        }));
        if (opts.json) {
          console.log(JSON.stringify(rows, null, 2));
          return;
        }
        if (!rows.length) console.log(`no tasks in ${opts.shop}`);
        for (const r of rows)
          console.log(
            `${r.id}  ${r.enabled ? "enabled " : "disabled"}  v${r.version}  ${r.name}  [${r.subscriptions.join(", ")}]`,
          );
      }),
    );

  tasks
    .command("preview")
    .description("render a task file against an event without performing anything (no API, no cache)")
    .argument("<file>", "task JSON file")
    .option(
      "--event <file>",
      'event JSON: { "topic": ..., "data": ... } or just the data (default: the task\'s preview events)',
    )
    .option("--shop <shop>", "shop domain shown to the script as shop.domain", "example.myshopify.com")
    .option("--json", "print as JSON")
    .action(
      run(async (file: string, opts: { event?: string; shop: string; json?: boolean }) => {
        const parsed = parseTaskJson(readText(file));
        if (!parsed.ok) throw new CliInputError(`task file is not valid: ${parsed.errors.join("; ")}`);
        let event: PreviewEventInput | undefined;
        if (opts.event) {
          let value: unknown;
          try {
            value = parseJson(readText(opts.event));
          } catch (error) {
            throw new CliInputError(`event file is not valid JSON: ${(error as Error).message}`);
          }
          event = previewEventFromJson(value);
        }
        const shop = {
          name: opts.shop,
          domain: opts.shop,
          myshopify_domain: opts.shop,
          email: "",
          currency: "USD",
          timezone: "UTC",
        };
        const previews = await previewTask(parsed.draft, { event, shop });
        const failed = previews.some((p) => p.result.errors.length > 0);
        if (opts.json) {
          const out = previews.map((p) => ({
            description: p.description,
            topic: p.event.topic,
            actions: p.result.actions,
            // What a wait-mode webhook's caller would get from each respond action.
            responses: p.result.actions.filter((a) => a.type === "respond").map((a) => describeResponse(a.options)),
            logs: p.result.logs,
            errors: p.result.errors,
          }));
          console.log(stringifyJson(out, 2));
        } else {
          for (const p of previews) {
            console.log(`When ${p.event.topic} is triggered (${p.description}):`);
            if (!p.result.actions.length) console.log("  no actions");
            for (const a of p.result.actions) {
              console.log(`  action ${a.type}: ${stringifyJson(a.options)}`);
              if (a.type === "respond")
                console.log(`    the caller would get:\n${describeResponse(a.options).replace(/^/gm, "      ")}`);
            }
            for (const l of p.result.logs) console.log(`  log: ${typeof l === "string" ? l : stringifyJson(l)}`);
            for (const e of p.result.errors) console.log(`  error: ${e}`);
          }
        }
        if (failed) process.exitCode = 1;
      }),
    );
}
