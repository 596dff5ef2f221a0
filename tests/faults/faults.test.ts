// Fault tests (issue 16): the production build (build/web-server.js and build/worker.js as
// separate processes) against faults, with a steady stream of POSTs to a webhook whose task counts
// each event's executions with `cache incr` (one key per POST) and echoes. Per fault it prints
// `sent / 204 / events / task runs succeeded / executions counted / duplicates / lost` and fails on
// any loss (a 204 whose event never ran its task) or duplicate (a key counted twice).
//
// Faults that stop a service use this suite's own instances, never the shared ones: a Redis
// (redis-server) and a PostgreSQL (initdb/pg_ctl into a temporary directory), on ports 3750-3759
// (FAULTS_BASE_PORT moves them). The local store fault uses the local development store (in this
// process, on the fourth port) and a second webhook, of the store's shop, whose task writes a
// customer metafield per POST through the Admin API; the store counts each metafield's writes.
// Streams are short (a few seconds each) so the suite stays within about three minutes.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqlDriver, type SqlDriver } from "~/data/sql.server";
import { createLocalStore, type LocalStore } from "~/local-store";
import { ensureProductionBuild } from "../support/production-build";

const BASE_PORT = Number(process.env.FAULTS_BASE_PORT ?? 3750);
const REDIS_PORT = BASE_PORT;
const PG_PORT = BASE_PORT + 1;
const WEB_PORT = BASE_PORT + 2;
const STORE_PORT = BASE_PORT + 3;
const SHOP = "faults.myshopify.com";
/** The local store's seeded shop: the store fault's webhook and task belong to it. */
const STORE_SHOP = "demo-store.myshopify.com";
const METAFIELD_NAMESPACE = "faults";
const STREAM_MS = Number(process.env.FAULTS_STREAM_MS ?? 6_000);
const RATE_PER_S = 25;
const SETTLE_MS = 90_000;

const work = mkdtempSync(join(tmpdir(), "hookline-faults-"));
const processes = new Set<ChildProcess>();

function start(command: string, args: string[], env: Record<string, string> = {}, label = command): ChildProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.on("exit", () => processes.delete(child));
  (child as ChildProcess & { tail: () => string }).tail = () => `${label}: ${tail}`;
  processes.add(child);
  return child;
}

async function stop(child: ChildProcess | null, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await Promise.race([exited, sleep(10_000).then(() => child.kill("SIGKILL"))]);
  await exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// ------------------------------------------------------------------ own Redis

let redis: ChildProcess | null = null;

async function startRedis(): Promise<void> {
  redis = start("redis-server", [
    "--port",
    String(REDIS_PORT),
    "--save",
    "",
    "--appendonly",
    "no",
    "--bind",
    "127.0.0.1",
  ]);
  await until("redis to listen", async () => {
    const out = execFileSync("redis-cli", ["-p", String(REDIS_PORT), "ping"], { encoding: "utf8" });
    return out.trim() === "PONG";
  });
}

// ------------------------------------------------------------------ own PostgreSQL

const pgBin = (() => {
  try {
    const version = readdirSync("/usr/lib/postgresql").sort().pop();
    return version ? `/usr/lib/postgresql/${version}/bin` : null;
  } catch {
    return null;
  }
})();
const pgData = join(work, "pg");
const PG_OPTIONS = `-p ${PG_PORT} -k ${pgData} -c listen_addresses=127.0.0.1 -c fsync=off`;
const asPostgres = (args: string[]) =>
  process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", ...args]] : [args[0]!, args.slice(1)];

function pgCtl(action: string[]): void {
  const [command, args] = asPostgres([`${pgBin}/pg_ctl`, "-D", pgData, "-w", "-t", "60", ...action]) as [
    string,
    string[],
  ];
  execFileSync(command, args, { stdio: "pipe" });
}

async function pgCtlAsync(action: string[]): Promise<void> {
  const [command, args] = asPostgres([`${pgBin}/pg_ctl`, "-D", pgData, "-w", "-t", "60", ...action]) as [
    string,
    string[],
  ];
  await promisify(execFile)(command, args);
}

function startPostgres(): string {
  rmSync(pgData, { recursive: true, force: true });
  writeFileSync(join(work, ".keep"), "");
  chmodSync(work, 0o777);
  execFileSync("mkdir", ["-p", pgData]);
  if (process.getuid?.() === 0) chownSync(pgData, 101, 104);
  const [initCommand, initArgs] = asPostgres([`${pgBin}/initdb`, "-D", pgData, "-U", "postgres", "--auth=trust"]) as [
    string,
    string[],
  ];
  execFileSync(initCommand, initArgs, { stdio: "pipe" });
  pgCtl(["-l", join(pgData, "log"), "-o", PG_OPTIONS, "start"]);
  return `postgresql://postgres@127.0.0.1:${PG_PORT}/postgres`;
}

// ------------------------------------------------------------------ the app

interface App {
  databaseUrl: string;
  env: Record<string, string>;
  web: ChildProcess | null;
  worker: ChildProcess | null;
  webhookUrl: string;
  /** The store shop's webhook, whose task writes a customer metafield per POST. */
  storeWebhookUrl: string;
  sql: SqlDriver;
}

function appEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
    HOOKLINE_QUEUE_PREFIX: `hookline-faults-${process.pid}`,
    PORT: String(WEB_PORT),
    SHOPIFY_API_KEY: "faults-key",
    SHOPIFY_API_SECRET: "faults-secret",
    SHOPIFY_APP_URL: `http://127.0.0.1:${WEB_PORT}`,
    INGRESS_RATE_LIMIT_PER_MINUTE: "1000000",
    SWEEP_INTERVAL_MS: "2000",
    ACTION_LEASE_MS: "5000",
    TASK_LEASE_MS: "5000",
    WORKER_CONCURRENCY: "4",
    LOCAL_STORE_URL: "",
  };
}

