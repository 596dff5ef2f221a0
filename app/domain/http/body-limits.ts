// How many request-body bytes each route may receive, and reading a body within that many.
// Enforced before any work: a declared Content-Length over the limit is refused unread, and a
// streamed body is cut off the moment it passes the limit (scripts/serve.ts for every route,
// app/services/shopify/webhook-delivery.server.ts for Shopify's webhooks in any server).
// /webhook/:id has its own, configurable limit (INGRESS_BODY_LIMIT_BYTES, enforced by the ingress).

/**
 * Shopify's webhooks to the app (/webhooks/*): 2 MiB. Shopify documents 1,000,000 bytes as the
 * largest payload it sends inline (larger ones become {"id": ...}; developer changelog, 2026-11-17,
 * "Amazon EventBridge webhook payload size limit increased to 1 MB"): twice that is generous room,
 * and what a refused delivery can cost in memory stays small.
 */
export const SHOPIFY_WEBHOOK_BODY_LIMIT = 2 * 1024 * 1024;
/**
 * The embedded admin's form posts (/app/*): 4 MiB. The largest is a task save or import: a script
 * of up to 200,000 characters (up to 800 KB of UTF-8, more once form-encoded) plus options and docs.
 */
export const APP_BODY_LIMIT = 4 * 1024 * 1024;
/** Everything else (/auth, /cache, /health, /local, assets): 64 KiB; none of them needs a body. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** The body limit for a URL path (without the query). /webhook/:id is the ingress's own. */
export function bodyLimitFor(pathname: string): number {
  if (pathname.startsWith("/webhooks/")) return SHOPIFY_WEBHOOK_BODY_LIMIT;
  if (pathname === "/app" || pathname.startsWith("/app/")) return APP_BODY_LIMIT;
  return DEFAULT_BODY_LIMIT;
}

export function payloadTooLargeMessage(limit: number): string {
  return `Payload Too Large: the body limit for this URL is ${limit} bytes`;
}

/** A Content-Length header's value over the limit (an absent or unreadable header is not). */
export function declaresMoreThan(contentLength: string | null | undefined, limit: number): boolean {
  if (contentLength === null || contentLength === undefined || contentLength.trim() === "") return false;
  const declared = Number(contentLength);
  return Number.isFinite(declared) && declared > limit;
}

export type BodyRead = { ok: true; body: Uint8Array<ArrayBuffer> } | { ok: false };

/** Reads chunks until the end, or stops (ok: false) as soon as they pass `limit` bytes. */
export async function readWithin(chunks: AsyncIterable<Uint8Array> | null, limit: number): Promise<BodyRead> {
  if (!chunks) return { ok: true, body: new Uint8Array(0) };
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > limit) return { ok: false };
    parts.push(chunk);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return { ok: true, body };
}

/** The body of a Fetch Request, read within `limit` (the stream is cancelled past it). */
export async function readRequestWithin(request: Request, limit: number): Promise<BodyRead> {
  if (declaresMoreThan(request.headers.get("content-length"), limit)) {
    await request.body?.cancel().catch(() => {});
    return { ok: false };
  }
  if (!request.body) return { ok: true, body: new Uint8Array(0) };
  const reader = request.body.getReader();
  async function* chunks(): AsyncIterable<Uint8Array> {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  try {
    return await readWithin(chunks(), limit);
  } finally {
    reader.cancel().catch(() => {});
  }
}
