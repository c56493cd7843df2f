// The callback outbox in SQL: transitions write a callback_deliveries row in the same statement
// as the status change (orders/transitions.ts); the dispatcher claims due rows in batches and
// records every attempt on them. Two statements per batch, whatever its size, instead of a
// BullMQ job and three queries per callback.
import type pg from 'pg';
import { prepared, runPrepared } from '../../db/sql.js';

/** A claimed delivery with everything its POST needs. */
export interface DueCallback {
  id: string;
  orderId: string;
  vendorId: string;
  url: string;
  attempts: number;
  sequence: number;
  reference: string;
  callerReference: string | null;
  status: string;
  previousStatus: string | null;
  reason: string | null;
  accountIdentifier: string | null;
  occurredAt: Date;
  /** The vendor's sealed secret; null when it has none (the callback goes unsigned). */
  sealedSecret: string | null;
}

/**
 * Claims up to $1 due deliveries and leases them for $2 ms (a dispatcher that dies mid-batch
 * leaves them to be claimed again after the lease). SKIP LOCKED lets several workers claim side
 * by side. A delivery waits while an earlier one of the same order is leased or backing off, so
 * an order's callbacks are sent in sequence order.
 */
const CLAIM = prepared(
  'callback_claim',
  `WITH due AS (
     SELECT d.id FROM callback_deliveries d
      WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()
        AND NOT EXISTS (
          SELECT 1 FROM callback_deliveries p
           WHERE p.order_id = d.order_id AND p.status = 'PENDING'
             AND p.order_event_id < d.order_event_id AND p.next_attempt_at > now())
      ORDER BY d.next_attempt_at
      LIMIT $1
        FOR UPDATE SKIP LOCKED
   ), claimed AS (
     UPDATE callback_deliveries d
        SET next_attempt_at = now() + $2 * interval '1 millisecond'
       FROM due WHERE d.id = due.id
     RETURNING d.id, d.order_id, d.order_event_id, d.url, d.attempts
   )
   SELECT c.id, c.order_id, o.vendor_id, c.url, c.attempts, c.order_event_id::text AS sequence,
          o.reference, o.caller_reference, e.to_status, e.from_status, e.reason, o.account_identifier,
          e.created_at AS occurred_at, v.callback_secret_enc
     FROM claimed c
     JOIN order_events e ON e.id = c.order_event_id
     JOIN orders o ON o.id = c.order_id
     JOIN vendors v ON v.id = o.vendor_id
    ORDER BY c.order_event_id`,
);

/**
 * Records a batch of attempts. `ok` null: not attempted (an earlier callback of its order failed
 * first), so it is released without counting an attempt.
 */
const RECORD = prepared(
  'callback_record',
  `UPDATE callback_deliveries d
      SET attempts = d.attempts + CASE WHEN u.ok IS NULL THEN 0 ELSE 1 END,
          last_status_code = CASE WHEN u.ok IS NULL THEN d.last_status_code ELSE u.status_code END,
          last_error = CASE WHEN u.ok IS NULL THEN d.last_error ELSE u.error END,
          status = (CASE WHEN u.ok THEN 'DELIVERED'
                         WHEN u.ok = false AND d.attempts + 1 >= $6 THEN 'FAILED'
                         ELSE 'PENDING' END)::"DeliveryStatus",
          delivered_at = CASE WHEN u.ok THEN now() ELSE d.delivered_at END,
          next_attempt_at = now() + u.retry_in_ms * interval '1 millisecond',
          updated_at = now()
     FROM unnest($1::uuid[], $2::bool[], $3::int[], $4::text[], $5::int8[]) AS u(id, ok, status_code, error, retry_in_ms)
    WHERE d.id = u.id AND d.status = 'PENDING'`,
);

export interface CallbackAttempt {
  id: string;
  /** null: not attempted. */
  ok: boolean | null;
  statusCode: number | null;
  error: string | null;
  retryInMs: number;
}

type ClaimRow = {
  id: string;
  order_id: string;
  vendor_id: string;
  url: string;
  attempts: number;
  sequence: string;
  reference: string;
  caller_reference: string | null;
  to_status: string;
  from_status: string | null;
  reason: string | null;
  account_identifier: string | null;
  occurred_at: Date;
  callback_secret_enc: string | null;
};

export async function claimDueCallbacks(pool: pg.Pool, limit: number, leaseMs: number): Promise<DueCallback[]> {
  const rows = await runPrepared<ClaimRow>(pool, CLAIM, [limit, leaseMs]);
  return rows.map((r) => ({
    id: r.id,
    orderId: r.order_id,
    vendorId: r.vendor_id,
    url: r.url,
    attempts: r.attempts,
    sequence: Number(r.sequence),
    reference: r.reference,
    callerReference: r.caller_reference,
    status: r.to_status,
    previousStatus: r.from_status,
    reason: r.reason,
    accountIdentifier: r.account_identifier,
    occurredAt: r.occurred_at,
    sealedSecret: r.callback_secret_enc,
  }));
}

export async function recordCallbackAttempts(
  pool: pg.Pool,
  attempts: CallbackAttempt[],
  maxAttempts: number,
): Promise<void> {
  if (attempts.length === 0) return;
  await runPrepared(pool, RECORD, [
    attempts.map((a) => a.id),
    attempts.map((a) => a.ok),
    attempts.map((a) => a.statusCode),
    attempts.map((a) => a.error),
    attempts.map((a) => a.retryInMs),
    maxAttempts,
  ]);
}
