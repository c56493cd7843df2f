-- The order row is its own outbox: the worker claims due pushes and payments in batches.
ALTER TABLE "orders" ADD COLUMN "work_key" TEXT,
ADD COLUMN "work_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "work_until" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "orders_work_due_idx" ON "orders"("created_at") WHERE status IN ('RECEIVED', 'ACCEPTED') AND payment_submitted_at IS NULL AND paid_at IS NULL;
