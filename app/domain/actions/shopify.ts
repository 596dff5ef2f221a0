// The "shopify" action: one Admin GraphQL request through the shop's offline session.
// Accepts a GraphQL string or { query, variables }. userErrors anywhere in the data and GraphQL
// errors fail the run; THROTTLED and 5xx are transient, with the wait computed from the cost bucket.
import {
  describeError,
  isPlainObject,
  permanentFailure,
  succeeded,
  transientFailure,
  type ActionOutcome,
} from "./types";

export type AdminGraphqlFn = (
  query: string,
  variables?: Record<string, unknown>,
) => Promise<{ status: number; body: unknown }>;

export const MAX_QUERY_CHARS = 50_000;

export interface ShopifyRequest {
  query: string;
  variables?: Record<string, unknown>;
}

/** Reads the action's options as a GraphQL request, or says what is wrong with them. */
export function parseShopifyOptions(options: unknown): ShopifyRequest | { error: string } {
  let query: unknown;
  let variables: unknown;
  if (typeof options === "string") {
    query = options;
  } else if (isPlainObject(options)) {
    query = options.query;
    variables = options.variables;
  } else if (Array.isArray(options)) {
    return {
      error:
        'the legacy REST form of the shopify action is not supported; send a GraphQL string or { "query", "variables" }',
    };
  } else {
    return { error: 'the shopify action needs a GraphQL string or { "query", "variables" }' };
  }
  if (typeof query !== "string" || query.trim() === "")
    return { error: "the shopify action needs a non-empty GraphQL query" };
  if (query.length > MAX_QUERY_CHARS)
    return { error: `the GraphQL query is ${query.length} characters; the limit is ${MAX_QUERY_CHARS}` };
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) {
    return { error: "shopify action variables must be an object" };
  }
  return isPlainObject(variables) ? { query, variables } : { query };
}

/** Every userErrors entry anywhere in the response data, as "field: message" lines. */
export function collectUserErrors(data: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth > 20 || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key === "userErrors" && Array.isArray(child)) {
        for (const entry of child) {
          if (!isPlainObject(entry)) continue;
          const message = typeof entry.message === "string" ? entry.message : JSON.stringify(entry);
          const field = Array.isArray(entry.field)
            ? entry.field.join(".")
            : typeof entry.field === "string"
              ? entry.field
              : "";
          found.push(field ? `${field}: ${message}` : message);
        }
      } else {
        walk(child, depth + 1);
      }
    }
  };
  walk(data, 0);
  return found;
}

/** Milliseconds until the bucket holds what the query needs: (need - available) / restoreRate. */
export function throttleWaitMs(body: unknown): number {
  const cost =
    isPlainObject(body) && isPlainObject(body.extensions) && isPlainObject(body.extensions.cost)
      ? body.extensions.cost
      : null;
  const status = cost && isPlainObject(cost.throttleStatus) ? cost.throttleStatus : null;
  const need = Number(cost?.requestedQueryCost ?? 0);
  const available = Number(status?.currentlyAvailable ?? 0);
  const restoreRate = Number(status?.restoreRate ?? 0);
  if (!(restoreRate > 0) || !Number.isFinite(need) || !Number.isFinite(available)) return 1000;
  const seconds = Math.max(0, need - available) / restoreRate;
  return Math.max(250, Math.ceil(seconds * 1000));
}

export async function performShopify(options: unknown, graphql: AdminGraphqlFn): Promise<ActionOutcome> {
  const request = parseShopifyOptions(options);
  if ("error" in request) return permanentFailure(request.error);

  let response: { status: number; body: unknown };
  try {
    response = await graphql(request.query, request.variables);
  } catch (error) {
    return transientFailure(`could not reach the Shopify Admin API: ${describeError(error)}`);
  }
  const { status, body } = response;
  const errors = isPlainObject(body) && Array.isArray(body.errors) ? body.errors : [];
  const throttled =
    status === 429 ||
    errors.some((e) => isPlainObject(e) && isPlainObject(e.extensions) && e.extensions.code === "THROTTLED");
  if (throttled) {
    return transientFailure("Shopify throttled the request (THROTTLED); retrying when the cost bucket has refilled", {
      retryAfterMs: throttleWaitMs(body),
      throttled: true,
      result: body,
    });
  }
  if (status >= 500) return transientFailure(`the Shopify Admin API answered HTTP ${status}`, { result: body });
  if (status < 200 || status >= 300) {
    const detail = errors.length ? `: ${errorMessages(errors).join("; ")}` : "";
    return permanentFailure(`the Shopify Admin API answered HTTP ${status}${detail}`, body);
  }
  if (errors.length) return permanentFailure(`GraphQL errors: ${errorMessages(errors).join("; ")}`, body);
  const data = isPlainObject(body) ? body.data : undefined;
  const userErrors = collectUserErrors(data);
  if (userErrors.length) return permanentFailure(`userErrors: ${userErrors.join("; ")}`, data);
  return succeeded(data ?? null);
}

function errorMessages(errors: unknown[]): string[] {
  return errors.map((e) => (isPlainObject(e) && typeof e.message === "string" ? e.message : JSON.stringify(e)));
}
