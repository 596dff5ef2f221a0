// `npm run check:library -- DIR [--json]`: imports and previews every Mechanic task JSON file in DIR
// (for instance the task library's tasks/ directory) and prints
// `I/N import, P/N preview without a Liquid error` with the failure causes grouped.
// Exits 0 whatever the counts: it measures, it does not judge.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkLibraryTask, formatSummary, summarize, type LibraryTaskResult } from "../app/domain/tasks/library-check";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const dir = args.find((arg) => !arg.startsWith("--"));
  if (!dir || !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    console.error("usage: npm run check:library -- DIR [--json]   (DIR holds Mechanic task JSON files)");
    process.exitCode = 2;
    return;
  }
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort();
  const results: LibraryTaskResult[] = [];
  for (const file of files) results.push(await checkLibraryTask(file, readFileSync(join(dir, file), "utf8")));
  const summary = summarize(results);
  console.log(json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
}

await main();
