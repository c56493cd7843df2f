-- DropIndex
DROP INDEX "webhook_events_status_received_at_idx";

-- CreateIndex
CREATE INDEX "webhook_events_unprocessed_idx" ON "webhook_events"("received_at") WHERE status = 'RECEIVED';

-- CreateIndex
CREATE INDEX "webhook_events_received_at_idx" ON "webhook_events"("received_at");
