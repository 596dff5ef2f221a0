// The customer metafield definition the storefront pattern needs. Storefront Liquid can read a
// customer metafield only when a definition grants storefront access, so on install Hookline
// creates one for the namespace/key its "Set a customer metafield from a webhook" template writes.
// Idempotent: Shopify answers TAKEN when the definition already exists (re-install), which is fine.
import { findTaskTemplate } from "~/domain/tasks/templates";
import { adminGraphql, type AdminGraphqlResponse } from "~/services/shopify/admin-api.server";

export type AdminGraphqlFn = (
  shop: string,
  query: string,
  variables?: Record<string, unknown>,
) => Promise<AdminGraphqlResponse>;

function templateOption(name: string): string {
  const value = findTaskTemplate("customer-metafield")?.draft.options[name];
  if (typeof value !== "string") throw new Error(`the customer-metafield template has no ${name} option`);
  return value;
}

/** The metafield the template writes by default (hookline.webhook_data, type json). */
export const CUSTOMER_RESULT_METAFIELD = {
  namespace: templateOption("metafield_namespace__required"),
  key: templateOption("metafield_key__required"),
  type: templateOption("metafield_type__required"),
  name: "Hookline result",
  description:
    "Results written by Hookline tasks for this customer; shown on the storefront by the Hookline result block.",
} as const;

export const METAFIELD_DEFINITION_CREATE = `mutation HooklineCustomerMetafieldDefinition($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) {
    createdDefinition { id namespace key access { storefront } }
    userErrors { field message code }
  }
}`;

export type EnsureDefinitionResult = { status: "created"; id: string } | { status: "exists" };

export class MetafieldDefinitionError extends Error {
  constructor(shop: string, reason: string) {
    super(`Could not create the customer metafield definition for ${shop}: ${reason}`);
    this.name = "MetafieldDefinitionError";
  }
}

interface CreateResponseBody {
  data?: {
    metafieldDefinitionCreate?: {
      createdDefinition: { id: string } | null;
      userErrors: { field: string[] | null; message: string; code: string | null }[];
    } | null;
  } | null;
  errors?: unknown;
}

/**
 * Creates the customer metafield definition (owner CUSTOMER, storefront PUBLIC_READ) for the shop,
 * or finds it already there. Throws MetafieldDefinitionError for anything else, with the reason.
 */
export async function ensureCustomerMetafieldDefinition(
  shop: string,
  graphql: AdminGraphqlFn = adminGraphql,
): Promise<EnsureDefinitionResult> {
  const { namespace, key, type, name, description } = CUSTOMER_RESULT_METAFIELD;
  const response = await graphql(shop, METAFIELD_DEFINITION_CREATE, {
    definition: {
      name,
      namespace,
      key,
      type,
      description,
      ownerType: "CUSTOMER",
      access: { storefront: "PUBLIC_READ" },
    },
  });
  const body = (typeof response.body === "object" ? response.body : null) as CreateResponseBody | null;
  if (response.status !== 200 || !body) {
    throw new MetafieldDefinitionError(shop, `Admin API answered HTTP ${response.status}`);
  }
  if (body.errors) throw new MetafieldDefinitionError(shop, JSON.stringify(body.errors));
  const result = body.data?.metafieldDefinitionCreate;
  if (!result) throw new MetafieldDefinitionError(shop, "the response has no metafieldDefinitionCreate");
  if (result.createdDefinition) return { status: "created", id: result.createdDefinition.id };
  if (result.userErrors.length > 0 && result.userErrors.every((error) => error.code === "TAKEN")) {
    return { status: "exists" };
  }
  throw new MetafieldDefinitionError(
    shop,
    result.userErrors.map((error) => error.message).join("; ") || "no definition",
  );
}
