// Preview a task without effects: render its script with `event.preview` true, no cache and no
// Shopify API, and report the actions it would perform. Used by the CLI and the UI.
import { defaultEngine, type LiquidEngine } from "~/domain/liquid/engine";
import { renderTask, type RenderInput, type RenderResult, type ShopInfo, type TaskEvent } from "./render";
import { parseSubscriptions } from "./subscriptions";
import { webhookExample } from "~/domain/shopify/webhook-examples";
import type { TaskDraft } from "./task-json";

export interface PreviewEventInput {
  topic?: string;
  data?: unknown;
  id?: string;
  created_at?: string;
  source?: string;
  parent?: TaskEvent | null;
  webhook_request_id?: string | null;
}

export interface PreviewOptions {
  /** Preview against this event instead of the draft's preview event definitions. */
  event?: PreviewEventInput;
  shop: ShopInfo;
  taskId?: string;
  /** Admin GraphQL for lookups (shop.customers[id], .reload, metafields); the shopify filter stays off in preview. */
  shopifyQuery?: RenderInput["shopifyQuery"];
  /** The shop's most recent event data per topic, used for topics the task gives no preview data for. */
  recentEvents?: Record<string, unknown>;
  /** Clock for created_at (tests). */
  now?: () => Date;
  engine?: LiquidEngine;
  /** Renders one preview (default: renderTask in-process); the web process passes its render pool. */
  render?: (input: RenderInput) => Promise<RenderResult>;
}

export interface PreviewedEvent {
  /** Where the event came from: "given event", a preview definition's description, or the topic. */
  description: string;
  event: TaskEvent;
  result: RenderResult;
}

function sourceFor(topic: string): string {
  if (topic.startsWith("shopify/")) return "shopify";
  if (topic.startsWith("user/")) return "user";
  return "mechanic";
}

/** Unique subscribed topics, in order (delays dropped). */
export function subscribedTopics(draft: Pick<TaskDraft, "subscriptions">): string[] {
  const topics: string[] = [];
  for (const { topic } of parseSubscriptions(draft.subscriptions ?? []).subscriptions)
    if (!topics.includes(topic)) topics.push(topic);
  return topics;
}

/**
 * The events a preview renders against: the given event; else one per preview event definition,
 * plus one for every subscribed topic no definition covers. An event without data gets the
 * shop's most recent event data of its topic (`recentEvents`), else Shopify's documented example
 * payload for shopify/* topics (app/domain/shopify/webhook-examples.ts), else null.
 */
export function previewEvents(
  draft: TaskDraft,
  options: Pick<PreviewOptions, "event" | "now" | "recentEvents">,
): { description: string; event: TaskEvent }[] {
  const now = (options.now ?? (() => new Date()))().toISOString();
  const topics = subscribedTopics(draft);
  const fallbackTopic = topics[0] ?? "mechanic/user/trigger";
  const build = (index: number, input: PreviewEventInput): TaskEvent => {
    const topic = input.topic ?? fallbackTopic;
    return {
      id: input.id ?? `preview-${index + 1}`,
      topic,
      data: input.data ?? null,
      created_at: input.created_at ?? now,
      source: input.source ?? sourceFor(topic),
      parent: input.parent ?? null,
      webhook_request_id: input.webhook_request_id ?? null,
      preview: true,
    };
  };
  if (options.event) return [{ description: "given event", event: build(0, options.event) }];
  const sampleData = (topic: string): { data: unknown; note: string } => {
    const recent = options.recentEvents?.[topic];
    if (recent !== undefined && recent !== null) return { data: recent, note: "recent event" };
    const example = webhookExample(topic);
    return example ? { data: example, note: "example data" } : { data: null, note: "" };
  };
  const previews: { description: string; event: TaskEvent }[] = [];
  const covered = new Set<string>();
  for (const definition of draft.previewEventDefinitions ?? []) {
    const topic = definition.event_attributes?.topic ?? fallbackTopic;
    covered.add(topic);
    let data = definition.event_attributes?.data;
    let description = definition.description || `preview event ${previews.length + 1}`;
    if (data === undefined || data === null) {
      const sample = sampleData(topic);
      data = sample.data;
      if (sample.note && !definition.description) description = `${topic} (${sample.note})`;
    }
    previews.push({ description, event: build(previews.length, { topic, data }) });
  }
  for (const topic of topics) {
    if (covered.has(topic)) continue;
    const sample = sampleData(topic);
    previews.push({
      description: sample.note ? `${topic} (${sample.note})` : topic,
      event: build(previews.length, { topic, data: sample.data }),
    });
  }
  return previews;
}

export async function previewTask(draft: TaskDraft, options: PreviewOptions): Promise<PreviewedEvent[]> {
  const previews: PreviewedEvent[] = [];
  for (const { description, event } of previewEvents(draft, options)) {
    const input: RenderInput = {
      script: draft.script,
      options: draft.options ?? {},
      event,
      shop: options.shop,
      task: { id: options.taskId ?? "preview", name: draft.name },
      preview: true,
      shopifyQuery: options.shopifyQuery,
    };
    const result = options.render
      ? await options.render(input)
      : await renderTask(input, options.engine ?? defaultEngine);
    previews.push({ description, event, result });
  }
  return previews;
}