function cli(env: Record<string, string>, args: string[], input?: string): string {
  return execFileSync("npx", ["tsx", "scripts/hookline.ts", ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    input,
    timeout: 120_000,
  });
}

async function startWeb(app: App): Promise<void> {
  app.web = start(process.execPath, ["build/web-server.js"], { ...app.env, NODE_ENV: "production" }, "web");
  await until("the web process to answer", async () => (await fetch(`${app.env.SHOPIFY_APP_URL}/health`)).status < 600);
}

async function startWorkerProcess(app: App, env: Record<string, string> = { NODE_ENV: "production" }): Promise<void> {
  const worker = start(process.execPath, ["build/worker.js"], { ...app.env, ...env }, "worker");
  app.worker = worker;
  // Up once it says it is processing: a fault must not land in its start (a Redis that vanished
  // while the worker was starting killed it with an unhandled MaxRetriesPerRequestError; noted on issue 16).
  await until(
    "the worker to start processing",
    async () => {
      if (worker.exitCode !== null) throw new Error(`the worker exited at start: ${tailOf(worker)}`);
      return tailOf(worker).includes("processing queues");
    },
    60_000,
  );
}

function tailOf(child: ChildProcess): string {
  return (child as ChildProcess & { tail?: () => string }).tail?.() ?? "";
}

/**
 * A worker in local mode (LOCAL_STORE_URL names the store): production refuses LOCAL_STORE_URL, so
 * this one runs the production build with NODE_ENV=test. Retries on a 1 s base (30 s by default),
 * so a write that met a 5xx is retried within the settle time.
 */
function localStoreWorkerEnv(storeUrl: string): Record<string, string> {
  return { NODE_ENV: "test", LOCAL_STORE_URL: storeUrl, RETRY_BASE_MS: "1000" };
}

