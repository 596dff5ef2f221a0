// The production web process (build/web-server.js, compiled from app/web-server.ts, in front of the
// production build, started with node as `npm start` does) as a separate process,
// with Redis unreachable: it starts and stores webhooks anyway, bounds every request body while it
// streams (a 200 MB POST costs it no memory), answers malformed %-escapes with 400 and /auth/login
// with Shopify's login page. Issue 16, items 3 and 10.
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/node";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { createWebhook } from "~/data/webhooks.server";
import { mintSessionToken } from "~/services/local-mode/session-token.server";
import { seedOfflineSession } from "../support/offline-session";
import { APP_BODY_LIMIT, DEFAULT_BODY_LIMIT, SHOPIFY_WEBHOOK_BODY_LIMIT } from "~/domain/http/body-limits";
import { freePort } from "../../scripts/lib/free-port";
import { streamPost as streamPostTo, type Streamed } from "../support/stream-post";
import { ensureProductionBuild } from "../support/production-build";

const SHOP = "production-server.myshopify.com";
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
let server: ChildProcess;
let output = "";
let base = "";
let port = 0;
let deadRedis = "";

beforeAll(async () => {
  ensureProductionBuild();
  port = await freePort();
  deadRedis = `redis://127.0.0.1:${await freePort()}`; // nothing listens there
  base = `http://127.0.0.1:${port}`;
  // node itself (not npx), so the pid is the server's and its memory can be read.
  server = spawn(process.execPath, ["--enable-source-maps", "build/web-server.js"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      REDIS_URL: deadRedis,
      SHOPIFY_API_KEY: "production-test-key",
      SHOPIFY_API_SECRET: "production-test-secret",
      SHOPIFY_APP_URL: base,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  server.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited ${server.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}/health`)).status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 600_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
});

/** Peak resident memory of the server process so far (VmHWM), in bytes. */
function peakRss(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** POSTs `total` bytes chunked to the server under test (tests/support/stream-post.ts). */
function streamPost(path: string, total: number, headers: Record<string, string> = {}): Promise<Streamed> {
  return streamPostTo(port, path, total, headers);
}

const MB = 1024 * 1024;

describe("production server without Redis", () => {
  it("starts, says so in one warning, and reports Redis in /health while staying healthy", async () => {
    expect(output).toContain(`cannot reach Redis at ${deadRedis}`);
    expect(output).toContain("Starting anyway");
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, database: "ok", redis: "unreachable" });
  });

  it("accepts a webhook POST with 204 and stores the event (pending until Redis is back)", async () => {
    const webhook = await createWebhook(SHOP, { name: "No Redis", topic: "user/redis/down" });
    const response = await fetch(`${base}/webhook/${webhook.id}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ stored: true }),
    });
    expect(response.status).toBe(204);
    const events = await prisma.event.findMany({ where: { webhookId: webhook.id } });
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data)).toEqual({ stored: true });
    expect(events[0]!.status).toBe("pending");
  });
});

