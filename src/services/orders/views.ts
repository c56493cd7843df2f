// The back office's reads of orders: a page of a vendor's orders (newest first, filtered by
// status and location) and one order with its lines, timeline and vendor callbacks. Reads
// only, off the hot path, so Prisma. Money stays decimal strings (never floats).
import type { PrismaClient } from '../../db/prisma.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import { NotFoundError } from '../../lib/errors.js';
import { explainFailure, type Explanation } from './explain.js';
import { orderLines, type OrderLineView } from './order-lines.js';
import { REPLAYABLE_STATUSES } from './replay.js';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'RECEIVED',
  'SUBMITTED',
  'ACCEPTED',
  'PAYMENT_SUBMITTED',
  'PAID',
  'READY_FOR_PICKUP',
  'CLOSED',
  'CANCELLED',
  'ABANDONED',
  'FAILED',
  'PAYMENT_FAILED',
  'NEEDS_ATTENTION',
];

/** The statuses a merchant has to act on. */
export const PROBLEM_STATUSES: readonly OrderStatus[] = ['FAILED', 'PAYMENT_FAILED', 'NEEDS_ATTENTION'];

export type StatusFilter = OrderStatus | 'PROBLEMS' | null;

export interface OrderListRow {
  id: string;
  /** The vendor's own reference when it sent one, else ours (the K-Series thirdPartyReference). */
  reference: string;
  type: 'LOCAL' | 'TO_GO';
  locationName: string;
  status: OrderStatus;
  /** What the customer was charged for the order (payment amount), as a decimal string. */
  total: string;
  tip: string;
  /** Amount plus tip once the POS confirmed the payment; "0.00" before. */
  paid: string;
  createdAt: Date;
}

export interface OrderLine {
  sku: string;
  name: string | null;
  quantity: number;
  unitPrice: string | null;
  modifiers: string[];
  subItems: OrderLine[];
}

export interface TimelineEntry {
  at: Date;
  kind: 'status' | 'callback';
  /** Plain words: "Sent to the POS", "Callback to your system delivered". */
  what: string;
  /** Technical detail: the recorded reason, HTTP status, attempts. */
  detail: string | null;
  by: string | null;
  tone: 'good' | 'bad' | 'neutral';
}

export interface OrderDetail extends OrderListRow {
  ourReference: string;
  callerReference: string | null;
  accountIdentifier: string | null;
  paymentMethod: string;
  paymentReference: string;
  paidAt: Date | null;
  failureReason: string | null;
  explanation: Explanation | null;
  /** Replay is offered only where the replay service accepts it (see replay.ts). */
  replayable: boolean;
  lines: OrderLine[];
  customerName: string | null;
  timeline: TimelineEntry[];
}

const STATUS_WORDS: Record<OrderStatus, string> = {
  RECEIVED: 'Order received',
  SUBMITTED: 'Sent to the POS',
  ACCEPTED: 'The POS accepted the order',
  PAYMENT_SUBMITTED: 'Payment sent to the POS',
  PAID: 'Payment confirmed by the POS',
  READY_FOR_PICKUP: 'Ready for pickup',
  CLOSED: 'Closed on the POS',
  CANCELLED: 'Cancelled on the POS',
  ABANDONED: 'Abandoned on the POS',
  FAILED: 'The POS refused the order',
  PAYMENT_FAILED: 'The payment failed',
  NEEDS_ATTENTION: 'Needs your attention',
};

const SOURCE_WORDS: Record<string, string> = {
  api: 'your system',
  worker: 'us',
  webhook: 'Lightspeed',
  reconciler: 'our check at Lightspeed',
  operator: 'an operator',
  sweeper: 'us',
  backoffice: 'you (back office)',
};

const listSelect = {
  id: true,
  reference: true,
  callerReference: true,
  type: true,
  status: true,
  paymentAmount: true,
  tipAmount: true,
  paidAt: true,
  createdAt: true,
  location: { select: { name: true } },
} as const;

type ListRecord = Prisma.OrderGetPayload<{ select: typeof listSelect }>;

function listRow(o: ListRecord): OrderListRow {
  return {
    id: o.id,
    reference: o.callerReference ?? o.reference,
    type: o.type,
    locationName: o.location.name,
    status: o.status,
    total: o.paymentAmount.toFixed(2),
    tip: o.tipAmount.toFixed(2),
    // Decimal arithmetic (decimal.js), exact.
    paid: o.paidAt ? o.paymentAmount.plus(o.tipAmount).toFixed(2) : '0.00',
    createdAt: o.createdAt,
  };
}

