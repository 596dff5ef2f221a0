// Gives each vitest run a fresh, migrated database and its own Redis key prefix.
// TEST_DB=sqlite (default) uses a new SQLite file; TEST_DB=postgres creates a new PostgreSQL database
// on TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";

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
  process.env.REDIS_URL ??= "redis://127.0.0.1:6379";

  return async () => {
    await teardown();
    await removeRedisKeys(process.env.REDIS_URL!, prefix);
  };
}

/** Leaves Redis as the run found it: every key under the run's prefix (and the prefixes derived from it). */
async function removeRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } catch (error) {
    console.warn(`could not remove the run's Redis keys (${prefix}*): ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
