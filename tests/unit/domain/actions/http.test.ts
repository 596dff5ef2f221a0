import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHttpOptions, performHttp, type HttpDeps } from "~/domain/actions/http";

let server: http.Server;
let base: string;
const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url === "/json") {
        res.writeHead(201, { "content-type": "application/json", "set-cookie": ["a=1", "b=2"] });
        res.end('{"id": 12345678901234567890, "ok": true}');
      } else if (req.url === "/redirect") {
        res.writeHead(302, { location: "/json" });
        res.end();
      } else if (req.url === "/big") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("x".repeat(5000));
      } else if (req.url === "/slow") {
        setTimeout(() => res.end("late"), 2000);
      } else if (req.url === "/fail") {
        res.writeHead(503);
        res.end("down");
      } else {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("plain");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const allowed: HttpDeps = { policy: { allowPrivate: true, allowedHosts: [] } };
const strict: HttpDeps = { policy: { allowPrivate: false, allowedHosts: [] } };

describe("http action", () => {
  it("sends method, headers and a JSON body, and records status, headers and the parsed body", async () => {
    const outcome = await performHttp(
      { method: "post", url: `${base}/json`, headers: { "X-Token": "abc" }, body: { hello: "world" } },
      allowed,
    );
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const result = outcome.result as {
      status: number;
      headers: Record<string, string[]>;
      body: { id: bigint; ok: boolean };
      body_base64: string;
    };
    expect(result.status).toBe(201);
    expect(result.body).toEqual({ id: 12345678901234567890n, ok: true });
    expect(result.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(Buffer.from(result.body_base64, "base64").toString()).toContain("12345678901234567890");
    const request = seen.at(-1)!;
    expect(request.method).toBe("POST");
    expect(request.headers["x-token"]).toBe("abc");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({ hello: "world" });
  });

  it("sends a string body as is and form-encodes when asked", async () => {
    await performHttp({ method: "put", url: `${base}/x`, body: "raw text" }, allowed);
    expect(seen.at(-1)!.body).toBe("raw text");
    await performHttp(
      {
        method: "post",
        url: `${base}/x`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: { a: 1, b: { c: "d" } },
      },
      allowed,
    );
    expect(seen.at(-1)!.body).toBe("a=1&b%5Bc%5D=d");
  });

  it("follows redirects, caps the body size, and counts any response as success unless error_on_5xx", async () => {
    const redirected = await performHttp({ method: "get", url: `${base}/redirect` }, allowed);
    expect(redirected.ok && (redirected.result as { status: number }).status).toBe(201);
    const big = await performHttp({ method: "get", url: `${base}/big` }, { ...allowed, maxResponseBytes: 1000 });
    expect(big.ok && big.result).toMatchObject({ body_truncated: true });
    expect(big.ok && (big.result as { body: string }).body.length).toBe(1000);
    const down = await performHttp({ method: "get", url: `${base}/fail` }, allowed);
    expect(down.ok && (down.result as { status: number }).status).toBe(503);
    expect(await performHttp({ method: "get", url: `${base}/fail`, error_on_5xx: true }, allowed)).toMatchObject({
      ok: false,
      retryable: true,
    });
  });

  it("times out as a transient failure", async () => {
    const outcome = await performHttp({ method: "get", url: `${base}/slow` }, { ...allowed, timeoutMs: 200 });
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.ok === false && outcome.error).toMatch(/timed out/);
  });

  it("refuses loopback without the allowance, for literals and for names resolving to it", async () => {
    const before = seen.length;
    const literal = await performHttp({ method: "get", url: `${base}/x` }, strict);
    expect(literal).toMatchObject({ ok: false, retryable: false });
    expect(literal.ok === false && literal.error).toMatch(/refusing to reach 127\.0\.0\.1/);
    const port = new URL(base).port;
    // A public-looking name whose DNS answer includes a private address (DNS rebinding) is refused.
    const rebinding = await performHttp(
      { method: "get", url: `http://rebind.example:${port}/x` },
      {
        ...strict,
        resolveAll: async () => [
          { address: "93.184.216.34", family: 4 },
          { address: "127.0.0.1", family: 4 },
        ],
      },
    );
    expect(rebinding.ok === false && rebinding.error).toMatch(/refusing to reach rebind\.example \(127\.0\.0\.1\)/);
    const metadata = await performHttp({ method: "get", url: "http://169.254.169.254/latest/meta-data" }, strict);
    expect(metadata).toMatchObject({ ok: false, retryable: false });
    expect(seen.length).toBe(before); // nothing reached the server
    // The allow list lets a named host through.
    const listed = await performHttp(
      { method: "get", url: `http://store.local:${port}/x` },
      {
        policy: { allowPrivate: false, allowedHosts: ["store.local"] },
        resolveAll: async () => [{ address: "127.0.0.1", family: 4 }],
      },
    );
    expect(listed.ok).toBe(true);
  });

  it("refuses malformed options with a reason", () => {
    const bad: unknown[] = [
      null,
      "http://x",
      { url: "http://x" },
      { method: "fetch", url: "http://x" },
      { method: "get", url: "not a url" },
      { method: "get", url: "ftp://x/y" },
      { method: "get", url: "http://user:pw@x/" },
      { method: "get", url: "http://x", headers: { "bad header": "1" } },
      { method: "get", url: "http://x", headers: { a: "x\r\ny: z" } },
      { method: "get", url: "http://x", body: "no body on GET" },
    ];
    for (const options of bad) expect(parseHttpOptions(options), JSON.stringify(options)).toHaveProperty("error");
  });
});
