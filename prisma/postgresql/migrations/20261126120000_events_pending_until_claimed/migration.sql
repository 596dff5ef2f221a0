-- Events are no longer marked "enqueued" after their job is added: they stay "pending" until a
-- worker claims them (see app/models/events.server.ts). Rows written by the older code move back.
UPDATE "Event" SET "status" = 'pending' WHERE "status" = 'enqueued';

ALTER TABLE "Event" DROP COLUMN "enqueuedAt";
