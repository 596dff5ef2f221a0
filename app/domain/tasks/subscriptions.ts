// Task subscriptions: one topic per line, `domain/subject/verb` with an optional `+N.unit` delay
// (`user/foo/bar+1.hour`, `shopify/orders/paid+2.days`). `user/` topics follow the webhook topic
// rule; `shopify/` and `mechanic/` topics are the ones Mechanic tasks use. A well-formed topic that
// Hookline never produces is refused too (app/domain/tasks/producible-topics.ts).
import { validateUserTopic } from "~/domain/topics";
import { defaultEngine, type LiquidEngine } from "~/domain/liquid/engine";
import { SCHEDULER_INTERVALS, schedulerTopic } from "~/domain/scheduler";
import { unproducibleTopicReason } from "~/domain/tasks/producible-topics";

export interface Subscription {
  topic: string;
  offsetSeconds: number;
}

export interface SubscriptionError {
  /** 1-based line number in the text (or index in the list) the error is about. */
  line: number;
  message: string;
}

export interface ParsedSubscriptions {
  subscriptions: Subscription[];
  errors: SubscriptionError[];
}

// Months and years are fixed lengths, as in the runner (app/domain/runs/topic-subscription.ts).
export const OFFSET_UNIT_SECONDS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
  month: 2_592_000,
  year: 31_536_000,
};

const MECHANIC_TOPICS = new Set([
  "mechanic/actions/perform",
  "mechanic/emails/received",
  "mechanic/errors/action",
  "mechanic/errors/event",
  "mechanic/errors/task",
  ...SCHEDULER_INTERVALS.map(schedulerTopic),
  "mechanic/user/trigger",
  "mechanic/user/text",
  "mechanic/user/form",
  ...[
    "collection",
    "customer",
    "customers",
    "draft_order",
    "draft_orders",
    "order",
    "orders",
    "variant",
    "variants",
    "product",
    "products",
  ].map((resource) => `mechanic/user/${resource}`),
  "mechanic/shopify/bulk_operation",
]);

const THIRD_PARTY_DOMAINS = new Set(["appstle_subscriptions", "judgeme", "locksmith", "report_toaster"]);
const SEGMENT = /^[a-z0-9_]+$/;
const MAX_OFFSET_SECONDS = 100 * 31_536_000;

/**
 * Why `topic` cannot be subscribed to, or null: its syntax, then whether Hookline ever produces it
 * (app/domain/tasks/producible-topics.ts).
 */
export function topicProblem(topic: string): string | null {
  return topicSyntaxProblem(topic) ?? unproducibleTopicReason(topic);
}

/** Why `topic` is not a well-formed subscription topic, or null. */
function topicSyntaxProblem(topic: string): string | null {
  const segments = topic.split("/");
  const domain = segments[0];
  if (domain === "user") {
    const result = validateUserTopic(topic);
    return result.ok ? null : result.message;
  }
  if (domain === "shopify") {
    if (segments.length !== 3 || !segments.every((segment) => SEGMENT.test(segment))) {
      return `Topic "${topic}" must look like shopify/<resource>/<event>, e.g. shopify/orders/create`;
    }
    return null;
  }
  if (domain === "mechanic") {
    return MECHANIC_TOPICS.has(topic)
      ? null
      : `Unknown Mechanic topic "${topic}" (e.g. mechanic/scheduler/daily, mechanic/actions/perform, mechanic/user/trigger)`;
  }
  if (THIRD_PARTY_DOMAINS.has(domain)) {
    return segments.length === 3 && segments.every((segment) => SEGMENT.test(segment))
      ? null
      : `Topic "${topic}" must have three parts: ${domain}/<subject>/<verb>`;
  }
  return `Topic "${topic}" must start with user/, shopify/ or mechanic/`;
}

const LINE = /^([^+\s]+)(?:\+(\d+)\.([a-z]+))?$/;

