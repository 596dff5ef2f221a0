// The one-line action preview shown under a task, as in Mechanic's tutorial:
// "When user/webhook/test is triggered… Echo".

export interface SentenceSubscription {
  topic: string;
  offsetSeconds: number;
}

const ACTION_NAMES: Record<string, string> = {
  echo: "Echo",
  http: "HTTP request",
  shopify: "Shopify",
  cache: "Cache",
  event: "Event",
  email: "Email",
  respond: "Respond to the webhook's caller",
  files: "Files",
  ftp: "FTP",
  flow: "Flow",
};

export function actionName(type: string): string {
  return ACTION_NAMES[type] ?? type.replace(/_+/g, " ").replace(/^./, (first) => first.toUpperCase());
}

const UNITS: [number, string][] = [
  [31_536_000, "year"],
  [2_592_000, "month"],
  [604_800, "week"],
  [86_400, "day"],
  [3600, "hour"],
  [60, "minute"],
  [1, "second"],
];

export function describeDelay(seconds: number): string {
  for (const [size, unit] of UNITS) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${unit}${count === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} seconds`;
}

function parseLine(line: string): SentenceSubscription | null {
  const match = /^\s*([^\s+]+)(?:\+(\d+)\.([a-z]+?)s?)?\s*$/.exec(line);
  if (!match) return null;
  const [, topic, amount, unit] = match;
  if (!amount) return { topic, offsetSeconds: 0 };
  const size = UNITS.find(([, name]) => name === unit)?.[0];
  return size ? { topic, offsetSeconds: Number(amount) * size } : { topic, offsetSeconds: 0 };
}

/**
 * "When user/webhook/test is triggered… Echo". Several topics are joined with "or"; delays are
 * shown; several action types are listed once each, in order.
 */
export function actionSentence(
  subscriptions: Array<string | SentenceSubscription>,
  actions: Array<string | { type: string }>,
): string {
  const topics = subscriptions
    .map((entry) => (typeof entry === "string" ? parseLine(entry) : entry))
    .filter((entry): entry is SentenceSubscription => entry !== null && entry.topic !== "")
    .map((entry) =>
      entry.offsetSeconds > 0 ? `${entry.topic} (after ${describeDelay(entry.offsetSeconds)})` : entry.topic,
    );
  const names: string[] = [];
  for (const action of actions) {
    const name = actionName(typeof action === "string" ? action : action.type);
    if (!names.includes(name)) names.push(name);
  }
  const trigger = topics.length === 0 ? "When nothing is subscribed…" : `When ${joinWith(topics, "or")} is triggered…`;
  return `${trigger} ${names.length ? names.join(", ") : "no actions"}`;
}

function joinWith(items: string[], word: string): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${word} ${items[items.length - 1]}`;
}
