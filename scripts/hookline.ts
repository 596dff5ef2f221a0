// The operator CLI: `npm run -s hookline -- <command>`. Each command group lives in scripts/cli/.
import { Command } from "commander";
import { loadConfigOrExit } from "../app/config.server";
import { registerDoctor } from "./cli/doctor";
import { registerWebhooks } from "./cli/webhooks";
import { registerTasks } from "./cli/tasks";
import { registerEvents } from "./cli/events";
import { registerScheduler } from "./cli/scheduler";

loadConfigOrExit();

const program = new Command("hookline").description("Hookline operator commands").showHelpAfterError();
registerDoctor(program);
registerWebhooks(program);
registerTasks(program);
registerEvents(program);
registerScheduler(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`hookline: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
