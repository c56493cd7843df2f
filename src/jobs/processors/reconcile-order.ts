// reconcile-order: an order got no outcome webhook in time. Ask K-Series what happened (the
// account lookup when we know the account, the financial sale by our external reference
// otherwise) and, if it still cannot be known, flag it for an operator. Never re-sent blindly.
// What it finds goes through the same apply step as a webhook (applyOrderStatus /
// applyPaymentStatus), on the order it already loaded.
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../../db/prisma.js';
import { ConnectionUnavailableError } from '../../integrations/lightspeed/access-token-provider.js';
import { saleExternalReference, type KSeriesClient } from '../../integrations/lightspeed/client/index.js';
import type { OrderUpdates } from '../../services/orders/apply-notifications.js';
import { createOrderStore } from '../../services/orders/hot-path-queries.js';
import { scheduledAtOf } from '../../services/orders/schedule.js';
import { loadOrderContext } from './order-context.js';

export interface ReconcileDeps {
  prisma: PrismaClient;
  kseries: Pick<KSeriesClient, 'getAccount' | 'getSaleByExternalReference'>;
  orderUpdates: OrderUpdates;
  log: FastifyBaseLogger;
  /** How long after submission an unknown outcome is handed to an operator. */
  giveUpAfterMs: number;
}

export function createReconcileProcessor(deps: ReconcileDeps) {
  const { prisma, kseries, orderUpdates, log } = deps;
  const store = createOrderStore(prisma);

  async function flag(orderId: string, reason: string) {
    await orderUpdates.transition(orderId, 'NEEDS_ATTENTION', 'reconciler', reason, { failureReason: reason });
    log.warn({ orderId, reason }, 'order needs an operator');
  }

  return async function reconcile({ orderId }: { orderId: string }): Promise<string> {
    const ctx = await loadOrderContext(store, orderId);
    if (!ctx) return 'no such order';
    const { order } = ctx;
    await prisma.order.update({ where: { id: orderId }, data: { lastCheckedAt: new Date() } });
    const blId = order.location.businessLocationId;
    if (!ctx.connection || blId === null) return 'vendor disconnected; checked again later';
    // A scheduled order reaches the POS at its scheduled time: no outcome is due before it, and
    // the time to give up counts from it.
    const scheduledAt = scheduledAtOf(order.payload);
    if (order.status === 'SUBMITTED' && scheduledAt !== undefined && Date.now() < scheduledAt)
      return `scheduled: the POS receives it at ${new Date(scheduledAt).toISOString()}`;
    const submittedSince =
      scheduledAt !== undefined && order.submittedAt
        ? new Date(Math.max(scheduledAt, order.submittedAt.getTime()))
        : order.submittedAt;
    const since = (order.status === 'PAYMENT_SUBMITTED' ? order.paymentSubmittedAt : submittedSince) ?? order.createdAt;
    const overdue = Date.now() - since.getTime() > deps.giveUpAfterMs;

    try {
      if (order.status === 'SUBMITTED') {
        const sale = await kseries.getSaleByExternalReference(
          ctx.connection.id,
          blId,
          saleExternalReference(blId, order.reference),
        );
        if (sale) {
          // On the POS, and already closed as a sale.
          await orderUpdates.applyOrderStatus(order, { status: 'SUCCESS' }, 'reconciler');
          await orderUpdates.applyOrderStatus(order, { status: 'CLOSED' }, 'reconciler');
          return 'found as a sale';
        }
        if (order.accountIdentifier) {
          // The account lookup gives the check: its total is compared with the payment too.
          const account = await kseries.getAccount(ctx.connection.id, blId, order.accountIdentifier);
          await orderUpdates.applyOrderStatus(order, { status: 'SUCCESS', account }, 'reconciler');
          return 'found the account';
        }
        if (overdue)
          await flag(orderId, 'no outcome from K-Series, and no sale or account found for the reference; not re-sent');
        return overdue ? 'flagged' : 'still unknown';
      }
      if (order.paymentSubmittedAt && !order.paidAt && order.accountIdentifier) {
        const account = await kseries.getAccount(ctx.connection.id, blId, order.accountIdentifier);
        const due = Number(order.paymentAmount);
        if ((account.paidAmount ?? 0) + 0.005 >= due || account.closeDate) {
          await orderUpdates.applyPaymentStatus(order, order.paymentReference, { status: 'SUCCESS' }, 'reconciler');
          // The CLOSED notification may have been lost with the payment's: the account says it.
          if (account.closeDate) await orderUpdates.applyOrderStatus(order, { status: 'CLOSED' }, 'reconciler');
          return account.closeDate ? 'payment found on the account, which is closed' : 'payment found on the account';
        }
        if (overdue && order.status === 'PAYMENT_SUBMITTED')
          await flag(orderId, 'payment submitted but not visible on the POS account; not re-sent');
        return overdue ? 'flagged' : 'payment still unknown';
      }
      return 'nothing to reconcile';
    } catch (err) {
      if (err instanceof ConnectionUnavailableError) return 'vendor disconnected; checked again later';
      throw err;
    }
  };
}
