// The public shape of an order, shared by the vendor and admin routes.
import { z } from 'zod';
import { attemptOfReference } from '../services/orders/references.js';
import type { OrderWithEvents } from '../services/orders/service.js';
import {
  amountToCents,
  orderLineSchema,
  orderLines,
  orderTotals,
  orderTotalsSchema,
} from '../services/orders/order-lines.js';
import { centsToString } from '../services/orders/pricing.js';
import { iso, isoDate } from './schemas.js';

const status = z.string().meta({ example: 'CLOSED' });
const money = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .meta({ description: 'An exact amount as a decimal string', example: '25.50' });

export const orderSchema = z
  .object({
    id: z.uuid(),
    status,
    locationId: z.uuid(),
    type: z.enum(['local', 'toGo']),
    /** The thirdPartyReference the order carries in K-Series. */
    reference: z.string().meta({ example: 'o5f0c2d9e8a7b6c5d4e3f2a1b' }),
    callerReference: z.string().nullable().meta({ example: 'KIOSK2-20261208-0042' }),
    idempotencyKey: z.string().nullable(),
    /** The POS account (check) K-Series opened for the order; null until the POS accepted it. */
    accountIdentifier: z.string().nullable().meta({ example: 'A45454565682156.1042' }),
    failureReason: z.string().nullable(),
    payment: z.object({
      method: z.string().meta({ example: 'OOPAYMENT' }),
      amount: money,
      tip: money,
      /** The thirdPartyPaymentReference of the current payment attempt at K-Series. */
      reference: z.string(),
      /** 1, plus one per payment replay of a PAYMENT_FAILED order. */
      attempt: z.number().int(),
      submittedAt: isoDate.nullable(),
      paidAt: isoDate.nullable(),
    }),
    lines: z.array(orderLineSchema),
    totals: orderTotalsSchema,
    attempt: z.number().int(),
    deadlineAt: isoDate,
    createdAt: isoDate,
    updatedAt: isoDate,
    timeline: z.array(
      z.object({
        from: status.nullable(),
        to: status,
        source: z.string().meta({ example: 'webhook' }),
        reason: z.string().nullable(),
        at: isoDate,
      }),
    ),
  })
  .meta({ id: 'Order' });

export function orderView(order: OrderWithEvents): z.infer<typeof orderSchema> {
  const lines = orderLines(order.payload);
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
      amount: centsToString(amountToCents(order.paymentAmount) ?? 0),
      tip: centsToString(amountToCents(order.tipAmount) ?? 0),
      reference: order.paymentReference,
      attempt: attemptOfReference(order.paymentReference),
      submittedAt: iso(order.paymentSubmittedAt),
      paidAt: iso(order.paidAt),
    },
    lines,
    totals: orderTotals(lines, { amount: order.paymentAmount, tip: order.tipAmount }),
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
