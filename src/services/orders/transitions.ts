// Moves an order between states under a row lock, with its timeline event and the vendor
// callback delivery written atomically (an outbox: nothing is lost if the process dies after
// commit; the sweeper enqueues the jobs that were not enqueued, and the callback dispatcher reads
// the deliveries from the table itself).
import { poolOf, type PrismaClient } from '../../db/prisma.js';
import { prepared, runPrepared } from '../../db/sql.js';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import { allowedSources } from './state-machine.js';

export type OrderEventSource = 'api' | 'worker' | 'webhook' | 'reconciler' | 'operator' | 'sweeper';

/** Columns a transition may set together with the status. */
export interface TransitionColumns {
  failureReason?: string;
  submittedAt?: Date;
  paymentSubmittedAt?: Date;
  paidAt?: Date;
  /** K-Series' account (check) id; kept once known, never overwritten. */
  accountIdentifier?: string;
}

export interface TransitionRequest {
  orderId: string;
  to: OrderStatus;
  source: OrderEventSource;
  reason?: string;
  data?: unknown;
  set?: TransitionColumns;
}

export interface TransitionResult {
  from: OrderStatus;
  to: OrderStatus;
  eventId: bigint;
  /** The callback delivery written with the move, when the vendor has a callback URL (the dispatcher sends it). */
  callbackDeliveryId: string | null;
  /** For the vendor's integration log (order-log.ts), at no extra query. */
  vendorId: string;
  /** The vendor's own reference when it sent one, else ours. */
  displayReference: string;
}

/**
 * One statement does it all: lock the row (FOR UPDATE; a concurrent transition waits and then
 * sees the committed status), update it only if the state machine allows the move from the
 * current status, and insert the timeline event and the callback delivery. Every order makes
 * several transitions, so this replaced an interactive transaction of five round trips.
 */
const TRANSITION = prepared(
  'order_transition',
  `WITH current AS (
     SELECT o.id, o.status, v.callback_url
       FROM orders o JOIN vendors v ON v.id = o.vendor_id
      WHERE o.id = $1::uuid
        FOR UPDATE OF o
   ), moved AS (
     UPDATE orders o
        SET status = $2::"OrderStatus",
            failure_reason = COALESCE($6::text, o.failure_reason),
            submitted_at = COALESCE($7::timestamptz, o.submitted_at),
            payment_submitted_at = COALESCE($8::timestamptz, o.payment_submitted_at),
            paid_at = COALESCE($9::timestamptz, o.paid_at),
            account_identifier = COALESCE(o.account_identifier, $10::text),
            updated_at = now()
       FROM current
      WHERE o.id = current.id
        AND current.status::text = ANY($3::text[])
     RETURNING o.id, o.vendor_id, o.reference, o.caller_reference, current.status AS from_status, current.callback_url
   ), event AS (
     INSERT INTO order_events (order_id, from_status, to_status, source, reason, data)
     SELECT id, from_status, $2::"OrderStatus", $4::text, $5::text, $11::jsonb
       FROM moved
     RETURNING id, order_id
   ), callback AS (
     INSERT INTO callback_deliveries (id, order_id, order_event_id, url, updated_at)
     SELECT uuid_v7(), event.order_id, event.id, moved.callback_url, now()
       FROM event JOIN moved ON moved.id = event.order_id
      WHERE moved.callback_url IS NOT NULL
     RETURNING id
   )
   SELECT moved.from_status, moved.vendor_id, moved.reference, moved.caller_reference,
          event.id AS event_id, (SELECT id FROM callback) AS callback_id
     FROM moved JOIN event ON event.order_id = moved.id`,
);

/** Returns null when the state machine refuses (duplicate or out-of-order event) or there is no such order. */
export async function transitionOrder(
  prisma: PrismaClient,
  request: TransitionRequest,
): Promise<TransitionResult | null> {
  const sources = allowedSources(request.to);
  if (sources.length === 0) return null;
  const set = request.set ?? {};
  const rows = await runPrepared<{
    from_status: OrderStatus;
    vendor_id: string;
    reference: string;
    caller_reference: string | null;
    event_id: string;
    callback_id: string | null;
  }>(poolOf(prisma), TRANSITION, [
    request.orderId,
    request.to,
    sources,
    request.source,
    request.reason ?? null,
    set.failureReason ?? null,
    set.submittedAt ?? null,
    set.paymentSubmittedAt ?? null,
    set.paidAt ?? null,
    set.accountIdentifier ?? null,
    request.data === undefined ? null : JSON.stringify(request.data),
  ]);
  const row = rows[0];
  if (!row) return null;
  return {
    from: row.from_status,
    to: request.to,
    eventId: BigInt(row.event_id),
    callbackDeliveryId: row.callback_id,
    vendorId: row.vendor_id,
    displayReference: row.caller_reference ?? row.reference,
  };
}
