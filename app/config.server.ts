// Configuration: every environment variable Hookline reads, parsed and validated once, with its
// default and its meaning in one place (ENVIRONMENT below). A process calls loadConfigOrExit() when
// it starts, so a wrong value stops it with a message naming the variable; everything else reads
// config() (which loads it on first use). The README's Environment table is generated from ENVIRONMENT (`npm run docs:env`) and a
// unit test keeps the two equal.
//
// Adding a variable: one entry in ENVIRONMENT, one field in Config (shape()), then `npm run docs:env`.
import { z } from "zod";

export const LOCAL_API_KEY = "hookline-local-api-key";
export const LOCAL_API_SECRET = "hookline-local-api-secret";
export const LOCAL_SHOP = "demo-store.myshopify.com";
export const API_VERSION = "2025-10";
/** Where Redis is when REDIS_URL is not set. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

// ------------------------------------------------------------------ value rules

function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine(
      (n) => n >= min && n <= max,
      max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be from ${min} to ${max}`,
    );
}

function positiveNumber() {
  return z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, "must be a number")
    .transform(Number)
    .refine((n) => n > 0, "must be above 0");
}

const port = () => wholeNumber(0, 65535);

function httpUrl() {
  return z
    .string()
    .trim()
    .refine(
      (text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol),
      "must be an http:// or https:// URL",
    )
    .transform((text) => text.replace(/\/+$/, ""));
}

function smtpUrlSchema() {
  return z
    .string()
    .trim()
    .refine(
      (text) => URL.canParse(text) && /^smtps?:$/.test(new URL(text).protocol),
      "must be an smtp:// or smtps:// URL",
    );
}

const flag = () =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((text) => ["1", "true", "0", "false"].includes(text), 'must be "1" or "true" (or "0" / "false")')
    .transform((text) => text === "1" || text === "true");

const list = () =>
  z.string().transform((text) =>
    text
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

// ------------------------------------------------------------------ the variables

interface Variable {
  schema: z.ZodType;
  /** What it means, for the README (Markdown). */
  doc: string;
  /** The README's default column when it is not simply the parsed default. */
  defaultText?: string;
  /** Never echoed in error messages (secrets, URLs that may hold passwords). */
  secret?: boolean;
}

