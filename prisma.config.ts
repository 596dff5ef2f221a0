// Prisma CLI configuration. DATABASE_URL picks the database:
//   file:...        -> SQLite via better-sqlite3, schema prisma/schema.prisma
//   postgresql://...-> PostgreSQL via pg, schema prisma/postgresql/schema.prisma
// engine "js" means no native schema engine download (see docs/decisions/0001-prisma-6-js-engine.md).
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const url = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
process.env.DATABASE_URL = url;
const isPostgres = /^postgres(ql)?:\/\//.test(url);

// Works around prisma/orm#27403: the schema engine's catalog queries return columns of
// PostgreSQL's internal `name` (OID 19) and `"char"` (OID 18, seen by `prisma db pull`) types,
// which @prisma/adapter-pg cannot map. Reporting them as `text` (OID 25) is enough; pg already
// reads both as strings. Only the CLI (migrations, introspection) uses this pool.
const CATALOG_STRING_OIDS = new Set([18, 19]);
const TEXT_OID = 25;
function relabelNameColumns<T>(result: T): T {
  const fields = (result as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
  for (const field of fields ?? []) if (CATALOG_STRING_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  return result;
}
function patchQuery(target: { query: (...args: unknown[]) => unknown }) {
  const original = target.query.bind(target);
  target.query = (...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (err: unknown, res: unknown) =>
        (last as (e: unknown, r: unknown) => void)(err, res && relabelNameColumns(res));
      return original(...args);
    }
    const out = original(...args) as unknown;
    return out instanceof Promise ? out.then(relabelNameColumns) : out;
  };
}
class MigrationPool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    super(config);
    patchQuery(this as unknown as { query: (...args: unknown[]) => unknown });
    this.on("connect", (client) => patchQuery(client as unknown as { query: (...args: unknown[]) => unknown }));
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: isPostgres ? "prisma/postgresql/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: isPostgres ? "prisma/postgresql/migrations" : "prisma/migrations" },
  async adapter() {
    if (isPostgres) return new PrismaPg(new MigrationPool({ connectionString: url }));
    return new PrismaBetterSQLite3({ url });
  },
});
