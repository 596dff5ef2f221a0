// `npm test`: every check, in order, on a machine where Redis, PostgreSQL and Chromium are available
// (scripts/setup-machine.sh provides them). Prints one summary line of tests passed and failed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

interface Step {
  name: string;
  command: string[];
  env?: Record<string, string>;
  /** A JSON report (vitest or Playwright) to count tests from. */
  report?: string;
}

mkdirSync("tests/output", { recursive: true });
const vitest = (dir: string, report: string) => [
  "npx",
  "vitest",
  "run",
  dir,
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
];

const steps: Step[] = [
  { name: "derived PostgreSQL schema is current", command: ["npm", "run", "-s", "db:check"] },
  { name: "typecheck", command: ["npm", "run", "-s", "typecheck"] },
  { name: "lint", command: ["npm", "run", "-s", "lint"] },
  { name: "unit", command: vitest("tests/unit", "tests/output/unit.json"), report: "tests/output/unit.json" },
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
    // process and a restarted PostgreSQL. Prints sent / 204 / events / ... / duplicates / lost per fault.
    name: "faults (SQLite and PostgreSQL)",
    command: vitest("tests/faults", "tests/output/faults.json"),
    report: "tests/output/faults.json",
  },
  { name: "end to end (Chromium)", command: ["npx", "playwright", "test"], report: "tests/output/e2e-results.json" },
];

let passed = 0;
let failed = 0;
let skipped = 0;
const failures: string[] = [];

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

const started = Date.now();
for (const step of steps) {
  console.log(`\n=== ${step.name} ===`);
  if (step.report) rmSync(step.report, { force: true });
  const result = spawnSync(step.command[0], step.command.slice(1), {
    stdio: "inherit",
    env: { ...process.env, ...step.env },
  });
  if (step.report) countReport(step.report);
  if (result.status !== 0) {
    failures.push(step.name);
    if (!step.report) failed += 1;
  }
}

const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.log(`\n=== summary (${minutes} min) ===`);
if (failures.length) console.log(`failed steps: ${failures.join(", ")}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failures.length ? 1 : 0);
