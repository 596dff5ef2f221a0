// One Admin API GraphQL request, end to end: parse, validate against the real schema, refuse
// fields the store does not implement, charge the throttle bucket, execute, report the cost.
// Every answer is HTTP 200 with a GraphQL body, as on Shopify.
import {
  execute,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  validate,
  GraphQLError,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { actualQueryCost, requestedQueryCost } from "./cost";
import {
  parseErrorToShopify,
  validationErrorsToShopify,
  variableErrorsToShopify,
  type ShopifyGraphqlError,
} from "./errors";
import type { ResolverContext } from "./resolver-context";
import { isSupportedField, rootValue } from "./resolvers";
import { loadAdminSchema } from "./schema";
import type { LocalStoreState } from "./state";
import type { Throttle, ThrottleStatus } from "./throttle";

export const RATE_LIMITS_DOCUMENTATION = "https://shopify.dev/api/usage/rate-limits";
export const DEFAULT_MAX_QUERY_COST = 1000;

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface GraphqlResponseBody {
  data?: Record<string, unknown> | null;
  errors?: (ShopifyGraphqlError | Record<string, unknown>)[];
  extensions: { cost: CostExtension };
}

export interface GraphqlExecutionOptions {
  state: LocalStoreState;
  throttle: Throttle;
  shop: string;
  maxQueryCost?: number;
  apiKey?: string;
}

function costExtension(
  throttle: Throttle,
  shop: string,
  requested: number,
  actual: number | null,
): { cost: CostExtension } {
  return {
    cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttle.bucket(shop).status() },
  };
}

interface UnsupportedField {
  typeName: string;
  fieldName: string;
  isRoot: boolean;
  node: FieldNode;
  path: string[];
}

/** Every selected field (through all fragments) that the store does not implement. */
function findUnsupportedFields(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): UnsupportedField[] {
  const found = new Map<string, UnsupportedField>();
  const rootType = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  const visitedFragments = new Set<string>();

  const walk = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, path: string[], isRoot: boolean) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const fieldName = selection.name.value;
        if (fieldName.startsWith("__")) continue; // introspection is answered by graphql itself
        const fieldPath = [...path, selection.alias?.value ?? fieldName];
        if (!isSupportedField(parentType.name, fieldName)) {
          const key = `${parentType.name}.${fieldName}`;
          if (!found.has(key))
            found.set(key, { typeName: parentType.name, fieldName, isRoot, node: selection, path: fieldPath });
          continue;
        }
        if (!selection.selectionSet || !(isObjectType(parentType) || isInterfaceType(parentType))) continue;
        const field = parentType.getFields()[fieldName];
        const childType = field ? getNamedType(field.type) : undefined;
        if (childType && isCompositeType(childType)) walk(selection.selectionSet, childType, fieldPath, false);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const conditionType = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (conditionType && isCompositeType(conditionType)) walk(selection.selectionSet, conditionType, path, isRoot);
      } else {
        const fragment = fragments[selection.name.value];
        if (!fragment || visitedFragments.has(`${fragment.name.value}@${path.join(".")}`)) continue;
        visitedFragments.add(`${fragment.name.value}@${path.join(".")}`);
        const conditionType = schema.getType(fragment.typeCondition.name.value);
        if (conditionType && isCompositeType(conditionType)) walk(fragment.selectionSet, conditionType, path, isRoot);
      }
    }
  };
  if (rootType) walk(operation.selectionSet, rootType, [], true);
  return [...found.values()];
}

function unsupportedFieldError(field: UnsupportedField): ShopifyGraphqlError {
  // A throwaway GraphQLError computes line/column from the node's location for us.
  const error = new GraphQLError("unsupported", { nodes: [field.node] });
  return {
    message: field.isRoot
      ? `Field '${field.fieldName}' is not supported by the Hookline local development store`
      : `Field '${field.fieldName}' on type '${field.typeName}' is not supported by the Hookline local development store`,
    locations: error.locations?.map(({ line, column }) => ({ line, column })),
    path: field.path,
    extensions: { code: "NOT_SUPPORTED_BY_LOCAL_STORE", typeName: field.typeName, fieldName: field.fieldName },
  };
}

function collectFragments(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}

// Parsing and validating against ~3,000 types costs most of a request (KnownTypeNames walks the
// whole type map), and apps send the same documents again and again: keep recent outcomes.
const CHECKED_DOCUMENTS_LIMIT = 500;
const checkedDocuments = new Map<string, { document: DocumentNode } | { errors: ShopifyGraphqlError[] }>();

