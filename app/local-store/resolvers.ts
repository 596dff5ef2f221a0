// The part of the Admin API the local store implements: a root value for graphql's `execute`
// whose objects answer fields directly (graphql's default resolver calls a function property
// with (args, context)). SUPPORTED_FIELDS lists exactly what these objects answer; any other
// field that the real schema accepts is refused before execution with a clear error.
import { GraphQLError } from "graphql";
import { filterCustomers, paginate, type ConnectionArgs } from "./connection";
import { mapConnection, userErrorView, type ResolverContext } from "./resolver-context";
import { APP_SUPPORTED_FIELDS, appRootFields, withAccessScopes } from "./resolvers-app";
import { COMMERCE_SUPPORTED_FIELDS, commerceRootFields } from "./resolvers-commerce";
import {
  customerGid,
  parseCustomerId,
  type LocalCustomer,
  type LocalShop,
  type MetafieldDefinitionInput,
  type MetafieldIdentifierInput,
  type MetafieldsSetInput,
  type NewCustomerInput,
} from "./state";
import { customerView, definitionView, draftOrderView, metafieldView, orderView, productView } from "./views";

const fields = (...names: string[]) => new Set(names);

export const SUPPORTED_FIELDS: Record<string, Set<string>> = {
  QueryRoot: fields(
    "shop",
    "customer",
    "customers",
    "metafieldDefinitions",
    "product",
    "products",
    "productVariant",
    "inventoryItem",
    "location",
    "locations",
    "order",
    "orders",
    "draftOrder",
    "draftOrders",
    "webhookSubscriptions",
    "webhookSubscription",
    "currentAppInstallation",
  ),
  Mutation: fields(
    "webhookSubscriptionCreate",
    "webhookSubscriptionUpdate",
    "webhookSubscriptionDelete",
    "appRevokeAccessScopes",
    "metafieldsSet",
    "metafieldsDelete",
    "metafieldDefinitionCreate",
    "customerCreate",
    "customerUpdate",
    "customerDelete",
    "tagsAdd",
    "tagsRemove",
    "productCreate",
    "productUpdate",
    "productDelete",
    "productVariantsBulkCreate",
    "productVariantsBulkUpdate",
    "inventoryAdjustQuantities",
    "orderCreate",
    "orderUpdate",
    "orderMarkAsPaid",
    "orderCancel",
    "orderDelete",
    "draftOrderCreate",
    "draftOrderUpdate",
    "draftOrderDelete",
    "draftOrderComplete",
  ),
  Shop: fields(
    "id",
    "name",
    "email",
    "contactEmail",
    "shopOwnerName",
    "myshopifyDomain",
    "primaryDomain",
    "url",
    "currencyCode",
    "enabledPresentmentCurrencies",
    "ianaTimezone",
    "timezoneAbbreviation",
    "timezoneOffset",
    "timezoneOffsetMinutes",
    "plan",
    "createdAt",
    "updatedAt",
    "description",
    "setupRequired",
    "taxesIncluded",
  ),
  Domain: fields("id", "host", "url", "sslEnabled"),
  ShopPlan: fields("displayName", "publicDisplayName", "partnerDevelopment", "shopifyPlus"),
  Customer: fields(
    "id",
    "legacyResourceId",
    "firstName",
    "lastName",
    "displayName",
    "email",
    "phone",
    "defaultEmailAddress",
    "tags",
    "note",
    "state",
    "verifiedEmail",
    "taxExempt",
    "locale",
    "numberOfOrders",
    "canDelete",
    "createdAt",
    "updatedAt",
    "metafield",
    "metafields",
    "orders",
  ),
  CustomerEmailAddress: fields("emailAddress", "validFormat", "marketingState"),
  CustomerConnection: fields("edges", "nodes", "pageInfo"),
  CustomerEdge: fields("cursor", "node"),
  PageInfo: fields("hasNextPage", "hasPreviousPage", "startCursor", "endCursor"),
  Metafield: fields(
    "id",
    "legacyResourceId",
    "namespace",
    "key",
    "type",
    "value",
    "jsonValue",
    "ownerType",
    "owner",
    "definition",
    "compareDigest",
    "createdAt",
    "updatedAt",
  ),
  MetafieldConnection: fields("edges", "nodes", "pageInfo"),
  MetafieldEdge: fields("cursor", "node"),
  MetafieldsSetPayload: fields("metafields", "userErrors"),
  MetafieldsSetUserError: fields("field", "message", "code", "elementIndex"),
  MetafieldsDeletePayload: fields("deletedMetafields", "userErrors"),
  MetafieldIdentifier: fields("ownerId", "namespace", "key"),
  UserError: fields("field", "message"),
  MetafieldDefinitionCreatePayload: fields("createdDefinition", "userErrors"),
  MetafieldDefinitionCreateUserError: fields("field", "message", "code", "elementIndex"),
  MetafieldDefinition: fields(
    "id",
    "name",
    "namespace",
    "key",
    "description",
    "ownerType",
    "type",
    "access",
    "pinnedPosition",
    "validations",
    "metafieldsCount",
  ),
  MetafieldDefinitionType: fields("name", "category"),
  MetafieldAccess: fields("admin", "storefront", "customerAccount"),
  MetafieldDefinitionValidation: fields("name", "type", "value"),
  MetafieldDefinitionConnection: fields("edges", "nodes", "pageInfo"),
  MetafieldDefinitionEdge: fields("cursor", "node"),
  // Interfaces a client may select through (fields shared by the implementations above).
  HasMetafields: fields("metafield", "metafields"),
  Node: fields("id"),
  DisplayableError: fields("field", "message"),
  ...COMMERCE_SUPPORTED_FIELDS,
  ...APP_SUPPORTED_FIELDS,
};