export const ENVIRONMENT = {
  NODE_ENV: {
    schema: z.enum(["development", "production", "test"]).default("development"),
    doc: "`production` for `npm start` and `npm run worker`; refuses the local store and private HTTP actions",
  },
  DATABASE_URL: {
    schema: z
      .string()
      .trim()
      .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgresql:// (PostgreSQL)")
      .default("file:./prisma/dev.sqlite"),
    doc: "`file:...` = SQLite, `postgresql://...` = PostgreSQL",
    secret: true,
  },
  REDIS_URL: {
    schema: z
      .string()
      .trim()
      .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
      .default(DEFAULT_REDIS_URL),
    doc: "BullMQ's Redis",
    secret: true,
  },
  HOOKLINE_QUEUE_PREFIX: {
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, "must be 1 to 100 letters, digits or _ . : -")
      .optional(),
    doc: "Redis key prefix of every queue and key; unset, `hookline-<installation id>`, so installations with different databases can share one Redis (decision 0012; tests use their own)",
    defaultText: "derived from the database",
  },
  SQLITE_SYNCHRONOUS: {
    schema: z
      .string()
      .trim()
      .toUpperCase()
      .refine((text) => text === "FULL" || text === "NORMAL", "must be FULL or NORMAL")
      .transform((text) => text as "FULL" | "NORMAL")
      .default("FULL"),
    doc: "SQLite only: `FULL` answers 204 once the event is on disk (survives a power loss); `NORMAL` once committed (survives a process crash); decision 0011",
  },
  SHOPIFY_API_KEY: {
    schema: z.string().trim().optional(),
    doc: "the app's client id; when unset, `npm run dev` uses the local store",
  },
  SHOPIFY_API_SECRET: {
    schema: z.string().trim().optional(),
    doc: "the app's client secret (set both or neither)",
    secret: true,
  },
  SHOPIFY_APP_URL: {
    schema: httpUrl().optional(),
    doc: "public URL of the app (webhook and cache endpoint URLs are built from it)",
    defaultText: "`http://localhost:<PORT>`",
  },
  SCOPES: {
    schema: z.string().trim().default("read_customers,write_customers"),
    doc: "Admin API scopes",
  },
  APP_BRIDGE_URL: {
    schema: httpUrl().optional(),
    doc: "where embedded pages load App Bridge from; `npm run dev` points it at the local store's stub",
    defaultText: "Shopify's CDN",
  },
  PORT: { schema: port().default(3000), doc: "web server port" },
  HOST: {
    schema: z.string().trim().optional(),
    doc: "web server address",
    defaultText: "`0.0.0.0` in production, else `localhost`",
  },
  HMR_PORT: { schema: port().default(64999), doc: "Vite's hot reload port (`npm run dev`)" },
  LOCAL_STORE_URL: {
    schema: httpUrl().optional(),
    doc: "local development store origin (local mode); refused in production",
  },
  LOCAL_STORE_PORT: { schema: port().default(3001), doc: "where `npm run dev` starts the local store" },
  LOCAL_STORE_HOST: { schema: z.string().trim().default("127.0.0.1"), doc: "the local store's address" },
  LOCAL_STORE_BUCKET_SIZE: {
    schema: positiveNumber().default(1000), // Shopify's standard bucket, the store's own default
    doc: "the local store's cost-based throttle: bucket size in points",
  },
  LOCAL_STORE_RESTORE_RATE: {
    schema: positiveNumber().default(50),
    doc: "the local store's throttle: points restored per second",
  },
  LOCAL_STORE_SMTP_PORT: {
    schema: port().default(3025),
    doc: "the local store's mail catcher (SMTP); messages at `/_local/mail/view`",
  },
  LOCAL_STORE_WEBHOOK_TIME_SCALE: {
    schema: positiveNumber().default(1),
    doc: "multiplies the local store's webhook retry delays (tests shrink them)",
  },
  SMTP_URL: {
    schema: smtpUrlSchema().optional(),
    doc: "the `email` action's SMTP server (`smtp://` or `smtps://`; unset: no email); `npm run dev` sets the mail catcher",
    secret: true,
  },
  EMAIL_FROM: {
    schema: z
      .string()
      .trim()
      .regex(/^[^\s@<>]+@[^\s@<>]+$/, "must be an email address like hookline@example.com")
      .optional(),
    doc: "the `email` action's sender address (tasks choose only the display name); default `hookline@<SHOPIFY_APP_URL's host>`",
  },
  WORKER_CONCURRENCY: {
    schema: wholeNumber(1, 1000).default(32),
    doc: "jobs per queue in each worker process, and events it works on at once (a job may carry up to 16 events)",
  },
  WORKER_HEALTH_PORT: {
    schema: port().optional(),
    doc: "when set, each worker process serves `GET /health` on this port (all interfaces in production, else 127.0.0.1) (heartbeat, Redis, database; 200 or 503) for an orchestrator and `hookline doctor`; one port per worker on a host",
    defaultText: "(unset: no endpoint)",
  },
  WORKER_LOCK_MS: { schema: wholeNumber(1).default(30_000), doc: "BullMQ job lock" },
  SWEEP_INTERVAL_MS: {
    schema: wholeNumber(1).default(10_000),
    doc: "how often the recovery and retention sweep runs",
  },
  RETRY_BASE_MS: {
    schema: wholeNumber(0).default(30_000),
    doc: "base of the action retry schedule (about 30 s, 1, 2.5 and 5 min)",
  },
  ACTION_LEASE_MS: {
    schema: wholeNumber(1).default(120_000),
    doc: 'an action run "running" longer than this belonged to a dead worker',
  },
  TASK_LEASE_MS: {
    schema: wholeNumber(1).default(60_000),
    doc: 'a task run "running" longer than this belonged to a dead worker',
  },
  TASK_RUN_MAX_ACTIONS: {
    schema: wholeNumber(1, 100_000).default(1000),
    doc: "actions one task run may perform; a run rendering more fails and performs none",
  },
  EVENT_CHAIN_MAX_EVENTS: {
    schema: wholeNumber(1, 1_000_000).default(1000),
    doc: "events that actions may create from one originating event, every generation together",
  },
  INGRESS_BODY_LIMIT_BYTES: { schema: wholeNumber(1).default(1024 * 1024), doc: "largest accepted webhook body" },
  INGRESS_RATE_LIMIT_PER_MINUTE: {
    schema: wholeNumber(1, 1_000_000).default(600),
    doc: "requests per minute per webhook, for webhooks and shops that set no limit of their own",
  },
  RESPOND_MAX_WAITING_PER_WEBHOOK: {
    schema: wholeNumber(1, 100_000).default(100),
    doc: "wait-mode webhooks: requests waiting for a response at once per webhook, across web processes; beyond, 503 with Retry-After and nothing stored (decision 0076)",
  },
  RESPOND_MAX_WAITING_PER_SHOP: {
    schema: wholeNumber(1, 1_000_000).default(500),
    doc: "wait-mode webhooks: requests waiting for a response at once per shop (all its webhooks)",
  },
  INGRESS_RAW_BODY_RETENTION_HOURS: {
    schema: positiveNumber().default(72),
    doc: "how long raw webhook bodies are kept for debugging",
  },
  INGRESS_IP_HASH_SALT: {
    schema: z.string().optional(),
    doc: "key for the hash stored instead of a sender's IP",
    defaultText: "the app secret",
    secret: true,
  },
  HTTP_ACTION_ALLOWED_HOSTS: {
    schema: list().default([]),
    doc: "comma-separated hosts the `http` action may reach even if private/loopback",
    defaultText: "(unset)",
  },
  HTTP_ACTION_ALLOW_PRIVATE: {
    schema: flag().default(false),
    doc: "`1` lets the `http` action reach any private/loopback address; refused in production",
    defaultText: "(unset)",
  },
} satisfies Record<string, Variable>;

