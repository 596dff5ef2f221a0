// The Hookline local development store: a stand-in for the Shopify Admin API used for offline
// development and tests. Development and test code only; production code never imports it.
export {
  createLocalStore,
  DEFAULT_LOCAL_API_KEY,
  DEFAULT_LOCAL_API_SECRET,
  DEFAULT_SCOPES,
  INVALID_TOKEN_MESSAGE,
} from "./server";
export type { LocalStore, LocalStoreOptions } from "./server";
export { LocalStoreState, customerGid, parseCustomerId, MAX_METAFIELDS_PER_SET } from "./state";
export type {
  LocalCustomer,
  LocalMetafield,
  LocalMetafieldDefinition,
  LocalShop,
  MetafieldDefinitionInput,
  MetafieldIdentifierInput,
  MetafieldsSetInput,
  NewCustomerInput,
  UserError,
} from "./state";
export { executeAdminGraphql, DEFAULT_MAX_QUERY_COST, RATE_LIMITS_DOCUMENTATION } from "./graphql";
export type { GraphqlRequestBody, GraphqlResponseBody, CostExtension } from "./graphql";
export { Throttle, LeakyBucket, DEFAULT_BUCKET_SIZE, DEFAULT_RESTORE_RATE } from "./throttle";
export type { ThrottleStatus } from "./throttle";
export { loadAdminSchema, adminSchemaLoadMs, SCHEMA_API_VERSION } from "./schema";
export {
  signSessionToken,
  verifySessionToken,
  AccessTokens,
  TOKEN_EXCHANGE_GRANT_TYPE,
  ID_TOKEN_TYPE,
  OFFLINE_TOKEN_TYPE,
  ONLINE_TOKEN_TYPE,
} from "./auth";
export type { SessionTokenPayload } from "./auth";
export { SEED_SHOPS } from "./seed";
export { isValidMetafieldType, validateMetafieldValue } from "./metafield-types";
