// Query cost, calculated the way Shopify documents it for the GraphQL Admin API:
// scalars and enums cost 0, objects 1, a connection 2 plus its page size (first/last) times the
// cost of one item, and a mutation's root field 10. Interfaces and unions cost the maximum over
// their possible types. The requested cost is the static estimate before running the query; the
// actual cost recomputes connections from the number of items really returned.
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const MUTATION_COST = 10;
export const OBJECT_COST = 1;
export const CONNECTION_BASE_COST = 2;

interface CostContext {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

type Data = Record<string, unknown> | null | undefined;

export interface QueryCostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  /** Coerced variable values. */
  variables: Record<string, unknown>;
}

/** Requested cost: the worst case, before running the query. */
export function requestedQueryCost(input: QueryCostInput): number {
  return operationCost(input, undefined);
}

/** Actual cost: from the data the query returned. Never more than the requested cost. */
export function actualQueryCost(input: QueryCostInput, data: Record<string, unknown> | null | undefined): number {
  return Math.min(operationCost(input, data ?? null), requestedQueryCost(input));
}

function operationCost(input: QueryCostInput, data: Data): number {
  const ctx: CostContext = { schema: input.schema, fragments: input.fragments, variables: input.variables };
  const rootType =
    input.operation.operation === "mutation" ? input.schema.getMutationType() : input.schema.getQueryType();
  if (!rootType) return 0;
  const fields = collectFields(ctx, input.operation.selectionSet, rootType);
  let total = 0;
  for (const [responseKey, nodes] of fields) {
    if (input.operation.operation === "mutation") {
      total += nodes[0].name.value.startsWith("__") ? 0 : MUTATION_COST;
      continue;
    }
    total += fieldCost(ctx, rootType, nodes, data === undefined ? undefined : (data?.[responseKey] ?? null));
  }
  return total;
}

function isSkipped(ctx: CostContext, node: { directives?: readonly DirectiveNode[] }): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, ctx.variables);
  if (skip?.if === true) return true;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, ctx.variables);
  return include?.if === false;
}

function typeApplies(ctx: CostContext, condition: string | undefined, concrete: GraphQLObjectType): boolean {
  if (!condition || condition === concrete.name) return true;
  const conditionType = ctx.schema.getType(condition);
  return conditionType !== undefined && isAbstractType(conditionType) && ctx.schema.isSubType(conditionType, concrete);
}