export type EnvironmentVariable = keyof typeof ENVIRONMENT;

// ------------------------------------------------------------------ the typed configuration

export interface Config {
  nodeEnv: "development" | "production" | "test";
  isProduction: boolean;
  databaseUrl: string;
  redisUrl: string;
  /** HOOKLINE_QUEUE_PREFIX; null: derived from the database's identity (app/data/queues.server.ts). */
  queuePrefix: string | null;
  /** SQLite only: FULL syncs the WAL before a grouped commit answers (decision 0011). */
  sqliteSynchronous: "FULL" | "NORMAL";
  web: { port: number; host: string; hmrPort: number };
  shopify: {
    /** null: not configured (local mode supplies its own). */
    apiKey: string | null;
    apiSecret: string | null;
    appUrl: string;
    scopes: string[];
    appBridgeUrl: string | null;
  };
  localStore: {
    url: string | null;
    port: number;
    host: string;
    bucketSize: number;
    restoreRate: number;
    /** The mail catcher's SMTP port. */
    smtpPort: number;
    /** Multiplies the store's webhook retry delays (1 = Shopify's). */
    webhookTimeScale: number;
  };
  /** Fan-out bounds (app/domain/runs/fan-out-limits.ts). */
  fanOut: { maxActionsPerTaskRun: number; maxEventsPerOrigin: number };
  worker: {
    concurrency: number;
    /** WORKER_HEALTH_PORT; null: no health endpoint. */
    healthPort: number | null;
    lockMs: number;
    sweepIntervalMs: number;
    retryBaseMs: number;
    actionLeaseMs: number;
    taskLeaseMs: number;
  };
  ingress: {
    bodyLimitBytes: number;
    rateLimitPerMinute: number;
    rawBodyRetentionHours: number;
    ipHashSalt: string | null;
    /** Wait-mode requests waiting at once, per webhook and per shop (decision 0076). */
    maxWaitingPerWebhook: number;
    maxWaitingPerShop: number;
  };
  /** The http action's address policy (app/domain/actions/address-policy.ts). */
  httpAction: { allowPrivate: boolean; allowedHosts: string[] };
  /** The email action's SMTP server (null: email is not configured) and sender address. */
  email: { smtpUrl: string | null; from: string };
}

const names = Object.keys(ENVIRONMENT) as EnvironmentVariable[];

const envSchema = z
  .object(
    Object.fromEntries(names.map((name) => [name, ENVIRONMENT[name].schema])) as {
      [K in EnvironmentVariable]: (typeof ENVIRONMENT)[K]["schema"];
    },
  )
  .superRefine((env, ctx) => {
    if (Boolean(env.SHOPIFY_API_KEY) !== Boolean(env.SHOPIFY_API_SECRET)) {
      const missing = env.SHOPIFY_API_KEY ? "SHOPIFY_API_SECRET" : "SHOPIFY_API_KEY";
      ctx.addIssue({ code: "custom", path: [missing], message: "must be set too (set both or neither)" });
    }
    if (env.NODE_ENV === "production") {
      if (env.LOCAL_STORE_URL) {
        ctx.addIssue({
          code: "custom",
          path: ["LOCAL_STORE_URL"],
          message: "is refused in production: the local development store is for development and tests only",
        });
      }
      if (env.HTTP_ACTION_ALLOW_PRIVATE) {
        ctx.addIssue({
          code: "custom",
          path: ["HTTP_ACTION_ALLOW_PRIVATE"],
          message:
            "is refused in production: it would let tasks reach private and metadata addresses (name hosts in HTTP_ACTION_ALLOWED_HOSTS instead)",
        });
      }
    }
  });