export function isSupportedField(typeName: string, fieldName: string): boolean {
  return fieldName.startsWith("__") || SUPPORTED_FIELDS[typeName]?.has(fieldName) === true;
}

function shopView(shop: LocalShop) {
  const url = `https://${shop.domain}`;
  return {
    __typename: "Shop",
    id: `gid://shopify/Shop/${shop.id}`,
    name: shop.name,
    email: shop.email,
    contactEmail: shop.email,
    shopOwnerName: shop.shopOwnerName,
    myshopifyDomain: shop.domain,
    primaryDomain: {
      __typename: "Domain",
      id: `gid://shopify/Domain/${shop.id}`,
      host: shop.domain,
      url,
      sslEnabled: true,
    },
    url,
    currencyCode: shop.currencyCode,
    enabledPresentmentCurrencies: [shop.currencyCode],
    ianaTimezone: shop.ianaTimezone,
    timezoneAbbreviation: shop.timezoneAbbreviation,
    timezoneOffset: shop.timezoneOffset,
    timezoneOffsetMinutes: shop.timezoneOffsetMinutes,
    plan: {
      displayName: shop.planName,
      publicDisplayName: shop.planName,
      partnerDevelopment: true,
      shopifyPlus: false,
    },
    createdAt: shop.createdAt,
    updatedAt: shop.updatedAt,
    description: null,
    setupRequired: false,
    taxesIncluded: false,
  };
}

