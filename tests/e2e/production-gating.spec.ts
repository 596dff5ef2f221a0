// The local login and App Bridge stub must not exist in a production build, nor with real credentials,
// even when LOCAL_STORE_URL is set by mistake.
import { spawn, type ChildProcess } from "node:child_process";
import { expect, test } from "@playwright/test";

async function startServer(port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn("npx", ["tsx", "scripts/serve.ts"], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: "file:./tests/output/e2e.sqlite",
    },
    stdio: "ignore",
    detached: true, // its own process group, so stopGroup() also stops what npx starts beneath it
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
  [
    "a production build",
    { NODE_ENV: "production", LOCAL_STORE_URL: "http://127.0.0.1:3101", SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s" },
  ],
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
    const port = 3150 + Math.floor(Math.random() * 40);
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
