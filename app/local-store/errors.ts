// Turns graphql-js parse, validation and variable errors into the shape and wording Shopify's
// Admin API (graphql-ruby) answers with: `Field 'x' doesn't exist on type 'Customer'`, a `path`
// from the operation down to the field, and `extensions.code` such as `undefinedField`.
import {
  GraphQLError,
  Kind,
  print,
  visit,
  type ASTNode,
  type DocumentNode,
  type VariableDefinitionNode,
} from "graphql";

export interface ShopifyGraphqlError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions: Record<string, unknown> & { code: string };
}

function locationsOf(error: GraphQLError): { line: number; column: number }[] | undefined {
  return error.locations?.map(({ line, column }) => ({ line, column }));
}

export function parseErrorToShopify(error: GraphQLError): ShopifyGraphqlError {
  const location = error.locations?.[0];
  const detail = error.message.replace(/^Syntax Error: /, "").replace(/\.$/, "");
  return {
    message: location ? `Parse error: ${detail} at [${location.line}, ${location.column}]` : `Parse error: ${detail}`,
    locations: locationsOf(error),
    extensions: { code: "PARSE_ERROR" },
  };
}

/** graphql-ruby style paths ("query Name", field names, "... on Type") for every field and argument. */
function documentPaths(document: DocumentNode): Map<ASTNode, string[]> {
  const paths = new Map<ASTNode, string[]>();
  const stack: string[] = [];
  const push = (segment: string): void => {
    stack.push(segment);
  };
  const pop = (): void => {
    stack.pop();
  };
  visit(document, {
    OperationDefinition: {
      enter: (node) => push(node.name ? `${node.operation} ${node.name.value}` : node.operation),
      leave: pop,
    },
    FragmentDefinition: { enter: (node) => push(`fragment ${node.name.value}`), leave: pop },
    InlineFragment: {
      enter: (node) => push(node.typeCondition ? `... on ${node.typeCondition.name.value}` : "..."),
      leave: pop,
    },
    Field: {
      enter: (node) => {
        push(node.alias?.value ?? node.name.value);
        paths.set(node, [...stack]);
      },
      leave: pop,
    },
    Argument: {
      enter: (node) => {
        push(node.name.value);
        paths.set(node, [...stack]);
        paths.set(node.value, [...stack]);
      },
      leave: pop,
    },
    VariableDefinition: {
      enter: (node) => {
        paths.set(node, [...stack, `$${node.variable.name.value}`]);
      },
    },
  });
  return paths;
}

interface Mapping {
  pattern: RegExp;
  map: (match: RegExpExecArray) => { message: string; extensions: Record<string, unknown> & { code: string } };
}

// graphql-js message -> graphql-ruby message, for the rules a developer meets most often.
const VALIDATION_MAPPINGS: Mapping[] = [
  {
    pattern: /^Cannot query field "([^"]+)" on type "([^"]+)"\./,
    map: (m) => ({
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
      extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] },
    }),
  },
  {
    pattern: /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./,
    map: (m) => ({
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
      extensions: { code: "argumentNotAccepted", name: m[3], typeName: "Field", argumentName: m[1] },
    }),
  },
  {
    pattern: /^Field "([^"]+)" argument "([^"]+)" of type "([^"]+)" is required, but it was not provided\./,
    map: (m) => ({
      message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
      extensions: { code: "missingRequiredArguments", className: "Field", name: m[1], arguments: m[2] },
    }),
  },
  {
    pattern: /^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields\./,
    map: (m) => {
      const typeName = m[2].replace(/[[\]!]/g, "");
      return {
        message: `Field must have selections (field '${m[1]}' returns ${typeName} but has no selections. Did you mean '${m[1]} { ... }'?)`,
        extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'` },
      };
    },
  },
  {
    pattern: /^Field "([^"]+)" must not have a selection since type "([^"]+)" has no subfields\./,
    map: (m) => ({
      message: `Selections can't be made on scalars (field '${m[1]}' returns ${m[2].replace(/[[\]!]/g, "")} but has selections)`,
      extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName: m[2].replace(/[[\]!]/g, "") },
    }),
  },
  {
    pattern: /^Variable "\$([^"]+)" is not defined(?: by operation "([^"]+)")?\./,
    map: (m) => ({
      message: `Variable $${m[1]} is used by ${m[2] ?? "anonymous query"} but not declared`,
      extensions: { code: "variableNotDefined", variableName: m[1] },
    }),
  },
  {
    pattern: /^Variable "\$([^"]+)" is never used(?: in operation "([^"]+)")?\./,
    map: (m) => ({
      message: `Variable $${m[1]} is declared by ${m[2] ?? "anonymous query"} but not used`,
      extensions: { code: "variableNotUsed", variableName: m[1] },
    }),
  },
  {
    pattern: /^Unknown type "([^"]+)"\./,
    map: (m) => ({
      message: `No such type ${m[1]}, so it can't be used here`,
      extensions: { code: "undefinedType", typeName: m[1] },
    }),
  },
  {
    pattern: /^Unknown fragment "([^"]+)"\./,
    map: (m) => ({
      message: `Fragment ${m[1]} was used, but not defined`,
      extensions: { code: "useAndDefineFragment", fragmentName: m[1] },
    }),
  },
  {
    pattern: /^Fragment "([^"]+)" is never used\./,
    map: (m) => ({
      message: `Fragment ${m[1]} was defined, but not used`,
      extensions: { code: "useAndDefineFragment", fragmentName: m[1] },
    }),
  },
];

