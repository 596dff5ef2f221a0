// Small HTTP helpers shared by the local store's handlers (node:http, no framework).
import type { IncomingMessage, ServerResponse } from "node:http";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === "string" ? body : JSON.stringify(body));
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
}

export function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(
      new HttpError(413, { errors: `Request body is larger than ${limit} bytes` }, { Connection: "close" }),
    );
  }
  // Reads to the end even when too large (keeping nothing past the limit), so the client gets
  // the 413 answer instead of a reset connection.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on("end", () => {
      if (size > limit) reject(new HttpError(413, { errors: `Request body is larger than ${limit} bytes` }));
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
    request.on("error", reject);
  });
}

export function mediaType(request: IncomingMessage): string {
  return (request.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

export function requireMethod(request: IncomingMessage, allowed: string): void {
  if (request.method !== allowed) {
    throw new HttpError(405, { errors: `Method ${request.method} not allowed; use ${allowed}` }, { Allow: allowed });
  }
}

/** The shop a request is for: the app's fetch wrapper names it in X-Hookline-Shop, else the Host. */
export function requestShop(request: IncomingMessage): string {
  const header = request.headers["x-hookline-shop"];
  const named = (Array.isArray(header) ? header[0] : header) ?? request.headers.host ?? "";
  return named.trim().toLowerCase().replace(/:\d+$/, "");
}

export function singleHeader(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