describe("request body limits", () => {
  it("a streamed 200 MB POST to /webhooks/* is refused with 413 without the server's memory growing", async () => {
    // Warm up the route first, so its code and buffers are not counted as growth.
    await streamPost("/webhooks/app/uninstalled", 8 * MB, { "Content-Type": "application/json" });
    const before = peakRss();
    const result = await streamPost("/webhooks/app/uninstalled", 200 * MB, { "Content-Type": "application/json" });
    const grown = peakRss() - before;
    expect(result.status).toBe(413);
    expect(result.body).toBe(`Payload Too Large: the body limit for this URL is ${SHOPIFY_WEBHOOK_BODY_LIMIT} bytes\n`);
    expect(result.connection).toBe("close");
    expect(result.sentBeforeAnswer).toBeLessThan(40 * MB); // answered long before the end
    expect(grown).toBeLessThan(8 * MB);
  });

  it("a route that reads its body is cut off at its limit; one that does not never reads it", async () => {
    // /auth/login reads its form: cut off at the default limit.
    const login = await streamPost("/auth/login", 100 * MB, { "Content-Type": "application/x-www-form-urlencoded" });
    expect(login.status).toBe(413);
    expect(login.body).toBe(`Payload Too Large: the body limit for this URL is ${DEFAULT_BODY_LIMIT} bytes\n`);
    expect(login.sentBeforeAnswer).toBeLessThan(40 * MB);
    // An admin form post without a session is redirected to log in before its body is read.
    const admin = await streamPost("/app/tasks/new", 100 * MB, { "Content-Type": "application/x-www-form-urlencoded" });
    expect(admin.status).toBe(302);
    expect(admin.connection).toBe("close");
    expect(admin.sentBeforeAnswer).toBeLessThan(40 * MB);
  });

  it("a declared Content-Length over a route's limit is refused before the body is read", async () => {
    const declare = (path: string, length: number) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: "127.0.0.1",
            port,
            path,
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(length) },
          },
          (res) => {
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString()));
            res.on("end", () => {
              resolve({ status: res.statusCode!, body });
              req.destroy();
            });
          },
        );
        req.on("error", reject);
        req.flushHeaders(); // headers only: the body never comes
      });
    const cases: [string, number][] = [
      ["/webhooks/customers/redact", SHOPIFY_WEBHOOK_BODY_LIMIT],
      ["/webhooks/shopify", SHOPIFY_WEBHOOK_BODY_LIMIT],
      ["/app/tasks/new", APP_BODY_LIMIT],
      ["/auth/login", DEFAULT_BODY_LIMIT],
      ["/cache/00000000-0000-4000-8000-000000000000", DEFAULT_BODY_LIMIT],
      ["/health", DEFAULT_BODY_LIMIT],
    ];
    for (const [path, limit] of cases) {
      const answer = await declare(path, limit + 1);
      expect(answer.status, path).toBe(413);
      expect(answer.body, path).toBe(`Payload Too Large: the body limit for this URL is ${limit} bytes\n`);
    }
  });

  it("a body within the limit still reaches the route", async () => {
    const response = await fetch(`${base}/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER },
      body: "shop=example-shop",
      redirect: "manual",
    });
    expect(response.status).toBe(302);
  });
});

// Shopify's deliveries of task topics take the server's node fast path (no Remix; docs/decisions/0097),
// with the route's answers (tests/integration/services/shopify/shopify-events.server.test.ts runs
// every case through both).
describe("Shopify deliveries at /webhooks/shopify", () => {
  const DELIVERY_SHOP = "production-deliveries.myshopify.com";
  const deliver = (body: string, headers: Record<string, string> = {}, secret = "production-test-secret") =>
    fetch(`${base}/webhooks/shopify`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body).digest("base64"),
        "X-Shopify-Topic": "customers/update",
        "X-Shopify-Shop-Domain": DELIVERY_SHOP,
        "X-Shopify-Webhook-Id": randomUUID(),
        ...headers,
      },
      body,
    });

  it("commits a signed delivery as an event before 200, once per X-Shopify-Webhook-Id", async () => {
    await prisma.shop.upsert({
      where: { domain: DELIVERY_SHOP },
      create: { domain: DELIVERY_SHOP, scopes: "read_customers" },
      update: { uninstalledAt: null },
    });
    const webhookId = randomUUID();
    const body = JSON.stringify({ id: 7, email: "ada@example.com" });
    const first = await deliver(body, { "X-Shopify-Webhook-Id": webhookId });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe("");
    const rows = await prisma.event.findMany({ where: { shop: DELIVERY_SHOP } });
    expect(rows.map((row) => [row.topic, row.source, row.status, JSON.parse(row.data).id])).toEqual([
      ["shopify/customers/update", "shopify", "pending", 7],
    ]);
    const again = await deliver(body, { "X-Shopify-Webhook-Id": webhookId });
    expect(again.status).toBe(200);
    expect(await again.text()).toBe("Ignored: this delivery was already handled\n");
    expect(await prisma.event.count({ where: { shop: DELIVERY_SHOP } })).toBe(1);
  });

  it("gives the route's answers to a bad signature, missing headers, an uninstalled shop and GET", async () => {
    const body = JSON.stringify({ id: 8 });
    const forged = await deliver(body, {}, "not-the-secret");
    expect([forged.status, await forged.text()]).toEqual([
      401,
      "Unauthorized: X-Shopify-Hmac-Sha256 does not match the body\n",
    ]);
    const noShop = await deliver(body, { "X-Shopify-Shop-Domain": "" });
    expect(noShop.status).toBe(400);
    await prisma.shop.upsert({
      where: { domain: "production-gone.myshopify.com" },
      create: { domain: "production-gone.myshopify.com", scopes: "", uninstalledAt: new Date() },
      update: { uninstalledAt: new Date() },
    });
    const gone = await deliver(body, { "X-Shopify-Shop-Domain": "production-gone.myshopify.com" });
    expect([gone.status, await gone.text()]).toEqual([200, "Ignored: the app is not installed on this shop\n"]);
    expect(await prisma.event.count({ where: { shop: "production-gone.myshopify.com" } })).toBe(0);
    const get = await fetch(`${base}/webhooks/shopify`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("stops reading a streamed 200 MB delivery at its limit: 413, connection closed", async () => {
    const result = await streamPost("/webhooks/shopify", 200 * MB, { "Content-Type": "application/json" });
    expect(result.status).toBe(413);
    expect(result.body).toBe(`Payload Too Large: the body limit for this URL is ${SHOPIFY_WEBHOOK_BODY_LIMIT} bytes\n`);
    expect(result.connection).toBe("close");
    expect(result.sentBeforeAnswer).toBeLessThan(40 * MB);
  });
});

describe("malformed %-escapes", () => {
  it("answer 400 without a stack trace, on every kind of route", async () => {
    for (const path of ["/%E0%A4", "/app/%zz", "/auth/%zz", "/cache/%zz", "/webhook/%zz", "/assets/%zz.js", "/x%"]) {
      for (const method of ["GET", "POST"]) {
        const response = await fetch(`${base}${path}`, { method, headers: { "User-Agent": BROWSER } });
        const text = await response.text();
        expect(response.status, `${method} ${path}`).toBe(400);
        expect(text).toBe("Bad Request: the URL path has a malformed %-escape\n");
      }
    }
    expect(output).not.toContain("URIError");
  });
});

describe("malformed %-escapes in Remix itself (as behind the dev server)", () => {
  it("page URLs answer 400 and no route answers 500 or shows a stack trace", async () => {
    process.env.SHOPIFY_API_KEY ??= "production-test-key";
    process.env.SHOPIFY_API_SECRET ??= "production-test-secret";
    const build = await import(pathToFileURL(resolve("build/server/index.js")).href);
    const handle = createRequestHandler(build, "development"); // development shows stack traces, if any
    for (const path of ["/%E0%A4", "/app/%zz", "/webhooks/app/%zz", "/x%", "/auth/%zz", "/cache/%zz", "/webhook/%zz"]) {
      const response = await handle(new Request(`http://localhost${path}`, { headers: { "User-Agent": BROWSER } }));
      const text = await response.text();
      expect(response.status, path).toBeLessThan(500);
      expect(text, path).not.toMatch(/\n\s+at /);
      if (!path.startsWith("/auth/") && !path.startsWith("/cache/") && !path.startsWith("/webhook/")) {
        expect(response.status, path).toBe(400);
      }
    }
  });
});

