// The safety net of the outbox. Every run re-enqueues webhook batches whose job may have been
// lost (Redis flushed or down when it was enqueued, a crash between commit and enqueue) and sends
// orders that got no outcome in time to the reconciler. Re-enqueueing is harmless: job ids are
// deterministic, so a job that still exists is not added twice. Pushes and payments need no
// re-enqueueing: the worker claims them from the orders table itself (./order-work.ts), so a
// lost wake-up or a dead worker's claim is picked up by its poll.
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../../db/prisma.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { QueueProducers } from '../../queues/producers.js';
import { JOB_IDS, WEBHOOK_BATCH_MAX } from '../../queues/definitions.js';

export interface SweeperDeps {
  prisma: PrismaClient;
  queues: QueueProducers;
  log: FastifyBaseLogger;
  /** An order submitted this long ago without an outcome is reconciled. */
  outcomeTimeoutMs: number;
}

const BATCH = 500;
// Work younger than this is still in its first enqueue; leave it alone.
const GRACE_MS = 5_000;

/**
 * Orders whose payment was submitted but never confirmed, even if fulfilment events moved the
 * status on (CLOSED included). Written for orders_awaiting_payment_idx, which holds only orders
 * with a payment submitted and not paid: the search costs what is awaiting payment, not the
 * history of CLOSED orders (it used to walk every one of them through the status index).
 */
export function unconfirmedPayments(outcomeDue: Date, limit: number): Prisma.Sql {
  const due = outcomeDue.toISOString();
  return Prisma.sql`
    SELECT id FROM orders
     WHERE paid_at IS NULL AND payment_submitted_at < ${due}::timestamptz
       AND status IN ('PAYMENT_SUBMITTED', 'READY_FOR_PICKUP', 'CLOSED')
       AND (last_checked_at IS NULL OR last_checked_at < ${due}::timestamptz)
     LIMIT ${limit}`;
}

export function createOrderSweeper(deps: SweeperDeps) {
  const { prisma, queues, log } = deps;

  return async function sweep(): Promise<Record<string, number>> {
    const now = Date.now();
    const settled = new Date(now - GRACE_MS);
    const outcomeDue = new Date(now - deps.outcomeTimeoutMs);

    // No outcome in time: submitted but never accepted, or payment submitted but never confirmed.
    const unaccepted = await prisma.order.findMany({
      where: {
        status: 'SUBMITTED',
        submittedAt: { lt: outcomeDue },
        OR: [{ lastCheckedAt: null }, { lastCheckedAt: { lt: outcomeDue } }],
      },
      select: { id: true },
      take: BATCH,
    });
    const unpaid = await prisma.$queryRaw<{ id: string }[]>(unconfirmedPayments(outcomeDue, BATCH));
    const toReconcile = [...unaccepted, ...unpaid];
    for (const order of toReconcile) {
      await queues.reconcileOrder.add(
        { orderId: order.id },
        { jobId: JOB_IDS.reconcileOrder(order.id, Math.floor(now / deps.outcomeTimeoutMs)) },
      );
    }

    // Stuck webhook events go back as one batch job, oldest first (the rows of one INSERT tie;
    // their handlers tolerate any order). The id carries the minute: repeated sweeps within it
    // add the job once, and no retained job (an ingest `wh-<id>` kept after failing, say) can
    // swallow a later sweep's. Events still queued in an ingest job land here only when the
    // queue is backed up; the queue is FIFO, so this job finds them processed and skips them.
    const events = await prisma.webhookEvent.findMany({
      where: { status: 'RECEIVED', receivedAt: { lt: settled } },
      select: { id: true },
      orderBy: { receivedAt: 'asc' },
      take: Math.min(BATCH, WEBHOOK_BATCH_MAX),
    });
    if (events.length > 0) {
      const eventIds = events.map((e) => e.id);
      await queues.processWebhook.add(
        { eventIds },
        { jobId: JOB_IDS.sweptWebhooks(Math.floor(now / 60_000), eventIds[0]!) },
      );
    }

    const counts = {
      reconcile: toReconcile.length,
      webhooks: events.length,
    };
    if (Object.values(counts).some((n) => n > 0)) log.info(counts, 'sweeper re-enqueued work');
    return counts;
  };
}
