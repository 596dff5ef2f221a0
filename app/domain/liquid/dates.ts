// Dates for the `date` filter: Ruby strftime, IANA time zones, "now + 5 days", and Mechanic's
// beginning_of_*/end_of_*/advance options. Plain Intl, no date library.

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatterCache.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatterCache.set(timeZone, formatter);
  }
  return formatter;
}

/** Normalize "UTC", "America/Chicago" or Shopify's "(GMT-06:00) America/Chicago" to an IANA name. */
export function resolveTimeZone(input: string | null | undefined): string {
  const raw = (input ?? "").trim();
  if (!raw) return "UTC";
  const candidate = raw.replace(/^\(GMT[^)]*\)\s*/, "");
  try {
    formatterFor(candidate);
    return candidate;
  } catch {
    // "(GMT-05:00) Eastern Time (US & Canada)": fall back to the fixed offset when it is whole hours.
    const offset = /^\(GMT([+-])(\d{2}):00\)/.exec(raw);
    if (offset) {
      const hours = Number(offset[2]);
      // Etc/GMT zones have inverted signs: Etc/GMT+5 is UTC-05:00.
      return hours === 0 ? "UTC" : `Etc/GMT${offset[1] === "+" ? "-" : "+"}${hours}`;
    }
    throw new Error(`unknown time zone: ${raw}`);
  }
}

export function wallTime(epochMs: number, timeZone: string): WallTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
    millisecond: ((epochMs % 1000) + 1000) % 1000,
  };
}

/** Offset of the zone from UTC at that instant, in minutes (east positive). */
export function offsetMinutes(epochMs: number, timeZone: string): number {
  const wall = wallTime(epochMs, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  return Math.round((asUtc - epochMs) / 60000);
}

/** The instant at which the zone's clocks show `wall` (first match on DST overlaps). */
export function fromWallTime(wall: WallTime, timeZone: string): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  let guess = naive - offsetMinutes(naive, timeZone) * 60000;
  // Re-check once: the offset at the guessed instant may differ near a DST change.
  guess = naive - offsetMinutes(guess, timeZone) * 60000;
  return guess;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const UNIT_PATTERN = /^(years?|months?|weeks?|days?|hours?|minutes?|seconds?)$/;

/** Apply "1 year 6 months", "-3 hours, +2 minutes" left to right. */
export function advance(epochMs: number, expression: string, timeZone: string): number {
  const tokens = expression.replace(/,/g, " ").trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0 || tokens.length % 2 !== 0)
    throw new Error(`invalid date advance: ${JSON.stringify(expression)}`);
  let result = epochMs;
  for (let i = 0; i < tokens.length; i += 2) {
    const amountText = tokens[i];
    const unit = tokens[i + 1].toLowerCase();
    if (!/^[-+]?\d+$/.test(amountText) || !UNIT_PATTERN.test(unit)) {
      throw new Error(`invalid date advance: ${JSON.stringify(expression)}`);
    }
    const amount = Number(amountText);
    const singular = unit.replace(/s$/, "");
    if (singular === "second") result += amount * 1000;
    else if (singular === "minute") result += amount * 60000;
    else if (singular === "hour") result += amount * 3600000;
    else {
      const wall = wallTime(result, timeZone);
      if (singular === "day" || singular === "week") {
        const days = singular === "week" ? amount * 7 : amount;
        const shifted = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
        wall.year = shifted.getUTCFullYear();
        wall.month = shifted.getUTCMonth() + 1;
        wall.day = shifted.getUTCDate();
      } else {
        const months = singular === "year" ? amount * 12 : amount;
        const total = wall.year * 12 + (wall.month - 1) + months;
        wall.year = Math.floor(total / 12);
        wall.month = (total % 12) + 1;
        wall.day = Math.min(wall.day, daysInMonth(wall.year, wall.month));
      }
      result = fromWallTime(wall, timeZone);
    }
  }
  return result;
}

