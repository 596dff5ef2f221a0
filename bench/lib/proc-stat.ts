// CPU time from Linux's /proc/<pid>/stat (or /proc/<pid>/task/<tid>/stat) files: what the benchmarks
// read to report CPU per event, and what the CPU-share test checks a held process against.
import { readFileSync } from "node:fs";

const CLOCK_TICKS_PER_SECOND = 100; // Linux's USER_HZ, the unit of /proc/<pid>/stat times

/** CPU time (user + system) used so far, in ms, from the text of a /proc stat file (a process's or one thread's). */
export function cpuMsOfStat(stat: string): number {
  // The command name (in parentheses) may hold spaces: fields are counted from after its ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** CPU time (ms) so far of the process or thread whose stat file this is. */
export const statCpuMs = (statFile: string): number => cpuMsOfStat(readFileSync(statFile, "utf8"));