/** One line: a subscription, null for a blank line, or an error message. */
export function parseSubscriptionLine(line: string): Subscription | null | string {
  const text = line.trim();
  if (!text) return null;
  const match = LINE.exec(text);
  if (!match) {
    if (/\s/.test(text)) return `"${text}" contains spaces; write one topic per line, like user/orders/created+1.hour`;
    return `"${text}" is not a subscription; expected domain/subject/verb with an optional +N.unit delay (e.g. +30.minutes)`;
  }
  const [, topic, amountText, unitText] = match;
  const problem = topicProblem(topic);
  if (problem) return problem;
  if (amountText === undefined) return { topic, offsetSeconds: 0 };
  const unit = unitText.endsWith("s") ? unitText.slice(0, -1) : unitText;
  const unitSeconds = OFFSET_UNIT_SECONDS[unit];
  if (!unitSeconds)
    return `Unknown delay unit "${unitText}" in "${text}" (use seconds, minutes, hours, days, weeks, months or years)`;
  const offsetSeconds = Number(amountText) * unitSeconds;
  if (!Number.isSafeInteger(offsetSeconds) || offsetSeconds > MAX_OFFSET_SECONDS)
    return `Delay in "${text}" is too long (at most 100 years)`;
  return { topic, offsetSeconds };
}

/** Parse subscription lines (a text with one per line, or a list); errors carry line numbers. */
export function parseSubscriptions(input: string | string[]): ParsedSubscriptions {
  const lines = Array.isArray(input) ? input : input.split(/\r?\n/);
  const subscriptions: Subscription[] = [];
  const errors: SubscriptionError[] = [];
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    if (typeof line !== "string") {
      errors.push({ line: index + 1, message: "Subscription must be text" });
      return;
    }
    const result = parseSubscriptionLine(line);
    if (result === null) return;
    if (typeof result === "string") {
      errors.push({ line: index + 1, message: result });
      return;
    }
    const identity = `${result.topic}+${result.offsetSeconds}`;
    if (seen.has(identity)) {
      errors.push({ line: index + 1, message: `"${line.trim()}" is listed twice` });
      return;
    }
    seen.add(identity);
    subscriptions.push(result);
  });
  return { subscriptions, errors };
}

/**
 * The lines without repeats of a subscription already listed (same topic and delay, however
 * written): task JSON from Mechanic's library may list one twice, which means it once.
 */
export function mergeRepeatedSubscriptions(lines: string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const line of lines) {
    const parsed = parseSubscriptionLine(line);
    if (parsed !== null && typeof parsed !== "string") {
      const identity = `${parsed.topic}+${parsed.offsetSeconds}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
    }
    kept.push(line);
  }
  return kept;
}

export interface RenderedSubscriptions extends ParsedSubscriptions {
  /** The non-blank lines the template produced. */
  lines: string[];
}

/** Render a subscriptions_template with the task's options (at save time), then parse it. */
export async function renderSubscriptionsTemplate(
  template: string,
  options: Record<string, unknown>,
  engine: LiquidEngine = defaultEngine,
): Promise<RenderedSubscriptions> {
  let output: string;
  try {
    output = (await engine.render(template, { options: options ?? {} })).output;
  } catch (error) {
    return {
      lines: [],
      subscriptions: [],
      errors: [{ line: 0, message: `Subscriptions template: ${(error as Error).message}` }],
    };
  }
  const allLines = output.split(/\r?\n/);
  const parsed = parseSubscriptions(allLines);
  return { ...parsed, lines: allLines.map((line) => line.trim()).filter(Boolean) };
}

function asSubscription(entry: string | Subscription): Subscription | null {
  if (typeof entry !== "string") return entry;
  const parsed = parseSubscriptionLine(entry);
  return parsed && typeof parsed !== "string" ? parsed : null;
}

/** The subscriptions (with their delays) that an event on `topic` triggers. */
export function subscriptionsFor(subscriptions: Array<string | Subscription>, topic: string): Subscription[] {
  return subscriptions
    .map(asSubscription)
    .filter((item): item is Subscription => item !== null && item.topic === topic);
}

export function matchesTopic(subscriptions: Array<string | Subscription>, topic: string): boolean {
  return subscriptionsFor(subscriptions, topic).length > 0;
}
