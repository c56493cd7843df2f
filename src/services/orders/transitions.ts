// Moves an order between states under a row lock, with its timeline event and the vendor
// callback delivery written in the same transaction (an outbox: nothing is lost if the
// process dies after commit; the sweeper enqueues what was not enqueued).
import type { PrismaClient } from '../../db/prisma.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import { canTransition } from './state-machine.js';

export type OrderEventSource = 'api' | 'worker' | 'webhook' | 'reconciler' | 'operator' | 'sweeper';

export interface TransitionRequest {
  orderId: string;
  to: OrderStatus;
  source: OrderEventSource;
  reason?: string;
  data?: Prisma.InputJsonValue;
  /** Other columns to set together with the status. */
  set?: Prisma.OrderUpdateInput;
}

export interface TransitionResult {
  from: OrderStatus;
  to: OrderStatus;
  eventId: bigint;
  /** The callback delivery to enqueue after commit, when the vendor has a callback URL. */
  callbackDeliveryId: string | null;
}

/** Returns null when the state machine refuses (duplicate or out-of-order event). */
export async function transitionOrder(prisma: PrismaClient, request: TransitionRequest): Promise<TransitionResult | null> {
  return prisma.$transaction(async (tx) => {
    // The vendor's callback URL comes with the locked row: one round trip fewer per transition.
    const rows = await tx.$queryRaw<{ status: OrderStatus; callback_url: string | null }[]>`
      SELECT o.status, v.callback_url FROM orders o JOIN vendors v ON v.id = o.vendor_id
       WHERE o.id = ${request.orderId}::uuid FOR UPDATE OF o`;
    const current = rows[0];
    if (!current || !canTransition(current.status, request.to)) return null;
    await tx.order.update({ where: { id: request.orderId }, data: { ...request.set, status: request.to } });
    const event = await tx.orderEvent.create({
      data: {
        orderId: request.orderId,
        fromStatus: current.status,
        toStatus: request.to,
        source: request.source,
        reason: request.reason ?? null,
        ...(request.data === undefined ? {} : { data: request.data }),
      },
    });
    let callbackDeliveryId: string | null = null;
    if (current.callback_url) {
      const delivery = await tx.callbackDelivery.create({
        data: { orderId: request.orderId, orderEventId: event.id, url: current.callback_url },
      });
      callbackDeliveryId = delivery.id;
    }
    return { from: current.status, to: request.to, eventId: event.id, callbackDeliveryId };
  });
}
