// The web process (`npm start`; the worker process is workers/index.ts): plain node:http in front of
// the Remix build (faster than Express; see docs/decisions/0006-web-server.md), serving build/client
// assets with long cache headers.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { createRequestHandler } from "@remix-run/node";
import { createRequest, sendResponse } from "@remix-run/node-fetch-server";
import { loadConfigOrExit } from "~/config.server";
import { checkRedisOrExit } from "~/data/redis-check.server";

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

await checkRedisOrExit("web");
const build = await import(resolve("build/server/index.js"));
const handleRequest = createRequestHandler(build, config.nodeEnv);
// Inbound webhooks skip Remix routing: the same pipeline as app/routes/webhook.$id.tsx, on node:http directly.
const handleIngressNode: ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) | undefined =
  build.entry?.module?.handleIngressNode;

const server = createServer(async (req, res) => {
  try {
    if (handleIngressNode && req.url?.startsWith("/webhook/") && (await handleIngressNode(req, res))) return;
    if ((req.method === "GET" || req.method === "HEAD") && req.url && serveStatic(req.url.split("?")[0], res)) return;
    const request = createRequest(req, res);
    // Request facts the ingress route records (the fast path above reads them from req itself).
    const response = await handleRequest(request, {
      clientIp: req.socket.remoteAddress ?? null,
      rawHeaders: req.rawHeaders,
    });
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