async function setUpApp(databaseUrl: string): Promise<App> {
  const env = appEnv(databaseUrl);
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, ...env }, stdio: "pipe" });
  const webhook = JSON.parse(
    cli(env, ["webhooks", "create", "--shop", SHOP, "--name", "Faults", "--topic", "user/faults/post", "--json"]),
  ) as { url: string };
  const task = {
    name: "Count executions",
    subscriptions: ["user/faults/post"],
    options: {},
    script: '{% action "cache", "incr", event.data.key %}{% action "echo", key: event.data.key %}',
  };
  cli(env, ["tasks", "import", "--shop", SHOP, "-"], JSON.stringify(task));

  // The store fault's webhook and task: one customer metafield per POST, key and value the POST's key.
  const storeWebhook = JSON.parse(
    cli(env, [
      "webhooks",
      "create",
      "--shop",
      STORE_SHOP,
      "--name",
      "Faults",
      "--topic",
      "user/faults/shopify",
      "--json",
    ]),
  ) as { url: string };
  const customer = store.state.listCustomers(STORE_SHOP)[0]!;
  const storeTask = {
    name: "Write a metafield per POST",
    subscriptions: ["user/faults/shopify"],
    options: {},
    script: `{% assign metafield = hash %}
{% assign metafield["ownerId"] = "gid://shopify/Customer/${customer.id}" %}
{% assign metafield["namespace"] = "${METAFIELD_NAMESPACE}" %}
{% assign metafield["key"] = event.data.key %}
{% assign metafield["type"] = "single_line_text_field" %}
{% assign metafield["value"] = event.data.key %}
{% assign metafields = array | push: metafield %}
{% action "shopify" %}
  {
    "query": "mutation Set($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message code } } }",
    "variables": { "metafields": {{ metafields | json }} }
  }
{% endaction %}`,
  };
  cli(env, ["tasks", "import", "--shop", STORE_SHOP, "-"], JSON.stringify(storeTask));
  const sql = createSqlDriver(databaseUrl);
  // The offline session token exchange would leave behind (the worker's Admin API calls use it).
  await sql.run(
    `INSERT INTO "Session" ("id", "shop", "state", "isOnline", "scope", "accessToken") VALUES (?, ?, '', ?, ?, ?)`,
    [
      `offline_${STORE_SHOP}`,
      STORE_SHOP,
      false,
      "read_customers,write_customers",
      store.offlineAccessToken(STORE_SHOP),
    ],
  );

  const app: App = {
    databaseUrl,
    env,
    web: null,
    worker: null,
    webhookUrl: webhook.url,
    storeWebhookUrl: storeWebhook.url,
    sql,
  };
  await startWeb(app);
  await startWorkerProcess(app);
  return app;
}

async function tearDownApp(app: App): Promise<void> {
  await stop(app.web);
  await stop(app.worker);
  await app.sql.close();
}

// ------------------------------------------------------------------ a stream and its count

interface Tally {
  fault: string;
  sent: number;
  accepted: string[];
  shop: string;
}

/** POSTs at RATE_PER_S for STREAM_MS while `fault` runs; each body carries its own counter key. */
async function stream(
  app: App,
  label: string,
  fault: () => Promise<void>,
  url = app.webhookUrl,
  shop = SHOP,
): Promise<Tally> {
  const tally: Tally = { fault: label, sent: 0, accepted: [], shop };
  const prefix = `${label.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-`;
  const inFlight: Promise<void>[] = [];
  const end = Date.now() + STREAM_MS;
  const faultDone = sleep(300).then(fault);
  for (let n = 0; Date.now() < end; n++) {
    const key = `${prefix}${n}`;
    tally.sent++;
    inFlight.push(
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ key }),
        signal: AbortSignal.timeout(10_000),
      })
        .then((response) => {
          if (response.status === 204) tally.accepted.push(key);
        })
        .catch(() => {}),
    );
    await sleep(1000 / RATE_PER_S);
  }
  await Promise.all(inFlight);
  await faultDone;
  return tally;
}

interface Counted {
  events: number;
  taskRunsSucceeded: number;
  executions: number;
  duplicates: number;
  lost: number;
}

/** Executions per POST key: what the task counted with `cache incr` (one key per POST). */
type ExecutionCounter = (app: App, prefix: string) => Promise<Map<string, number>>;

const cacheExecutions: ExecutionCounter = async (app, prefix) => {
  const entries = await app.sql.all(`SELECT "key", "value" FROM "CacheEntry" WHERE "shop" = ? AND "key" LIKE ?`, [
    SHOP,
    `${prefix}%`,
  ]);
  return new Map(entries.map((row) => [String(row.key), Number(row.value)]));
};

/** Executions per POST key as the local store counted them: metafieldsSet writes of the key's metafield. */
function storeWrites(store: LocalStore): ExecutionCounter {
  return async (_app, prefix) => {
    const writes = store.state.metafieldWriteCounts(STORE_SHOP, METAFIELD_NAMESPACE);
    const values = new Map<string, number>();
    for (const [identifier, writesOfKey] of Object.entries(writes)) {
      const key = identifier.split("|")[2]!;
      if (key.startsWith(prefix)) values.set(key, writesOfKey);
    }
    return values;
  };
}

