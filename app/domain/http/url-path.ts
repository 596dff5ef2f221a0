// URL paths with a malformed %-escape ("/%E0%A4", "/x%zz") cannot be decoded; deeper code that
// decodes them throws. They are answered 400 at the door (scripts/serve.ts for every request,
// app/entry.server.tsx for Remix's pages in any server).

export const MALFORMED_PATH_MESSAGE = "Bad Request: the URL path has a malformed %-escape";

/** True when every %-escape in the path decodes. */
export function isDecodablePath(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
