// The rows the process-webhook job loads: a stored event with the order it is about and the
// vendor it is bound to, and the small pure helpers that read them.
import { prepared } from '../../db/sql.js';
import { matchOrderSql, type OrderOutcomeView } from '../../services/orders/hot-path-queries.js';

export type Body = Record<string, unknown>;

export interface EventRow {
  id: string;
  type: string;
  vendor_id: string | null;
  payload: unknown;
  received_at: Date;
  /** The order an ORDER or PAYMENT event is about, when we have it, as it was at load time. */
  order_id: string | null;
  order_vendor_id: string | null;
  order_status: OrderOutcomeView['status'] | null;
  order_account_identifier: string | null;
  order_payment_reference: string | null;
  order_payment_submitted_at: Date | null;
  order_paid_at: Date | null;
  /** What the customer paid us for the order (decimal text): the POS check must ask the same. */
  order_payment_due: string | null;
  /** The vendor's reference when it sent one, else ours: what the integration log names. */
  order_display_reference: string | null;
  /**
   * The only vendor the event may touch: the one whose endpoint id authenticated it, or, for a
   * Basic-auth event whose body names an endpointId, the vendor owning that endpoint.
   */
  scope_vendor_id: string | null;
  /** A Basic-auth event whose body names an endpointId that is none of ours. */
  unknown_endpoint: boolean;
}

// Endpoint ids bind an event to one vendor (see scope_vendor_id); the order is still matched by
// reference alone, so that an event about another vendor's order can be recognised and ignored.
// Events already PROCESSED, IGNORED or FAILED (an earlier attempt, another job) are skipped.
// The order comes with its event, matched as the outcome handlers match it (matchOrderSql): an ORDER
// event by the order reference, a PAYMENT event by the payment reference first. Both lead to
// the same order, so the two can be kept in one chain and never overtake each other. A payment
// reference superseded by a payment replay matches no order: such a late event is IGNORED.
// `status::text` here and in the record statement keeps the planner on the primary key: a plain
// `status =` lets it pick the unprocessed-events index, whose dead entries pile up under load.
export const LOAD_EVENTS = prepared(
  'webhook_events_load_v2',
  `SELECT e.id, e.type, e.vendor_id, e.payload, e.received_at,
          o.id AS order_id, o.vendor_id AS order_vendor_id, o.status AS order_status,
          o.account_identifier AS order_account_identifier, o.payment_reference AS order_payment_reference,
          o.payment_submitted_at AS order_payment_submitted_at, o.paid_at AS order_paid_at,
          o.payment_amount::text AS order_payment_due, o.display_reference AS order_display_reference,
          COALESCE(e.vendor_id, c.vendor_id) AS scope_vendor_id,
          (e.vendor_id IS NULL AND jsonb_typeof(e.payload->'endpointId') = 'string' AND c.vendor_id IS NULL)
            AS unknown_endpoint
     FROM webhook_events e
     LEFT JOIN lightspeed_connections c
       ON e.vendor_id IS NULL AND c.webhook_endpoint_id = e.payload->>'endpointId'
     LEFT JOIN LATERAL (
       SELECT m.id, m.vendor_id, m.status, m.account_identifier, m.payment_reference, m.payment_submitted_at, m.paid_at,
              m.payment_amount, COALESCE(m.caller_reference, m.reference) AS display_reference
         FROM orders m ${matchOrderSql('e.type', `e.payload->>'thirdPartyReference'`, 'm')}
     ) o ON true
    WHERE e.id = ANY($1::uuid[]) AND e.status::text = 'RECEIVED'`,
);

/** The order loaded with the event, in the shape the outcome handlers take. */
export function knownOrder(event: EventRow): OrderOutcomeView | undefined {
  if (!event.order_id) return undefined;
  return {
    id: event.order_id,
    vendorId: event.order_vendor_id!,
    status: event.order_status!,
    accountIdentifier: event.order_account_identifier,
    paymentReference: event.order_payment_reference!,
    paymentSubmittedAt: event.order_payment_submitted_at,
    paidAt: event.order_paid_at,
    paymentDue: event.order_payment_due!,
    displayReference: event.order_display_reference!,
  };
}

/**
 * Why an event must not be applied at all, if it must not. An order's vendor never changes, so
 * the vendor loaded with the event holds for every event of the chain.
 */
export function outOfScope(event: EventRow): string | null {
  if (event.unknown_endpoint) return 'names an endpoint id that is none of ours; not applied';
  const scope = event.scope_vendor_id;
  if (scope && event.order_id && event.order_vendor_id !== scope) {
    return "about an order of another vendor than the endpoint's; not applied";
  }
  return null;
}

/** Events with the same key run in arrival order; different keys may run concurrently. */
export function chainKey(event: EventRow): string {
  if (event.order_id) return `order:${event.order_id}`;
  const body = bodyOf(event);
  if ((event.type === 'ORDER' || event.type === 'PAYMENT') && typeof body.thirdPartyReference === 'string') {
    return `reference:${body.thirdPartyReference}`;
  }
  const blId = event.type === 'ORDER_API' ? toBigInt(body.businessLocationId) : null;
  return blId === null ? `event:${event.id}` : `location:${blId}`;
}

export function bodyOf(event: EventRow): Body {
  const payload = event.payload;
  return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Body) : {};
}

export function toBigInt(value: unknown): bigint | null {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  return null;
}
