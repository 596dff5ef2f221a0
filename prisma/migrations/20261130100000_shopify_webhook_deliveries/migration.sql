-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "authorizedAt" DATETIME;

-- CreateTable
CREATE TABLE "ShopifyWebhookDelivery" (
    "webhookId" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "triggeredAt" DATETIME,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "ShopifyWebhookDelivery_receivedAt_idx" ON "ShopifyWebhookDelivery"("receivedAt");

