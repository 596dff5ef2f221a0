// `npm run dev`.
// Without Shopify credentials: migrates SQLite, then runs the local development store, the worker and
// the app (Vite dev server) together, and prints the one URL to open.
// With SHOPIFY_API_KEY and SHOPIFY_API_SECRET (as `shopify app dev` provides): runs the app and the
// worker against real Shopify, like Shopify's template.
import { defaultLocalStoreUrl, hasShopifyCredentials, loadConfig, loadConfigOrExit } from "../app/config.server";
import { checkRedisOrExit } from "../app/data/redis-check.server";
import { localModeEnv } from "./lib/local-mode-env";
import { migrateDeploy } from "./lib/migrate";
import { startProcess, stopOnSignals, waitForUrl } from "./lib/processes";

const config = loadConfigOrExit();
const realShopify = hasShopifyCredentials();
const port = config.web.port;

// What the app, the worker and the store are started with (and this process reads from now on).
const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", DATABASE_URL: config.databaseUrl };
if (!realShopify) {
  Object.assign(env, localModeEnv(config.shopify.appUrl, config.localStore.url ?? defaultLocalStoreUrl()));
  // The local store accepts calls to the app's own loopback addresses from HTTP actions.
  if (config.httpAction.allowedHosts.length === 0) env.HTTP_ACTION_ALLOWED_HOSTS = "127.0.0.1,localhost";
  // The local store's mail catcher receives what the email action sends.
  env.LOCAL_STORE_SMTP_PORT = String(config.localStore.smtpPort);
  env.SMTP_URL = config.email.smtpUrl ?? `smtp://127.0.0.1:${config.localStore.smtpPort}`;
}
Object.assign(process.env, env);
loadConfig();

await checkRedisOrExit("dev");
migrateDeploy(env);

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
