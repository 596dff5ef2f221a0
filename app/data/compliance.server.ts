// Shopify's mandatory compliance topics. Hookline stores what external services posted, which may
// include customer data; redaction deletes it. Matching is exact (app/domain/compliance/customer-match.ts):
// the database narrows the rows by substring, then each candidate's data is parsed and checked value by
// value, so customer 12 never takes customer 121's events and bob@example.com never takes jimbob's.
import prisma from "~/data/db.server";
import { parseEventData } from "~/data/events.server";
import {
  customerIdentity,
  mentionsCustomer,
  searchTerms,
  type CustomerIdentity,
} from "~/domain/compliance/customer-match";

type CustomerPayload = { id?: unknown; email?: unknown } | null | undefined;

/** shop/redact (48 hours after uninstall): delete everything Hookline holds for the shop. */
export async function redactShop(shop: string): Promise<void> {
  await prisma.$transaction([
    prisma.event.deleteMany({ where: { shop } }),
    prisma.task.deleteMany({ where: { shop } }),
    prisma.webhook.deleteMany({ where: { shop } }),
    prisma.cacheEntry.deleteMany({ where: { shop } }),
    prisma.cacheEndpoint.deleteMany({ where: { shop } }),
    prisma.session.deleteMany({ where: { shop } }),
    prisma.shop.deleteMany({ where: { domain: shop } }),
  ]);
}

/** Whether the app is installed on the shop: it has a session, or a shop row not marked uninstalled. */
export async function isInstalled(shop: string): Promise<boolean> {
  const [row, sessions] = await Promise.all([
    prisma.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } }),
    prisma.session.count({ where: { shop } }),
  ]);
  return sessions > 0 || (row !== null && row.uninstalledAt === null);
}

const BATCH = 500;

function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Ids of the shop's events whose data mentions the customer. Substring candidates come from the
 * database a batch at a time (LOWER() so the email matches in any case on both databases); each is
 * parsed and matched exactly.
 */
async function eventsMentioning(shop: string, who: CustomerIdentity): Promise<string[]> {
  // One or two terms; the second LIKE repeats the first when there is one. (Plain values only: the
  // SQLite and PostgreSQL clients each have their own Prisma.sql, so no fragments are composed.)
  const [first, second = first] = searchTerms(who).map(likePattern);
  const matches: string[] = [];
  let after = "";
  for (;;) {
    const rows = await prisma.$queryRaw<{ id: string; data: string }[]>`
      SELECT "id", "data" FROM "Event"
      WHERE "shop" = ${shop} AND "id" > ${after}
        AND (LOWER("data") LIKE ${first} ESCAPE '\\' OR LOWER("data") LIKE ${second} ESCAPE '\\')
      ORDER BY "id" LIMIT ${BATCH}`;
    for (const row of rows) if (mentionsCustomer(parseEventData(row.data), who)) matches.push(row.id);
    if (rows.length < BATCH) return matches;
    after = rows[rows.length - 1]!.id;
  }
}

/** customers/redact: delete the shop's events whose data mentions the customer (exactly); returns how many. */
export async function redactCustomer(shop: string, customer: CustomerPayload): Promise<number> {
  const who = customerIdentity(customer);
  if (!who) return 0;
  const ids = await eventsMentioning(shop, who);
  let deleted = 0;
  for (let i = 0; i < ids.length; i += BATCH) {
    const { count } = await prisma.event.deleteMany({ where: { shop, id: { in: ids.slice(i, i + BATCH) } } });
    deleted += count;
  }
  return deleted;
}

/** customers/data_request: what Hookline holds about the customer, for the merchant to send on. */
export async function customerDataSummary(shop: string, customer: CustomerPayload) {
  const who = customerIdentity(customer);
  if (!who) return { events: 0 };
  return { events: (await eventsMentioning(shop, who)).length };
}
