// check:library over a handful of task files written for this test (not copied from the library).
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLibraryTask, formatSummary, normalizeCause, summarize } from "~/domain/tasks/library-check";

const DIR = join(__dirname, "fixtures", "library-check");

async function checkAll() {
  const files = readdirSync(DIR)
    .filter((name) => name.endsWith(".json"))
    .sort();
  return Promise.all(files.map((file) => checkLibraryTask(file, readFileSync(join(DIR, file), "utf8"))));
}

describe("check:library", () => {
  it("imports and previews each task, telling Liquid errors from the task's own error objects", async () => {
    const results = Object.fromEntries((await checkAll()).map((result) => [result.file, result]));
    expect(results["tag-big-spenders.json"]).toMatchObject({ imported: true, previewed: true, errors: [] });
    expect(results["broken-json.json"]).toMatchObject({ imported: false, previewed: false });
    expect(results["broken-json.json"].errors[0]).toMatch(/^Task JSON is not valid JSON/);
    expect(results["missing-filter.json"]).toMatchObject({ imported: true, previewed: false });
    expect(results["missing-filter.json"].errors[0]).toMatch(/undefined filter: no_such_filter/);
    expect(results["asks-for-options.json"]).toMatchObject({
      imported: true,
      previewed: true,
      errorObjects: ["Fill in a recipient first."],
    });
    expect(results["unconfigured.json"]).toMatchObject({
      imported: true,
      previewed: false,
      emptyRequiredOptions: ["days__number_required"],
    });
  });

  it("prints the counts and the causes grouped, most tasks first", async () => {
    const summary = summarize(await checkAll());
    expect(summary).toMatchObject({ total: 5, imported: 4, previewed: 2, withErrorObjects: 1 });
    const text = formatSummary(summary);
    expect(text.split("\n")[0]).toBe("4/5 import, 2/5 preview without a Liquid error");
    expect(text).toContain("import  Task JSON is not valid JSON");
    expect(text).toContain("preview [required options empty] Liquid error: divided by 0");
    expect(text).toContain("preview Liquid syntax error: undefined filter: no_such_filter");
  });

  it("groups messages that differ only in positions and numbers", () => {
    expect(normalizeCause("Liquid error: divided by 0 (line 3, column 7)")).toBe("Liquid error: divided by 0");
    expect(normalizeCause("Liquid error: comparison of String with 12345 failed")).toBe(
      normalizeCause("Liquid error: comparison of String with 67890 failed"),
    );
  });

  it("runs as npm run check:library -- DIR", () => {
    const output = execFileSync(process.execPath, ["--import", "tsx", "scripts/check-library.ts", DIR], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(output.split("\n")[0]).toBe("4/5 import, 2/5 preview without a Liquid error");
    let failed = "";
    try {
      execFileSync(process.execPath, ["--import", "tsx", "scripts/check-library.ts"], {
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (error) {
      failed = String((error as { stderr?: string }).stderr);
    }
    expect(failed).toContain("usage: npm run check:library -- DIR");
  });
});