type ParsedEnv = z.output<typeof envSchema>;

function shape(env: ParsedEnv): Config {
  const isProduction = env.NODE_ENV === "production";
  return {
    nodeEnv: env.NODE_ENV,
    isProduction,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.HOOKLINE_QUEUE_PREFIX || null,
    sqliteSynchronous: env.SQLITE_SYNCHRONOUS,
    web: { port: env.PORT, host: env.HOST || (isProduction ? "0.0.0.0" : "localhost"), hmrPort: env.HMR_PORT },
    shopify: {
      apiKey: env.SHOPIFY_API_KEY || null,
      apiSecret: env.SHOPIFY_API_SECRET || null,
      appUrl: env.SHOPIFY_APP_URL ?? `http://localhost:${env.PORT}`,
      scopes: env.SCOPES.split(",")
        .map((scope) => scope.trim())
        .filter(Boolean),
      appBridgeUrl: env.APP_BRIDGE_URL ?? null,
    },
    localStore: {
      url: env.LOCAL_STORE_URL ?? null,
      port: env.LOCAL_STORE_PORT,
      host: env.LOCAL_STORE_HOST,
      bucketSize: env.LOCAL_STORE_BUCKET_SIZE,
      restoreRate: env.LOCAL_STORE_RESTORE_RATE,
      smtpPort: env.LOCAL_STORE_SMTP_PORT,
      webhookTimeScale: env.LOCAL_STORE_WEBHOOK_TIME_SCALE,
    },
    fanOut: { maxActionsPerTaskRun: env.TASK_RUN_MAX_ACTIONS, maxEventsPerOrigin: env.EVENT_CHAIN_MAX_EVENTS },
    worker: {
      concurrency: env.WORKER_CONCURRENCY,
      healthPort: env.WORKER_HEALTH_PORT ?? null,
      lockMs: env.WORKER_LOCK_MS,
      sweepIntervalMs: env.SWEEP_INTERVAL_MS,
      retryBaseMs: env.RETRY_BASE_MS,
      actionLeaseMs: env.ACTION_LEASE_MS,
      taskLeaseMs: env.TASK_LEASE_MS,
    },
    ingress: {
      bodyLimitBytes: env.INGRESS_BODY_LIMIT_BYTES,
      rateLimitPerMinute: env.INGRESS_RATE_LIMIT_PER_MINUTE,
      rawBodyRetentionHours: env.INGRESS_RAW_BODY_RETENTION_HOURS,
      ipHashSalt: env.INGRESS_IP_HASH_SALT || null,
      maxWaitingPerWebhook: env.RESPOND_MAX_WAITING_PER_WEBHOOK,
      maxWaitingPerShop: env.RESPOND_MAX_WAITING_PER_SHOP,
    },
    httpAction: {
      allowPrivate: env.HTTP_ACTION_ALLOW_PRIVATE,
      allowedHosts: env.HTTP_ACTION_ALLOWED_HOSTS.map((host) => host.toLowerCase()),
    },
    email: {
      smtpUrl: env.SMTP_URL || null,
      from: env.EMAIL_FROM || defaultEmailFrom(env.SHOPIFY_APP_URL),
    },
  };
}

/** hookline@<the app's host>; a dotless host (localhost) gets ".localdomain" so the address is valid. */
function defaultEmailFrom(appUrlValue: string | undefined): string {
  const host = new URL(appUrlValue ?? "http://localhost").hostname;
  return `hookline@${host.includes(".") ? host : `${host}.localdomain`}`;
}

