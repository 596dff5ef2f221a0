// handleIngressNode: the production server's fast path, over a real node:http socket.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeQueues } from "~/data/queues.server";
import { handleIngressNode, matchIngressPath, resetIngressState } from "~/services/ingress/handle-ingress.server";
import { eventsOf, newWebhook, onlyEventOf } from "./helpers";

let server: Server;
let port = 0;

beforeAll(async () => {
  resetIngressState();
  server = createServer(async (req, res) => {
    if (await handleIngressNode(req, res)) return;
    res.writeHead(404).end("not ingress");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeQueues();
});

function send(path: string, options: { method?: string; headers?: [string, string][]; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path,
          method: options.method ?? "POST",
          headers: [["Host", `127.0.0.1:${port}`], ...(options.headers ?? [])].flat() as unknown as Record<
            string,
            string
          >,
        },
        (res) => {
          let body = "";
          res.on("data", (chunk) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        },
      );
      req.on("error", reject);
      req.end(options.body);
    },
  );
}

describe("handleIngressNode", () => {
  it("matches only /webhook/:id paths", async () => {
    expect(matchIngressPath("/webhook/abc?x=1")).toEqual({ id: "abc", queryString: "x=1" });
    expect(matchIngressPath("/webhook/abc/")).toEqual({ id: "abc", queryString: "" });
    expect(matchIngressPath("/webhook/abc/extra")).toBeNull();
    expect(matchIngressPath("/webhooks/app/uninstalled")).toBeNull();
    expect(matchIngressPath("/webhook/%E0%A4")).toBeNull();
    expect((await send("/app", { method: "GET" })).status).toBe(404);
  });

  it("creates the event with the socket's address and separate repeated headers (full mode)", async () => {
    const webhook = await newWebhook({ dataMode: "full" });
    const response = await send(`/webhook/${webhook.id}?a=1`, {
      headers: [
        ["Content-Type", "application/json"],
        ["X-Tag", "one"],
        ["X-Tag", "two"],
      ],
      body: '{"x":1}',
    });
    expect(response.status).toBe(204);
    expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const event = await onlyEventOf(webhook.id);
    expect(event.parsed).toMatchObject({
      body: { x: 1 },
      query: { a: "1" },
      client_ip: "127.0.0.1",
      headers: { "x-tag": ["one", "two"] },
    });
    expect(event.ipHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a declared Content-Length over the limit without waiting for the body, and closes the connection", async () => {
    const webhook = await newWebhook();
    const declared = 1024 * 1024 + 1;
    const socket = connect(port, "127.0.0.1");
    const answer = await new Promise<string>((resolve, reject) => {
      let data = "";
      socket.on("data", (chunk) => {
        data += chunk.toString();
        if (data.includes("\r\n\r\n") && data.includes("bytes\n")) resolve(data);
      });
      socket.on("error", reject);
      // Sends the headers and only a few body bytes: the answer must not wait for the rest.
      socket.write(
        `POST /webhook/${webhook.id} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${declared}\r\n\r\nabc`,
      );
    });
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(answer).toContain("Payload Too Large: the body limit is 1048576 bytes");
    expect(await eventsOf(webhook.id)).toHaveLength(0);
  });

  it("answers 405 for GET with Allow and serves OPTIONS preflights", async () => {
    const webhook = await newWebhook();
    const get = await send(`/webhook/${webhook.id}`, { method: "GET" });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST, OPTIONS");
    const options = await send(`/webhook/${webhook.id}`, {
      method: "OPTIONS",
      headers: [["Origin", "https://a.example"]],
    });
    expect(options.status).toBe(204);
    expect(options.headers["access-control-allow-methods"]).toBe("POST, OPTIONS");
  });
});
