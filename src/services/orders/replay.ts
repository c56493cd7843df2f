// Replaying an order an operator (or the vendor) has looked at. Its status decides what is
// replayed, under the row lock so that two replays at once make one attempt:
// - FAILED / NEEDS_ATTENTION: the delivery to K-Series (push-order again);
// - PAYMENT_FAILED: the payment of an order the POS already has (apply-payment again).
// A replay moves the status back on purpose, outside the state machine (which only moves
// forward), and records why in the timeline.
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../../db/prisma.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import type { QueueProducers } from '../../queues/producers.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { createIntegrationLog } from '../integration-log.js';
import { enqueuePayment, enqueuePush } from './enqueue.js';
import { attemptOfReference, referenceForAttempt } from './references.js';
import type { OrderWithEvents } from './order-with-events.js';
import { ATTENTION_STATUSES } from './state-machine.js';
import { deliveryDeadline } from './schedule.js';

export const REPLAYABLE_STATUSES: readonly OrderStatus[] = ATTENTION_STATUSES;

export type ReplaySource = 'operator' | 'api' | 'backoffice';

interface LockedOrder {
  status: OrderStatus;
  vendor_id: string;
  reference: string;
  attempt: number;
  payment_reference: string;
  account_identifier: string | null;
  failure_reason: string | null;
  /** The order as the caller sent it: its scheduled time moves the delivery window. */
  payload: unknown;
  /** The vendor's callback URL: a replay is a status change like any other. */
  callback_url: string | null;
}

export interface ReplayDeps {
  prisma: PrismaClient;
  queues: QueueProducers;
  log: FastifyBaseLogger;
  deliveryDeadlineMs: number;
}

/**
 * A new delivery attempt for a FAILED order (with a new K-Series reference: the old attempt
 * definitively failed) or for one NEEDS_ATTENTION (same reference: if it did reach the POS,
 * K-Series answers 409 and nothing is duplicated). Either way the attempt counter moves on:
 * the push job id carries it, and BullMQ silently ignores an add whose id still exists (the
 * earlier attempt's job is kept for an hour when it completed, a week when it failed), so a
 * replay under the old id would answer 202 and deliver nothing.
 */
async function replayDelivery(
  tx: Prisma.TransactionClient,
  orderId: string,
  row: LockedOrder,
  source: ReplaySource,
  deadlineMs: number,
) {
  const attempt = row.attempt + 1;
  // referenceForAttempt strips any earlier suffix, so references stay unique even when a
  // NEEDS_ATTENTION replay made the attempt numbers skip one.
  const reference = row.status === 'FAILED' ? referenceForAttempt(row.reference, attempt) : row.reference;
  await tx.order.update({
    where: { id: orderId },
    // A new attempt gets a new delivery deadline, or a replay of an old order would be
    // flagged again at once.
    data: {
      status: 'RECEIVED',
      attempt,
      reference,
      failureReason: null,
      submittedAt: null,
      lastCheckedAt: null,
      // A scheduled order still ahead keeps its window after the scheduled time.
      deadlineAt: deliveryDeadline(row.payload, deadlineMs),
    },
  });
  return tx.orderEvent.create({
    data: {
      orderId,
      fromStatus: row.status,
      toStatus: 'RECEIVED',
      source,
      reason: `replay, attempt ${attempt}`,
      data: { previousReference: row.reference, reference },
    },
    select: { id: true },
  });
}

/**
 * The POS has the order but refused its payment. K-Series treats that refusal as final, and
 * its reference is spent (a repeat answers 400 "reference has already been used", which
 * apply-payment reads as applied), so the payment goes again under a new reference: the refused
 * one cannot be paid later, hence nothing is paid twice. Back to ACCEPTED, where apply-payment
 * starts.
 */
async function replayPayment(tx: Prisma.TransactionClient, orderId: string, row: LockedOrder, source: ReplaySource) {
  if (!row.account_identifier) {
    throw new ConflictError(
      "This order's payment cannot be replayed: K-Series never told us the order's account (check) on the POS, so there is nothing to pay. Settle it on the POS.",
      'PAYMENT_NOT_REPLAYABLE',
    );
  }
  const paymentAttempt = attemptOfReference(row.payment_reference) + 1;
  const paymentReference = referenceForAttempt(row.payment_reference, paymentAttempt);
  await tx.order.update({
    where: { id: orderId },
    // lastCheckedAt: the reconciler may look at the new payment as soon as it is due.
    data: { status: 'ACCEPTED', paymentReference, paymentSubmittedAt: null, failureReason: null, lastCheckedAt: null },
  });
  return tx.orderEvent.create({
    select: { id: true },
    data: {
      orderId,
      fromStatus: row.status,
      toStatus: 'ACCEPTED',
      source,
      reason: `payment replay, attempt ${paymentAttempt}`,
      data: {
        previousPaymentReference: row.payment_reference,
        paymentReference,
        paymentAttempt,
        previousFailureReason: row.failure_reason,
      },
    },
  });
}

/** Returns the replayed order with its timeline; the job that carries the replay is queued after commit. */
export function createReplay(deps: ReplayDeps) {
  const { prisma, queues, log } = deps;
  const integrationLog = createIntegrationLog({ prisma });

  return async function replay(
    vendorId: string | null,
    orderId: string,
    source: ReplaySource,
  ): Promise<OrderWithEvents> {
    const { order, payment, previousReference } = await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<LockedOrder[]>`
        SELECT o.status, o.vendor_id, o.reference, o.attempt, o.payment_reference, o.account_identifier, o.failure_reason, o.payload, v.callback_url
          FROM orders o JOIN vendors v ON v.id = o.vendor_id
         WHERE o.id = ${orderId}::uuid FOR UPDATE OF o`;
      const row = rows[0];
      if (!row || (vendorId && row.vendor_id !== vendorId)) throw new NotFoundError('Order');
      if (!REPLAYABLE_STATUSES.includes(row.status)) {
        throw new ConflictError(
          `Only FAILED, NEEDS_ATTENTION or PAYMENT_FAILED orders can be replayed; this one is ${row.status}`,
          'ORDER_NOT_REPLAYABLE',
        );
      }
      const payment = row.status === 'PAYMENT_FAILED';
      const event = payment
        ? await replayPayment(tx, orderId, row, source)
        : await replayDelivery(tx, orderId, row, source, deps.deliveryDeadlineMs);
      // The vendor hears of the replay as of any status change (same outbox as transitions.ts).
      // The callback dispatcher in the worker finds it on its next poll.
      if (row.callback_url)
        await tx.callbackDelivery.create({
          data: { orderId, orderEventId: event.id, url: row.callback_url },
          select: { id: true },
        });
      const order = await tx.order.findUniqueOrThrow({
        where: { id: orderId },
        include: { events: { orderBy: { id: 'asc' } } },
      });
      return { order, payment, previousReference: row.reference };
    });
    if (payment) await enqueuePayment(queues, order, log);
    else await enqueuePush(queues, order, log);
    // The merchant knows the order by the reference it failed under.
    const reference = order.callerReference ?? previousReference;
    const renamed = order.reference !== previousReference ? ` under the new reference ${order.reference}` : '';
    await integrationLog
      .record(order.vendorId, {
        level: 'INFO',
        event: payment ? 'payment.replayed' : 'order.replayed',
        message: payment
          ? `The payment of order ${reference} is being sent to the POS again (replay).`
          : `Order ${reference} is being sent to the POS again (replay)${renamed}.`,
        details: { orderId, reference, by: source },
      })
      .catch((err: unknown) => log.warn({ err, orderId }, 'integration log write failed'));
    return order;
  };
}
