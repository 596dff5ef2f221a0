// Serves the local App Bridge stub (local mode only).
import { assertLocalRoutesEnabled } from "~/services/local-mode/guard.server";
import stub from "~/services/local-mode/app-bridge-stub.js?raw";

export const loader = async () => {
  assertLocalRoutesEnabled();
  return new Response(stub, {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" },
  });
};
