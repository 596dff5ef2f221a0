-- Events are no longer marked "enqueued" after their job is added: they stay "pending" until a
-- worker claims them (see app/models/events.server.ts). Rows written by the older code move back.
UPDATE "Event" SET "status" = 'pending' WHERE "status" = 'enqueued';

-- SQLite 3.35+ drops an unindexed column in place (no table copy).
ALTER TABLE "Event" DROP COLUMN "enqueuedAt";
