// The configuration module: every variable's default, validation with messages that name the
// variable, production's refusals, and the README table generated from the same schema.
import { describe, expect, it } from "vitest";
import { ConfigError, ENVIRONMENT, environmentTable, parseConfig } from "~/config.server";
import { DEFAULT_BUCKET_SIZE, DEFAULT_RESTORE_RATE } from "~/local-store";
import { formattedEnvironmentTable, readmeEnvironmentTable } from "../../scripts/lib/environment-table";

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe("defaults", () => {
  it("fills every value from an empty environment", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      nodeEnv: "development",
      isProduction: false,
      databaseUrl: "file:./prisma/dev.sqlite",
      redisUrl: "redis://127.0.0.1:6379",
      queuePrefix: null,
      sqliteSynchronous: "FULL",
      web: { port: 3000, host: "localhost", hmrPort: 64999 },
      shopify: {
        apiKey: null,
        apiSecret: null,
        appUrl: "http://localhost:3000",
        scopes: ["read_customers", "write_customers"],
        appBridgeUrl: null,
      },
      localStore: {
        url: null,
        port: 3001,
        host: "127.0.0.1",
        bucketSize: 1000,
        restoreRate: 50,
        smtpPort: 3025,
        webhookTimeScale: 1,
      },
      worker: {
        concurrency: 32,
        lockMs: 30_000,
        sweepIntervalMs: 10_000,
        retryBaseMs: 30_000,
        actionLeaseMs: 120_000,
        taskLeaseMs: 60_000,
      },
      ingress: { bodyLimitBytes: 1_048_576, rateLimitPerMinute: 600, rawBodyRetentionHours: 72, ipHashSalt: null },
      httpAction: { allowPrivate: false, allowedHosts: [] },
      email: { smtpUrl: null },
    });
  });

  it("starts the local store with its own defaults (Shopify's standard bucket)", () => {
    expect(parseConfig({}).localStore).toMatchObject({
      bucketSize: DEFAULT_BUCKET_SIZE,
      restoreRate: DEFAULT_RESTORE_RATE,
    });
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ PORT: "", SHOPIFY_API_KEY: " ", WORKER_CONCURRENCY: "" }).web.port).toBe(3000);
  });

  it("derives what depends on other values", () => {
    expect(parseConfig({ PORT: "3300" }).shopify.appUrl).toBe("http://localhost:3300");
    expect(parseConfig({ SHOPIFY_APP_URL: "https://hooks.example.com//" }).shopify.appUrl).toBe(
      "https://hooks.example.com",
    );
    expect(parseConfig({ NODE_ENV: "production" }).web.host).toBe("0.0.0.0");
    expect(parseConfig({ NODE_ENV: "test", HOST: "127.0.0.1" }).web.host).toBe("127.0.0.1");
  });

  it("parses numbers, lists and flags", () => {
    const config = parseConfig({
      RETRY_BASE_MS: "0",
      LOCAL_STORE_RESTORE_RATE: "7.5",
      HTTP_ACTION_ALLOWED_HOSTS: " Store.Local , 127.0.0.1,",
      HTTP_ACTION_ALLOW_PRIVATE: "true",
      SCOPES: "read_customers, write_customers ,read_orders",
    });
    expect(config.worker.retryBaseMs).toBe(0);
    expect(config.localStore.restoreRate).toBe(7.5);
    expect(config.httpAction).toEqual({ allowPrivate: true, allowedHosts: ["store.local", "127.0.0.1"] });
    expect(config.shopify.scopes).toEqual(["read_customers", "write_customers", "read_orders"]);
    expect(parseConfig({ HTTP_ACTION_ALLOW_PRIVATE: "0" }).httpAction.allowPrivate).toBe(false);
  });

  it("reads the mail catcher, the store's webhook time scale and the email action's SMTP server", () => {
    const config = parseConfig({
      LOCAL_STORE_SMTP_PORT: "4701",
      LOCAL_STORE_WEBHOOK_TIME_SCALE: "0.01",
      SMTP_URL: "smtp://user:pass@127.0.0.1:4701",
    });
    expect(config.localStore).toMatchObject({ smtpPort: 4701, webhookTimeScale: 0.01 });
    expect(config.email.smtpUrl).toBe("smtp://user:pass@127.0.0.1:4701");
    expect(parseConfig({ SMTP_URL: "smtps://mail.example.com:465" }).email.smtpUrl).toBe(
      "smtps://mail.example.com:465",
    );
  });
});

