// What a shop's Shopify webhook subscriptions should be, and the steps from what they are: one
// subscription per Shopify topic some enabled task subscribes to (offsets stripped), to the app's
// /webhooks/shopify, for the topics whose access scope the shop has granted. Pure; the service
// (app/services/shopify/webhook-subscriptions.server.ts) reads the inputs and performs the steps
// (docs/decisions/0046).
import { parseSubscriptions } from "~/domain/tasks/subscriptions";
import { missingScopeFor, shopifyTopicByEnum, shopifyTopicByMechanic, type ShopifyTopic } from "./topics";

/** A subscription as the Admin API lists it (webhookSubscriptions { id topic uri }). */
export interface ExistingSubscription {
  id: string;
  /** The WebhookSubscriptionTopic enum value, e.g. "ORDERS_CREATE". */
  topic: string;
  uri: string;
}

export interface SubscriptionPlan {
  /** Topics to subscribe to (enum values), in catalog order. */
  create: ShopifyTopic[];
  /** Subscriptions to delete: topics no enabled task wants, another address, duplicates. */
  delete: ExistingSubscription[];
  /** Subscriptions that are right as they are. */
  keep: ExistingSubscription[];
  /** Wanted topics the shop has not granted access for (not subscribed until it does). */
  missingScopes: { topic: ShopifyTopic; scope: string }[];
}

/** The Shopify topics (catalog rows) among task subscription texts, offsets stripped, without repeats. */
export function shopifyTopicsOf(subscriptionTexts: readonly string[]): ShopifyTopic[] {
  const found = new Map<string, ShopifyTopic>();
  for (const text of subscriptionTexts) {
    for (const { topic } of parseSubscriptions(text).subscriptions) {
      if (!topic.startsWith("shopify/")) continue;
      const known = shopifyTopicByMechanic(topic);
      if (known) found.set(known.enumValue, known);
    }
  }
  return [...found.values()];
}

/**
 * The steps that make `existing` equal to `wanted` at `callbackUrl`. Only subscriptions to catalog
 * topics are managed: anything else the Admin API lists (an app topic, one a newer API version
 * added) is left alone.
 */
export function planSubscriptions(input: {
  wanted: readonly ShopifyTopic[];
  grantedScopes: readonly string[];
  existing: readonly ExistingSubscription[];
  callbackUrl: string;
}): SubscriptionPlan {
  const plan: SubscriptionPlan = { create: [], delete: [], keep: [], missingScopes: [] };
  const allowed = new Set<string>();
  for (const topic of input.wanted) {
    const scope = missingScopeFor(topic, input.grantedScopes);
    if (scope) plan.missingScopes.push({ topic, scope });
    else allowed.add(topic.enumValue);
  }
  const kept = new Set<string>();
  for (const subscription of input.existing) {
    if (!shopifyTopicByEnum(subscription.topic)) continue;
    const right = subscription.uri === input.callbackUrl && allowed.has(subscription.topic);
    if (right && !kept.has(subscription.topic)) {
      kept.add(subscription.topic);
      plan.keep.push(subscription);
    } else {
      plan.delete.push(subscription);
    }
  }
  for (const topic of input.wanted) {
    if (allowed.has(topic.enumValue) && !kept.has(topic.enumValue)) plan.create.push(topic);
  }
  return plan;
}

/** Whether the plan changes nothing. */
export function planIsEmpty(plan: SubscriptionPlan): boolean {
  return plan.create.length === 0 && plan.delete.length === 0;
}
