// Admin GraphQL about the app itself: its webhook subscriptions on the shop, its installation
// and granted access scopes, revoking optional scopes; plus the access-scope check Shopify makes
// on every root field (ACCESS_DENIED when the app lacks the scope).
import { GraphQLError } from "graphql";
import { paginate, type ConnectionArgs } from "./connection";
import { mapConnection, userErrorView, type ResolverContext } from "./resolver-context";
import type { LocalWebhookSubscription, WebhookSubscriptionInput } from "./webhooks/subscriptions";
import { webhookTopics } from "./webhooks/topics";

const fields = (...names: string[]) => new Set(names);

export const APP_SUPPORTED_FIELDS: Record<string, Set<string>> = {
  WebhookSubscription: fields(
    "id",
    "legacyResourceId",
    "topic",
    "uri",
    "callbackUrl",
    "endpoint",
    "format",
    "includeFields",
    "metafieldNamespaces",
    "filter",
    "apiVersion",
    "createdAt",
    "updatedAt",
  ),
  WebhookHttpEndpoint: fields("callbackUrl"),
  ApiVersion: fields("handle", "displayName", "supported"),
  WebhookSubscriptionConnection: fields("edges", "nodes", "pageInfo"),
  WebhookSubscriptionEdge: fields("cursor", "node"),
  WebhookSubscriptionCreatePayload: fields("webhookSubscription", "userErrors"),
  WebhookSubscriptionUpdatePayload: fields("webhookSubscription", "userErrors"),
  WebhookSubscriptionDeletePayload: fields("deletedWebhookSubscriptionId", "userErrors"),
  AppInstallation: fields("id", "accessScopes", "launchUrl", "app"),
  App: fields("id", "apiKey", "title", "handle", "embedded", "requestedAccessScopes", "optionalAccessScopes"),
  AccessScope: fields("handle", "description"),
  AppRevokeAccessScopesPayload: fields("revoked", "userErrors"),
  AppRevokeAccessScopesAppRevokeScopeError: fields("field", "message", "code"),
};

/** The access scope each root field needs (write_x also allows read_x). */
export const ROOT_FIELD_SCOPES: Record<string, string> = {
  customer: "read_customers",
  customers: "read_customers",
  customerCreate: "write_customers",
  customerUpdate: "write_customers",
  customerDelete: "write_customers",
  product: "read_products",
  products: "read_products",
  productVariant: "read_products",
  productCreate: "write_products",
  productUpdate: "write_products",
  productDelete: "write_products",
  productVariantsBulkCreate: "write_products",
  productVariantsBulkUpdate: "write_products",
  inventoryItem: "read_inventory",
  inventoryAdjustQuantities: "write_inventory",
  order: "read_orders",
  orders: "read_orders",
  orderCreate: "write_orders",
  orderUpdate: "write_orders",
  orderMarkAsPaid: "write_orders",
  orderCancel: "write_orders",
  orderDelete: "write_orders",
  draftOrder: "read_draft_orders",
  draftOrders: "read_draft_orders",
  draftOrderCreate: "write_draft_orders",
  draftOrderUpdate: "write_draft_orders",
  draftOrderDelete: "write_draft_orders",
  draftOrderComplete: "write_draft_orders",
};

/** Wraps root resolvers so a field the app has no scope for fails like Shopify's ACCESS_DENIED. */
export function withAccessScopes<T extends Record<string, unknown>>(root: T): T {
  const wrapped: Record<string, unknown> = { ...root };
  for (const [name, scope] of Object.entries(ROOT_FIELD_SCOPES)) {
    const resolve = root[name];
    if (typeof resolve !== "function") continue;
    wrapped[name] = (args: unknown, ctx: ResolverContext, ...rest: unknown[]) => {
      if (!ctx.state.installations.allows(ctx.shop, scope)) {
        throw new GraphQLError(`Access denied for ${name} field. Required access: \`${scope}\` access scope.`, {
          extensions: {
            code: "ACCESS_DENIED",
            documentation: "https://shopify.dev/api/usage/access-scopes",
            requiredAccess: `\`${scope}\` access scope.`,
          },
        });
      }
      return (resolve as (...all: unknown[]) => unknown)(args, ctx, ...rest);
    };
  }
  return wrapped as T;
}

