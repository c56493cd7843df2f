// Enqueueing after a commit. A failure here loses nothing: the row is already in Postgres,
// and the sweeper re-enqueues rows whose job is missing.
import type { FastifyBaseLogger } from 'fastify';
import { JOB_IDS } from '../../queues/definitions.js';
import type { QueueProducers } from '../../queues/producers.js';
import { attemptOfReference } from './references.js';

/** Job ids (see JOB_IDS): one push per order attempt, one apply-payment per payment reference. */
export const pushJobId = (order: { id: string; attempt: number }) => JOB_IDS.pushOrder(order.id, order.attempt);
export const paymentJobId = (order: { id: string; paymentReference: string }) =>
  JOB_IDS.applyPayment(order.id, attemptOfReference(order.paymentReference));

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
