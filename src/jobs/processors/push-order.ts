// push-order: sends a RECEIVED order to K-Series. Exactly once: the order's reference is its
// thirdPartyReference, and K-Series answers 409 "reference has already been used" to a repeat,
// which means an earlier attempt was delivered (a crash between the call and our write).
// The order arrives claimed from the orders table (./order-work.ts), with its delivery context.
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../../db/prisma.js';
import { ConnectionUnavailableError } from '../../integrations/lightspeed/access-token-provider.js';
import {
  isReferenceAlreadyUsed,
  KSeriesApiError,
  type KSeriesClient,
} from '../../integrations/lightspeed/client/index.js';
import type { OrderUpdates } from '../../services/orders/apply-notifications.js';
import { toKSeriesOrder, type CreateOrderInput } from '../../services/orders/schema.js';
import { windowStart } from '../../services/orders/schedule.js';
import { deliveryConnection, waitForReconnect, type OrderTask } from './order-context.js';

export interface PushOrderDeps {
  prisma: PrismaClient;
  kseries: Pick<KSeriesClient, 'createLocalOrder' | 'createToGoOrder'>;
  orderUpdates: OrderUpdates;
  log: FastifyBaseLogger;
}

export function createPushOrderProcessor(deps: PushOrderDeps): OrderTask {
  const { prisma, kseries, orderUpdates, log } = deps;

  async function needsAttention(orderId: string, reason: string) {
    await orderUpdates.transition(orderId, 'NEEDS_ATTENTION', 'worker', reason, { failureReason: reason });
    log.warn({ orderId, reason }, 'order needs an operator');
  }

  async function submitted(orderId: string, reason: string) {
    await orderUpdates.transition(orderId, 'SUBMITTED', 'worker', reason, { submittedAt: new Date() });
  }

  return {
    async process(order) {
      const orderId = order.id;
      if (order.status !== 'RECEIVED') return 'nothing to do';
      const ctx = deliveryConnection(order);
      const remainingMs = order.deadlineAt.getTime() - Date.now();
      if (remainingMs <= 0) {
        await needsAttention(orderId, 'not delivered to K-Series before its deadline');
        return 'past deadline';
      }
      if (!ctx.connection || !ctx.endpointId) return waitForReconnect();
      if (order.location.businessLocationId === null) {
        await orderUpdates.transition(orderId, 'FAILED', 'worker', 'the location is no longer mapped to K-Series', {
          failureReason: 'location unmapped',
        });
        return 'location unmapped';
      }
      const kseriesOrder = toKSeriesOrder(order.payload as unknown as CreateOrderInput, {
        businessLocationId: order.location.businessLocationId,
        reference: order.reference,
        endpointId: ctx.endpointId,
        accountProfileCode: order.location.defaultOrderProfile,
        // K-Series adds this window to the scheduled time of a scheduled order.
        maxTimeToDeliverMs: order.deadlineAt.getTime() - windowStart(order.payload),
      });
      try {
        if (kseriesOrder.type === 'local') await kseries.createLocalOrder(ctx.connection.id, kseriesOrder.body);
        else await kseries.createToGoOrder(ctx.connection.id, kseriesOrder.body);
        await submitted(orderId, 'accepted for delivery to the POS');
        return 'submitted';
      } catch (err) {
        if (isReferenceAlreadyUsed(err)) {
          await submitted(orderId, 'K-Series already had this reference: an earlier attempt was delivered');
          return 'already delivered';
        }
        if (err instanceof ConnectionUnavailableError) return waitForReconnect();
        if (err instanceof KSeriesApiError && !err.retryable) {
          // The POS refused the order (validation): retrying cannot help.
          const reason = `K-Series refused the order: ${err.upstreamMessage}`;
          await orderUpdates.transition(orderId, 'FAILED', 'worker', reason, { failureReason: reason });
          return 'refused';
        }
        // 429 / 5xx / network after the client's own retries: the claim loop retries with backoff.
        log.warn(
          {
            orderId,
            err: err instanceof KSeriesApiError ? err.toJSON() : String(err),
            attempt: order.workAttempts + 1,
          },
          'push-order will retry',
        );
        throw err;
      }
    },

    /** Attempts exhausted: the order may or may not be on the POS; an operator decides. */
    async onFinalFailure(orderId, err) {
      const order = await prisma.order.findUnique({ where: { id: orderId }, select: { status: true } });
      if (order?.status === 'RECEIVED') await needsAttention(orderId, `delivery attempts exhausted: ${err.message}`);
    },
  };
}
