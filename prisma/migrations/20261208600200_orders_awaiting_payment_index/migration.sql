-- CreateIndex
CREATE INDEX "orders_awaiting_payment_idx" ON "orders"("payment_submitted_at") WHERE paid_at IS NULL AND payment_submitted_at IS NOT NULL;
