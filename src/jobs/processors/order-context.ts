// What the order tasks (push-order, apply-payment, reconcile-order) need to talk to K-Series
// about one order, and the outcomes the claimed tasks report to the claim loop (./order-work.ts).
import type { OrderDeliveryView, OrderStore } from '../../services/orders/hot-path-queries.js';
import type { ClaimedOrder } from './order-work-queries.js';

/** How often a task waiting for a vendor's reconnect looks again. */
export const RECONNECT_POLL_MS = 5_000;

/**
 * A task that cannot run yet: the claim loop hands it back to be claimed again after `postponedMs`
 * without counting an attempt. Any other outcome is a string saying what happened; a thrown
 * error is a retryable failure (an attempt counted, retried with backoff).
 */
export interface Postponed {
  postponedMs: number;
  why: string;
}

export type TaskOutcome = string | Postponed;

/** An order task: runs one claimed order, and gives up on it once its attempts are exhausted. */
export interface OrderTask {
  process(order: ClaimedOrder): Promise<TaskOutcome>;
  onFinalFailure(orderId: string, err: Error): Promise<void>;
}

/** The order's vendor connection when it can be used to deliver. */
export function deliveryConnection(order: OrderDeliveryView) {
  const { connection } = order;
  const usable = connection?.status === 'CONNECTED' && connection.webhookEndpointId ? connection : null;
  return { connection: usable, endpointId: usable?.webhookEndpointId ?? null };
}

/** The vendor is disconnected: look again shortly (a reconnect resumes within RECONNECT_POLL_MS). */
export function waitForReconnect(): Postponed {
  return { postponedMs: RECONNECT_POLL_MS, why: 'waiting for the vendor to reconnect' };
}

/** The order, and the vendor's connection when it can be used to deliver (one query). */
export async function loadOrderContext(store: OrderStore, orderId: string) {
  const order = await store.forDelivery(orderId);
  return order && { order, ...deliveryConnection(order) };
}
