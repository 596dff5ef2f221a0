// CORS in a real browser: a page on another origin POSTs JSON (which forces a preflight) to a webhook.
import { createServer, type Server } from "node:http";
import { expect, test } from "@playwright/test";
import { countEvents, hooklineJson, withDb } from "./support/e2e-db";

const SHOP = "demo-store.myshopify.com";

// A page whose script posts to the URL in its query string and reports what the browser allowed.
const PAGE = `<!doctype html><html lang="en"><head><title>sender</title></head><body><main id="out">waiting</main><script>
const target = new URLSearchParams(location.search).get("target");
fetch(target, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ from: location.origin }) })
  .then((r) => { document.getElementById("out").textContent = "status " + r.status + " request " + r.headers.get("x-request-id"); })
  .catch((e) => { document.getElementById("out").textContent = "blocked " + e.name; });
</script></body></html>`;

let pageServer: Server;
let pagePort: number;

test.beforeAll(async () => {
  pageServer = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
  pagePort = (pageServer.address() as { port: number }).port;
});

test.afterAll(() => pageServer.close());

function createWebhook(cors: "any" | "restricted"): { id: string; url: string } {
  return hooklineJson([
    "webhooks",
    "create",
    "--shop",
    SHOP,
    "--name",
    `CORS ${cors}`,
    "--topic",
    "user/cors/test",
    "--cors",
    cors,
  ]);
}

function allowOrigins(origins: string[]): void {
  withDb((db) =>
    db
      .prepare(
        `INSERT INTO Shop (domain, corsOrigins, updatedAt) VALUES (?, ?, ?)
         ON CONFLICT(domain) DO UPDATE SET corsOrigins = excluded.corsOrigins`,
      )
      .run(SHOP, JSON.stringify(origins), new Date().toISOString()),
  );
}

async function postFrom(page: import("@playwright/test").Page, origin: string, target: string): Promise<string> {
  await page.goto(`${origin}/?target=${encodeURIComponent(target)}`);
  await expect(page.locator("#out")).not.toHaveText("waiting");
  return (await page.locator("#out").textContent()) ?? "";
}

test("any origin may POST by default (Mechanic's behaviour), and sees X-Request-Id", async ({ page }) => {
  const webhook = createWebhook("any");
  const result = await postFrom(page, `http://127.0.0.1:${pagePort}`, webhook.url);
  expect(result).toMatch(/^status 204 request [0-9a-f-]{36}$/);
  await expect.poll(() => countEvents(webhook.id)).toBe(1);
});

test("restricted: an allowed origin may POST; a refused origin is blocked and creates nothing", async ({ page }) => {
  const webhook = createWebhook("restricted");
  allowOrigins([`http://127.0.0.1:${pagePort}`]);

  const allowed = await postFrom(page, `http://127.0.0.1:${pagePort}`, webhook.url);
  expect(allowed).toMatch(/^status 204/);
  await expect.poll(() => countEvents(webhook.id)).toBe(1);

  // Same server, another origin (localhost is not 127.0.0.1 to a browser).
  const refused = await postFrom(page, `http://localhost:${pagePort}`, webhook.url);
  expect(refused).toBe("blocked TypeError");
  await page.waitForTimeout(500);
  expect(countEvents(webhook.id)).toBe(1);
});
