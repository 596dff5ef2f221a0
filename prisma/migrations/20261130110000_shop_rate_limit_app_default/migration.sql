-- The rate limit of a shop is null (meaning the app default, INGRESS_RATE_LIMIT_PER_MINUTE) until the
-- merchant sets one in Settings. Rows holding the old column default (600) had never been set.
-- (No semicolons in comments: the PostgreSQL driver adapter splits scripts at every one.)
-- Runs after 20261130100000_shopify_webhook_deliveries, so the rebuilt table keeps "authorizedAt".
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "domain" TEXT NOT NULL PRIMARY KEY,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "authorizedAt" DATETIME,
    "scopes" TEXT,
    "corsOrigins" TEXT NOT NULL DEFAULT '[]',
    "retentionDays" INTEGER NOT NULL DEFAULT 15,
    "rateLimitPerMinute" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("authorizedAt", "corsOrigins", "createdAt", "domain", "installedAt", "rateLimitPerMinute", "retentionDays", "scopes", "uninstalledAt", "updatedAt") SELECT "authorizedAt", "corsOrigins", "createdAt", "domain", "installedAt", NULLIF("rateLimitPerMinute", 600), "retentionDays", "scopes", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
