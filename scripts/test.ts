// `npm test`: every check, in order, on a machine where Redis, PostgreSQL and Chromium are available
// (scripts/setup-machine.sh provides them). Prints one summary line of tests passed and failed.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

interface Step {
  name: string;
  command: string[];
  env?: Record<string, string>;
  /** A JSON report (vitest or Playwright) to count tests from. */
  report?: string;
}

mkdirSync("tests/output", { recursive: true });
const vitest = (dir: string, report: string, extra: string[] = []) => [
  "npx",
  "vitest",
  "run",
  dir,
  ...extra,
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
];

/** Unit test files side by side, two at a time (vitest.config.ts runs files one at a time). */
const UNIT_PARALLEL = ["--fileParallelism", "--maxWorkers=2", "--minWorkers=1"];

/**
 * The checks, in order. A step that is a list runs its members side by side (each into its own log,
 * printed when it ends). The typecheck, lint and production build read the sources and write nothing
 * the others read, so they share the two cores. The two integration suites and the fault suite use
 * separate databases, Redis instances or key prefixes and mostly wait on processes and timers, so the
 * three together take about as long as the slowest (measured: 350 s side by side against 352 s + 163 s
 * one after the other). The unit suite runs alone, two files at a time (its files share nothing; the
 * integration suites' files share a database and run one at a time): a few of its tests (SQLite
 * checkpoints, render threads) are about timing and should not also compete with the other suites.
 */
const steps: (Step | Step[])[] = [
  { name: "derived PostgreSQL schema is current", command: ["npm", "run", "-s", "db:check"] },
  [
    { name: "typecheck", command: ["npm", "run", "-s", "typecheck"] },
    { name: "lint", command: ["npm", "run", "-s", "lint"] },
    // Built once here: the integration, fault and end-to-end tests start the production processes.
    { name: "production build", command: ["npm", "run", "-s", "build"], env: { NODE_ENV: "production" } },
  ],
  {
    name: "unit",
    command: vitest("tests/unit", "tests/output/unit.json", UNIT_PARALLEL),
    report: "tests/output/unit.json",
  },
  [
    {
      name: "integration (SQLite)",
      command: vitest("tests/integration", "tests/output/integration-sqlite.json"),
      env: { TEST_DB: "sqlite" },
      report: "tests/output/integration-sqlite.json",
    },
    {
      name: "integration (PostgreSQL)",
      command: vitest("tests/integration", "tests/output/integration-postgres.json"),
      env: { TEST_DB: "postgres" },
      report: "tests/output/integration-postgres.json",
    },
    {
      // Issue 16's fault tests: the production build and workers as processes, on their own Redis and
      // PostgreSQL (ports 3750-3759), against killed workers, a restarted or frozen Redis, a killed web
      // process, a restarted PostgreSQL and a local store answering 5xx and THROTTLED. Prints
      // sent / 204 / events / ... / duplicates / lost per fault.
      name: "faults (SQLite and PostgreSQL)",
      command: vitest("tests/faults", "tests/output/faults.json"),
      report: "tests/output/faults.json",
    },
  ],
  {
    name: "end to end (Chromium)",
    command: ["npx", "playwright", "test"],
    env: { E2E_BUILD: "0" }, // built above
    report: "tests/output/e2e-results.json",
  },
];

let passed = 0;
let failed = 0;
let skipped = 0;
const failures: string[] = [];
/** Each step's wall time, printed in the summary (where `npm test`'s minutes go). */
const timings: string[] = [];
const seconds = (since: number) => `${Math.round((Date.now() - since) / 1000)} s`;

function countReport(file: string): void {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, "utf8"));
  if (typeof report.numPassedTests === "number") {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  } else if (report.stats) {
    passed += report.stats.expected ?? 0;
    failed += (report.stats.unexpected ?? 0) + (report.stats.flaky ?? 0);
    skipped += report.stats.skipped ?? 0;
  }
}

function finished(step: Step, status: number | null, since: number): void {
  timings.push(`${step.name}: ${seconds(since)}`);
  if (step.report) countReport(step.report);
  if (status !== 0) {
    failures.push(step.name);
    if (!step.report) failed += 1;
  }
}

function runAlone(step: Step): void {
  console.log(`\n=== ${step.name} ===`);
  if (step.report) rmSync(step.report, { force: true });
  const since = Date.now();
  const result = spawnSync(step.command[0], step.command.slice(1), {
    stdio: "inherit",
    env: { ...process.env, ...step.env },
  });
  finished(step, result.status, since);
}

/** Runs the steps at once, each into tests/output/<name>.log; prints each log when its step ends. */
async function runTogether(group: Step[]): Promise<void> {
  console.log(`\n=== side by side: ${group.map((step) => step.name).join(" | ")} ===`);
  const since = Date.now();
  await Promise.all(
    group.map(async (step) => {
      if (step.report) rmSync(step.report, { force: true });
      const logFile = `tests/output/${step.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.log`;
      const log = createWriteStream(logFile);
      const child = spawn(step.command[0], step.command.slice(1), {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, ...step.env },
      });
      child.stdout.pipe(log, { end: false });
      child.stderr.pipe(log, { end: false });
      const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
      await new Promise((resolve) => log.end(resolve));
      console.log(`\n=== ${step.name} (${logFile}, ${seconds(since)}) ===`);
      console.log(readFileSync(logFile, "utf8"));
      finished(step, status, since);
    }),
  );
  timings.push(`  (side by side: ${seconds(since)})`);
}

const started = Date.now();
for (const step of steps) {
  if (Array.isArray(step)) await runTogether(step);
  else runAlone(step);
}

const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.log(`\n=== summary (${minutes} min) ===`);
for (const line of timings) console.log(line);
if (failures.length) console.log(`failed steps: ${failures.join(", ")}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failures.length ? 1 : 0);