export function validationErrorsToShopify(
  document: DocumentNode,
  errors: readonly GraphQLError[],
): ShopifyGraphqlError[] {
  const paths = documentPaths(document);
  return errors.map((error) => {
    const node = error.nodes?.[0];
    const path = node ? paths.get(node) : undefined;
    for (const { pattern, map } of VALIDATION_MAPPINGS) {
      const match = pattern.exec(error.message);
      if (match) return { ...map(match), locations: locationsOf(error), ...(path ? { path } : {}) };
    }
    // Argument literal errors: name the argument the way graphql-ruby does.
    if (
      node &&
      (node.kind === Kind.STRING ||
        node.kind === Kind.INT ||
        node.kind === Kind.NULL ||
        node.kind === Kind.OBJECT ||
        node.kind === Kind.LIST ||
        node.kind === Kind.ENUM ||
        node.kind === Kind.BOOLEAN ||
        node.kind === Kind.FLOAT) &&
      path
    ) {
      const argumentName = path[path.length - 1];
      const fieldName = path[path.length - 2];
      return {
        message: `Argument '${argumentName}' on Field '${fieldName}' has an invalid value. ${error.message}`,
        locations: locationsOf(error),
        path,
        extensions: { code: "argumentLiteralsIncompatible", typeName: "Field", argumentName },
      };
    }
    return {
      message: error.message,
      locations: locationsOf(error),
      ...(path ? { path } : {}),
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    };
  });
}

/** Errors coercing `variables` (missing required, wrong type) in graphql-ruby's wording. */
export function variableErrorsToShopify(
  errors: readonly GraphQLError[],
  variableDefinitions: readonly VariableDefinitionNode[],
  rawVariables: Record<string, unknown>,
): ShopifyGraphqlError[] {
  const declaredTypes = new Map(
    variableDefinitions.map((definition) => [definition.variable.name.value, print(definition.type)]),
  );
  return errors.map((error) => {
    const match = /^Variable "\$([^"]+)" (.*)$/s.exec(error.message);
    if (!match)
      return { message: error.message, locations: locationsOf(error), extensions: { code: "INVALID_VARIABLE" } };
    const [, name, rest] = match;
    const type = declaredTypes.get(name);
    return {
      message: `Variable $${name}${type ? ` of type ${type}` : ""} was provided invalid value`,
      locations: locationsOf(error),
      extensions: {
        code: "INVALID_VARIABLE",
        value: rawVariables[name] ?? null,
        problems: [{ path: [], explanation: variableProblem(rest) }],
      },
    };
  });
}

function variableProblem(graphqlJsExplanation: string): string {
  if (/was not provided\.$|must not be null\.$/.test(graphqlJsExplanation)) return "Expected value to not be null";
  return graphqlJsExplanation.replace(/^(of (required |non-null )?type "[^"]+" )?got invalid value [^;]*; /, "");
}
