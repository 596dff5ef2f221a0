// The web process (`npm start`; the worker process is workers/index.ts): plain node:http in front of
// the Remix build (faster than Express; see docs/decisions/0006-web-server.md), serving build/client
// assets with long cache headers. Every request body is bounded while it streams
// (app/domain/http/body-limits.ts), a URL path with a malformed %-escape is a 400, and the server
// starts without Redis: ingress only needs the database (docs/decisions/0030, 0033).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { createRequestHandler } from "@remix-run/node";
import { sendResponse } from "@remix-run/node-fetch-server";
import { loadConfigOrExit } from "~/config.server";
import { canReachRedis, redisHelpLine } from "~/data/redis-check.server";
import { bodyLimitFor, declaresMoreThan, payloadTooLargeMessage } from "~/domain/http/body-limits";
import { isDecodablePath, MALFORMED_PATH_MESSAGE } from "~/domain/http/url-path";
import { lingerOnClose } from "~/services/http/close-after-answer.server";
import { answerText, createBoundedRequest } from "~/services/http/node-request.server";

const config = loadConfigOrExit();
const { port, host } = config.web;
const clientDir = resolve("build/client");

const MIME: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves a file from build/client if one matches; returns false otherwise. */
function serveStatic(pathname: string, res: ServerResponse): boolean {
  const path = normalize(join(clientDir, decodeURIComponent(pathname)));
  if (!path.startsWith(clientDir + "/")) return false;
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return false;
    size = stat.size;
  } catch {
    return false;
  }
  res.writeHead(200, {
    "Content-Type": MIME[extname(path)] ?? "application/octet-stream",
    "Content-Length": size,
    "Cache-Control": pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
  });
  createReadStream(path).pipe(res);
  return true;
}

// Events are stored without Redis and the worker's sweep queues them once it is back; /health says so.
const redisUp = await canReachRedis();
if (!redisUp) {
  console.warn(`${redisHelpLine("web")} Starting anyway: webhooks are stored and queued when Redis is back.`);
}
const build = await import(resolve("build/server/index.js"));
// Rate limits shared with the other web processes and their webhook changes, connected before the
// first request (without Redis, each process limits on its own: docs/decisions/0065).
const prepareIngress: ((timeoutMs?: number) => Promise<boolean>) | undefined = build.entry?.module?.prepareIngress;
if (redisUp && prepareIngress && !(await prepareIngress())) {
  console.warn("Hookline web: Redis did not answer in time; rate limits are per process until it does.");
}
const handleRequest = createRequestHandler(build, config.nodeEnv);
// Inbound webhooks skip Remix routing: the same pipeline as app/routes/webhook.$id.tsx, on node:http directly.
type FastPath = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) | undefined;
const handleIngressNode: FastPath = build.entry?.module?.handleIngressNode;
// Shopify's deliveries too: the same pipeline as app/routes/webhooks.shopify.tsx (docs/decisions/0045).
const handleShopifyEventsNode: FastPath = build.entry?.module?.handleShopifyEventsNode;

const server = createServer(async (req, res) => {
  try {
    const path = (req.url ?? "/").split("?")[0]!;
    if (!isDecodablePath(path)) {
      return answerText(res, 400, MALFORMED_PATH_MESSAGE, !req.complete);
    }
    if (handleIngressNode && path.startsWith("/webhook/") && (await handleIngressNode(req, res))) return;
    if (handleShopifyEventsNode && path.startsWith("/webhooks/shopify") && (await handleShopifyEventsNode(req, res))) {
      return;
    }
    if ((req.method === "GET" || req.method === "HEAD") && serveStatic(path, res)) return;
    const limit = bodyLimitFor(path);
    if (declaresMoreThan(req.headers["content-length"], limit)) {
      return answerText(res, 413, payloadTooLargeMessage(limit), true);
    }
    let request: Request;
    try {
      request = createBoundedRequest(req, res, limit);
    } catch {
      return answerText(res, 400, "Bad Request: the request URL or Host header is not valid", !req.complete);
    }
    // Request facts the ingress route records (the fast path above reads them from req itself).
    const response = await handleRequest(request, {
      clientIp: req.socket.remoteAddress ?? null,
      rawHeaders: req.rawHeaders,
    });
    if (res.headersSent) {
      // Already answered (413 while the route was reading the body): drop the route's answer.
      await response.body?.cancel().catch(() => {});
      return;
    }
    // Body bytes the route did not read would be taken for the next request on this connection.
    if (!req.complete) {
      res.setHeader("Connection", "close");
      lingerOnClose(req);
    }
    await sendResponse(res, response);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
    res.end("Internal Server Error");
  }
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () =>
  console.log(`Hookline listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}`),
);

function shutdown() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
