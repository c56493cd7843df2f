// apply-payment: applies the order's payment to its POS check once the POS has the order.
// Exactly once: the payment reference is fixed per payment attempt, and K-Series answers 400
// "reference has already been used" to a repeat. A refused payment is tried again only by a
// payment replay (services/orders/replay.ts), which gives it a new reference and so a new task.
// The order arrives claimed from the orders table (./order-work.ts), with its delivery context.
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../../db/prisma.js';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import { ConnectionUnavailableError } from '../../integrations/lightspeed/access-token-provider.js';
import {
  isReferenceAlreadyUsed,
  KSeriesApiError,
  type KSeriesClient,
} from '../../integrations/lightspeed/client/index.js';
import type { OrderUpdates } from '../../services/orders/apply-notifications.js';
import { createOrderStore } from '../../services/orders/hot-path-queries.js';
import { deliveryConnection, waitForReconnect, type OrderTask } from './order-context.js';

export interface ApplyPaymentDeps {
  prisma: PrismaClient;
  kseries: Pick<KSeriesClient, 'pay'>;
  orderUpdates: OrderUpdates;
  log: FastifyBaseLogger;
}

// PAYMENT_FAILED: the reference of a refused payment is spent (a repeat answers "already used",
// which would read as paid), so a stale task must not send it again.
// NEEDS_ATTENTION: among others, a POS check whose total is not what the customer paid.
const NOT_PAYABLE: readonly OrderStatus[] = [
  'RECEIVED',
  'FAILED',
  'CANCELLED',
  'ABANDONED',
  'PAYMENT_FAILED',
  'NEEDS_ATTENTION',
];

export function createApplyPaymentProcessor(deps: ApplyPaymentDeps): OrderTask {
  const { prisma, kseries, orderUpdates, log } = deps;
  const store = createOrderStore(prisma);

  async function recordSubmitted(orderId: string, reason: string) {
    const result = await orderUpdates.transition(orderId, 'PAYMENT_SUBMITTED', 'worker', reason, {
      paymentSubmittedAt: new Date(),
    });
    // Fulfilment events may have moved the order past PAYMENT_SUBMITTED: record the payment anyway.
    if (!result) await store.setPaymentSubmitted(orderId, new Date());
  }

  return {
    async process(order) {
      const orderId = order.id;
      const ctx = deliveryConnection(order);
      if (order.paymentSubmittedAt || order.paidAt || NOT_PAYABLE.includes(order.status) || !order.accountIdentifier)
        return 'nothing to do';
      if (!ctx.connection || !ctx.endpointId) return waitForReconnect();
      try {
        await kseries.pay(ctx.connection.id, {
          businessLocationId: Number(order.location.businessLocationId),
          endpointId: ctx.endpointId,
          iKaccountIdentifier: order.accountIdentifier,
          paymentAmount: Number(order.paymentAmount),
          tipAmount: Number(order.tipAmount),
          paymentMethod: order.paymentMethod,
          thirdPartyPaymentReference: order.paymentReference,
        });
        await recordSubmitted(orderId, 'payment accepted for the POS');
        return 'submitted';
      } catch (err) {
        if (isReferenceAlreadyUsed(err)) {
          await recordSubmitted(orderId, 'K-Series already had this payment reference: it was applied earlier');
          return 'already applied';
        }
        if (err instanceof ConnectionUnavailableError) return waitForReconnect();
        if (err instanceof KSeriesApiError && !err.retryable) {
          const reason = `K-Series refused the payment: ${err.upstreamMessage}`;
          await orderUpdates.transition(orderId, 'PAYMENT_FAILED', 'worker', reason, { failureReason: reason });
          return 'refused';
        }
        log.warn(
          {
            orderId,
            err: err instanceof KSeriesApiError ? err.toJSON() : String(err),
            attempt: order.workAttempts + 1,
          },
          'apply-payment will retry',
        );
        throw err;
      }
    },

    async onFinalFailure(orderId, err) {
      const order = await prisma.order.findUnique({
        where: { id: orderId },
        select: { paymentSubmittedAt: true, paidAt: true },
      });
      if (order && !order.paymentSubmittedAt && !order.paidAt) {
        const reason = `payment attempts exhausted: ${err.message}`;
        await orderUpdates.transition(orderId, 'PAYMENT_FAILED', 'worker', reason, { failureReason: reason });
      }
    },
  };
}
