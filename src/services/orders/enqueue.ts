// Announcing work after a commit. The order row is its own outbox: the worker claims RECEIVED
// orders to push and ACCEPTED orders to pay from Postgres (src/jobs/processors/order-work.ts),
// so these only wake it (one Redis PUBLISH, coalesced per process) instead of queueing a job per
// order. A lost signal loses nothing: the worker also polls Postgres every ORDER_WORK_POLL_MS.
import type { FastifyBaseLogger } from 'fastify';
import type { QueueProducers } from '../../queues/producers.js';

export async function enqueuePush(
  queues: QueueProducers,
  order: { id: string; attempt: number },
  log: FastifyBaseLogger,
): Promise<void> {
  wakeOrderWork(queues, order.id, log);
}

export async function enqueuePayment(
  queues: QueueProducers,
  order: { id: string; paymentReference: string },
  log: FastifyBaseLogger,
): Promise<void> {
  wakeOrderWork(queues, order.id, log);
}

function wakeOrderWork(queues: QueueProducers, orderId: string, log: FastifyBaseLogger): void {
  try {
    queues.wake.orderWork();
  } catch (err) {
    log.warn({ err, orderId }, 'could not wake the order worker; its poll will find the order');
  }
}