/** Root value for graphql's execute: QueryRoot and Mutation fields side by side. */
export const rootValue = withAccessScopes({
  ...commerceRootFields,
  ...appRootFields,
  customerCreate: (args: { input: NewCustomerInput }, ctx: ResolverContext) => {
    const result = ctx.state.createCustomer(ctx.shop, args.input);
    return {
      customer: result.customer ? customerView(result.customer) : null,
      userErrors: result.userErrors.map(userErrorView),
    };
  },
  customerUpdate: (args: { input: NewCustomerInput }, ctx: ResolverContext) => {
    const result = ctx.state.updateCustomer(ctx.shop, args.input);
    return {
      customer: result.customer ? customerView(result.customer) : null,
      userErrors: result.userErrors.map(userErrorView),
    };
  },
  customerDelete: (args: { input: { id: string } }, ctx: ResolverContext) => {
    const result = ctx.state.deleteCustomer(ctx.shop, args.input.id);
    return { deletedCustomerId: result.deletedCustomerId, userErrors: result.userErrors.map(userErrorView) };
  },
  tagsAdd: (args: { id: string; tags: string[] }, ctx: ResolverContext) => changeTags(args, ctx, true),
  tagsRemove: (args: { id: string; tags: string[] }, ctx: ResolverContext) => changeTags(args, ctx, false),
  shop: (_args: unknown, ctx: ResolverContext) => {
    const shop = ctx.state.getShop(ctx.shop);
    if (!shop) throw new GraphQLError("Shop not found", { extensions: { code: "NOT_FOUND" } });
    return shopView(shop);
  },
  customer: (args: { id: string }, ctx: ResolverContext) => {
    if (!/^gid:\/\/shopify\/Customer\/\d+$/.test(args.id)) {
      throw new GraphQLError(`Invalid global id '${args.id}'`, {
        extensions: { code: "argumentLiteralsIncompatible", typeName: "CoercionError" },
      });
    }
    const customer = ctx.state.getCustomer(ctx.shop, args.id);
    return customer ? customerView(customer) : null;
  },
  customers: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }, ctx: ResolverContext) => {
    const customers = filterCustomers(ctx.state.listCustomers(ctx.shop), args.query);
    return mapConnection(
      paginate(customers, args, (customer) => customer.id),
      customerView,
    );
  },
  metafieldDefinitions: (
    args: ConnectionArgs & { ownerType: string; namespace?: string | null; key?: string | null },
    ctx: ResolverContext,
  ) => {
    const namespace = args.namespace == null ? null : ctx.state.resolveNamespace(args.namespace);
    const definitions = ctx.state.listMetafieldDefinitions(ctx.shop, args.ownerType, { namespace, key: args.key });
    return mapConnection(
      paginate(definitions, args, (definition) => definition.id),
      definitionView,
    );
  },
  metafieldsSet: (args: { metafields: MetafieldsSetInput[] }, ctx: ResolverContext) => {
    const result = ctx.state.setMetafields(ctx.shop, args.metafields);
    return { metafields: result.metafields.map(metafieldView), userErrors: result.userErrors.map(userErrorView) };
  },
  metafieldsDelete: (args: { metafields: MetafieldIdentifierInput[] }, ctx: ResolverContext) => {
    const result = ctx.state.deleteMetafields(ctx.shop, args.metafields);
    return { deletedMetafields: result.deletedMetafields, userErrors: result.userErrors.map(userErrorView) };
  },
  metafieldDefinitionCreate: (args: { definition: MetafieldDefinitionInput }, ctx: ResolverContext) => {
    const result = ctx.state.createMetafieldDefinition(ctx.shop, args.definition);
    return {
      createdDefinition: result.createdDefinition ? definitionView(result.createdDefinition) : null,
      userErrors: result.userErrors.map(userErrorView),
    };
  },
});

/** tagsAdd / tagsRemove: customers, orders, products and draft orders (the taggable resources the store holds). */
function changeTags(args: { id: string; tags: string[] }, ctx: ResolverContext, add: boolean) {
  const customerId = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(args.id);
  if (customerId) {
    const customer = ctx.state.changeCustomerTags(ctx.shop, Number(customerId[1]), args.tags, add);
    return customer
      ? { node: customerView(customer), userErrors: [] }
      : { node: null, userErrors: [{ field: ["id"], message: "Customer does not exist" }] };
  }
  const changed = ctx.state.commerce.changeTags(ctx.shop, args.id, args.tags, add);
  if (!changed)
    return { node: null, userErrors: [{ field: ["id"], message: "Resource does not exist or cannot be tagged" }] };
  const commerce = ctx.state.commerce;
  const node =
    changed.typename === "Order"
      ? orderView(commerce.getOrder(ctx.shop, changed.id)!, ctx)
      : changed.typename === "Product"
        ? productView(commerce.getProduct(ctx.shop, changed.id)!, ctx)
        : draftOrderView(commerce.getDraftOrder(ctx.shop, changed.id)!, ctx);
  return { node, userErrors: [] };
}

// Kept for callers that want a customer view outside GraphQL (the /_local endpoints).
export function customerSummary(customer: LocalCustomer) {
  return {
    id: customerGid(customer.id),
    legacyResourceId: customer.id,
    firstName: customer.firstName,
    lastName: customer.lastName,
    email: customer.email,
    tags: customer.tags,
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
  };
}

export { parseCustomerId };