/** A line as the API reads it (order-lines.ts), in the back office's shape. */
function lineOf(line: OrderLineView): OrderLine {
  return {
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    modifiers: line.modifiers.map((m) => m.modifierId),
    subItems: line.subItems.map(lineOf),
  };
}

export function createOrderViews(deps: { prisma: PrismaClient }) {
  const { prisma } = deps;

  return {
    /** One page of the vendor's orders, newest first; `hasMore` says whether a next page exists. */
    async list(
      vendorId: string,
      filter: { status: StatusFilter; locationId: string | null; page: number; pageSize: number },
    ): Promise<{ rows: OrderListRow[]; hasMore: boolean }> {
      const where: Prisma.OrderWhereInput = {
        vendorId,
        ...(filter.status === 'PROBLEMS'
          ? { status: { in: [...PROBLEM_STATUSES] } }
          : filter.status
            ? { status: filter.status }
            : {}),
        ...(filter.locationId ? { locationId: filter.locationId } : {}),
      };
      const records = await prisma.order.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (filter.page - 1) * filter.pageSize,
        take: filter.pageSize + 1,
        select: listSelect,
      });
      return { rows: records.slice(0, filter.pageSize).map(listRow), hasMore: records.length > filter.pageSize };
    },

    /** The vendor's locations, for the list's filter. */
    async locations(vendorId: string): Promise<{ id: string; name: string }[]> {
      return prisma.location.findMany({
        where: { vendorId },
        orderBy: { name: 'asc' },
        select: { id: true, name: true },
      });
    },

    /** One order of the vendor; another vendor's is "not found". */
    async detail(vendorId: string, orderId: string): Promise<OrderDetail> {
      const o = await prisma.order.findFirst({
        where: { id: orderId, vendorId },
        select: {
          ...listSelect,
          payload: true,
          accountIdentifier: true,
          paymentMethod: true,
          paymentReference: true,
          failureReason: true,
          events: { orderBy: { id: 'asc' } },
          callbacks: { orderBy: { createdAt: 'asc' } },
        },
      });
      if (!o) throw new NotFoundError('Order');
      const payload = (o.payload ?? {}) as {
        customer?: { firstName?: string; lastName?: string };
      };
      const statusOf = new Map(o.events.map((e) => [e.id, e.toStatus]));
      const timeline: TimelineEntry[] = [
        ...o.events.map((e) => ({
          at: e.createdAt,
          kind: 'status' as const,
          what: e.fromStatus !== null && e.toStatus === 'RECEIVED' ? 'Sent again (replay)' : STATUS_WORDS[e.toStatus],
          detail: e.reason,
          by: SOURCE_WORDS[e.source] ?? e.source,
          tone: PROBLEM_STATUSES.includes(e.toStatus) ? ('bad' as const) : ('neutral' as const),
        })),
        ...o.callbacks.map((c) => {
          const about = statusOf.get(c.orderEventId);
          const code = c.lastStatusCode ? `HTTP ${c.lastStatusCode}` : null;
          const detail = [about ? `about: ${STATUS_WORDS[about]}` : null, code, c.lastError, `${c.attempts} attempt(s)`]
            .filter(Boolean)
            .join(' · ');
          const what =
            c.status === 'DELIVERED'
              ? 'Callback to your system delivered'
              : c.status === 'FAILED'
                ? 'Callback to your system failed'
                : 'Callback to your system pending';
          return {
            at: c.deliveredAt ?? c.updatedAt,
            kind: 'callback' as const,
            what,
            detail,
            by: null,
            tone:
              c.status === 'DELIVERED'
                ? ('good' as const)
                : c.status === 'FAILED'
                  ? ('bad' as const)
                  : ('neutral' as const),
          };
        }),
      ].sort((a, b) => a.at.getTime() - b.at.getTime());
      const customer = payload.customer;
      return {
        ...listRow(o),
        ourReference: o.reference,
        callerReference: o.callerReference,
        accountIdentifier: o.accountIdentifier,
        paymentMethod: o.paymentMethod,
        paymentReference: o.paymentReference,
        paidAt: o.paidAt,
        failureReason: o.failureReason,
        explanation: explainFailure(o.status, o.failureReason),
        replayable:
          REPLAYABLE_STATUSES.includes(o.status) && (o.status !== 'PAYMENT_FAILED' || o.accountIdentifier !== null),
        lines: orderLines(o.payload).map(lineOf),
        customerName: customer ? [customer.firstName, customer.lastName].filter(Boolean).join(' ') : null,
        timeline,
      };
    },
  };
}

export type OrderViews = ReturnType<typeof createOrderViews>;
