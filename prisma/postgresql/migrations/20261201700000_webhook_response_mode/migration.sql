-- Webhook response mode (issue 15, docs/decisions/0075): "immediate" answers 204 at once, "wait"
-- answers with a task's respond action within responseTimeoutSeconds.
-- (No semicolons in comments: the PostgreSQL driver adapter splits scripts at every one.)
ALTER TABLE "Webhook" ADD COLUMN "responseMode" TEXT NOT NULL DEFAULT 'immediate';
ALTER TABLE "Webhook" ADD COLUMN "responseTimeoutSeconds" INTEGER NOT NULL DEFAULT 10;
ALTER TABLE "Event" ADD COLUMN "responseWaitUntil" TIMESTAMP(3);
ALTER TABLE "Event" ADD COLUMN "responseStatus" INTEGER;
ALTER TABLE "Event" ADD COLUMN "responseMs" INTEGER;
