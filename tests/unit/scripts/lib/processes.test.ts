// The dev and e2e launchers' child-process helpers. Issue 13, bug 4: "[worker] [worker] stopped" — a
// process that names itself is not named twice. On SIGTERM a launcher stops its children first, then
// runs its clean-up (the e2e server removes its Redis keys), then exits 0.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prefixed } from "../../../../scripts/lib/processes";

describe("prefixed", () => {
  it("adds the process's name once", () => {
    expect(prefixed("[worker] ", "[worker] stopped")).toBe("[worker] stopped");
    expect(prefixed("[worker] ", "listening")).toBe("[worker] listening");
    expect(prefixed("[app] ", "[worker] x")).toBe("[app] [worker] x");
  });
});

describe("stopOnSignals", () => {
  it("on SIGTERM stops the children, then runs the clean-up, then exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hookline-stop-"));
    const record = join(dir, "record");
    // A launcher with one child (a sleeping node) whose clean-up records whether the child was gone.
    const launcher = `
      import { appendFileSync } from "node:fs";
      import { startProcess, stopOnSignals } from "./scripts/lib/processes.ts";
      const sleeper = startProcess("sleeper", process.execPath, ["-e", "setTimeout(() => {}, 60000)"], process.env);
      stopOnSignals(async () => {
        appendFileSync(${JSON.stringify(record)}, "cleaned up; child exited: " + (sleeper.child.exitCode !== null || sleeper.child.signalCode !== null) + "\\n");
      });
      console.log("ready " + sleeper.child.pid);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", launcher], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    const sleeperPid = await new Promise<number>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /ready (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.on("exit", (code) => reject(new Error(`launcher exited early (${code}): ${output}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(existsSync(record)).toBe(true);
    expect(readFileSync(record, "utf8")).toBe("cleaned up; child exited: true\n");
    expect(() => process.kill(sleeperPid, 0)).toThrow(); // no such process
  }, 60_000);
});
