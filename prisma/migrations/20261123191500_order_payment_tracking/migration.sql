-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "last_checked_at" TIMESTAMPTZ(3),
ADD COLUMN     "paid_at" TIMESTAMPTZ(3),
ADD COLUMN     "payment_submitted_at" TIMESTAMPTZ(3);
