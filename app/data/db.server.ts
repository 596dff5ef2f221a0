// The Prisma client for the app, the worker and the CLI.
// DATABASE_URL decides the database: file:... is SQLite (the default), postgresql://... is PostgreSQL.
// Each database has its own generated client (Prisma fixes the provider per schema), with identical types.
import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { config } from "~/config.server";
import { sqlitePragmaScript } from "~/data/sqlite-pragmas";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.sqlite";

export function databaseUrl(): string {
  return config().databaseUrl;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function createPrismaClient(url = databaseUrl()): PrismaClient {
  if (isPostgresUrl(url)) {
    // Loaded at run time so SQLite-only installs never need the PostgreSQL client generated.
    const require = createRequire(import.meta.url);
    const { PrismaClient: PostgresClient } = require(".prisma/client-postgresql") as {
      PrismaClient: typeof PrismaClient;
    };
    return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) });
  }
  return new PrismaClient({ adapter: new TunedSQLite({ url }) });
}

/**
 * Prisma's SQLite connection, with the settings every connection gets (app/data/sqlite-pragmas.ts):
 * WAL, synchronous=NORMAL (Prisma writes the screens' rows; event commits go through the hot paths'
 * driver), a 5 s busy timeout. Checkpoints: app/data/sqlite-checkpointer.server.ts.
 */
class TunedSQLite extends PrismaBetterSQLite3 {
  async connect() {
    const adapter = await super.connect();
    await adapter.executeScript(sqlitePragmaScript({ synchronous: "NORMAL", busyTimeoutMs: 5000 }));
    return adapter;
  }
}

declare global {
  var __hooklinePrisma: PrismaClient | undefined;
}

// One client per process; kept on globalThis so Vite's dev reloads do not open new ones.
const prisma: PrismaClient = globalThis.__hooklinePrisma ?? createPrismaClient();
if (!config().isProduction) globalThis.__hooklinePrisma = prisma;

export default prisma;
