// Holds a process to a fixed share of the CPU (a Linux cgroup CPU quota), so that a run can give
// each worker process "a core of its own" of the same size on a machine whose cores are also
// Redis's, the database's and the benchmark's. With two real cores, one worker process already
// keeps most of both busy, so a second process has nothing left to gain from; held to a share each,
// two processes show what a second process gains when it has CPU of its own, which is what a machine
// with a core per worker process gives. Needs root and a writable cgroup CPU controller (v1's
// /sys/fs/cgroup/cpu or v2's /sys/fs/cgroup with "cpu" in cgroup.controllers); otherwise
// `cpuShareSupport` says why not and nothing is limited.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";

const PERIOD_US = 100_000;
const GROUP_PREFIX = "hookline-bench-";

interface Hierarchy {
  root: string;
  version: 1 | 2;
}

function hierarchy(): Hierarchy | null {
  if (existsSync("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")) return { root: "/sys/fs/cgroup/cpu", version: 1 };
  try {
    if (readFileSync("/sys/fs/cgroup/cgroup.controllers", "utf8").split(/\s+/).includes("cpu"))
      return { root: "/sys/fs/cgroup", version: 2 };
  } catch {
    // no cgroup v2 hierarchy here
  }
  return null;
}

/** Removes cgroups an earlier run left behind (one killed before its cleanup); those still holding a process stay. */
function removeLeftovers(root: string): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith(GROUP_PREFIX)) continue;
    try {
      rmdirSync(`${root}/${name}`);
    } catch {
      // still holds a process
    }
  }
}

/** null when processes can be held to a CPU share here, else the reason they cannot. */
export function cpuShareSupport(): string | null {
  const found = hierarchy();
  if (!found) return "no cgroup CPU controller is mounted";
  const probe = `${found.root}/${GROUP_PREFIX}probe-${process.pid}`;
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    return `cannot make a cgroup under ${found.root} (${(error as NodeJS.ErrnoException).code}; it needs root)`;
  }
  removeLeftovers(found.root);
  return null;
}

/** A process held to a CPU share. */
export interface CpuShare {
  /** The CPU time (ms) it waited so far because its share was used up (throttled). */
  throttledMs(): number;
  /** Removes its cgroup; call once the process has exited (a cgroup holding a process stays). */
  release(): void;
}

/**
 * Moves a process (all its threads, and those it starts later) into a cgroup of its own limited to
 * `cores` of CPU time (0.5: half a core, measured over each 100 ms).
 */
export function holdToCpuShare(pid: number, cores: number, name: string): CpuShare {
  if (!(cores > 0)) throw new Error(`a CPU share must be a number of cores above 0, got ${cores}`);
  const found = hierarchy();
  if (!found) throw new Error("no cgroup CPU controller is mounted");
  const dir = `${found.root}/${GROUP_PREFIX}${name}-${pid}`;
  mkdirSync(dir);
  const quota = Math.round(cores * PERIOD_US);
  if (found.version === 1) {
    writeFileSync(`${dir}/cpu.cfs_period_us`, String(PERIOD_US));
    writeFileSync(`${dir}/cpu.cfs_quota_us`, String(quota));
  } else {
    writeFileSync(`${dir}/cpu.max`, `${quota} ${PERIOD_US}`);
  }
  writeFileSync(`${dir}/cgroup.procs`, String(pid));
  return {
    throttledMs() {
      try {
        const stat = readFileSync(`${dir}/cpu.stat`, "utf8");
        const v1 = /throttled_time (\d+)/.exec(stat); // ns
        if (v1) return Number(v1[1]) / 1e6;
        const v2 = /throttled_usec (\d+)/.exec(stat);
        return v2 ? Number(v2[1]) / 1e3 : 0;
      } catch {
        return 0; // removed
      }
    },
    release() {
      try {
        rmdirSync(dir);
      } catch {
        // still holds a process (it outlived its stop) or already gone: the next run's cpuShareSupport removes it
      }
    },
  };
}