const ZONELESS_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
const NOW_EXPRESSION = /^(now|today)(?:\s*([+-])\s*(\d+)\s*([a-z]+))?$/i;

/** Parse the date filter's input into an instant, or null when it is not a date. */
export function parseDateInput(input: unknown, timeZone: string, now: number): number | null {
  if (input instanceof Date) return Number.isNaN(input.getTime()) ? null : input.getTime();
  if (typeof input === "bigint") return Number(input) * 1000;
  if (typeof input === "number") return Number.isFinite(input) ? input * 1000 : null;
  if (typeof input !== "string") return null;
  const text = input.trim();
  if (!text) return null;
  const relative = NOW_EXPRESSION.exec(text);
  if (relative) {
    if (!relative[2]) return now;
    const sign = relative[2] === "-" ? "-" : "";
    return advance(now, `${sign}${relative[3]} ${relative[4]}`, timeZone);
  }
  if (/^-?\d+$/.test(text)) return Number(text) * 1000;
  const zoneless = ZONELESS_DATE.exec(text);
  if (zoneless) {
    const fraction = (zoneless[7] ?? "0").padEnd(3, "0").slice(0, 3);
    return fromWallTime(
      {
        year: Number(zoneless[1]),
        month: Number(zoneless[2]),
        day: Number(zoneless[3]),
        hour: Number(zoneless[4] ?? 0),
        minute: Number(zoneless[5] ?? 0),
        second: Number(zoneless[6] ?? 0),
        millisecond: Number(fraction),
      },
      timeZone,
    );
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : parsed;
}

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export type Boundary =
  | "beginning_of_year"
  | "end_of_year"
  | "beginning_of_quarter"
  | "end_of_quarter"
  | "beginning_of_month"
  | "end_of_month"
  | "beginning_of_week"
  | "end_of_week"
  | "beginning_of_day"
  | "middle_of_day"
  | "end_of_day";

/** ActiveSupport-style boundaries; `weekStart` names the first day of the week for week boundaries. */
export function applyBoundary(epochMs: number, boundary: Boundary, timeZone: string, weekStart = "monday"): number {
  const wall = wallTime(epochMs, timeZone);
  const start = (w: Partial<WallTime>): WallTime =>
    ({ hour: 0, minute: 0, second: 0, millisecond: 0, ...w }) as WallTime;
  const end = (w: Partial<WallTime>): WallTime =>
    ({ hour: 23, minute: 59, second: 59, millisecond: 999, ...w }) as WallTime;
  const quarterStartMonth = Math.floor((wall.month - 1) / 3) * 3 + 1;
  switch (boundary) {
    case "beginning_of_year":
      return fromWallTime(start({ year: wall.year, month: 1, day: 1 }), timeZone);
    case "end_of_year":
      return fromWallTime(end({ year: wall.year, month: 12, day: 31 }), timeZone);
    case "beginning_of_quarter":
      return fromWallTime(start({ year: wall.year, month: quarterStartMonth, day: 1 }), timeZone);
    case "end_of_quarter":
      return fromWallTime(
        end({ year: wall.year, month: quarterStartMonth + 2, day: daysInMonth(wall.year, quarterStartMonth + 2) }),
        timeZone,
      );
    case "beginning_of_month":
      return fromWallTime(start({ year: wall.year, month: wall.month, day: 1 }), timeZone);
    case "end_of_month":
      return fromWallTime(
        end({ year: wall.year, month: wall.month, day: daysInMonth(wall.year, wall.month) }),
        timeZone,
      );
    case "beginning_of_week":
    case "end_of_week": {
      const startIndex = DAY_NAMES.findIndex((name) => name.toLowerCase() === weekStart.toLowerCase());
      if (startIndex < 0) throw new Error(`invalid week day: ${JSON.stringify(weekStart)}`);
      const weekday = new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
      const back = (weekday - startIndex + 7) % 7;
      const first = new Date(
        Date.UTC(wall.year, wall.month - 1, wall.day - back + (boundary === "end_of_week" ? 6 : 0)),
      );
      const target = { year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: first.getUTCDate() };
      return fromWallTime(boundary === "end_of_week" ? end(target) : start(target), timeZone);
    }
    case "beginning_of_day":
      return fromWallTime(start({ year: wall.year, month: wall.month, day: wall.day }), timeZone);
    case "middle_of_day":
      return fromWallTime(start({ year: wall.year, month: wall.month, day: wall.day, hour: 12 }), timeZone);
    case "end_of_day":
      return fromWallTime(end({ year: wall.year, month: wall.month, day: wall.day }), timeZone);
  }
}

function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return { year: date.getUTCFullYear(), week: Math.ceil(((date.getTime() - yearStart) / 86400000 + 1) / 7) };
}

