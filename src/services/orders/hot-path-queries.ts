// The order reads and small writes of the hot path (accepting an order, push-order,
// apply-payment and the webhook outcomes), in SQL on the shared pool (see src/db/sql.ts for
// why). Each returns only what its callers use.
import { poolOf, type PrismaClient } from '../../db/prisma.js';
import { prepared, runPrepared } from '../../db/sql.js';
import type { ConnectionStatus, OrderStatus } from '../../generated/prisma/enums.js';

/** What the webhook outcome handlers need to know about an order. */
export interface OrderOutcomeView {
  id: string;
  vendorId: string;
  status: OrderStatus;
  accountIdentifier: string | null;
  /** The current payment reference (a payment replay replaces it). */
  paymentReference: string;
  paymentSubmittedAt: Date | null;
  paidAt: Date | null;
  /** What the customer paid without the tip, as a decimal string: compared with the POS check. */
  paymentDue?: string;
  /** The vendor's own reference when it sent one, else ours (for the integration log), when loaded. */
  displayReference?: string;
}

/** An order with what it takes to talk to K-Series about it. */
export interface OrderDeliveryView extends OrderOutcomeView {
  reference: string;
  payload: unknown;
  paymentAmount: number;
  tipAmount: number;
  paymentMethod: string;
  deadlineAt: Date;
  submittedAt: Date | null;
  createdAt: Date;
  location: { businessLocationId: bigint | null; defaultOrderProfile: string | null };
  /** The vendor's Lightspeed connection, if any. */
  connection: { id: string; status: ConnectionStatus; webhookEndpointId: string | null } | null;
}

const OUTCOME_COLUMNS = `o.id, o.vendor_id, o.status, o.account_identifier, o.payment_reference, o.payment_submitted_at, o.paid_at,
  o.payment_amount::text AS payment_due`;

/**
 * How a K-Series notification finds its order, the one place this is said (the webhook batch
 * load in src/jobs/processors/apply-webhook-events.ts uses it too): an ORDER notification by the
 * order reference; a PAYMENT notification by our payment reference first, then by the order's
 * (older ones carry that). A reference a payment replay superseded matches no order any more
 * (see apply-notifications.ts). SQL text over the given expressions (constant text: never a
 * caller's value); `orders` is the alias of the orders table.
 */
export function matchOrderSql(kind: string, reference: string, orders = 'o'): string {
  return `WHERE (${kind} = 'ORDER' AND ${orders}.reference = ${reference})
           OR (${kind} = 'PAYMENT' AND (${orders}.payment_reference = ${reference} OR ${orders}.reference = ${reference}))
        ORDER BY (${orders}.payment_reference = ${reference}) DESC
        LIMIT 1`;
}

const BY_REFERENCE = prepared(
  'order_by_reference',
  `SELECT ${OUTCOME_COLUMNS} FROM orders o ${matchOrderSql(`'ORDER'`, '$1')}`,
);
const BY_PAYMENT_REFERENCE = prepared(
  'order_by_payment_reference',
  `SELECT ${OUTCOME_COLUMNS} FROM orders o ${matchOrderSql(`'PAYMENT'`, '$1')}`,
);

const FOR_DELIVERY = prepared(
  'order_for_delivery',
  `SELECT ${OUTCOME_COLUMNS}, o.reference, o.payload, o.payment_amount::float8 AS payment_amount,
          o.tip_amount::float8 AS tip_amount, o.payment_method, o.deadline_at, o.submitted_at, o.created_at,
          l.business_location_id::text AS business_location_id, l.default_order_profile,
          c.id AS connection_id, c.status AS connection_status, c.webhook_endpoint_id
     FROM orders o
     JOIN locations l ON l.id = o.location_id
     LEFT JOIN lightspeed_connections c ON c.vendor_id = o.vendor_id
    WHERE o.id = $1::uuid`,
);

// Accepting an order: the vendor's location (mapped or not) and its connection status, at once.
const ACCEPTANCE_CHECKS = prepared(
  'order_acceptance_checks',
  `SELECT l.id, l.business_location_id IS NOT NULL AS mapped, c.status AS connection_status,
          l.default_order_profile
     FROM locations l LEFT JOIN lightspeed_connections c ON c.vendor_id = l.vendor_id
    WHERE l.id = $1::uuid AND l.vendor_id = $2::uuid`,
);

