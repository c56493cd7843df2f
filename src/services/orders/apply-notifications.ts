// What Lightspeed's ORDER and PAYMENT notifications do to our orders. Each handler is safe to
// run twice and in any order relative to the others (see state-machine.ts).
// Each handler writes either at once (one statement per move) or, given an outcome batch and
// the order loaded with the event, into the batch (outcome-batch.ts): the same rules decide,
// and the webhook job commits the whole batch with its events' marks in one statement.
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../../db/prisma.js';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import type { QueueProducers } from '../../queues/producers.js';
import { createIntegrationLog } from '../integration-log.js';
import { enqueuePayment } from './enqueue.js';
import { orderLogEntry, recordOrderLog } from './order-log.js';
import { posTotalMismatch } from './pos-total.js';
import { attemptOfReference } from './references.js';
import { createOrderStore, type OrderOutcomeView } from './hot-path-queries.js';
import type { OutcomeBatch } from './outcome-batch.js';
import { transitionOrder, type OrderEventSource, type TransitionColumns } from './transitions.js';

export interface OrderUpdateDeps {
  prisma: PrismaClient;
  queues: QueueProducers;
  log: FastifyBaseLogger;
  /** Tells this process's callback dispatcher that a transition wrote a delivery (else it polls). */
  wakeCallbacks?: () => void;
}

/** An order's status as the POS reports it (the fields of an ORDER notification we use). */
export interface OrderStatusReport {
  status?: string;
  ikentooAccountIdentifier?: string;
  reason?: string;
  /** The check (apeAccountSnapshot), when the endpoint provides it or a lookup fetched it. */
  account?: { currentAmount?: number } | null;
}

/** A payment's status as the POS reports it (the fields of a PAYMENT notification we use). */
export interface PaymentStatusReport {
  status?: string;
  reason?: string;
  errors?: { account?: { type?: string } };
}

export type OutcomeResult = { applied: boolean; orderId: string | null; vendorId: string | null; note?: string };

/** A notification that matched no order (or needs none): nothing applied, and why. */
export const notApplied = (note: string): OutcomeResult => ({ applied: false, orderId: null, vendorId: null, note });

// Both handlers take `known`: the order as the caller already loaded it with the event (the
// webhook batch reads it in the same query), which saves the lookup by reference.

const ORDER_STATUS_MAP: Record<string, OrderStatus | undefined> = {
  SUCCESS: 'ACCEPTED',
  FAILURE: 'FAILED',
  READY_FOR_PICKUP: 'READY_FOR_PICKUP',
  CLOSED: 'CLOSED',
  CANCELLED: 'CANCELLED',
  ABANDONED: 'ABANDONED',
};

// No payment is applied to an order the POS refused, that was called off, or that waits for an
// operator (a NEEDS_ATTENTION order that the POS accepts later moves to ACCEPTED first).
const NO_PAYMENT_STATES: readonly OrderStatus[] = ['FAILED', 'CANCELLED', 'ABANDONED', 'RECEIVED', 'NEEDS_ATTENTION'];