describe("the event page", () => {
  it("stays small for a 6 KB body nested 3,000 deep (it was 18 MB)", async () => {
    await seedOfflineSession(prisma, SHOP, "shpat_production_test");
    const deep = "[".repeat(3000) + "1" + "]".repeat(3000);
    const event = await prisma.event.create({
      data: {
        id: randomUUID(),
        shop: SHOP,
        topic: "user/deep/posted",
        data: deep,
        source: "user",
        status: "succeeded",
      },
    });
    const token = mintSessionToken(SHOP, "production-test-key", "production-test-secret");
    const page = await fetch(`${base}/app/events/${event.id}`, {
      headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("user/deep/posted");
    expect(html).toContain("Download raw JSON");
    expect(html.length).toBeLessThan(200_000);
  });
});

describe("/auth/login", () => {
  it("shows Shopify's login form instead of a 500", async () => {
    const page = await fetch(`${base}/auth/login`, { headers: { "User-Agent": BROWSER } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Log in to Hookline");
    expect(html).toContain('name="shop"');
  });

  it("says what is wrong with a bad shop domain, and sends a good one to Shopify", async () => {
    const form = (shop: string) =>
      fetch(`${base}/auth/login`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER },
        body: new URLSearchParams({ shop }).toString(),
        redirect: "manual",
      });
    const invalid = await form("not a shop!");
    expect(invalid.status).toBe(200);
    expect(await invalid.text()).toContain("Enter a shop domain like example.myshopify.com.");
    const missing = await form("");
    expect(await missing.text()).toContain("Enter your shop&#x27;s domain to log in.");
    const good = await form("example-shop.myshopify.com");
    expect(good.status).toBe(302);
    expect(good.headers.get("location")).toBe(
      "https://admin.shopify.com/store/example-shop/oauth/install?client_id=production-test-key",
    );
    const viaQuery = await fetch(`${base}/auth/login?shop=example-shop`, {
      headers: { "User-Agent": BROWSER },
      redirect: "manual",
    });
    expect(viaQuery.status).toBe(302);
  });
});
