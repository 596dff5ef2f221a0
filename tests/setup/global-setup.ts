// Gives each vitest run a fresh, migrated database and its own Redis key prefix.
// TEST_DB=sqlite (default) uses a new SQLite file; TEST_DB=postgres creates a new PostgreSQL database
// on TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { DEFAULT_REDIS_URL } from "../../app/config.server";
import { removeRedisKeys } from "../../scripts/lib/redis-keys";

export default async function setup() {
  const runId = `${Date.now()}_${randomBytes(3).toString("hex")}`;
  const kind = process.env.TEST_DB ?? "sqlite";
  let teardown: () => Promise<void>;

  if (kind === "postgres") {
    const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
    const dbName = `hookline_test_${runId}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    process.env.DATABASE_URL = url.toString();
    teardown = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    };
  } else {
    mkdirSync("tests/output", { recursive: true });
    const file = `tests/output/test-${runId}.sqlite`;
    process.env.DATABASE_URL = `file:./${file}`;
    teardown = async () => {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    };
  }

  execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "pipe", env: process.env });
  const prefix = `hookline-test-${runId}`;
  process.env.HOOKLINE_QUEUE_PREFIX = prefix;
  process.env.REDIS_URL ??= DEFAULT_REDIS_URL;

  return async () => {
    await teardown();
    // Leaves Redis as the run found it.
    await removeRedisKeys(prefix, process.env.REDIS_URL);
  };
}