export function createOrderUpdates(deps: OrderUpdateDeps) {
  const { prisma, queues, log } = deps;
  const store = createOrderStore(prisma);
  const integrationLog = createIntegrationLog({ prisma });

  /**
   * Starts the payment once the POS has the order, whatever order events arrived in. `order` may
   * be a moment old: apply-payment checks again, and its job id makes a repeat a no-op.
   */
  async function ensurePaymentStarted(
    order: Pick<
      OrderOutcomeView,
      'id' | 'status' | 'accountIdentifier' | 'paymentReference' | 'paymentSubmittedAt' | 'paidAt'
    >,
    batch?: OutcomeBatch,
  ): Promise<void> {
    if (order.paymentSubmittedAt || order.paidAt || !order.accountIdentifier) return;
    if (NO_PAYMENT_STATES.includes(order.status)) return;
    // In a batch the order is not ACCEPTED before the commit: the payment job must not run sooner.
    if (batch) batch.afterCommit(() => enqueuePayment(queues, order, log));
    else await enqueuePayment(queues, order, log);
  }

  /** After a committed move: the merchant's integration log (see order-log.ts). */
  async function logTransition(
    moved: { vendorId: string; displayReference: string },
    orderId: string,
    to: OrderStatus,
    source: OrderEventSource,
    reason: string | undefined,
  ): Promise<void> {
    const entry = orderLogEntry({ orderId, reference: moved.displayReference, to, source, reason });
    if (!entry) return;
    // The transition is committed: a log that cannot be written must not fail (and retry) the job.
    await recordOrderLog({ prisma, integrationLog }, moved.vendorId, entry).catch((err: unknown) =>
      log.warn({ err, orderId, event: entry.event }, 'integration log write failed'),
    );
  }

  async function transition(
    orderId: string,
    to: OrderStatus,
    source: OrderEventSource,
    reason: string | undefined,
    set: TransitionColumns = {},
  ) {
    const result = await transitionOrder(prisma, { orderId, to, source, reason, set });
    if (result?.callbackDeliveryId) deps.wakeCallbacks?.();
    if (result) await logTransition(result, orderId, to, source, reason);
    return result;
  }

  /** A handler's move: at once, or into the batch (logged and the dispatcher woken after its commit). */
  async function move(
    batch: OutcomeBatch | undefined,
    orderId: string,
    to: OrderStatus,
    source: OrderEventSource,
    reason: string | undefined,
    set: TransitionColumns = {},
  ): Promise<boolean> {
    if (!batch) return (await transition(orderId, to, source, reason, set)) !== null;
    const moved = batch.transition(orderId, to, source, reason, set);
    if (moved) {
      batch.afterCommit(async () => {
        deps.wakeCallbacks?.();
        await logTransition(moved, orderId, to, source, reason);
      });
    }
    return moved !== null;
  }

  /** The writes besides moves: into the batch when there is one. */
  async function setAccountIdentifier(orderId: string, accountIdentifier: string, batch?: OutcomeBatch) {
    if (batch) batch.setAccountIdentifier(orderId, accountIdentifier);
    else await store.setAccountIdentifier(orderId, accountIdentifier);
  }
  async function setPaid(orderId: string, at: Date, batch?: OutcomeBatch) {
    if (batch) batch.setPaid(orderId, at);
    else await store.setPaid(orderId, at);
  }

  /** The order a handler decides on: the batch's copy when it writes into a batch. */
  function decidingOn(order: OrderOutcomeView, batch: OutcomeBatch | undefined): OrderOutcomeView {
    if (!batch) return order;
    batch.track(order);
    return batch.current(order.id)!;
  }

  /**
   * What the POS says became of an order (an ORDER notification's status, account and reason),
   * applied to the order it is about: the one apply step of the webhook path and of the
   * reconciler, which finds the same facts by asking K-Series.
   */
  async function applyOrderStatus(
    loaded: OrderOutcomeView,
    notification: OrderStatusReport,
    source: OrderEventSource,
    batch?: OutcomeBatch,
  ): Promise<OutcomeResult> {
    const order = decidingOn(loaded, batch);
    // The account identifier is worth keeping even when the status cannot move (late SUCCESS):
    // the transition stores it, and a refused one leaves it to a separate update.
    const accountIdentifier = notification.ikentooAccountIdentifier;
    // Before any payment: the POS check must ask what the customer paid. A price changed
    // between our acceptance and the POS makes it differ; then the order waits for an operator
    // (NEEDS_ATTENTION, both amounts in the reason) and is never paid by us.
    const currentAmount = notification.account?.currentAmount;
    if (!order.paymentSubmittedAt && !order.paidAt && typeof currentAmount === 'number') {
      const mismatch = posTotalMismatch(currentAmount, order.paymentDue);
      if (mismatch) {
        // SUCCESS becomes NEEDS_ATTENTION; later statuses (READY_FOR_PICKUP, CLOSED...) still
        // move the order, but nothing starts its payment.
        const next =
          notification.status === 'SUCCESS' ? 'NEEDS_ATTENTION' : ORDER_STATUS_MAP[notification.status ?? ''];
        const reason = next === 'NEEDS_ATTENTION' ? mismatch : `K-Series ${notification.status}`;
        const set = {
          ...(next === 'NEEDS_ATTENTION' ? { failureReason: mismatch } : {}),
          ...(accountIdentifier ? { accountIdentifier } : {}),
        };
        const moved = next ? await move(batch, order.id, next, source, reason, set) : false;
        if (accountIdentifier && !order.accountIdentifier && !moved)
          await setAccountIdentifier(order.id, accountIdentifier, batch);
        return { applied: moved, orderId: order.id, vendorId: order.vendorId, note: mismatch };
      }
    }
    const to = notification.status ? ORDER_STATUS_MAP[notification.status] : undefined;
    let applied = false;
    if (to) {
      const reason =
        to === 'FAILED' ? (notification.reason ?? 'the POS refused the order') : `K-Series ${notification.status}`;
      const set = {
        ...(to === 'FAILED' ? { failureReason: reason } : {}),
        ...(accountIdentifier ? { accountIdentifier } : {}),
      };
      applied = await move(batch, order.id, to, source, reason, set);
    }
    if (accountIdentifier && !order.accountIdentifier && !applied)
      await setAccountIdentifier(order.id, accountIdentifier, batch);
    if (notification.status === 'SUCCESS' || accountIdentifier) {
      await ensurePaymentStarted(
        {
          ...order,
          status: applied && to ? to : order.status,
          accountIdentifier: order.accountIdentifier ?? accountIdentifier ?? null,
        },
        batch,
      );
    }
    const note = to ? undefined : `status ${notification.status ?? '(none)'} recorded without a state change`;
    return { applied, orderId: order.id, vendorId: order.vendorId, note };
  }

  /**
   * What the POS says became of a payment, applied to its order. `reference` is the reference
   * the report came by (the payment's, or on older notifications the order's).
   */
  async function applyPaymentStatus(
    loaded: OrderOutcomeView,
    reference: string,
    notification: PaymentStatusReport,
    source: OrderEventSource,
    batch?: OutcomeBatch,
  ): Promise<OutcomeResult> {
    const order = decidingOn(loaded, batch);
    if (notification.status === 'SUCCESS') {
      // Whichever of the order's references it came by, a confirmed payment is money on the check.
      const paidAt = order.paidAt ?? new Date();
      const applied = await move(batch, order.id, 'PAID', source, 'payment confirmed by the POS', { paidAt });
      // Fulfilment may have overtaken the payment event: the payment still counts.
      if (!applied && !order.paidAt) await setPaid(order.id, paidAt, batch);
      return { applied, orderId: order.id, vendorId: order.vendorId };
    }
    if (notification.status === 'FAILURE') {
      // After a payment replay only the current payment reference speaks for the order. A
      // superseded reference matches no order at all; one that matched by the order reference
      // (older notifications carry that) cannot say which attempt failed, and applying it could
      // flip the replayed payment back to PAYMENT_FAILED. If it was the new payment that failed,
      // the reconciler finds it unpaid on the account and flags the order.
      if (reference !== order.paymentReference && attemptOfReference(order.paymentReference) > 1) {
        const note = `payment FAILURE for ${reference}, not the current payment reference ${order.paymentReference} (payment replayed); not applied`;
        return { applied: false, orderId: order.id, vendorId: order.vendorId, note };
      }
      const reason =
        [notification.errors?.account?.type, notification.reason].filter(Boolean).join(': ') || 'payment failed';
      const applied = await move(batch, order.id, 'PAYMENT_FAILED', source, reason, { failureReason: reason });
      return { applied, orderId: order.id, vendorId: order.vendorId };
    }
    return {
      applied: false,
      orderId: order.id,
      vendorId: order.vendorId,
      note: `payment status ${notification.status ?? '(none)'}`,
    };
  }

  return {
    ensurePaymentStarted,
    transition,
    applyOrderStatus,
    applyPaymentStatus,

    /**
     * An ORDER notification: finds its order (unless the caller loaded it), then applyOrderStatus.
     * With `batch`, the writes of an order the caller loaded go into the batch.
     */
    async applyOrderNotification(
      notification: OrderStatusReport & { thirdPartyReference?: string },
      source: OrderEventSource = 'webhook',
      known?: OrderOutcomeView,
      batch?: OutcomeBatch,
    ): Promise<OutcomeResult> {
      const reference = notification.thirdPartyReference;
      if (!reference) return notApplied('no thirdPartyReference');
      const order = known ?? (await store.byReference(reference));
      if (!order) return notApplied(`no order with reference ${reference}`);
      return applyOrderStatus(order, notification, source, known && batch);
    },

    /** A PAYMENT notification: as applyOrderNotification, then applyPaymentStatus. */
    async applyPaymentNotification(
      notification: PaymentStatusReport & { thirdPartyReference?: string },
      source: OrderEventSource = 'webhook',
      known?: OrderOutcomeView,
      batch?: OutcomeBatch,
    ): Promise<OutcomeResult> {
      const reference = notification.thirdPartyReference;
      if (!reference) return notApplied('no thirdPartyReference');
      const order = known ?? (await store.byPaymentReference(reference));
      if (!order)
        return notApplied(`no order with payment reference ${reference} (unknown, or superseded by a payment replay)`);
      return applyPaymentStatus(order, reference, notification, source, known && batch);
    },
  };
}

export type OrderUpdates = ReturnType<typeof createOrderUpdates>;
