// /cache/:id: a cache endpoint's public URL. A resource route: GET (and HEAD) answer the cache
// key's current value as JSON, OPTIONS answers CORS preflight, every other method gets 405.
// All of it lives in handleCacheEndpointRequest (route modules may only export Remix names).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleCacheEndpointRequest } from "~/services/cache-endpoints/handle-request.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return handleCacheEndpointRequest(request, params.id ?? "");
}

export function action({ request, params }: ActionFunctionArgs) {
  return handleCacheEndpointRequest(request, params.id ?? "");
}
