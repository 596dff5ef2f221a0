import type { Command } from "commander";

// Commands of the "webhooks" group are added by the issue that owns them.
export function registerWebhooks(program: Command): void {
  program.command("webhooks").description("webhooks commands");
}
