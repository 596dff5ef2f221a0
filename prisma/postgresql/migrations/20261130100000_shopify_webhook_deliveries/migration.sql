-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "authorizedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ShopifyWebhookDelivery" (
    "webhookId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "triggeredAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShopifyWebhookDelivery_pkey" PRIMARY KEY ("webhookId")
);

-- CreateIndex
CREATE INDEX "ShopifyWebhookDelivery_receivedAt_idx" ON "ShopifyWebhookDelivery"("receivedAt");