async function count(app: App, tally: Tally, counter: ExecutionCounter = cacheExecutions): Promise<Counted> {
  const prefix = tally.accepted[0]?.replace(/\d+$/, "") ?? "none-";
  const values = await counter(app, prefix);
  const [events] = await app.sql.all(
    `SELECT count(*) AS "n", sum(CASE WHEN t."status" = 'succeeded' THEN 1 ELSE 0 END) AS "ok"
     FROM "Event" e LEFT JOIN "TaskRun" t ON t."eventId" = e."id" WHERE e."shop" = ? AND e."data" LIKE ?`,
    [tally.shop, `%"${prefix}%`],
  );
  return {
    events: Number(events?.n ?? 0),
    taskRunsSucceeded: Number(events?.ok ?? 0),
    executions: [...values.values()].reduce((a, b) => a + b, 0),
    duplicates: [...values.values()].filter((v) => v > 1).length,
    lost: tally.accepted.filter((key) => !values.has(key)).length,
  };
}

/** Waits until every 204'd POST's task has counted it (or the settle time runs out), then counts. */
async function settle(app: App, tally: Tally, counter: ExecutionCounter = cacheExecutions): Promise<Counted> {
  const deadline = Date.now() + SETTLE_MS;
  let counted = await count(app, tally, counter);
  // Also every stored event: one committed by a web process killed before its 204 runs too.
  while ((counted.lost > 0 || counted.executions < counted.events) && Date.now() < deadline) {
    await sleep(500);
    counted = await count(app, tally, counter).catch(() => counted);
  }
  await sleep(1_000); // a late duplicate would show now
  counted = await count(app, tally, counter);
  if (counted.lost > 0) {
    // What the processes said last: the first thing to read when a fault loses events.
    for (const child of [app.web, app.worker])
      console.log((child as (ChildProcess & { tail?: () => string }) | null)?.tail?.());
  }
  console.log(
    `[faults] ${tally.fault.padEnd(34)} sent ${tally.sent} / 204 ${tally.accepted.length} / events ${counted.events} / task runs succeeded ${counted.taskRunsSucceeded} / executions counted ${counted.executions} / duplicates ${counted.duplicates} / lost ${counted.lost}`,
  );
  return counted;
}

function expectNoLossNoDuplicate(tally: Tally, counted: Counted, app: App): void {
  // A fault the app must survive never kills a process (the web process and the worker are
  // restarted only by the faults that kill them): a PostgreSQL restart once crashed the worker.
  for (const [name, child] of [
    ["web", app.web],
    ["worker", app.worker],
  ] as const) {
    expect(child?.exitCode ?? child?.signalCode ?? null, `the ${name} process exited during the fault`).toBeNull();
  }
  expect(tally.accepted.length, "some POSTs got their 204").toBeGreaterThan(0);
  expect(counted.lost, "204'd events whose task never counted them").toBe(0);
  expect(counted.duplicates, "events counted twice").toBe(0);
  // Every stored event executed once. Not "one per 204": a SIGKILLed web process can commit an event
  // and die before answering, and that event runs too (its sender saw no 204 and sends it again).
  expect(counted.executions, "executions of the stored events").toBe(counted.events);
}

// ------------------------------------------------------------------ the faults

async function killWorkerRepeatedly(app: App, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await sleep(STREAM_MS / (times + 1));
    await stop(app.worker, "SIGKILL");
    await startWorkerProcess(app);
  }
}

async function restartRedisEmpty(): Promise<void> {
  await sleep(STREAM_MS / 4);
  await stop(redis, "SIGKILL");
  await sleep(STREAM_MS / 4);
  await startRedis();
}

async function freezeRedis(): Promise<void> {
  await sleep(STREAM_MS / 4);
  redis!.kill("SIGSTOP");
  await sleep(STREAM_MS / 3);
  redis!.kill("SIGCONT");
}

async function killWeb(app: App): Promise<void> {
  await sleep(STREAM_MS / 3);
  await stop(app.web, "SIGKILL");
  await startWeb(app);
}

/**
 * What the store answers with meanwhile, over its HTTP control: once the task's writes arrive (the
 * worker has started), 5xx for a while, then THROTTLED for a while.
 */