/** Invalid environment: `problems` names each variable and what is wrong with it. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses and validates `env` without remembering it. Throws ConfigError listing every problem. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable counts as unset, as a shell's `VAR= npm start` intends.
  const present = Object.fromEntries(
    names.flatMap((name) => (env[name] !== undefined && env[name]!.trim() !== "" ? [[name, env[name]]] : [])),
  );
  const result = envSchema.safeParse(present);
  if (result.success) return shape(result.data);
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment") as EnvironmentVariable;
      const variable: Variable | undefined = ENVIRONMENT[name];
      const raw = present[name];
      const shown = raw === undefined ? "" : variable?.secret ? " (value hidden)" : `=${JSON.stringify(raw)}`;
      return `${name}${shown} ${issue.message.replace(/^Invalid option: expected one of /, "must be one of ")}`;
    }),
  );
}

let current: Config | null = null;

/**
 * Reads the environment (process.env by default) and makes it the configuration every later
 * config() call returns. Processes call it (or loadConfigOrExit) once at start; tests call it again
 * after changing process.env.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  current = parseConfig(env);
  return current;
}

/** For process entry points: the configuration, or one clear message on stderr and exit code 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/**
 * The configuration, loaded from process.env on first use. An invalid configuration is fatal to
 * any process: it exits with the message, wherever it is first read (even while modules load).
 */
export function config(): Config {
  return current ?? loadConfigOrExit();
}

// ------------------------------------------------------------------ derived values

/** The local development store's origin: set only in local mode, never in production (refused). */
export function localStoreUrl(): string | null {
  return config().localStore.url;
}

/** Where `npm run dev` starts the local store when no Shopify credentials are set. */
export function defaultLocalStoreUrl(): string {
  return `http://127.0.0.1:${config().localStore.port}`;
}

/** The local store's mail catcher (SMTP) port; the app sends email there in local mode. */
export function localStoreSmtpPort(): number {
  return config().localStore.smtpPort;
}

/** The email action's sender address (EMAIL_FROM, or hookline@<the app's host>). */
export function emailFrom(): string {
  return config().email.from;
}

/** Where the email action sends mail (smtp://user:pass@host:port or smtps://...); null: email is not configured. */
export function smtpUrl(): string | null {
  return config().email.smtpUrl;
}

export function isLocalMode(): boolean {
  return localStoreUrl() !== null;
}

/** Real app credentials are configured (so the local-only routes stay off even in local mode). */
export function hasShopifyCredentials(): boolean {
  return config().shopify.apiKey !== null && config().shopify.apiSecret !== null;
}

export function appUrl(): string {
  return config().shopify.appUrl;
}

export function redisUrl(): string {
  return config().redisUrl;
}

/**
 * The prefix for every BullMQ queue and Redis key when the operator sets one, else null: the
 * prefix is then derived from the database's identity (queuePrefix() in app/data/queues.server.ts),
 * so installations with different databases can share one Redis.
 */
export function queuePrefixSetting(): string | null {
  return config().queuePrefix;
}

/**
 * SQLite only: "FULL" (default) makes every event commit that answers a sender (ingress's 204, an
 * event created by a task) reach the disk before the answer, so it survives a power loss; "NORMAL"
 * only a crash of the process. See docs/decisions/0011-sqlite-durability.md.
 */
export function sqliteSynchronous(): "FULL" | "NORMAL" {
  return config().sqliteSynchronous;
}

export function apiKey(): string {
  return config().shopify.apiKey ?? (isLocalMode() ? LOCAL_API_KEY : "");
}

export function apiSecret(): string {
  return config().shopify.apiSecret ?? (isLocalMode() ? LOCAL_API_SECRET : "");
}

/** Key of the hash stored instead of a sender's IP: the configured salt, else the app secret. */
export function ipHashSalt(): string {
  return config().ingress.ipHashSalt ?? (apiSecret() || "hookline");
}

export const limits = {
  /** Largest webhook body accepted, in bytes (1 MiB by default). */
  get ingressBodyBytes() {
    return config().ingress.bodyLimitBytes;
  },
  /** Requests per minute per webhook when neither the webhook nor its shop sets a limit. */
  get ingressRatePerMinute() {
    return config().ingress.rateLimitPerMinute;
  },
  get workerConcurrency() {
    return config().worker.concurrency;
  },
};

// ------------------------------------------------------------------ the README table

/** The README's Environment table (Markdown, before formatting), generated from ENVIRONMENT. */
export function environmentTable(): string {
  const rows = names.map((name) => {
    const variable: Variable = ENVIRONMENT[name];
    let shown = variable.defaultText;
    if (shown === undefined) {
      const value = variable.schema.safeParse(undefined);
      shown = !value.success || value.data === undefined ? "(unset)" : `\`${String(value.data)}\``;
    }
    return `| \`${name}\` | ${shown} | ${variable.doc} |`;
  });
  return ["| variable | default | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}
