// Direct access to the e2e server's database and CLI, for arranging and checking what a browser test does.
import { execFileSync } from "node:child_process";
import Database from "better-sqlite3";
import { e2eQueuePrefix } from "../../../scripts/lib/e2e-queue-prefix";

export const E2E_DATABASE_URL = "file:./tests/output/e2e.sqlite";
export const E2E_APP_URL = `http://localhost:${process.env.E2E_PORT || 3100}`;

/** The environment for app code a test runs beside the e2e server: its database, URL and queues. */
export const E2E_HELPER_ENV = {
  ...process.env,
  DATABASE_URL: E2E_DATABASE_URL,
  SHOPIFY_APP_URL: E2E_APP_URL,
  HOOKLINE_QUEUE_PREFIX: e2eQueuePrefix(process.env.E2E_PORT || 3100),
};

/** Runs the operator CLI against the e2e database and returns its parsed --json output. */
export function hooklineJson<T = any>(args: string[]): T {
  const out = execFileSync("npx", ["tsx", "scripts/hookline.ts", ...args, "--json"], {
    env: E2E_HELPER_ENV,
    encoding: "utf8",
  });
  return JSON.parse(out) as T;
}

export function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database("tests/output/e2e.sqlite");
  db.pragma("busy_timeout = 5000");
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function countEvents(webhookId: string): number {
  return withDb((db) =>
    Number((db.prepare("SELECT count(*) AS n FROM Event WHERE webhookId = ?").get(webhookId) as { n: number }).n),
  );
}
