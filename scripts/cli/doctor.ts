// `hookline doctor`: one line per dependency, exit 1 if any fails.
import type { Command } from "commander";
import { checkAll, type Check } from "../lib/doctor-checks";

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check the database, migrations, Redis, the worker heartbeat and the local store")
    .option("--json", "print the checks as JSON")
    .action(async (opts: { json?: boolean }) => {
      const checks: Check[] = await checkAll();
      if (opts.json) console.log(JSON.stringify(checks, null, 2));
      else for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name.padEnd(12)} ${c.detail}`);
      process.exit(checks.every((c) => c.ok) ? 0 : 1);
    });
}
