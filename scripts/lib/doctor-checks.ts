// The checks behind `hookline doctor`.
import { readdirSync } from "node:fs";
import os from "node:os";
import { createPrismaClient, databaseUrl, isPostgresUrl } from "../../app/data/db.server";
import { defaultLocalStoreUrl, hasShopifyCredentials, localStoreUrl, redisUrl } from "../../app/config.server";
import { readAllWorkerHeartbeats, readForeignJobs, type HeartbeatReading } from "../../app/data/heartbeat.server";
import { createRedis, queuePrefix } from "../../app/data/queues.server";
import { canReachRedis } from "../../app/data/redis-check.server";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}

async function databaseChecks(): Promise<Check[]> {
  const url = databaseUrl();
  const prisma = createPrismaClient(url);
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
  } catch (error) {
    await prisma.$disconnect().catch(() => {});
    return [
      { name: "database", ok: false, detail: `${redact(url)}: ${(error as Error).message.split("\n")[0]}` },
      { name: "migrations", ok: false, detail: "database unreachable" },
    ];
  }
  const dir = isPostgresUrl(url) ? "prisma/postgresql/migrations" : "prisma/migrations";
  const expected = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  let applied: string[] = [];
  try {
    const rows = await prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    applied = rows.map((r) => r.migration_name);
  } catch {
    // no migrations table: nothing applied
  }
  await prisma.$disconnect();
  const missing = expected.filter((m) => !applied.includes(m));
  return [
    { name: "database", ok: true, detail: redact(url) },
    {
      name: "migrations",
      ok: missing.length === 0,
      detail:
        missing.length === 0 ? `${expected.length} applied` : `not applied: ${missing.join(", ")} (run npm run setup)`,
    },
  ];
}

async function redisChecks(): Promise<Check[]> {
  if (!(await canReachRedis())) {
    return [
      {
        name: "redis",
        ok: false,
        detail: `cannot reach ${redisUrl()}: webhooks are still stored, tasks wait until it is back (start redis-server or set REDIS_URL)`,
      },
      { name: "worker", ok: false, detail: "Redis unreachable" },
      { name: "foreign jobs", ok: false, detail: "Redis unreachable" },
    ];
  }
  let prefix: string;
  try {
    prefix = await queuePrefix();
  } catch (error) {
    const reason = `cannot read the installation id from the database: ${(error as Error).message.split("\n")[0]}`;
    return [
      { name: "redis", ok: true, detail: redisUrl() },
      { name: "worker", ok: false, detail: reason },
      { name: "foreign jobs", ok: false, detail: reason },
    ];
  }
  const redis = createRedis({ maxRetriesPerRequest: 1 });
  try {
    const beats = await readAllWorkerHeartbeats(redis);
    const workers = await Promise.all(beats.map(workerLine));
    const foreign = await readForeignJobs(redis);
    return [
      { name: "redis", ok: true, detail: `${redisUrl()} (queue prefix ${prefix})` },
      {
        name: "worker",
        ok: workers.length > 0 && workers.every((w) => w.ok),
        detail:
          workers.length > 0
            ? `${workers.length} worker process(es): ${workers.map((w) => w.text).join("; ")}`
            : "no heartbeat: start it with npm run worker",
      },
      {
        name: "foreign jobs",
        ok: foreign === null,
        detail: foreign
          ? `${foreign.count} job(s) in the last 24 h for events this database does not hold (last ${foreign.lastAt}, event ${foreign.lastEventId}, worker pid ${foreign.lastPid}): another installation with its own database probably shares the queue prefix ${prefix} on this Redis. Give each its own HOOKLINE_QUEUE_PREFIX, or leave it unset (the default is derived from the database)`
          : "none: every job found its event in this database",
      },
    ];
  } finally {
    redis.disconnect();
  }
}

/**
 * One worker's line: its heartbeat, and for a worker on this host that serves /health
 * (WORKER_HEALTH_PORT), what its endpoint answers.
 */
async function workerLine(beat: HeartbeatReading): Promise<{ ok: boolean; text: string }> {
  const text = `pid ${beat.pid}@${beat.hostname} heartbeat ${Math.round(beat.ageMs / 1000)}s ago`;
  if (!beat.healthPort) return { ok: true, text };
  if (beat.hostname !== os.hostname()) return { ok: true, text: `${text}, /health on port ${beat.healthPort}` };
  const url = `http://127.0.0.1:${beat.healthPort}/health`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    const body = (await response.json()) as { problems?: string[] };
    return response.ok
      ? { ok: true, text: `${text}, ${url} ok` }
      : { ok: false, text: `${text}, ${url} answered ${response.status}: ${(body.problems ?? []).join(", ")}` };
  } catch {
    return { ok: false, text: `${text}, ${url} unreachable` };
  }
}

async function localStoreCheck(): Promise<Check> {
  if (hasShopifyCredentials())
    return { name: "local store", ok: true, detail: "not used (Shopify credentials are set)" };
  // Without credentials the app uses the local store, where `npm run dev` starts it by default.
  const url = localStoreUrl() ?? defaultLocalStoreUrl();
  try {
    const response = await fetch(`${url}/_local/health`, { signal: AbortSignal.timeout(2000) });
    return { name: "local store", ok: response.ok, detail: `${url} answered ${response.status}` };
  } catch {
    return { name: "local store", ok: false, detail: `${url} unreachable (npm run dev starts it)` };
  }
}

export async function checkAll(): Promise<Check[]> {
  const [db, redis, store] = await Promise.all([databaseChecks(), redisChecks(), localStoreCheck()]);
  return [...db, ...redis, store];
}