function parseAndValidate(
  schema: GraphQLSchema,
  query: string,
): { document: DocumentNode } | { errors: ShopifyGraphqlError[] } {
  const cached = checkedDocuments.get(query);
  if (cached) return cached;
  let outcome: { document: DocumentNode } | { errors: ShopifyGraphqlError[] };
  try {
    const document = parse(query);
    const validationErrors = validate(schema, document);
    outcome =
      validationErrors.length > 0 ? { errors: validationErrorsToShopify(document, validationErrors) } : { document };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    outcome = { errors: [parseErrorToShopify(error)] };
  }
  if (checkedDocuments.size >= CHECKED_DOCUMENTS_LIMIT) {
    checkedDocuments.delete(checkedDocuments.keys().next().value as string);
  }
  checkedDocuments.set(query, outcome);
  return outcome;
}

/** Runs one GraphQL request for `shop`. Always resolves; errors are in the body. */
export async function executeAdminGraphql(
  options: GraphqlExecutionOptions,
  body: GraphqlRequestBody,
): Promise<GraphqlResponseBody> {
  const { state, throttle, shop } = options;
  const maxQueryCost = options.maxQueryCost ?? DEFAULT_MAX_QUERY_COST;
  const refused = (errors: ShopifyGraphqlError[], requested = 0): GraphqlResponseBody => ({
    errors,
    extensions: costExtension(throttle, shop, requested, 0),
  });

  if (typeof body.query !== "string" || body.query.trim() === "") {
    return refused([{ message: "No query string was present", extensions: { code: "MISSING_QUERY" } }]);
  }
  if (body.variables != null && (typeof body.variables !== "object" || Array.isArray(body.variables))) {
    return refused([{ message: "Variables must be a JSON object", extensions: { code: "INVALID_VARIABLES" } }]);
  }
  if (body.operationName != null && typeof body.operationName !== "string") {
    return refused([{ message: "operationName must be a string", extensions: { code: "BAD_REQUEST" } }]);
  }
  const rawVariables = (body.variables ?? {}) as Record<string, unknown>;
  const operationName = (body.operationName as string | null | undefined) ?? undefined;

  const schema = loadAdminSchema();
  const checked = parseAndValidate(schema, body.query);
  if ("errors" in checked) return refused(checked.errors);
  const document = checked.document;

  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const message = operationName
      ? `No operation named "${operationName}"`
      : "An operation name is required when the document contains more than one operation";
    return refused([{ message, extensions: { code: "OPERATION_NOT_FOUND" } }]);
  }
  if (operation.operation === "subscription") {
    return refused([
      { message: "Subscriptions are not supported", extensions: { code: "NOT_SUPPORTED_BY_LOCAL_STORE" } },
    ]);
  }

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  if (coerced.errors)
    return refused(variableErrorsToShopify(coerced.errors, operation.variableDefinitions ?? [], rawVariables));

  const fragments = collectFragments(document);
  const unsupported = findUnsupportedFields(schema, operation, fragments);
  if (unsupported.length > 0) return refused(unsupported.map(unsupportedFieldError));

  const costInput = { schema, operation, fragments, variables: coerced.coerced };
  const requested = requestedQueryCost(costInput);
  if (requested > maxQueryCost) {
    return refused(
      [
        {
          message:
            `Query cost is ${requested}, which exceeds the single query max cost limit (${maxQueryCost}).\n\n` +
            `See ${RATE_LIMITS_DOCUMENTATION} for more information on how the cost of a query is calculated.\n\n` +
            "To query larger amounts of data with fewer limits, bulk operations should be used instead.",
          extensions: {
            code: "MAX_COST_EXCEEDED",
            cost: requested,
            maxCost: maxQueryCost,
            documentation: RATE_LIMITS_DOCUMENTATION,
          },
        },
      ],
      requested,
    );
  }

  const bucket = throttle.bucket(shop);
  if (!bucket.tryTake(requested)) {
    return {
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMITS_DOCUMENTATION } }],
      extensions: costExtension(throttle, shop, requested, null),
    };
  }

  const context: ResolverContext = { state, shop, apiKey: options.apiKey };
  const result = await execute({
    schema,
    document,
    rootValue,
    contextValue: context,
    variableValues: rawVariables,
    operationName,
  });
  const actual = actualQueryCost(costInput, result.data as Record<string, unknown> | null | undefined);
  bucket.refund(requested - actual);

  const response: GraphqlResponseBody = {
    data: (result.data as Record<string, unknown> | null | undefined) ?? null,
  } as GraphqlResponseBody;
  if (result.errors && result.errors.length > 0) {
    response.errors = result.errors.map((error) => {
      const json = error.toJSON();
      return { ...json, extensions: { code: "INTERNAL_SERVER_ERROR", ...(json.extensions ?? {}) } };
    });
  }
  response.extensions = costExtension(throttle, shop, requested, actual);
  return response;
}
