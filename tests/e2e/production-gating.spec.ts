// The local login and App Bridge stub must not exist in a production build, nor with real credentials.
// Production refuses LOCAL_STORE_URL (and HTTP_ACTION_ALLOW_PRIVATE) outright: the server does not start.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { expect, test } from "@playwright/test";
import { freePort } from "../../scripts/lib/free-port";
import { removeRedisKeys } from "../../scripts/lib/redis-keys";

// A queue prefix of this file's own: the servers it starts would otherwise take the database's
// default one and leave their queues' keys in Redis.
const QUEUE_PREFIX = `hookline-e2e-gating-${Date.now()}`;
const BASE_ENV = {
  HOST: "127.0.0.1",
  DATABASE_URL: "file:./tests/output/e2e.sqlite",
  HOOKLINE_QUEUE_PREFIX: QUEUE_PREFIX,
};

test.afterAll(async () => {
  await removeRedisKeys(QUEUE_PREFIX);
});

async function startServer(port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // The compiled server, as `npm start` runs it (scripts/e2e-server.ts has built it).
  const child = spawn(process.execPath, ["build/web-server.js"], {
    env: { ...process.env, ...BASE_ENV, ...env, PORT: String(port) },
    stdio: "ignore",
    detached: true, // its own process group, so stopGroup() stops all of it
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stopGroup(child);
  throw new Error("server did not start");
}

function stopGroup(child: ChildProcess): void {
  if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
}

for (const [name, env] of [
  ["a production build", { NODE_ENV: "production", SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s" }],
  [
    "real credentials",
    {
      NODE_ENV: "development",
      LOCAL_STORE_URL: "http://127.0.0.1:3101",
      SHOPIFY_API_KEY: "k",
      SHOPIFY_API_SECRET: "s",
    },
  ],
] as const) {
  test(`local-only routes answer 404 with ${name}`, async () => {
    const port = await freePort();
    const server = await startServer(port, env);
    try {
      for (const path of ["/local/login", "/local/session-token", "/local/app-bridge.js"]) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: "manual" });
        expect(response.status, path).toBe(404);
      }
    } finally {
      stopGroup(server);
    }
  });
}

for (const [variable, value] of [
  ["LOCAL_STORE_URL", "http://127.0.0.1:3101"],
  ["HTTP_ACTION_ALLOW_PRIVATE", "1"],
] as const) {
  for (const [processName, command] of [
    ["web server", "npm start"],
    ["worker", "npm run worker"],
  ] as const) {
    test(`the production ${processName} refuses ${variable} and does not start`, () => {
      const result = spawnSync("npm", ["run", "-s", command.replace(/^npm (run )?/, "")], {
        env: { ...process.env, ...BASE_ENV, SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", [variable]: value },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("Invalid configuration:");
      expect(result.stderr).toContain(`${variable}="${value}" is refused in production`);
    });
  }
}
