// Libraries only a few filters use, loaded on their first use: every render thread (and every
// process that renders) would otherwise hold each of them in memory, several MB apiece, whether or
// not any script calls their filter (issue 14: the worker's resident memory).
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

function lazy<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(name) as T);
}

/** parse_xml */
export const fastXmlParser = lazy<typeof import("fast-xml-parser")>("fast-xml-parser");
/** e164 */
export const libphonenumber = lazy<typeof import("libphonenumber-js")>("libphonenumber-js");
/** browser */
export const uaParser = lazy<typeof import("ua-parser-js")>("ua-parser-js");
/** the shopify filter's read-only check */
export const graphqlLanguage = lazy<typeof import("graphql")>("graphql");
