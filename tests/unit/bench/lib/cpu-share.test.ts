// The benchmark's CPU shares (bench/lib/cpu-share.ts, decision 0122): a held process really gets no
// more than its share, and the cgroup is gone once the process is. Needs root and a writable cgroup CPU
// controller (as on the machines the benchmarks run on); elsewhere it is skipped and says why.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cpuShareSupport, holdToCpuShare } from "../../../../bench/lib/cpu-share";
import { statCpuMs } from "../../../../bench/lib/proc-stat";

const unsupported = cpuShareSupport();

describe.skipIf(unsupported !== null)(`CPU shares${unsupported ? ` (skipped: ${unsupported})` : ""}`, () => {
  it("holds a busy process to its share of a core, then removes its cgroup", async () => {
    const busy = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
    const exited = new Promise((resolve) => busy.once("exit", resolve));
    try {
      const share = holdToCpuShare(busy.pid!, 0.1, "test");
      const before = statCpuMs(`/proc/${busy.pid}/stat`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const usedMs = statCpuMs(`/proc/${busy.pid}/stat`) - before;
      // Unheld, a busy loop takes up to 2 s of CPU in 2 s; held to 0.1 of a core, about 0.2 s.
      expect(usedMs).toBeLessThan(500);
      expect(share.throttledMs()).toBeGreaterThan(500);
      busy.kill("SIGKILL");
      await exited;
      share.release();
      expect(share.throttledMs(), "the cgroup is removed").toBe(0);
    } finally {
      busy.kill("SIGKILL");
    }
  });

  it("refuses a share that is not a number of cores above 0", () => {
    expect(() => holdToCpuShare(process.pid, Number("abc"), "test")).toThrow(/above 0, got NaN/);
    expect(() => holdToCpuShare(process.pid, 0, "test")).toThrow(/above 0, got 0/);
  });
});
