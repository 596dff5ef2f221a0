import type { Command } from "commander";

// Commands of the "tasks" group are added by the issue that owns them.
export function registerTasks(program: Command): void {
  program.command("tasks").description("tasks commands");
}
