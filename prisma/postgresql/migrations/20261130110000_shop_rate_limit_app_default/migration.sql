-- The rate limit of a shop is null (meaning the app default, INGRESS_RATE_LIMIT_PER_MINUTE) until the
-- merchant sets one in Settings. Rows holding the old column default (600) had never been set.
-- (No semicolons in comments: the PostgreSQL driver adapter splits scripts at every one.)
-- AlterTable
ALTER TABLE "Shop" ALTER COLUMN "rateLimitPerMinute" DROP NOT NULL,
ALTER COLUMN "rateLimitPerMinute" DROP DEFAULT;

UPDATE "Shop" SET "rateLimitPerMinute" = NULL WHERE "rateLimitPerMinute" = 600;
