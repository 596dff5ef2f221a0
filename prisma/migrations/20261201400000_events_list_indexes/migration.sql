-- CreateIndex
CREATE INDEX "Event_shop_status_createdAt_idx" ON "Event"("shop", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Event_webhookId_createdAt_idx" ON "Event"("webhookId", "createdAt");

-- CreateIndex
CREATE INDEX "TaskRun_taskId_idx" ON "TaskRun"("taskId");

