// The layout of tests/ (this file mirrors the folder it checks; docs/decisions/0018-tests-mirror-app.md).
// A unit test is at tests/unit/<path of its module>.test.ts (or <module>.<aspect>.test.ts, or named for
// what it covers in its module's folder); an integration test is in tests/integration/<area of app/>/.
// Tests of other top-level folders mirror those (extensions/, docs/, workers/, scripts/, bench/).
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const OTHER_ROOTS = ["docs", "extensions", "workers", "scripts", "bench", "tests"];

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "fixtures" ? [] : testFiles(path);
    return name.endsWith(".test.ts") ? [path] : [];
  });
}

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** Where the tested code lives for a test at `relative` (without tests/<kind>/ and .test.ts). */
function mirrored(relative: string): { module: string; folder: string } {
  const [first] = relative.split("/");
  const base = OTHER_ROOTS.includes(first!) ? relative : `app/${relative}`;
  return { module: base, folder: dirname(base) };
}

describe("test layout", () => {
  it("every unit test is at the path of its module, or in its module's folder", () => {
    const misplaced = testFiles("tests/unit").filter((file) => {
      const relative = file.slice("tests/unit/".length, -".test.ts".length);
      const { module, folder } = mirrored(relative);
      const withoutAspect = module.replace(/\.[a-z0-9-]+$/, "");
      const candidates = [module, withoutAspect].flatMap((m) => [`${m}.ts`, `${m}.tsx`, m]);
      // A test named for what it covers needs a real folder: at the top of app/ it must name a module.
      const folderCounts = folder !== "app" && !OTHER_ROOTS.includes(folder) && isDir(folder);
      return !candidates.some((path) => existsSync(path)) && !folderCounts;
    });
    expect(misplaced, "move these to tests/unit/<path of the module under app/>").toEqual([]);
  });

  it("every integration test is in the folder of the area it covers", () => {
    const misplaced = testFiles("tests/integration").filter((file) => {
      const relative = file.slice("tests/integration/".length, -".test.ts".length);
      const { module, folder } = mirrored(relative);
      return !isDir(folder) && !existsSync(`${module}.ts`);
    });
    expect(misplaced, "move these to tests/integration/<folder of app/ they cover>").toEqual([]);
  });
});
