-- AlterTable
ALTER TABLE "callback_deliveries" ADD COLUMN     "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "callback_deliveries_due_idx" ON "callback_deliveries"("next_attempt_at") WHERE status = 'PENDING';
