// Starts the local development store (a stand-in for the Shopify Admin API; see
// docs/decisions/0002-local-development-store.md). Run with `npx tsx scripts/local-store.ts`.
// LOCAL_STORE_PORT (default 3001), LOCAL_STORE_HOST (default 127.0.0.1),
// LOCAL_STORE_BUCKET_SIZE and LOCAL_STORE_RESTORE_RATE (throttling) configure it.
import { createLocalStore } from "../app/local-store";

const port = Number(process.env.LOCAL_STORE_PORT || 3001);
const host = process.env.LOCAL_STORE_HOST || "127.0.0.1";

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`LOCAL_STORE_PORT must be a port number, got ${JSON.stringify(process.env.LOCAL_STORE_PORT)}`);
  process.exit(1);
}

let store: ReturnType<typeof createLocalStore>;
try {
  store = createLocalStore();
} catch (error) {
  console.error(`Local development store: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

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
