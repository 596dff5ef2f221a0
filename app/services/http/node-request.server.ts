// node:http request -> Fetch Request for Remix, with the body bounded while it streams.
// @remix-run/node-fetch-server's createRequest pushes every chunk into the Request body as it
// arrives, without limit or backpressure: a 200 MB POST to any route was held in memory whether or
// not the route read it. Here the body is pulled (the socket pauses while nobody reads), and the
// moment it passes the route's limit the server answers 413 itself and closes the connection.
import type { IncomingMessage, ServerResponse } from "node:http";
import { payloadTooLargeMessage } from "~/domain/http/body-limits";
import { lingerOnClose } from "~/services/http/close-after-answer.server";

/** Answers with a one-line text body; `close` drops the connection after it (unread body bytes). */
export function answerText(res: ServerResponse, status: number, message: string, close = false): void {
  if (res.headersSent) return;
  if (close) lingerOnClose(res.req);
  const body = `${message}\n`;
  const headers: Record<string, string> = {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
  };
  if (close) headers.Connection = "close";
  res.writeHead(status, headers);
  res.end(body);
}

const READ_AHEAD_BYTES = 64 * 1024;

/**
 * The Fetch Request for `req`. Its body (not for GET and HEAD) reads at most `limit` bytes: past
 * that, the server answers 413 with Connection: close and the body stream errors, so whatever the
 * route was doing with it fails and its answer is dropped. Throws when the URL cannot be built.
 */
export function createBoundedRequest(req: IncomingMessage, res: ServerResponse, limit: number): Request {
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (!req.rawHeaders[i]!.startsWith(":")) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  const encrypted = "encrypted" in req.socket && Boolean((req.socket as { encrypted?: boolean }).encrypted);
  const url = new URL(req.url ?? "/", `${encrypted ? "https:" : "http:"}//${headers.get("host") ?? "localhost"}`);
  const method = req.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal: controller.signal };
  if (method !== "GET" && method !== "HEAD") {
    let received = 0;
    let settled = false;
    init.body = new ReadableStream<Uint8Array>(
      {
        start(stream) {
          req.on("data", (chunk: Buffer) => {
            if (settled) return;
            received += chunk.byteLength;
            if (received > limit) {
              settled = true;
              req.pause();
              stream.error(new Error(payloadTooLargeMessage(limit)));
              answerText(res, 413, payloadTooLargeMessage(limit), true);
              return;
            }
            stream.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            if ((stream.desiredSize ?? 0) <= 0) req.pause();
          });
          req.on("end", () => {
            if (settled) return;
            settled = true;
            stream.close();
          });
          req.on("error", (error) => {
            if (settled) return;
            settled = true;
            stream.error(error);
          });
        },
        pull() {
          req.resume();
        },
        cancel() {
          // Nobody will read the rest: drop it as it comes (Node closes the connection after the answer).
          settled = true;
          req.resume();
        },
      },
      { highWaterMark: READ_AHEAD_BYTES, size: (chunk) => chunk.byteLength },
    );
    init.duplex = "half";
  }
  return new Request(url, init);
}
