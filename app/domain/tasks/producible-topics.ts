// Which subscription topics Hookline produces events for, and why not the others. A topic nothing
// produces is refused at save and import (form, CLI, importer alike) with this module's reason:
// a task that could never run is worse than a clear "no". Syntax is checked before this
// (app/domain/tasks/subscriptions.ts); offsets are stripped by then.
//
// Produced: user/* (webhooks, the event action), shopify/* topics in the Shopify catalog
// (app/domain/shopify/topics.ts), mechanic/scheduler/<interval> (app/domain/scheduler.ts),
// mechanic/user/trigger|text|form ("Run task"), mechanic/errors/action|task|event (failures),
// mechanic/actions/perform (action results).
import { schedulerInterval } from "~/domain/scheduler";
import { shopifyTopicByMechanic } from "~/domain/shopify/topics";

export const MANUAL_RUN_TOPICS = ["mechanic/user/trigger", "mechanic/user/text", "mechanic/user/form"] as const;
export type ManualRunTopic = (typeof MANUAL_RUN_TOPICS)[number];

export const ERROR_TOPICS = ["mechanic/errors/action", "mechanic/errors/task", "mechanic/errors/event"] as const;
export type ErrorTopic = (typeof ERROR_TOPICS)[number];

const PRODUCED_MECHANIC_TOPICS = new Set<string>([...MANUAL_RUN_TOPICS, ...ERROR_TOPICS, "mechanic/actions/perform"]);

export function isManualRunTopic(topic: string): topic is ManualRunTopic {
  return (MANUAL_RUN_TOPICS as readonly string[]).includes(topic);
}

export function isErrorTopic(topic: string): topic is ErrorTopic {
  return (ERROR_TOPICS as readonly string[]).includes(topic);
}

export type Producibility = { producible: true } | { producible: false; reason: string };

const ADMIN_ACTION_LINK = /^mechanic\/user\/[a-z_]+$/;

/** Whether Hookline ever creates an event with this topic (no offset), and why not. */
export function topicProducibility(topic: string): Producibility {
  const no = (why: string): Producibility => ({
    producible: false,
    reason: `Hookline never produces "${topic}": ${why}`,
  });
  const [domain, subject, verb] = topic.split("/");
  if (domain === "user") return { producible: true };
  if (domain === "shopify") {
    if (shopifyTopicByMechanic(topic)) return { producible: true };
    return no(
      `Shopify offers apps no webhook topic ${subject}/${verb} (Admin API 2025-10); check the spelling, e.g. shopify/orders/create`,
    );
  }
  if (domain === "mechanic") {
    if (schedulerInterval(topic) !== null || PRODUCED_MECHANIC_TOPICS.has(topic)) return { producible: true };
    if (topic === "mechanic/emails/received") return no("Hookline has no inbound email address to receive email at");
    if (topic === "mechanic/shopify/bulk_operation")
      return no("Hookline does not run Shopify bulk operations, so no bulk operation ever finishes");
    if (ADMIN_ACTION_LINK.test(topic))
      return no(
        "Shopify admin action links (running a task from a resource's page in Shopify admin) are not available; use mechanic/user/trigger, mechanic/user/text or mechanic/user/form for a Run task button",
      );
    return no("it is not a topic Hookline knows");
  }
  return no(`Hookline has no integration with ${domain}`);
}

/** The reason a topic is refused, or null when Hookline produces it. */
export function unproducibleTopicReason(topic: string): string | null {
  const result = topicProducibility(topic);
  return result.producible ? null : result.reason;
}
