// Mechanic's scheduler topics and when they tick, in the shop's time zone:
//   mechanic/scheduler/10min, 15min, 20min, 30min: every N minutes, on the local clock's multiples of N;
//   hourly: on the hour; daily: local midnight; monday ... sunday: local midnight starting that day;
//   monthly: local midnight starting the 1st.
// Offsets (`daily+5.hours`) are delays the runner adds to the tick (see app/domain/tasks/subscriptions.ts).
// Around daylight-saving changes the local clock decides: an hour the clock skips has no ticks, an
// hour it repeats ticks twice (both are real hours). Where a change happens at midnight, the day
// starts when the clock says so: at 01:00 when midnight is skipped, at the second 00:00 when the
// clock goes back from 00:00 to 23:00. Pure arithmetic over Intl's time zone data; no I/O.

export const SCHEDULER_INTERVALS = [
  "10min",
  "15min",
  "20min",
  "30min",
  "hourly",
  "daily",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
  "monthly",
] as const;

export type SchedulerInterval = (typeof SCHEDULER_INTERVALS)[number];

const TOPIC_PREFIX = "mechanic/scheduler/";
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
const MINUTES: Partial<Record<SchedulerInterval, number>> = {
  "10min": 10,
  "15min": 15,
  "20min": 20,
  "30min": 30,
  hourly: 60,
};
const MINUTE_MS = 60_000;

export function isSchedulerInterval(value: string): value is SchedulerInterval {
  return (SCHEDULER_INTERVALS as readonly string[]).includes(value);
}

/** The interval of a scheduler topic ("mechanic/scheduler/daily", offset already stripped), or null. */
export function schedulerInterval(topic: string): SchedulerInterval | null {
  if (!topic.startsWith(TOPIC_PREFIX)) return null;
  const interval = topic.slice(TOPIC_PREFIX.length);
  return isSchedulerInterval(interval) ? interval : null;
}

export function schedulerTopic(interval: SchedulerInterval): string {
  return `${TOPIC_PREFIX}${interval}`;
}

/** A cron pattern for the interval (for schedulers that take one with a time zone, like BullMQ's). */
export function cronPattern(interval: SchedulerInterval): string {
  const minutes = MINUTES[interval];
  if (minutes === 60) return "0 * * * *";
  if (minutes !== undefined) return `*/${minutes} * * * *`;
  if (interval === "daily") return "0 0 * * *";
  if (interval === "monthly") return "0 0 1 * *";
  return `0 0 * * ${WEEKDAYS.indexOf(interval as (typeof WEEKDAYS)[number])}`;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

// ---- local wall-clock arithmetic -------------------------------------------------------------

interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  weekday: number; // 0 = Sunday
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(timeZone, found);
  }
  return found;
}

const WEEKDAY_INDEX: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAY_INDEX[parts.weekday],
  };
}

/** Local wall time as if it were UTC, in minutes: comparable across one zone. */
function wallMinutes(local: LocalTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute) / MINUTE_MS;
}

/** Minutes the zone is ahead of UTC at this instant (New York in winter: -300). */
function offsetMinutes(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  return wallMinutes(localTime(whole, timeZone)) - whole / MINUTE_MS;
}

/** The instant a local date starts: its midnight, or when the clock first shows that date if midnight is skipped. */
function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  const target = Date.UTC(year, month - 1, day) / MINUTE_MS; // local midnight as wall minutes
  const valid: number[] = [];
  for (const probe of [target - 1440, target, target + 1440]) {
    const candidate = (target - offsetMinutes(probe * MINUTE_MS, timeZone)) * MINUTE_MS;
    if (wallMinutes(localTime(candidate, timeZone)) === target && !valid.includes(candidate)) valid.push(candidate);
  }
  // Midnight shown twice (the clock went back from 00:00 to 23:00): the day starts at the second.
  if (valid.length > 0) return Math.max(...valid);
  // Midnight skipped: the first minute whose wall time is past it. UTC offsets lie within -12 h and
  // +14 h, so that minute lies within 15 hours before and 13 hours after `target` read as UTC.
  let low = (target - 15 * 60) * MINUTE_MS;
  let high = (target + 13 * 60) * MINUTE_MS;
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (wallMinutes(localTime(middle, timeZone)) >= target) high = middle;
    else low = middle;
  }
  return high;
}

