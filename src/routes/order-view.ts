// The public shape of an order, shared by the vendor and admin routes.
import { z } from 'zod';
import { attemptOfReference } from '../services/orders/references.js';
import type { OrderWithEvents } from '../services/orders/service.js';
import { iso, isoDate } from './schemas.js';

const status = z.string();

export const orderSchema = z
  .object({
    id: z.uuid(),
    status,
    locationId: z.uuid(),
    type: z.enum(['local', 'toGo']),
    /** The thirdPartyReference the order carries in K-Series. */
    reference: z.string(),
    callerReference: z.string().nullable(),
    idempotencyKey: z.string().nullable(),
    accountIdentifier: z.string().nullable(),
    failureReason: z.string().nullable(),
    payment: z.object({
      method: z.string(),
      amount: z.number(),
      tip: z.number(),
      /** The thirdPartyPaymentReference of the current payment attempt at K-Series. */
      reference: z.string(),
      /** 1, plus one per payment replay of a PAYMENT_FAILED order. */
      attempt: z.number().int(),
      submittedAt: isoDate.nullable(),
      paidAt: isoDate.nullable(),
    }),
    attempt: z.number().int(),
    deadlineAt: isoDate,
    createdAt: isoDate,
    updatedAt: isoDate,
    timeline: z.array(
      z.object({
        from: status.nullable(),
        to: status,
        source: z.string(),
        reason: z.string().nullable(),
        at: isoDate,
      }),
    ),
  })
  .meta({ id: 'Order' });

export function orderView(order: OrderWithEvents): z.infer<typeof orderSchema> {
  return {
    id: order.id,
    status: order.status,
    locationId: order.locationId,
    type: order.type === 'LOCAL' ? 'local' : 'toGo',
    reference: order.reference,
    callerReference: order.callerReference,
    idempotencyKey: order.idempotencyKey,
    accountIdentifier: order.accountIdentifier,
    failureReason: order.failureReason,
    payment: {
      method: order.paymentMethod,
      amount: Number(order.paymentAmount),
      tip: Number(order.tipAmount),
      reference: order.paymentReference,
      attempt: attemptOfReference(order.paymentReference),
      submittedAt: iso(order.paymentSubmittedAt),
      paidAt: iso(order.paidAt),
    },
    attempt: order.attempt,
    deadlineAt: iso(order.deadlineAt),
    createdAt: iso(order.createdAt),
    updatedAt: iso(order.updatedAt),
    timeline: order.events.map((e) => ({
      from: e.fromStatus,
      to: e.toStatus,
      source: e.source,
      reason: e.reason,
      at: iso(e.createdAt),
    })),
  };
}
