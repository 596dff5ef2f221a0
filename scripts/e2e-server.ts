// Runs what the end-to-end tests talk to: the production build (`npm run build`: the app and the
// compiled web and worker processes, run with node as `npm start` and `npm run worker` do) in local
// mode (NODE_ENV=test), and the local development store, on a fresh SQLite database. Started by Playwright.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { localModeEnv, withoutShopifyCredentials } from "./lib/local-mode-env";
import { migrateDeploy } from "./lib/migrate";
import { startProcess, stopOnSignals, waitForUrl } from "./lib/processes";
import { e2eQueuePrefix } from "./lib/e2e-queue-prefix";
import { removeRedisKeys } from "./lib/redis-keys";

const port = Number(process.env.E2E_PORT || 3100);
const storePort = Number(process.env.E2E_LOCAL_STORE_PORT || port + 1); // 3101 by default
// The store's mail catcher: 1000 above the store's port unless given (3101 -> 4101).
const smtpPort = Number(process.env.E2E_LOCAL_STORE_SMTP_PORT || storePort + 1000);

mkdirSync("tests/output", { recursive: true });
const dbFile = "tests/output/e2e.sqlite";
for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });

const env: NodeJS.ProcessEnv = {
  ...withoutShopifyCredentials(process.env),
  NODE_ENV: "test",
  PORT: String(port),
  HOST: "127.0.0.1",
  DATABASE_URL: `file:./${dbFile}`,
  ...localModeEnv(`http://localhost:${port}`, `http://127.0.0.1:${storePort}`),
  LOCAL_STORE_SMTP_PORT: String(smtpPort),
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  // Webhook retries in seconds rather than minutes, so a test can watch one.
  LOCAL_STORE_WEBHOOK_TIME_SCALE: process.env.LOCAL_STORE_WEBHOOK_TIME_SCALE || "0.01",
  HOOKLINE_QUEUE_PREFIX: e2eQueuePrefix(port),
  HTTP_ACTION_ALLOWED_HOSTS: "127.0.0.1,localhost",
};

const built = ["build/server/index.js", "build/web-server.js", "build/worker.js"].every((file) => existsSync(file));
if (!built || process.env.E2E_BUILD !== "0") {
  execFileSync("npm", ["run", "-s", "build"], { stdio: "inherit", env: { ...env, NODE_ENV: "production" } });
}
migrateDeploy(env);

// Its queues' keys go when it stops, and any a killed run on this port left go before it starts.
await removeRedisKeys(env.HOOKLINE_QUEUE_PREFIX!, env.REDIS_URL);
stopOnSignals(() => removeRedisKeys(env.HOOKLINE_QUEUE_PREFIX!, env.REDIS_URL));
startProcess("store", "npx", ["tsx", "scripts/local-store.ts"], env);
await waitForUrl(`http://127.0.0.1:${storePort}/_local/health`);
startProcess("worker", process.execPath, ["--enable-source-maps", "build/worker.js"], env);
startProcess("app", process.execPath, ["--enable-source-maps", "build/web-server.js"], env);
await waitForUrl(`http://127.0.0.1:${port}/health`);
console.log(`e2e server ready on http://localhost:${port}`);
