// The real Shopify Admin GraphQL schema (introspection shipped in schema/, see its README),
// built once per process on first use: parsing ~3,000 types takes a few hundred milliseconds.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const SCHEMA_API_VERSION = "2025-10";

const SCHEMA_FILE = new URL(`./schema/admin_${SCHEMA_API_VERSION}.json.gz`, import.meta.url);

let cachedSchema: GraphQLSchema | null = null;
let lastLoadMs: number | null = null;

export function loadAdminSchema(): GraphQLSchema {
  if (cachedSchema) return cachedSchema;
  const startedAt = performance.now();
  const introspection = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString("utf8")) as {
    data: IntrospectionQuery;
  };
  cachedSchema = buildClientSchema(introspection.data);
  lastLoadMs = performance.now() - startedAt;
  return cachedSchema;
}

/** Milliseconds the first `loadAdminSchema()` took, or null before it ran. */
export function adminSchemaLoadMs(): number | null {
  return lastLoadMs;
}
