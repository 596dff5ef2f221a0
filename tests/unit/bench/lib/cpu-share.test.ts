// The benchmark's CPU shares (bench/lib/cpu-share.ts, decision 0122): a held process really gets no
// more than its share, and the cgroup is gone once the process is. Needs root and a writable cgroup CPU
// controller (as on the machines the benchmarks run on); elsewhere it is skipped and says why.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cpuShareSupport, holdToCpuShare, throttledMs } from "../../../../bench/lib/cpu-share";

const unsupported = cpuShareSupport();

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe.skipIf(unsupported !== null)(`CPU shares${unsupported ? ` (skipped: ${unsupported})` : ""}`, () => {
  it("holds a busy process to its share of a core, then removes its cgroup", async () => {
    const busy = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
    const exited = new Promise((resolve) => busy.once("exit", resolve));
    try {
      const release = holdToCpuShare(busy.pid!, 0.1, "test");
      const before = cpuSeconds(busy.pid!);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const used = cpuSeconds(busy.pid!) - before;
      // Unheld, a busy loop takes up to 2 s of CPU in 2 s; held to 0.1 of a core, about 0.2 s.
      expect(used).toBeLessThan(0.5);
      expect(throttledMs(busy.pid!, "test")).toBeGreaterThan(500);
      busy.kill("SIGKILL");
      await exited;
      release();
      expect(throttledMs(busy.pid!, "test"), "the cgroup is removed").toBe(0);
    } finally {
      busy.kill("SIGKILL");
    }
  });
});