describe("invalid values", () => {
  it("are refused with a message naming the variable, the value and the rule", () => {
    expect(problems({ INGRESS_BODY_LIMIT_BYTES: "1mb" })).toEqual([
      'INGRESS_BODY_LIMIT_BYTES="1mb" must be a whole number',
    ]);
    expect(problems({ WORKER_CONCURRENCY: "0" })).toEqual(['WORKER_CONCURRENCY="0" must be from 1 to 1000']);
    expect(problems({ PORT: "99999" })).toEqual(['PORT="99999" must be from 0 to 65535']);
    expect(problems({ LOCAL_STORE_BUCKET_SIZE: "lots" })).toEqual(['LOCAL_STORE_BUCKET_SIZE="lots" must be a number']);
    expect(problems({ NODE_ENV: "staging" })[0]).toMatch(/^NODE_ENV="staging" must be one of/);
    expect(problems({ LOCAL_STORE_URL: "127.0.0.1:3001" })).toEqual([
      'LOCAL_STORE_URL="127.0.0.1:3001" must be an http:// or https:// URL',
    ]);
    expect(problems({ HTTP_ACTION_ALLOW_PRIVATE: "yes" })[0]).toMatch(/^HTTP_ACTION_ALLOW_PRIVATE="yes" must be "1"/);
    expect(problems({ LOCAL_STORE_SMTP_PORT: "70000" })).toEqual([
      'LOCAL_STORE_SMTP_PORT="70000" must be from 0 to 65535',
    ]);
    expect(problems({ LOCAL_STORE_WEBHOOK_TIME_SCALE: "0" })).toEqual([
      'LOCAL_STORE_WEBHOOK_TIME_SCALE="0" must be above 0',
    ]);
  });

  it("lists every problem at once", () => {
    expect(problems({ PORT: "x", REDIS_URL: "localhost:6379", INGRESS_RATE_LIMIT_PER_MINUTE: "-1" })).toHaveLength(3);
  });

  it("never echoes secrets or URLs that may hold passwords", () => {
    const [problem] = problems({ DATABASE_URL: "mysql://user:hunter2@db/hookline" });
    expect(problem).toBe("DATABASE_URL (value hidden) must start with file: (SQLite) or postgresql:// (PostgreSQL)");
    expect(problem).not.toContain("hunter2");
    expect(problems({ SMTP_URL: "http://user:hunter2@mail.example.com" })).toEqual([
      "SMTP_URL (value hidden) must be an smtp:// or smtps:// URL",
    ]);
  });

  it("wants both Shopify credentials or neither", () => {
    expect(problems({ SHOPIFY_API_KEY: "key" })).toEqual(["SHOPIFY_API_SECRET must be set too (set both or neither)"]);
    expect(parseConfig({ SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "secret" }).shopify.apiKey).toBe("key");
  });

  it("has a message that lists the problems one per line", () => {
    expect(() => parseConfig({ PORT: "x" })).toThrow('Invalid configuration:\n  - PORT="x" must be a whole number');
  });
});

describe("production", () => {
  it("refuses the local development store and private HTTP actions", () => {
    expect(problems({ NODE_ENV: "production", LOCAL_STORE_URL: "http://127.0.0.1:3001" })[0]).toMatch(
      /^LOCAL_STORE_URL="http:\/\/127.0.0.1:3001" is refused in production/,
    );
    expect(problems({ NODE_ENV: "production", HTTP_ACTION_ALLOW_PRIVATE: "1" })[0]).toMatch(
      /^HTTP_ACTION_ALLOW_PRIVATE="1" is refused in production/,
    );
  });

  it("accepts named hosts and the same values outside production", () => {
    expect(parseConfig({ NODE_ENV: "production", HTTP_ACTION_ALLOWED_HOSTS: "10.0.0.5" }).httpAction).toEqual({
      allowPrivate: false,
      allowedHosts: ["10.0.0.5"],
    });
    expect(parseConfig({ NODE_ENV: "test", LOCAL_STORE_URL: "http://127.0.0.1:3001" }).localStore.url).toBe(
      "http://127.0.0.1:3001",
    );
  });
});

describe("the README's Environment table", () => {
  it("has one row per variable of the schema", () => {
    const rows = environmentTable().split("\n").slice(2);
    expect(rows.map((row) => /^\| `(\w+)` \|/.exec(row)?.[1])).toEqual(Object.keys(ENVIRONMENT));
  });

  it("is the table generated from the schema (run `npm run docs:env` after changing a variable)", async () => {
    expect(readmeEnvironmentTable()).toBe(await formattedEnvironmentTable());
  });
});
