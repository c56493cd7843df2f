// What the order jobs need to talk to K-Series about one order, and the waiting rule they share.
import { DelayedError, type Job } from 'bullmq';
import type { OrderStore } from '../../services/orders/hot-path-queries.js';

/** How often a job waiting for a vendor's reconnect looks again. */
export const RECONNECT_POLL_MS = 5_000;

/** The order, and the vendor's connection when it can be used to deliver (one query). */
export async function loadOrderContext(store: OrderStore, orderId: string) {
  const order = await store.forDelivery(orderId);
  if (!order) return null;
  const { connection } = order;
  const usable = connection?.status === 'CONNECTED' && connection.webhookEndpointId ? connection : null;
  return { order, connection: usable, endpointId: usable?.webhookEndpointId ?? null };
}

/**
 * The vendor is disconnected: park the job and look again shortly (a reconnect resumes it
 * within RECONNECT_POLL_MS). Throws BullMQ's DelayedError, which ends this run without
 * counting an attempt.
 */
export async function waitForReconnect(job: Job, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Date.now() + RECONNECT_POLL_MS, token);
  throw new DelayedError();
}
