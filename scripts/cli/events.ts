import type { Command } from "commander";

// Commands of the "events" group are added by the issue that owns them.
export function registerEvents(program: Command): void {
  program.command("events").description("events commands");
}
