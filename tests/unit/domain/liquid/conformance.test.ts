// Conformance with Shopify's reference Liquid (Ruby, liquid 5.4): every case of the corpus in
// conformance/cases/ is rendered by Hookline's engine and compared with what Ruby Liquid rendered
// (conformance/expected.json, written by `npm run liquid:fixtures`). A case either prints exactly
// Ruby's text or, where Ruby raises, fails too. The few intentional differences are listed below,
// each with its reason and the text Hookline prints instead (docs/decisions/0003-liquid.md).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJson } from "~/domain/json";
import { createLiquidEngine, LiquidScriptError } from "~/domain/liquid/engine";

const ROOT = join(__dirname, "conformance");

type Expected = { output: string } | { error: string };

/**
 * Intentional differences from plain Ruby Liquid (Mechanic's and Shopify's own rules), each case
 * with what Hookline renders instead ({ error } where it refuses what Ruby prints).
 */
const INTENTIONAL_DIFFERENCES: { reason: string; cases: Record<string, Expected> }[] = [
  {
    reason:
      "Shopify's and Mechanic's `blank`: Mechanic runs on Rails, where `blank` is ActiveSupport's blank? (nil, false, empty or whitespace-only strings, empty arrays and hashes), as in Shopify's storefront Liquid; plain Ruby Liquid only asks empty?",
    cases: {
      "02-operators/case with blank": { output: "blank" },
      "03-nil-empty-blank/blank nil": { output: "yes" },
      "03-nil-empty-blank/blank false": { output: "yes" },
      "03-nil-empty-blank/blank empty string": { output: "yes" },
      "03-nil-empty-blank/blank whitespace string": { output: "yes" },
      "03-nil-empty-blank/blank empty array": { output: "yes" },
      "03-nil-empty-blank/blank empty hash": { output: "yes" },
      "03-nil-empty-blank/blank undefined": { output: "yes" },
    },
  },
  {
    reason:
      "Mechanic runs on Rails, whose ActiveSupport gives strings `first` and `last`: the first and last character (plain Ruby Liquid answers nil)",
    cases: {
      "06-string-filters/first last on string": { output: "ho h\ud83c\udf89" },
      "06-string-filters/first last property on string": { output: "[A][s]" },
      "11-unicode/first last unicode": { output: "\u00e9 \u00e9" },
    },
  },
  {
    reason:
      "Mechanic's date rules: without a format (or with an empty one) a date is written in ISO 8601, and times are shown in the shop's time zone (UTC here), not in the offset they were written with",
    cases: {
      "09-default-date/date with offset": { output: "2024-03-11 04:30 +0000" },
      "09-default-date/date no format": { output: "2024-03-10T00:00:00Z" },
      "09-default-date/date empty format": { output: "2024-03-10T00:00:00Z" },
    },
  },
  {
    reason:
      "Ruby's Integer#size is the machine word size (8 bytes), not a size; Hookline answers 0 for numbers, as for any value without a size",
    cases: {
      "06-string-filters/string filters on numbers": { output: "0 1.5 0" },
      "07-array-filters/size": { output: "6 3 0" },
    },
  },
  {
    reason:
      "A range is a list of numbers in Hookline (liquidjs), so printing one prints its numbers; Ruby prints the range's text (1..5). In for loops, where ranges are used, both agree",
    cases: {
      "01-output/ranges print": { output: "12345" },
    },
  },
  {
    reason:
      "The body of a comment is not parsed, as in Liquid 5.5 and Shopify's storefront today; Liquid 5.4 still parsed it and refused unbalanced tags inside",
    cases: {
      "01-output/comment tag": { output: "ab" },
    },
  },
  {
    reason:
      "An empty {{ }} and an assign without a value are refused when the task is saved: they are always leftovers (Ruby prints nothing, or assigns nil)",
    cases: {
      "10-whitespace/empty output tag": { error: "(error)" },
      "12-errors/assign without value": { error: "(error)" },
    },
  },
];

const differences = new Map(
  INTENTIONAL_DIFFERENCES.flatMap(({ reason, cases }) =>
    Object.entries(cases).map(([id, hookline]) => [id, { reason, hookline }] as const),
  ),
);

/** The corpus format shared with scripts/liquid-fixtures.rb. */
export function parseCases(text: string): [string, string][] {
  const cases: { name: string; lines: string[] }[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    const match = /^=== (.+?)\s*$/.exec(line);
    if (match) cases.push({ name: match[1], lines: [] });
    else if (cases.length) cases[cases.length - 1].lines.push(line);
  }
  return cases.map(({ name, lines }) => [name, lines.join("").replace(/\n$/, "")]);
}

function loadCorpus(): { id: string; source: string }[] {
  const corpus: { id: string; source: string }[] = [];
  for (const file of readdirSync(join(ROOT, "cases"))
    .filter((name) => name.endsWith(".txt"))
    .sort()) {
    const section = file.replace(/\.txt$/, "");
    for (const [name, source] of parseCases(readFileSync(join(ROOT, "cases", file), "utf8")))
      corpus.push({ id: `${section}/${name}`, source });
  }
  return corpus;
}

const corpus = loadCorpus();
const expected = JSON.parse(readFileSync(join(ROOT, "expected.json"), "utf8")) as Record<string, Expected>;
const scopeText = readFileSync(join(ROOT, "scope.json"), "utf8");
const engine = createLiquidEngine();

async function renderCase(source: string): Promise<Expected> {
  try {
    const { output } = await engine.render(source, parseJson(scopeText) as Record<string, unknown>);
    return { output };
  } catch (error) {
    if (!(error instanceof LiquidScriptError)) throw error;
    return { error: error.message };
  }
}

/** Errors are compared by kind only: the messages are worded differently. */
function comparable(result: Expected): Expected {
  return "error" in result ? { error: "(error)" } : result;
}

describe("Liquid conformance with Ruby Liquid", () => {
  it("has a fixture for every case and no stale fixtures (run npm run liquid:fixtures)", () => {
    expect(corpus.length).toBeGreaterThan(0);
    expect(Object.keys(expected).sort()).toEqual(corpus.map(({ id }) => id).sort());
    for (const id of differences.keys()) expect(Object.keys(expected)).toContain(id);
  });

  it.each(corpus.map(({ id, source }) => [id, source]))("%s", async (id, source) => {
    const difference = differences.get(id);
    const actual = await renderCase(source);
    if (difference) {
      // Pinned: still different from Ruby, and exactly as documented.
      expect(comparable(actual)).not.toEqual(comparable(expected[id]));
      expect(comparable(actual)).toEqual(comparable(difference.hookline));
    } else {
      expect(comparable(actual)).toEqual(comparable(expected[id]));
    }
  });
});