function subscriptionView(subscription: LocalWebhookSubscription) {
  return {
    __typename: "WebhookSubscription",
    id: `gid://shopify/WebhookSubscription/${subscription.id}`,
    legacyResourceId: String(subscription.id),
    topic: subscription.enumValue,
    uri: subscription.uri,
    callbackUrl: subscription.uri,
    endpoint: { __typename: "WebhookHttpEndpoint", callbackUrl: subscription.uri },
    format: subscription.format,
    includeFields: subscription.includeFields,
    metafieldNamespaces: subscription.metafieldNamespaces,
    filter: subscription.filter,
    apiVersion: { handle: subscription.apiVersion, displayName: subscription.apiVersion, supported: true },
    createdAt: subscription.createdAt,
    updatedAt: subscription.updatedAt,
  };
}

function scopeView(handle: string) {
  return { handle, description: `Access to ${handle.replace(/^(read|write)_/, "").replace(/_/g, " ")}` };
}

export const appRootFields = {
  webhookSubscriptions: (
    args: ConnectionArgs & { topics?: string[] | null; uri?: string | null; callbackUrl?: string | null },
    ctx: ResolverContext,
  ) => {
    const wantedUri = args.uri ?? args.callbackUrl ?? null;
    const subscriptions = ctx.state.webhookSubscriptions
      .list(ctx.shop)
      .filter(
        (subscription) =>
          (args.topics == null || args.topics.includes(subscription.enumValue)) &&
          (wantedUri === null || subscription.uri === wantedUri),
      );
    return mapConnection(
      paginate(subscriptions, args, (subscription) => subscription.id),
      subscriptionView,
    );
  },
  webhookSubscription: (args: { id: string }, ctx: ResolverContext) => {
    const found = ctx.state.webhookSubscriptions.get(ctx.shop, args.id);
    return found ? subscriptionView(found) : null;
  },
  webhookSubscriptionCreate: (
    args: { topic: string; webhookSubscription: WebhookSubscriptionInput },
    ctx: ResolverContext,
  ) => {
    const result = ctx.state.webhookSubscriptions.create(ctx.shop, args.topic, args.webhookSubscription);
    return {
      webhookSubscription: result.subscription ? subscriptionView(result.subscription) : null,
      userErrors: result.userErrors.map(userErrorView),
    };
  },
  webhookSubscriptionUpdate: (
    args: { id: string; webhookSubscription: WebhookSubscriptionInput },
    ctx: ResolverContext,
  ) => {
    const result = ctx.state.webhookSubscriptions.update(ctx.shop, args.id, args.webhookSubscription);
    return {
      webhookSubscription: result.subscription ? subscriptionView(result.subscription) : null,
      userErrors: result.userErrors.map(userErrorView),
    };
  },
  webhookSubscriptionDelete: (args: { id: string }, ctx: ResolverContext) => {
    const result = ctx.state.webhookSubscriptions.delete(ctx.shop, args.id);
    return { deletedWebhookSubscriptionId: result.deletedId, userErrors: result.userErrors.map(userErrorView) };
  },
  currentAppInstallation: (_args: unknown, ctx: ResolverContext) => {
    const installations = ctx.state.installations;
    const app = {
      id: `gid://shopify/App/${ctx.state.appId}`,
      apiKey: ctx.apiKey ?? "",
      title: "Hookline",
      handle: "hookline",
      embedded: true,
      requestedAccessScopes: installations.requiredScopes.map(scopeView),
      optionalAccessScopes: installations.optionalScopes.map(scopeView),
    };
    return {
      id: `gid://shopify/AppInstallation/${ctx.state.appId}`,
      accessScopes: installations.granted(ctx.shop).map(scopeView),
      launchUrl: `https://admin.shopify.com/store/${ctx.shop.replace(/\.myshopify\.com$/, "")}/apps/hookline`,
      app,
    };
  },
  appRevokeAccessScopes: (args: { scopes: string[] }, ctx: ResolverContext) => {
    const result = ctx.state.installations.revoke(ctx.shop, args.scopes);
    if ("error" in result) {
      return { revoked: null, userErrors: [{ field: ["scopes"], message: result.error, code: result.code }] };
    }
    return { revoked: result.revoked.map(scopeView), userErrors: [] };
  },
};

/** Topic enum values the real schema defines (for messages and tests). */
export function knownTopicEnumValues(): string[] {
  return [...webhookTopics().keys()];
}
