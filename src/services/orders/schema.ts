// What a kiosk or online-ordering backend sends us, validated against what K-Series accepts
// (lengths and required fields from the order-and-pay OpenAPI), and how it becomes a K-Series
// order body.
import { z } from 'zod';
import type { LocalOrderRequest, ToGoOrderRequest } from '../../integrations/lightspeed/client/index.js';

const money = z
  .number()
  .nonnegative()
  .max(1_000_000)
  .refine((v) => Math.round(v * 100) === Number((v * 100).toFixed(6)), 'at most 2 decimals');

const modifier = z.object({ modifierId: z.string().trim().min(1).max(64) });

interface SubItemInput {
  sku: string;
  quantity: number;
  modifiers?: { modifierId: string }[];
  subItems?: SubItemInput[];
  customItemName?: string;
  customItemPrice?: number;
}

// What every order line has, top-level or nested (K-Series: sku <= 25 characters).
const lineFields = {
  sku: z.string().trim().min(1).max(25),
  quantity: z.number().int().min(1).max(999),
  modifiers: z.array(modifier).max(50).optional(),
  customItemName: z.string().min(1).max(100).optional(),
  customItemPrice: money.optional(),
};

const subItem: z.ZodType<SubItemInput> = z
  .lazy(() => z.object({ ...lineFields, subItems: z.array(subItem).max(50).optional() }))
  .meta({ id: 'OrderSubItem' }); // a named component: OpenAPI needs one to describe the recursion

const item = z.object({
  ...lineFields,
  subItems: z.array(subItem).max(50).optional(),
  discountCode: z.string().min(1).max(64).optional(),
  /** Dine-in only: the course the line is sent with. */
  course: z.number().int().min(0).max(20).optional(),
});

export const createOrderBody = z
  .object({
    locationId: z.uuid(),
    /** local = dine-in (optionally at a table); toGo = takeaway or delivery. */
    type: z.enum(['local', 'toGo']),
    /** The caller's own order reference: a repeat with the same one returns the original order. */
    reference: z.string().trim().min(1).max(100).optional(),
    accountProfileCode: z.string().trim().min(1).max(64).optional(),
    tableNumber: z.string().trim().min(1).max(20).optional(),
    clientCount: z.number().int().min(1).max(999).optional(),
    customer: z.object({
      firstName: z.string().trim().min(1).max(128),
      lastName: z.string().trim().min(1).max(128).optional(),
      email: z.email().max(254).optional(),
      phone: z
        .string()
        .regex(/^\+[1-9]\d{6,14}$/, 'must be E.164, e.g. +31201234567')
        .optional(),
      notes: z.string().max(500).optional(),
    }),
    items: z.array(item).min(1).max(200),
    note: z.string().max(500).optional(),
    scheduledAt: z.iso.datetime({ offset: true }).optional(),
    collectionAt: z.iso.datetime({ offset: true }).optional(),
    collectionCode: z.string().min(1).max(8).optional(),
    deliveryAddress: z
      .object({
        addressLine1: z.string().trim().min(1).max(200),
        addressLine2: z.string().max(200).optional(),
        city: z.string().trim().min(1).max(100),
        zip: z.string().trim().min(1).max(20),
      })
      .optional(),
    /** The payment the caller already took; we apply it to the POS check after acceptance. */
    payment: z.object({
      method: z.string().trim().min(1).max(32).default('OOPAYMENT'),
      amount: money.refine((v) => v > 0, 'must be greater than 0'),
      tip: money.default(0),
      /** The caller's own payment reference, kept for their records. */
      reference: z.string().trim().min(1).max(100).optional(),
    }),
  })
  .superRefine((order, ctx) => {
    if (order.type === 'toGo') {
      for (const field of ['tableNumber', 'clientCount'] as const) {
        if (order[field] !== undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: 'only for local (dine-in) orders' });
      }
      order.items.forEach((line, i) => {
        if (line.course !== undefined)
          ctx.addIssue({ code: 'custom', path: ['items', i, 'course'], message: 'only for local (dine-in) orders' });
      });
    } else if (order.deliveryAddress) {
      ctx.addIssue({ code: 'custom', path: ['deliveryAddress'], message: 'only for toGo orders' });
    }
  });

export type CreateOrderInput = z.infer<typeof createOrderBody>;

export interface KSeriesOrderContext {
  businessLocationId: bigint;
  reference: string;
  endpointId: string;
  accountProfileCode: string | null;
  /** Milliseconds K-Series may keep trying to reach the POS (>= 60 000). */
  maxTimeToDeliverMs: number;
}

export type KSeriesOrder = { type: 'local'; body: LocalOrderRequest } | { type: 'toGo'; body: ToGoOrderRequest };

/**
 * The body for POST /o/op/1/order/local or /toGo. The payment is deliberately not embedded:
 * it is applied with /o/op/1/pay after acceptance, so it can be retried exactly once on its own.
 * Optional fields left undefined are not sent (JSON drops them).
 */
export function toKSeriesOrder(order: CreateOrderInput, ctx: KSeriesOrderContext): KSeriesOrder {
  const { customer } = order;
  const common = {
    businessLocationId: Number(ctx.businessLocationId),
    thirdPartyReference: ctx.reference,
    endpointId: ctx.endpointId,
    customerInfo: {
      firstName: customer.firstName,
      lastName: customer.lastName,
      email: customer.email,
      contactNumberAsE164: customer.phone,
      notes: customer.notes,
    },
    maxTimeToAttemptOrderDeliverToPos: Math.max(60_000, Math.round(ctx.maxTimeToDeliverMs)),
    accountProfileCode: order.accountProfileCode ?? ctx.accountProfileCode ?? undefined,
    orderNote: order.note,
    scheduledTimeForOrderAsIso8601: order.scheduledAt,
    orderCollectionTimeAsIso8601: order.collectionAt,
    collectionCode: order.collectionCode,
  };
  if (order.type === 'local') {
    return {
      type: 'local',
      body: { ...common, items: order.items, tableNumber: order.tableNumber, clientCount: order.clientCount },
    };
  }
  // toGo lines carry no course (the request schema refused one).
  const items = order.items.map(({ course: _course, ...line }) => line);
  return { type: 'toGo', body: { ...common, items, deliveryAddress: order.deliveryAddress } };
}
