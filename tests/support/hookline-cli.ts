// The operator CLI as a process, for tests: the production build's build/hookline.js (what
// `npm run build` compiles from scripts/hookline.ts), about a second per command against three for
// the same source under tsx. tests/integration/scripts/cli/doctor.test.ts and the first
// `webhooks create` test run the documented `npx tsx scripts/hookline.ts` itself.
import { execFile, spawnSync } from "node:child_process";
import { ensureProductionBuild } from "./production-build";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

const TIMEOUT_MS = 60_000;

/** The build is checked (a walk of every source's modification time) once per test file, not per command. */
let buildChecked = false;

function command(args: string[]): string[] {
  if (!buildChecked) ensureProductionBuild();
  buildChecked = true;
  return ["build/hookline.js", ...args];
}

/** Runs `hookline <args>` and resolves with its exit code and output (never rejects). */
export function hookline(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const argv = command(args);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      argv,
      { cwd: process.cwd(), env: options.env ?? process.env, timeout: TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ code: typeof code === "number" ? code : -1, stdout, stderr });
      },
    );
  });
}

/** hookline, waiting synchronously (for tests that hold no event loop work meanwhile). */
export function hooklineSync(args: string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, command(args), {
    cwd: process.cwd(),
    env: options.env ?? process.env,
    encoding: "utf8",
    timeout: TIMEOUT_MS,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
