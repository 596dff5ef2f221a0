// Serves the local App Bridge stub (local mode only).
import { localStoreUrl } from "~/config.server";
import { assertLocalRoutesEnabled } from "~/services/local-mode/guard.server";
import stub from "~/services/local-mode/app-bridge-stub.js?raw";

export const loader = async () => {
  assertLocalRoutesEnabled();
  // The stub's scopes API talks to the local store directly.
  const prelude = `window.__HOOKLINE_LOCAL_STORE_URL__ = ${JSON.stringify(localStoreUrl() ?? "")};\n`;
  return new Response(prelude + stub, {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" },
  });
};
