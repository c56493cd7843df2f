-- The sweeper's search for stuck webhook events is sent by Prisma as
-- `status = CAST($1::text AS "WebhookEventStatus")`: a text-to-enum cast is STABLE, so the planner
-- cannot prove the partial index's `status = 'RECEIVED'` from it, and with a million orders of
-- history it read the whole table (parallel seq scan, about 1 s a sweep). An index led by the
-- status serves that condition whatever its form and still reads only the RECEIVED entries.
-- Retention's search (status IN ('PROCESSED', 'IGNORED') AND received_at < cutoff) is bounded by
-- it the same way, so it replaces both the partial index and the received_at one: an event (one
-- insert, one non-HOT status update) writes 6 index entries instead of 7.
DROP INDEX "webhook_events_unprocessed_idx";

-- DropIndex
DROP INDEX "webhook_events_received_at_idx";

-- CreateIndex
CREATE INDEX "webhook_events_status_received_at_idx" ON "webhook_events"("status", "received_at");

-- A location's orders by time: the daily reconciliation (and a location's deletion, which the
-- RESTRICT foreign key checks) read that location's orders, not every order of the history.
-- CreateIndex
CREATE INDEX "orders_location_id_created_at_idx" ON "orders"("location_id", "created_at");

-- Orders awaiting payment confirmation, only in the statuses the sweeper reconciles
-- (unconfirmedPayments in src/jobs/processors/order-sweeper.ts names them as literals, so the
-- predicate is proven). PAYMENT_FAILED and NEEDS_ATTENTION orders have a payment submitted and
-- never paid: they sat in the index for good, and every sweep read and dropped them (2,000 rows
-- per sweep with a million orders stored, 0.2% of them).
DROP INDEX "orders_awaiting_payment_idx";

-- CreateIndex
CREATE INDEX "orders_awaiting_payment_idx" ON "orders"("payment_submitted_at") WHERE paid_at IS NULL AND payment_submitted_at IS NOT NULL AND status IN ('PAYMENT_SUBMITTED', 'READY_FOR_PICKUP', 'CLOSED');