const SET_ACCOUNT_IDENTIFIER = prepared(
  'order_set_account_identifier',
  `UPDATE orders SET account_identifier = $2, updated_at = now() WHERE id = $1::uuid AND account_identifier IS NULL`,
);
const SET_PAYMENT_SUBMITTED = prepared(
  'order_set_payment_submitted',
  `UPDATE orders SET payment_submitted_at = $2, updated_at = now() WHERE id = $1::uuid AND payment_submitted_at IS NULL`,
);
const SET_PAID = prepared(
  'order_set_paid',
  `UPDATE orders SET paid_at = $2, updated_at = now() WHERE id = $1::uuid AND paid_at IS NULL`,
);

type OutcomeRow = {
  id: string;
  vendor_id: string;
  status: OrderStatus;
  account_identifier: string | null;
  payment_reference: string;
  payment_submitted_at: Date | null;
  paid_at: Date | null;
  payment_due: string;
};

/** The columns an OrderDeliveryView is read from (FOR_DELIVERY, and the worker's claim statement). */
export type DeliveryRow = OutcomeRow & {
  reference: string;
  payload: unknown;
  payment_amount: number;
  tip_amount: number;
  payment_method: string;
  deadline_at: Date;
  submitted_at: Date | null;
  created_at: Date;
  business_location_id: string | null;
  default_order_profile: string | null;
  connection_id: string | null;
  connection_status: ConnectionStatus | null;
  webhook_endpoint_id: string | null;
};

const outcomeView = (r: OutcomeRow): OrderOutcomeView => ({
  id: r.id,
  vendorId: r.vendor_id,
  status: r.status,
  accountIdentifier: r.account_identifier,
  paymentReference: r.payment_reference,
  paymentSubmittedAt: r.payment_submitted_at,
  paidAt: r.paid_at,
  paymentDue: r.payment_due,
});

/** A delivery row as the view push-order and apply-payment work from. */
export function deliveryView(r: DeliveryRow): OrderDeliveryView {
  return {
    ...outcomeView(r),
    reference: r.reference,
    payload: r.payload,
    paymentAmount: r.payment_amount,
    tipAmount: r.tip_amount,
    paymentMethod: r.payment_method,
    deadlineAt: r.deadline_at,
    submittedAt: r.submitted_at,
    createdAt: r.created_at,
    location: {
      businessLocationId: r.business_location_id === null ? null : BigInt(r.business_location_id),
      defaultOrderProfile: r.default_order_profile,
    },
    connection: r.connection_id
      ? { id: r.connection_id, status: r.connection_status!, webhookEndpointId: r.webhook_endpoint_id }
      : null,
  };
}

export function createOrderStore(prisma: PrismaClient) {
  const pool = poolOf(prisma);
  const first = async <Row extends OutcomeRow>(statement: ReturnType<typeof prepared>, values: unknown[]) =>
    (await runPrepared<Row>(pool, statement, values))[0] ?? null;

  return {
    async byReference(reference: string): Promise<OrderOutcomeView | null> {
      const row = await first(BY_REFERENCE, [reference]);
      return row && outcomeView(row);
    },

    async byPaymentReference(reference: string): Promise<OrderOutcomeView | null> {
      const row = await first(BY_PAYMENT_REFERENCE, [reference]);
      return row && outcomeView(row);
    },

    async forDelivery(orderId: string): Promise<OrderDeliveryView | null> {
      const r = await first<DeliveryRow>(FOR_DELIVERY, [orderId]);
      return r && deliveryView(r);
    },

    async acceptanceChecks(vendorId: string, locationId: string) {
      const [row] = await runPrepared<{
        id: string;
        mapped: boolean;
        connection_status: ConnectionStatus | null;
        default_order_profile: string | null;
      }>(pool, ACCEPTANCE_CHECKS, [locationId, vendorId]);
      return row
        ? {
            id: row.id,
            mapped: row.mapped,
            connectionStatus: row.connection_status,
            defaultOrderProfile: row.default_order_profile,
          }
        : null;
    },

    /** Keeps K-Series' account id when the status cannot move (a late SUCCESS). */
    async setAccountIdentifier(orderId: string, accountIdentifier: string): Promise<void> {
      await runPrepared(pool, SET_ACCOUNT_IDENTIFIER, [orderId, accountIdentifier]);
    },
    /** Records a payment that fulfilment events overtook (no status change). */
    async setPaymentSubmitted(orderId: string, at: Date): Promise<void> {
      await runPrepared(pool, SET_PAYMENT_SUBMITTED, [orderId, at]);
    },
    async setPaid(orderId: string, at: Date): Promise<void> {
      await runPrepared(pool, SET_PAID, [orderId, at]);
    },
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
