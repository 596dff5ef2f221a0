// Webhook subscriptions an app creates through the Admin API, per shop (the store serves one app),
// with the userErrors Shopify answers for addresses and topics. HTTP(S) callbacks only: Pub/Sub
// and EventBridge addresses are refused with a clear message.
import type { UserError } from "../state";
import { toShopifyDateTime } from "../time";
import { webhookTopics, type WebhookTopicInfo } from "./topics";

export interface LocalWebhookSubscription {
  id: number;
  shop: string;
  topic: string;
  enumValue: string;
  uri: string;
  format: "JSON" | "XML";
  includeFields: string[];
  metafieldNamespaces: string[];
  filter: string | null;
  apiVersion: string;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookSubscriptionInput {
  uri?: string | null;
  callbackUrl?: string | null;
  format?: "JSON" | "XML" | null;
  includeFields?: string[] | null;
  metafieldNamespaces?: string[] | null;
  filter?: string | null;
}

export interface SubscriptionRules {
  apiVersion: string;
  /** Whether the app may subscribe to a topic on this shop (its access scopes). */
  allowsTopic: (shop: string, topic: WebhookTopicInfo) => boolean;
  now: () => Date;
}

export class WebhookSubscriptions {
  private byShop = new Map<string, LocalWebhookSubscription[]>();
  private nextId = 1;

  constructor(private readonly rules: SubscriptionRules) {}

  reset(): void {
    this.byShop = new Map();
    this.nextId = 1;
  }

  list(shop: string): LocalWebhookSubscription[] {
    return (this.byShop.get(shop) ?? []).map((subscription) => structuredClone(subscription));
  }

  get(shop: string, id: string | number): LocalWebhookSubscription | null {
    const numeric = typeof id === "number" ? id : Number(/^gid:\/\/shopify\/WebhookSubscription\/(\d+)$/.exec(id)?.[1]);
    const found = (this.byShop.get(shop) ?? []).find((subscription) => subscription.id === numeric);
    return found ? structuredClone(found) : null;
  }

  forTopic(shop: string, topic: string): LocalWebhookSubscription[] {
    return this.list(shop).filter((subscription) => subscription.topic === topic);
  }

  create(
    shop: string,
    enumValue: string,
    input: WebhookSubscriptionInput,
  ): { subscription: LocalWebhookSubscription | null; userErrors: UserError[] } {
    const topic = webhookTopics().get(enumValue);
    if (!topic) return { subscription: null, userErrors: [{ field: ["topic"], message: "Topic is invalid" }] };
    const address = this.checkAddress(shop, input, topic.topic, null);
    if ("userErrors" in address) return { subscription: null, userErrors: address.userErrors };
    if (!this.rules.allowsTopic(shop, topic)) {
      return {
        subscription: null,
        userErrors: [
          {
            field: ["webhookSubscription", "topic"],
            message: `The app does not have the access scopes the ${topic.topic} topic requires (one of: ${topic.anyOfScopes.join(", ")})`,
          },
        ],
      };
    }
    const timestamp = toShopifyDateTime(this.rules.now());
    const subscription: LocalWebhookSubscription = {
      id: this.nextId++,
      shop,
      topic: topic.topic,
      enumValue,
      uri: address.uri,
      format: input.format ?? "JSON",
      includeFields: input.includeFields ?? [],
      metafieldNamespaces: input.metafieldNamespaces ?? [],
      filter: input.filter ?? null,
      apiVersion: this.rules.apiVersion,
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    if (subscription.format === "XML") {
      return {
        subscription: null,
        userErrors: [
          {
            field: ["webhookSubscription", "format"],
            message: "XML is not supported by the Hookline local development store",
          },
        ],
      };
    }
    const list = this.byShop.get(shop) ?? [];
    list.push(subscription);
    this.byShop.set(shop, list);
    return { subscription: structuredClone(subscription), userErrors: [] };
  }

  update(
    shop: string,
    id: string,
    input: WebhookSubscriptionInput,
  ): { subscription: LocalWebhookSubscription | null; userErrors: UserError[] } {
    const found = this.find(shop, id);
    if (!found) {
      return { subscription: null, userErrors: [{ field: ["id"], message: "Webhook subscription does not exist" }] };
    }
    if (input.uri != null || input.callbackUrl != null) {
      const address = this.checkAddress(shop, input, found.topic, found.id);
      if ("userErrors" in address) return { subscription: null, userErrors: address.userErrors };
      found.uri = address.uri;
    }
    if (input.includeFields != null) found.includeFields = input.includeFields;
    if (input.metafieldNamespaces != null) found.metafieldNamespaces = input.metafieldNamespaces;
    if (input.filter !== undefined) found.filter = input.filter ?? null;
    found.updatedAt = toShopifyDateTime(this.rules.now());
    return { subscription: structuredClone(found), userErrors: [] };
  }

  delete(shop: string, id: string | number): { deletedId: string | null; userErrors: UserError[] } {
    const found = this.find(shop, id);
    if (!found)
      return { deletedId: null, userErrors: [{ field: ["id"], message: "Webhook subscription does not exist" }] };
    this.byShop.set(
      shop,
      (this.byShop.get(shop) ?? []).filter((subscription) => subscription.id !== found.id),
    );
    return { deletedId: `gid://shopify/WebhookSubscription/${found.id}`, userErrors: [] };
  }

  /** On uninstall Shopify removes the shop's subscriptions. */
  deleteAll(shop: string): void {
    this.byShop.delete(shop);
  }

  private find(shop: string, id: string | number): LocalWebhookSubscription | undefined {
    const numeric = typeof id === "number" ? id : Number(/^gid:\/\/shopify\/WebhookSubscription\/(\d+)$/.exec(id)?.[1]);
    return (this.byShop.get(shop) ?? []).find((subscription) => subscription.id === numeric);
  }

  private checkAddress(
    shop: string,
    input: WebhookSubscriptionInput,
    topic: string,
    ownId: number | null,
  ): { uri: string } | { userErrors: UserError[] } {
    const field = input.uri != null ? "uri" : "callbackUrl";
    const raw = (input.uri ?? input.callbackUrl ?? "").trim();
    const fail = (message: string) => ({ userErrors: [{ field: ["webhookSubscription", field], message }] });
    if (raw === "") return fail("Address can't be blank");
    if (/^pubsub:\/\//.test(raw) || /^arn:aws:events:/.test(raw)) {
      return fail("Pub/Sub and EventBridge addresses are not supported by the Hookline local development store");
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return fail("Address is invalid");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return fail("Address is invalid");
    // Shopify requires https and refuses its own domains. The local store also accepts http, so an
    // app on localhost can receive deliveries.
    if (url.hostname === shop || url.hostname.endsWith(".myshopify.com")) {
      return fail(`Address cannot be any of the domains: ${shop}`);
    }
    const taken = (this.byShop.get(shop) ?? []).some(
      (subscription) => subscription.topic === topic && subscription.uri === url.href && subscription.id !== ownId,
    );
    if (taken) return fail("Address for this topic has already been taken");
    return { uri: url.href };
  }
}
