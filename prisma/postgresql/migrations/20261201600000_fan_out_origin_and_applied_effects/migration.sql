-- Event.originId: the event an action-created chain began with (caps events per originating request).
-- ActionRun.appliedEffect: an exactly-once action's outcome, written with its effect (cache).

-- AlterTable
ALTER TABLE "Event" ADD COLUMN "originId" TEXT;

-- AlterTable
ALTER TABLE "ActionRun" ADD COLUMN "appliedEffect" TEXT;

-- CreateIndex
CREATE INDEX "Event_originId_idx" ON "Event"("originId");
