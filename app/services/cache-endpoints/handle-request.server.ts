// The public answer of GET /cache/<id> (Mechanic's cache endpoints): the route only forwards here.
// The value comes from app/data/cache-endpoints.server.ts; this module decides the HTTP answer.
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/data/db.server";
import { readCacheEndpoint } from "~/data/cache-endpoints.server";

const CORS_HEADERS = {
  // Open to every origin, as Mechanic's cache endpoints are: the unguessable URL is the secret.
  "Access-Control-Allow-Origin": "*",
} as const;
const ALLOWED_METHODS = "GET, HEAD, OPTIONS";

/** The whole HTTP answer of /cache/<id> for any method (the route only forwards to this). */
export async function handleCacheEndpointRequest(
  request: Request,
  id: string,
  db: PrismaClient = defaultPrisma,
): Promise<Response> {
  const method = request.method.toUpperCase();
  if (method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: {
        ...CORS_HEADERS,
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": request.headers.get("access-control-request-headers") ?? "",
        "Access-Control-Max-Age": "86400",
        Allow: ALLOWED_METHODS,
      },
    });
  }
  if (method !== "GET" && method !== "HEAD") {
    return Response.json(
      { error: `Method ${method} not allowed: cache endpoints only answer GET` },
      { status: 405, headers: { ...CORS_HEADERS, Allow: ALLOWED_METHODS, "Cache-Control": "no-store" } },
    );
  }
  const read = await readCacheEndpoint(id, db);
  if (!read.found) {
    return Response.json(
      { error: "Not found: no such cache endpoint, or its key is unset or expired" },
      { status: 404, headers: { ...CORS_HEADERS, "Cache-Control": "no-store" } },
    );
  }
  return new Response(method === "HEAD" ? null : read.json, {
    status: 200,
    headers: {
      ...CORS_HEADERS,
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
