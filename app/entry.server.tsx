import { PassThrough } from "node:stream";
import type { EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { addDocumentResponseHeaders } from "~/services/shopify/app.server";
import { isDecodablePath, MALFORMED_PATH_MESSAGE } from "~/domain/http/url-path";

// The ingress fast paths for app/web-server.ts: /webhook/* and /webhooks/shopify answered straight
// from node:http, skipping Remix routing (entry.server is server-only, so this export never reaches the client bundle).
export { handleIngressNode, prepareIngress } from "~/services/ingress/handle-ingress.server";
export { handleShopifyEventsNode } from "~/services/shopify/shopify-events.server";

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // A page URL that cannot be decoded is the sender's mistake (400), not a page that is missing.
  if (!isDecodablePath(new URL(request.url).pathname)) {
    return new Response(`${MALFORMED_PATH_MESSAGE}\n`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  addDocumentResponseHeaders(request, responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const readyEvent = userAgent && isbot(userAgent) ? "onAllReady" : "onShellReady";

  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [readyEvent]() {
        const body = new PassThrough();
        responseHeaders.set("Content-Type", "text/html");
        resolve(
          new Response(createReadableStreamFromReadable(body), {
            headers: responseHeaders,
            status: responseStatusCode,
          }),
        );
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}