function addLocalDays(local: { year: number; month: number; day: number }, days: number) {
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

// ---- ticks -----------------------------------------------------------------------------------

function checkZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone ${JSON.stringify(timeZone)}`);
}

/** The latest tick at or before `at`. */
export function currentTick(interval: SchedulerInterval, timeZone: string, at: Date): Date {
  checkZone(timeZone);
  const ms = at.getTime();
  const minutes = MINUTES[interval];
  if (minutes !== undefined) {
    // The latest whole minute whose local wall minute is a multiple of the interval.
    let minute = Math.floor(ms / MINUTE_MS);
    for (let steps = 0; steps <= 180; steps++, minute--) {
      const wall = minute + offsetMinutes(minute * MINUTE_MS, timeZone);
      if (((wall % minutes) + minutes) % minutes === 0) return new Date(minute * MINUTE_MS);
    }
    throw new Error(`No ${interval} tick found near ${at.toISOString()} in ${timeZone}`);
  }
  // Daily, weekly and monthly ticks start a local day. The local date of `at` may be one whose
  // start is still ahead (the clock went back across midnight): then the tick is a day earlier.
  let local = localTime(ms, timeZone);
  let dayStart = startOfLocalDay(local.year, local.month, local.day, timeZone);
  if (dayStart > ms) {
    const previous = addLocalDays(local, -1);
    local = { ...local, ...previous, weekday: (local.weekday + 6) % 7 };
    dayStart = startOfLocalDay(previous.year, previous.month, previous.day, timeZone);
  }
  if (interval === "daily") return new Date(dayStart);
  if (interval === "monthly") return new Date(startOfLocalDay(local.year, local.month, 1, timeZone));
  const wanted = WEEKDAYS.indexOf(interval as (typeof WEEKDAYS)[number]);
  const back = (local.weekday - wanted + 7) % 7;
  const day = addLocalDays(local, -back);
  return new Date(startOfLocalDay(day.year, day.month, day.day, timeZone));
}

/** The earliest tick strictly after `after`. */
export function nextTick(interval: SchedulerInterval, timeZone: string, after: Date): Date {
  checkZone(timeZone);
  const current = currentTick(interval, timeZone, after).getTime();
  const minutes = MINUTES[interval];
  if (minutes !== undefined) {
    // The next multiple is at most `minutes` wall minutes away, but a clock change can add or
    // remove up to a few hours of real time: look forward minute by minute from the current tick.
    for (let minute = current / MINUTE_MS + 1, steps = 0; steps <= 240; steps++, minute++) {
      const wall = minute + offsetMinutes(minute * MINUTE_MS, timeZone);
      if (((wall % minutes) + minutes) % minutes === 0) return new Date(minute * MINUTE_MS);
    }
    throw new Error(`No ${interval} tick found after ${after.toISOString()} in ${timeZone}`);
  }
  const local = localTime(current, timeZone);
  if (interval === "monthly") {
    const month = local.month === 12 ? 1 : local.month + 1;
    const year = local.month === 12 ? local.year + 1 : local.year;
    return new Date(startOfLocalDay(year, month, 1, timeZone));
  }
  const day = addLocalDays(local, interval === "daily" ? 1 : 7);
  return new Date(startOfLocalDay(day.year, day.month, day.day, timeZone));
}

/**
 * The ticks in (from, to], oldest first, at most `limit` of them. A scheduler that was down uses
 * this to fire at most one late tick instead of replaying a backlog (take the last one).
 */
export function ticksBetween(
  interval: SchedulerInterval,
  timeZone: string,
  from: Date,
  to: Date,
  limit = 1000,
): Date[] {
  const ticks: Date[] = [];
  let cursor = from;
  while (ticks.length < limit) {
    const tick = nextTick(interval, timeZone, cursor);
    if (tick.getTime() > to.getTime()) break;
    ticks.push(tick);
    cursor = tick;
  }
  return ticks;
}
