// Enqueueing after a commit. A failure here loses nothing: the row is already in Postgres,
// and the sweeper re-enqueues rows whose job is missing.
import type { FastifyBaseLogger } from 'fastify';
import type { QueueProducers } from '../../queues/producers.js';
import { attemptOfReference } from './references.js';

/** Job ids make enqueueing idempotent: one push per order attempt. */
export const pushJobId = (order: { id: string; attempt: number }) => `push-${order.id}-${order.attempt}`;

/**
 * One apply-payment job per payment reference. A payment replay needs an id of its own: BullMQ
 * ignores an add whose id still exists, and the failed job of the refused payment is kept for 7
 * days. The first payment keeps the plain `pay-<orderId>`, the id jobs had before payment
 * replays existed, so a deploy does not queue a second job beside one already waiting.
 */
export const paymentJobId = (order: { id: string; paymentReference: string }) => {
  const attempt = attemptOfReference(order.paymentReference);
  return attempt <= 1 ? `pay-${order.id}` : `pay-${order.id}-${attempt}`;
};

export async function enqueuePush(
  queues: QueueProducers,
  order: { id: string; attempt: number },
  log: FastifyBaseLogger,
): Promise<void> {
  try {
    await queues.pushOrder.add({ orderId: order.id }, { jobId: pushJobId(order) });
  } catch (err) {
    log.warn({ err, orderId: order.id }, 'could not enqueue push-order; the sweeper will');
  }
}

export async function enqueuePayment(
  queues: QueueProducers,
  order: { id: string; paymentReference: string },
  log: FastifyBaseLogger,
): Promise<void> {
  try {
    await queues.applyPayment.add({ orderId: order.id }, { jobId: paymentJobId(order) });
  } catch (err) {
    log.warn({ err, orderId: order.id }, 'could not enqueue apply-payment; the sweeper will');
  }
}
