// Every decision record follows the one template (docs/decisions/README.md): title, date, status, then
// Context, Decision and Consequences; a superseded or amended record names records that exist.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const DIR = "docs/decisions";
const records = readdirSync(DIR).filter((name) => /^\d{4}-[a-z0-9-]+\.md$/.test(name));

describe("decision records", () => {
  it("exist, each with a unique number", () => {
    expect(records.length).toBeGreaterThanOrEqual(7);
    const numbers = records.map((name) => name.slice(0, 4));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  for (const name of records) {
    it(`${name} follows the template`, () => {
      const lines = readFileSync(`${DIR}/${name}`, "utf8").split("\n");
      expect(lines[0], "a '# Title' first line").toMatch(/^# \S/);
      expect(lines[0], "the number is in the file name, not the title").not.toMatch(/^# \d{4}/);
      expect(
        lines.some((line) => /^- Date: \d{4}-\d{2}-\d{2}$/.test(line)),
        "a '- Date: YYYY-MM-DD' line",
      ).toBe(true);
      const status = lines.find((line) => line.startsWith("- Status: "));
      expect(status, "a '- Status:' line").toMatch(
        /^- Status: (Accepted|Superseded by \d{4}|Accepted \(amended by .+\))/,
      );
      const sections = lines.filter((line) => line.startsWith("## "));
      expect(sections.slice(0, 3)).toEqual(["## Context", "## Decision", "## Consequences"]);
      for (const cited of status!.matchAll(/\b(\d{4})\b/g)) {
        expect(
          records.some((other) => other.startsWith(cited[1]!)),
          `${cited[1]} exists`,
        ).toBe(true);
      }
    });
  }
});
