// Relative times for activity lists ("3 minutes ago"). Pure, so server and client agree given the same `now`.

const UNITS: [limitSeconds: number, secondsPerUnit: number, unit: string][] = [
  [60, 1, "second"],
  [3600, 60, "minute"],
  [86400, 3600, "hour"],
  [86400 * 30, 86400, "day"],
];

export function relativeTime(when: string | Date, now: number = Date.now()): string {
  const time = typeof when === "string" ? Date.parse(when) : when.getTime();
  if (!Number.isFinite(time)) return "unknown time";
  const seconds = Math.round((now - time) / 1000);
  if (seconds < 5 && seconds > -5) return "just now";
  const future = seconds < 0;
  const abs = Math.abs(seconds);
  for (const [limit, per, unit] of UNITS) {
    if (abs < limit) {
      const count = Math.floor(abs / per);
      const text = `${count} ${unit}${count === 1 ? "" : "s"}`;
      return future ? `in ${text}` : `${text} ago`;
    }
  }
  return absoluteTime(when);
}

/** "2026-11-26 10:15:04 UTC": unambiguous, and the same on server and client. */
export function absoluteTime(when: string | Date): string {
  const date = typeof when === "string" ? new Date(when) : when;
  if (!Number.isFinite(date.getTime())) return "unknown time";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