function zoneAbbreviation(epochMs: number, timeZone: string): string {
  if (/^(UTC|Etc\/UTC|Etc\/Universal|Universal|Zulu)$/i.test(timeZone)) return "UTC";
  const part = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" })
    .formatToParts(new Date(epochMs))
    .find((item) => item.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/** Ruby's Time#strftime, including flags (-, _, 0, ^, #) and widths. Unknown directives print as written. */
export function strftime(epochMs: number, format: string, timeZone: string): string {
  const wall = wallTime(epochMs, timeZone);
  const offset = offsetMinutes(epochMs, timeZone);
  const weekday = new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
  const dayOfYear =
    Math.round((Date.UTC(wall.year, wall.month - 1, wall.day) - Date.UTC(wall.year, 0, 1)) / 86400000) + 1;
  const hour12 = wall.hour % 12 === 0 ? 12 : wall.hour % 12;

  const offsetText = (colons: number): string => {
    const sign = offset < 0 ? "-" : "+";
    const absolute = Math.abs(offset);
    const hours = String(Math.floor(absolute / 60)).padStart(2, "0");
    const minutes = String(absolute % 60).padStart(2, "0");
    if (colons === 1) return `${sign}${hours}:${minutes}`;
    if (colons === 2) return `${sign}${hours}:${minutes}:00`;
    return `${sign}${hours}${minutes}`;
  };

  return format.replace(
    /%([-_0^#]*)(\d*)(:{0,2})([a-zA-Z%+])/g,
    (match, flags: string, widthText: string, colons: string, directive: string) => {
      type Piece = { text: string; numeric: boolean; width: number };
      const num = (value: number, width: number): Piece => ({ text: String(value), numeric: true, width });
      const str = (text: string): Piece => ({ text, numeric: false, width: 0 });
      let piece: Piece;
      switch (directive) {
        case "Y":
          piece = { text: String(wall.year), numeric: true, width: 0 };
          break;
        case "C":
          piece = num(Math.floor(wall.year / 100), 2);
          break;
        case "y":
          piece = num(wall.year % 100, 2);
          break;
        case "m":
          piece = num(wall.month, 2);
          break;
        case "B":
          piece = str(MONTH_NAMES[wall.month - 1]);
          break;
        case "b":
        case "h":
          piece = str(MONTH_NAMES[wall.month - 1].slice(0, 3));
          break;
        case "d":
          piece = num(wall.day, 2);
          break;
        case "e":
          piece = { text: String(wall.day), numeric: true, width: 2 };
          if (!flags) flags = "_";
          break;
        case "j":
          piece = num(dayOfYear, 3);
          break;
        case "H":
          piece = num(wall.hour, 2);
          break;
        case "k":
          piece = num(wall.hour, 2);
          if (!flags) flags = "_";
          break;
        case "I":
          piece = num(hour12, 2);
          break;
        case "l":
          piece = num(hour12, 2);
          if (!flags) flags = "_";
          break;
        case "P":
          piece = str(wall.hour < 12 ? "am" : "pm");
          break;
        case "p":
          piece = str(wall.hour < 12 ? "AM" : "PM");
          break;
        case "M":
          piece = num(wall.minute, 2);
          break;
        case "S":
          piece = num(wall.second, 2);
          break;
        case "L":
          piece = str(String(wall.millisecond).padStart(3, "0"));
          break;
        case "N":
          piece = str(
            String(wall.millisecond)
              .padStart(3, "0")
              .padEnd(widthText ? Number(widthText) : 9, "0"),
          );
          widthText = "";
          break;
        case "z":
          piece = str(offsetText(colons.length));
          break;
        case "Z":
          piece = str(zoneAbbreviation(epochMs, timeZone));
          break;
        case "A":
          piece = str(DAY_NAMES[weekday]);
          break;
        case "a":
          piece = str(DAY_NAMES[weekday].slice(0, 3));
          break;
        case "u":
          piece = num(weekday === 0 ? 7 : weekday, 1);
          break;
        case "w":
          piece = num(weekday, 1);
          break;
        case "s":
          piece = str(String(Math.floor(epochMs / 1000)));
          break;
        case "U":
          piece = num(Math.floor((dayOfYear - 1 - weekday + 7) / 7), 2);
          break;
        case "W":
          piece = num(Math.floor((dayOfYear - 1 - ((weekday + 6) % 7) + 7) / 7), 2);
          break;
        case "G":
          piece = { text: String(isoWeek(wall.year, wall.month, wall.day).year), numeric: true, width: 0 };
          break;
        case "g":
          piece = num(isoWeek(wall.year, wall.month, wall.day).year % 100, 2);
          break;
        case "V":
          piece = num(isoWeek(wall.year, wall.month, wall.day).week, 2);
          break;
        case "F":
          piece = str(strftime(epochMs, "%Y-%m-%d", timeZone));
          break;
        case "T":
        case "X":
          piece = str(strftime(epochMs, "%H:%M:%S", timeZone));
          break;
        case "D":
        case "x":
          piece = str(strftime(epochMs, "%m/%d/%y", timeZone));
          break;
        case "R":
          piece = str(strftime(epochMs, "%H:%M", timeZone));
          break;
        case "r":
          piece = str(strftime(epochMs, "%I:%M:%S %p", timeZone));
          break;
        case "c":
          piece = str(strftime(epochMs, "%a %b %e %H:%M:%S %Y", timeZone));
          break;
        case "v":
          piece = str(strftime(epochMs, "%e-%^b-%Y", timeZone));
          break;
        case "+":
          piece = str(strftime(epochMs, "%a %b %e %H:%M:%S %Z %Y", timeZone));
          break;
        case "n":
          piece = str("\n");
          break;
        case "t":
          piece = str("\t");
          break;
        case "%":
          piece = str("%");
          break;
        default:
          return match;
      }
      let text = piece.text;
      const width = widthText ? Number(widthText) : piece.width;
      if (flags.includes("-")) {
        text = piece.numeric ? String(Number(text)) : text;
      } else if (text.length < width) {
        const padChar = flags.includes("_") ? " " : flags.includes("0") || piece.numeric ? "0" : " ";
        const negative = piece.numeric && text.startsWith("-");
        const digits = negative ? text.slice(1) : text;
        text = (negative ? "-" : "") + digits.padStart(width - (negative ? 1 : 0), padChar);
      }
      if (flags.includes("^")) text = text.toUpperCase();
      if (flags.includes("#")) text = /[a-z]/.test(text) ? text.toUpperCase() : text.toLowerCase();
      return text;
    },
  );
}

/** ISO 8601 in the zone, as Mechanic's date filter prints with no format ("Z" for UTC). */
export function iso8601(epochMs: number, timeZone: string): string {
  if (/^(UTC|Etc\/UTC)$/i.test(timeZone)) return strftime(epochMs, "%Y-%m-%dT%H:%M:%SZ", timeZone);
  return strftime(epochMs, "%Y-%m-%dT%H:%M:%S%:z", timeZone);
}
