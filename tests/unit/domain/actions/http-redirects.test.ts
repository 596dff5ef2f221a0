// The http action's redirects, against real local HTTP servers on two origins: credentials stay with
// their origin, the address policy is applied to every hop, and chains are capped.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_REDIRECTS, performHttp, type HttpDeps } from "~/domain/actions/http";

interface Seen {
  origin: "a" | "b";
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
}
const seen: Seen[] = [];
let a: http.Server;
let b: http.Server;
let originA = "";
let originB = "";

function serve(name: "a" | "b", route: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  return http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push({ origin: name, method: req.method, url: req.url, headers: req.headers });
      route(req, res);
    });
  });
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  a = serve("a", (req, res) => {
    const url = new URL(req.url!, "http://a");
    if (url.pathname === "/to-b") res.writeHead(307, { location: `${originB}/landing` }).end();
    else if (url.pathname === "/to-b-303") res.writeHead(303, { location: `${originB}/landing` }).end();
    else if (url.pathname === "/same") res.writeHead(302, { location: "/landing" }).end();
    else if (url.pathname === "/to-loopback") res.writeHead(302, { location: `${originB}/landing` }).end();
    else if (url.pathname.startsWith("/loop/")) {
      const n = Number(url.pathname.slice(6));
      res.writeHead(302, { location: `/loop/${n + 1}` }).end();
    } else res.writeHead(200, { "content-type": "text/plain" }).end("a");
  });
  b = serve("b", (req, res) => {
    if (req.url === "/back-to-a") res.writeHead(302, { location: `${originA}/landing` }).end();
    else res.writeHead(200, { "content-type": "text/plain" }).end("b");
  });
  originA = await listen(a);
  originB = await listen(b);
});
afterAll(async () => {
  await Promise.all([a, b].map((s) => new Promise((resolve) => s.close(resolve))));
});
beforeEach(() => {
  seen.length = 0;
});

const open: HttpDeps = { policy: { allowPrivate: true, allowedHosts: [] } };
const credentials = {
  Authorization: "Bearer secret-token",
  Cookie: "session=abc",
  "Proxy-Authorization": "Basic cHJveHk6cHc=",
  "X-Api-Key": "k-123",
  "X-Shopify-Access-Token": "shpat_x",
  "X-Trace": "keep-me",
};

describe("http action redirects", () => {
  it("drops credential headers when a redirect leaves the origin (307 keeps method and body)", async () => {
    const outcome = await performHttp(
      { method: "post", url: `${originA}/to-b`, headers: credentials, body: { a: 1 } },
      open,
    );
    expect(outcome.ok && (outcome.result as { status: number }).status).toBe(200);
    expect(seen.map((s) => s.origin)).toEqual(["a", "b"]);
    const [first, second] = seen;
    expect(first!.headers.authorization).toBe("Bearer secret-token");
    expect(first!.headers.cookie).toBe("session=abc");
    expect(second!.method).toBe("POST");
    for (const name of ["authorization", "cookie", "proxy-authorization", "x-api-key", "x-shopify-access-token"]) {
      expect(second!.headers[name], name).toBeUndefined();
    }
    expect(second!.headers["x-trace"]).toBe("keep-me");
  });

  it("drops them for a 303 to another origin too, and does not restore them on the way back", async () => {
    await performHttp({ method: "post", url: `${originA}/to-b-303`, headers: credentials }, open);
    expect(seen[1]).toMatchObject({ origin: "b", method: "GET" });
    expect(seen[1]!.headers.authorization).toBeUndefined();

    seen.length = 0;
    await performHttp({ method: "get", url: `${originB}/back-to-a`, headers: credentials }, open);
    expect(seen.map((s) => s.origin)).toEqual(["b", "a"]);
    expect(seen[0]!.headers.authorization).toBe("Bearer secret-token");
    expect(seen[1]!.headers.authorization).toBeUndefined();
  });

  it("keeps credentials on a same-origin redirect", async () => {
    await performHttp({ method: "get", url: `${originA}/same`, headers: credentials }, open);
    expect(seen.map((s) => s.url)).toEqual(["/same", "/landing"]);
    expect(seen[1]!.headers.authorization).toBe("Bearer secret-token");
    expect(seen[1]!.headers.cookie).toBe("session=abc");
  });

  it("re-checks the address policy on every hop", async () => {
    const portA = new URL(originA).port;
    // a.test is allow-listed (and resolves to loopback); the redirect to 127.0.0.1 is not allowed.
    const listed: HttpDeps = {
      policy: { allowPrivate: false, allowedHosts: ["a.test"] },
      resolveAll: async () => [{ address: "127.0.0.1", family: 4 }],
    };
    const outcome = await performHttp({ method: "get", url: `http://a.test:${portA}/to-loopback` }, listed);
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.ok === false && outcome.error).toMatch(/refusing to reach 127\.0\.0\.1/);
    expect(seen.map((s) => s.origin)).toEqual(["a"]); // b was never reached
  });

  it(`follows at most ${MAX_REDIRECTS} redirects`, async () => {
    expect(MAX_REDIRECTS).toBe(5);
    const outcome = await performHttp({ method: "get", url: `${originA}/loop/0` }, open);
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.ok === false && outcome.error).toBe(`too many redirects (more than ${MAX_REDIRECTS})`);
    expect(seen).toHaveLength(MAX_REDIRECTS + 1);

    seen.length = 0;
    const notFollowed = await performHttp({ method: "get", url: `${originA}/loop/0`, follow_redirects: false }, open);
    expect(notFollowed.ok && (notFollowed.result as { status: number }).status).toBe(302);
    expect(seen).toHaveLength(1);
  });
});
