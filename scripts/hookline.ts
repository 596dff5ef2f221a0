// The operator CLI: `npm run -s hookline -- <command>`. Each command group lives in scripts/cli/.
import { Command } from "commander";
import { loadConfigOrExit } from "../app/config.server";

loadConfigOrExit();

/**
 * Each group by its command name, imported only when run: a group pulls in its part of the app
 * (tasks the Liquid engine and the runner, doctor Redis and queues), and `hookline webhooks list`
 * should not wait for the rest. Help, and a command that names no group, load them all.
 */
const groups: Record<string, () => Promise<(program: Command) => void>> = {
  doctor: async () => (await import("./cli/doctor")).registerDoctor,
  webhooks: async () => (await import("./cli/webhooks")).registerWebhooks,
  tasks: async () => (await import("./cli/tasks")).registerTasks,
  events: async () => (await import("./cli/events")).registerEvents,
  scheduler: async () => (await import("./cli/scheduler")).registerScheduler,
};

const program = new Command("hookline").description("Hookline operator commands").showHelpAfterError();
const named = process.argv[2];
const wanted = named !== undefined && Object.hasOwn(groups, named) ? [named] : Object.keys(groups);

try {
  for (const register of await Promise.all(wanted.map((name) => groups[name]!()))) register(program);
  await program.parseAsync(process.argv);
} catch (error: unknown) {
  console.error(`hookline: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