async function storeFaults(store: LocalStore, prefix: string): Promise<void> {
  const set = async (body: Record<string, unknown>) => {
    const response = await fetch(`${store.url}/_local/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`setting the store fault failed: ${response.status} ${await response.text()}`);
  };
  await until(
    "the first metafield write",
    async () => (await storeWrites(store)(null as unknown as App, prefix)).size > 0,
    60_000,
  );
  const window = STREAM_MS / 3;
  await set({ mode: "5xx", forMs: window, status: 503 });
  await sleep(window);
  await set({ mode: "throttle", forMs: window });
  await sleep(window);
}

function runFaults(kind: "sqlite" | "postgres") {
  describe(`faults on ${kind}`, { timeout: 180_000 }, () => {
    let app: App;

    beforeAll(async () => {
      const url = kind === "sqlite" ? `file:${join(work, "faults.sqlite")}` : startPostgres();
      app = await setUpApp(url);
    }, 240_000);

    afterAll(async () => {
      if (app) await tearDownApp(app);
      if (kind === "postgres" && pgBin) {
        try {
          pgCtl(["-m", "immediate", "stop"]);
        } catch {
          // already stopped
        }
      }
    }, 60_000);

    it("worker SIGKILLed 3 times", async () => {
      const tally = await stream(app, `${kind} worker sigkill x3`, () => killWorkerRepeatedly(app, 3));
      expectNoLossNoDuplicate(tally, await settle(app, tally), app);
    });

    it("the local store answers 5xx, then THROTTLED", async () => {
      // This fault's worker runs in local mode; the others' in production mode, as before.
      await stop(app.worker);
      await startWorkerProcess(app, localStoreWorkerEnv(store.url!));
      const before = store.faults.status().injected;
      try {
        const tally = await stream(
          app,
          `${kind} local store 5xx throttled`,
          () => storeFaults(store, `${kind}-local-store-5xx-throttled-`),
          app.storeWebhookUrl,
          STORE_SHOP,
        );
        const counted = await settle(app, tally, storeWrites(store));
        const after = store.faults.status().injected;
        console.log(
          `[faults] ${"".padEnd(34)} the store answered ${after.serverErrors - before.serverErrors} x 5xx and ${after.throttled - before.throttled} x THROTTLED`,
        );
        // The fault must have met the writes, or the test proves nothing.
        expect(after.serverErrors - before.serverErrors, "writes answered 5xx").toBeGreaterThan(0);
        expect(after.throttled - before.throttled, "writes answered THROTTLED").toBeGreaterThan(0);
        expectNoLossNoDuplicate(tally, counted, app);
      } finally {
        store.faults.clear();
        await stop(app.worker);
        await startWorkerProcess(app);
      }
    });

    it("Redis down and restarted empty", async () => {
      const tally = await stream(app, `${kind} redis restarted empty`, restartRedisEmpty);
      expectNoLossNoDuplicate(tally, await settle(app, tally), app);
    });

    if (kind === "sqlite") {
      it("Redis frozen (SIGSTOP)", async () => {
        const tally = await stream(app, `${kind} redis frozen`, freezeRedis);
        expectNoLossNoDuplicate(tally, await settle(app, tally), app);
      });

      it("web process SIGKILLed", async () => {
        const tally = await stream(app, `${kind} web sigkill`, () => killWeb(app));
        expectNoLossNoDuplicate(tally, await settle(app, tally), app);
      });
    }

    if (kind === "postgres") {
      // A full `npm test` run once left 88 of 144 events without a succeeded task run: the restart
      // ended a connection the SQL driver held in a transaction, pg emitted 'error' on that client
      // with no listener, and the worker died (fixed in app/data/sql.server.ts's batch; regression
      // test in tests/integration/data/sql.server.test.ts). Not retried: a loss fails the suite.
      it("PostgreSQL restarted", async () => {
        const tally = await stream(app, `${kind} postgresql restart`, async () => {
          await sleep(STREAM_MS / 3);
          // Asynchronously, so the stream goes on while the server restarts; with -l, so the server
          // does not hold pg_ctl's output pipe open (pg_ctl would never be seen to return).
          await pgCtlAsync(["-m", "fast", "-l", join(pgData, "log"), "-o", PG_OPTIONS, "restart"]);
        });
        expectNoLossNoDuplicate(tally, await settle(app, tally), app);
      });
    }
  });
}

let store: LocalStore;

beforeAll(async () => {
  ensureProductionBuild();
  await startRedis();
  store = createLocalStore({ apiKey: "faults-key", apiSecret: "faults-secret", appUrl: null });
  await store.listen(STORE_PORT, "127.0.0.1");
}, 600_000);

afterAll(async () => {
  await store?.close();
  for (const child of [...processes]) await stop(child, "SIGKILL");
  rmSync(work, { recursive: true, force: true });
}, 60_000);

runFaults("sqlite");
if (pgBin) runFaults("postgres");