/** Fields selected on a concrete type, grouped by response key (fragments flattened). */
function collectFields(
  ctx: CostContext,
  selectionSet: SelectionSetNode,
  concrete: GraphQLObjectType,
  out: Map<string, FieldNode[]> = new Map(),
): Map<string, FieldNode[]> {
  for (const selection of selectionSet.selections) {
    if (isSkipped(ctx, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const list = out.get(key) ?? [];
      list.push(selection);
      out.set(key, list);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (typeApplies(ctx, selection.typeCondition?.name.value, concrete))
        collectFields(ctx, selection.selectionSet, concrete, out);
    } else {
      const fragment = ctx.fragments[selection.name.value];
      if (fragment && typeApplies(ctx, fragment.typeCondition.name.value, concrete)) {
        collectFields(ctx, fragment.selectionSet, concrete, out);
      }
    }
  }
  return out;
}

function mergedSelectionSet(nodes: FieldNode[]): SelectionSetNode {
  return { kind: Kind.SELECTION_SET, selections: nodes.flatMap((node) => node.selectionSet?.selections ?? []) };
}

/** Cost of a selection on a composite type; abstract types take the most expensive possibility. */
function selectionCost(
  ctx: CostContext,
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  data: Data,
): number {
  const concreteTypes: readonly GraphQLObjectType[] = isObjectType(type) ? [type] : ctx.schema.getPossibleTypes(type);
  let best = 0;
  for (const concrete of concreteTypes) {
    if (data && typeof data.__typename === "string" && data.__typename !== concrete.name && concreteTypes.length > 1)
      continue;
    let cost = 0;
    for (const [responseKey, nodes] of collectFields(ctx, selectionSet, concrete)) {
      cost += fieldCost(ctx, concrete, nodes, data === undefined ? undefined : (data?.[responseKey] ?? null));
    }
    best = Math.max(best, cost);
  }
  return best;
}

function isConnectionType(type: GraphQLNamedType): type is GraphQLObjectType {
  return (
    isObjectType(type) &&
    type.name.endsWith("Connection") &&
    ("edges" in type.getFields() || "nodes" in type.getFields())
  );
}

function fieldCost(ctx: CostContext, parentType: GraphQLObjectType, nodes: FieldNode[], value: unknown): number {
  const name = nodes[0].name.value;
  if (name.startsWith("__")) return 0;
  const field: GraphQLField<unknown, unknown> | undefined = parentType.getFields()[name];
  if (!field) return 0;
  const namedType = getNamedType(field.type);
  if (isLeafType(namedType)) return 0;
  const selectionSet = mergedSelectionSet(nodes);

  if (isConnectionType(namedType)) {
    if (value === undefined) {
      const args = getArgumentValues(field, nodes[0], ctx.variables) as { first?: number | null; last?: number | null };
      const pageSize = Math.max(0, args.first ?? args.last ?? 0);
      return CONNECTION_BASE_COST + pageSize * connectionItemCost(ctx, selectionSet, namedType, undefined, 0);
    }
    if (value === null || typeof value !== "object") return 0;
    const connection = value as { edges?: unknown[]; nodes?: unknown[] };
    const count = Math.max(connection.edges?.length ?? 0, connection.nodes?.length ?? 0);
    let total = CONNECTION_BASE_COST;
    for (let index = 0; index < count; index++) {
      total += connectionItemCost(ctx, selectionSet, namedType, connection as Record<string, unknown>, index);
    }
    return total;
  }

  const composite = namedType as GraphQLCompositeType;
  const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  if (value === undefined) return OBJECT_COST + selectionCost(ctx, selectionSet, composite, undefined);
  if (isListType(unwrapped) && Array.isArray(value)) {
    return value.reduce<number>(
      (sum, item) => sum + OBJECT_COST + selectionCost(ctx, selectionSet, composite, (item ?? null) as Data),
      0,
    );
  }
  // An object that came back null was still looked up: it costs its own point.
  if (value === null || typeof value !== "object") return OBJECT_COST;
  return OBJECT_COST + selectionCost(ctx, selectionSet, composite, value as Data);
}

/**
 * Cost of one item of a connection: what is selected under `edges { node }` and `nodes`.
 * `edges`, `cursor` and `pageInfo` are free, as on Shopify.
 */
function connectionItemCost(
  ctx: CostContext,
  selectionSet: SelectionSetNode,
  connectionType: GraphQLObjectType,
  connectionData: Record<string, unknown> | undefined,
  index: number,
): number {
  let cost = 0;
  for (const [responseKey, nodes] of collectFields(ctx, selectionSet, connectionType)) {
    const fieldName = nodes[0].name.value;
    const field = connectionType.getFields()[fieldName];
    if (!field) continue;
    const itemsData =
      connectionData === undefined ? undefined : (connectionData[responseKey] as unknown[] | null | undefined);
    const itemData = itemsData === undefined ? undefined : ((itemsData?.[index] ?? null) as Data);
    if (fieldName === "nodes") {
      const nodeType = getNamedType(field.type) as GraphQLCompositeType;
      if (itemData !== null) cost += OBJECT_COST + selectionCost(ctx, mergedSelectionSet(nodes), nodeType, itemData);
    } else if (fieldName === "edges") {
      const edgeType = getNamedType(field.type) as GraphQLObjectType;
      if (itemData === null) continue;
      for (const [edgeKey, edgeNodes] of collectFields(ctx, mergedSelectionSet(nodes), edgeType)) {
        if (edgeNodes[0].name.value !== "node") continue;
        const nodeField = edgeType.getFields().node;
        const nodeType = getNamedType(nodeField.type) as GraphQLCompositeType;
        const nodeData = itemData === undefined ? undefined : ((itemData[edgeKey] ?? null) as Data);
        cost += OBJECT_COST + selectionCost(ctx, mergedSelectionSet(edgeNodes), nodeType, nodeData);
      }
    }
  }
  return cost;
}
