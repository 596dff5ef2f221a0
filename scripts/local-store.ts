// Starts the local development store (a stand-in for the Shopify Admin API; see
// docs/decisions/0002-local-development-store.md). Run with `npx tsx scripts/local-store.ts`.
// LOCAL_STORE_PORT, LOCAL_STORE_HOST, LOCAL_STORE_BUCKET_SIZE and LOCAL_STORE_RESTORE_RATE configure
// it (app/config.server.ts), and it accepts the app's credentials and scopes.
import { loadConfigOrExit } from "../app/config.server";
import { createLocalStore } from "../app/local-store";

const config = loadConfigOrExit();
const { port, host } = config.localStore;

const store = createLocalStore({
  ...(config.shopify.apiKey && config.shopify.apiSecret
    ? { apiKey: config.shopify.apiKey, apiSecret: config.shopify.apiSecret }
    : {}),
  scopes: config.shopify.scopes.join(","),
  bucketSize: config.localStore.bucketSize,
  restoreRate: config.localStore.restoreRate,
});

store.listen(port, host).then(
  (url) => console.log(`Local development store listening on ${url}`),
  (error: NodeJS.ErrnoException) => {
    const reason =
      error.code === "EADDRINUSE" ? `port ${port} is already in use (set LOCAL_STORE_PORT)` : error.message;
    console.error(`Local development store could not start: ${reason}`);
    process.exit(1);
  },
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    store.close().finally(() => process.exit(0));
  });
}
