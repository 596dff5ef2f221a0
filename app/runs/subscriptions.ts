// Which of a task's subscription lines match an event topic, and with what delay.
// Lines look like `user/foo/bar` or `user/foo/bar+2.hours`; blank lines are ignored.

const UNIT_SECONDS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
  month: 2_592_000, // 30 days
  year: 31_536_000, // 365 days
};

export interface Subscription {
  topic: string;
  offsetSeconds: number;
}

/** Parses one subscription line, or returns null for a line that is not a subscription. */
export function parseSubscriptionLine(line: string): Subscription | null {
  const text = line.trim();
  if (!text) return null;
  const match = /^([a-z0-9_]+\/[a-z0-9_]+(?:\/[a-z0-9_]+)+)(?:\+(\d+(?:\.\d+)?)\.([a-z]+?)s?)?$/.exec(text);
  if (!match) return null;
  const [, topic, amount, unit] = match;
  if (!amount) return { topic, offsetSeconds: 0 };
  const seconds = UNIT_SECONDS[unit];
  if (!seconds) return null;
  return { topic, offsetSeconds: Math.round(Number(amount) * seconds) };
}

export function parseSubscriptions(text: string): Subscription[] {
  return text
    .split(/\r?\n/)
    .map(parseSubscriptionLine)
    .filter((s): s is Subscription => s !== null);
}

/** The first subscription of `text` to `topic`, or null when the task does not subscribe to it. */
export function subscriptionFor(text: string, topic: string): Subscription | null {
  return parseSubscriptions(text).find((s) => s.topic === topic) ?? null;
}
