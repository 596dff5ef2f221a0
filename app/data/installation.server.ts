// This database's identity (the Installation table's one row), created by the first process that
// asks. Everything that must tell two installations apart without configuration uses it: the
// default queue prefix (app/data/queues.server.ts) above all.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/data/db.server";
import { constraintKind } from "~/data/sql.server";

const SLOT = 1;

/** The installation id, creating it if the database has none. Concurrent first callers agree. */
export async function readInstallationId(db: PrismaClient = defaultPrisma): Promise<string> {
  const existing = await db.installation.findUnique({ where: { slot: SLOT } });
  if (existing) return existing.id;
  try {
    const created = await db.installation.create({ data: { slot: SLOT, id: randomUUID().replaceAll("-", "") } });
    return created.id;
  } catch (error) {
    // Another process created it first: theirs is the id.
    const code = (error as { code?: string }).code;
    if (code !== "P2002" && constraintKind(error) !== "unique") throw error;
    return (await db.installation.findUniqueOrThrow({ where: { slot: SLOT } })).id;
  }
}

let cached: Promise<string> | undefined;

/** The installation id of this process's database, read once. */
export function installationId(): Promise<string> {
  cached ??= readInstallationId().catch((error: unknown) => {
    cached = undefined; // the database may come back: ask again next time
    throw error;
  });
  return cached;
}
