// Shopify's webhook topics as the real Admin schema defines them: each WebhookSubscriptionTopic
// enum value, the topic string its description names (`orders/create`, `customer.tags_added`) and
// the access scopes it requires ("Requires the `read_orders` scope" / "at least one of ...").
import { isEnumType } from "graphql";
import { loadAdminSchema } from "../schema";

export interface WebhookTopicInfo {
  enumValue: string;
  topic: string;
  /** Any one of these scopes allows the topic; empty when none is needed. */
  anyOfScopes: string[];
}

let cached: Map<string, WebhookTopicInfo> | null = null;

export function webhookTopics(): Map<string, WebhookTopicInfo> {
  if (cached) return cached;
  const type = loadAdminSchema().getType("WebhookSubscriptionTopic");
  if (!type || !isEnumType(type)) throw new Error("WebhookSubscriptionTopic is missing from the Admin schema");
  cached = new Map();
  for (const value of type.getValues()) {
    const description = (value.description ?? "").replace(/\s+/g, " ");
    const topic = /The webhook topic for `([^`]+)` events/.exec(description)?.[1];
    if (!topic) continue;
    const single = /Requires the `([a-z_]+)` scope/.exec(description);
    const anyOf = /Requires at least one of the following scopes: ([a-z_, ]+)\./.exec(description);
    const anyOfScopes = single ? [single[1]] : anyOf ? anyOf[1].split(",").map((scope) => scope.trim()) : [];
    cached.set(value.name, { enumValue: value.name, topic, anyOfScopes });
  }
  return cached;
}

export function topicByString(topic: string): WebhookTopicInfo | null {
  for (const info of webhookTopics().values()) if (info.topic === topic) return info;
  return null;
}
