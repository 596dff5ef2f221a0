// `npm run dev`.
// Without Shopify credentials: migrates SQLite, then runs the local development store, the worker and
// the app (Vite dev server) together, and prints the one URL to open.
// With SHOPIFY_API_KEY and SHOPIFY_API_SECRET (as `shopify app dev` provides): runs the app and the
// worker against real Shopify, like Shopify's template.
import { execFileSync } from "node:child_process";
import { defaultLocalStoreUrl } from "../app/config.server";
import { checkRedisOrExit } from "./lib/check-redis";
import { startProcess, stopOnSignals, waitForUrl } from "./lib/processes";

const realShopify = Boolean(process.env.SHOPIFY_API_KEY && process.env.SHOPIFY_API_SECRET);
const port = Number(process.env.PORT || 3000);

const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development" };
env.DATABASE_URL ||= "file:./prisma/dev.sqlite";
if (!realShopify) {
  env.LOCAL_STORE_URL ||= defaultLocalStoreUrl();
  env.SHOPIFY_APP_URL ||= `http://localhost:${port}`;
  env.LOCAL_STORE_PORT = new URL(env.LOCAL_STORE_URL).port;
  // The local store accepts calls to the app's own loopback addresses from HTTP actions.
  env.HTTP_ACTION_ALLOWED_HOSTS ||= "127.0.0.1,localhost";
  // The local store's mail catcher receives what the email action sends.
  env.LOCAL_STORE_SMTP_PORT ||= "3025";
  env.SMTP_URL ||= `smtp://127.0.0.1:${env.LOCAL_STORE_SMTP_PORT}`;
}
Object.assign(process.env, env);

await checkRedisOrExit("dev");
execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "inherit", env });

stopOnSignals();
if (!realShopify) {
  startProcess("store", "npx", ["tsx", "scripts/local-store.ts"], env);
  await waitForUrl(`${env.LOCAL_STORE_URL}/_local/health`);
}
startProcess("worker", "npx", ["tsx", "workers/index.ts"], env);
startProcess("app", "npx", ["remix", "vite:dev", "--port", String(port), "--strictPort"], env);
await waitForUrl(`http://localhost:${port}/health`);

const openUrl = realShopify ? "the preview URL printed by `shopify app dev`" : `http://localhost:${port}/local/login`;
console.log(`\n  Hookline is running. Open ${openUrl}\n`);
if (!realShopify) console.log(`  Local store (orders, customers, webhooks, mail): ${env.LOCAL_STORE_URL}/_local/\n`);
