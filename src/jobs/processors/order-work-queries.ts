// The order row as its own outbox, in SQL: the worker claims the pushes (RECEIVED orders) and
// payments (ACCEPTED orders with a POS check and no payment yet) that are due, in batches, with
// everything their K-Series call needs, in one statement; it writes back only a retry or a wait.
// A success needs no write of its own: the status change moves the order out of the due set.
//
// A task is named by work_key: 'push:<attempt>' (a delivery replay moves the attempt on) or
// 'pay:<payment reference>' (a payment replay gives a new reference). work_until and
// work_attempts belong to that task, so a new task is due at once with no attempts counted.
import type pg from 'pg';
import { prepared, runPrepared } from '../../db/sql.js';
import { deliveryView, type DeliveryRow, type OrderDeliveryView } from '../../services/orders/hot-path-queries.js';

/** A claimed order: what push-order or apply-payment needs, and its task's failed attempts. */
export interface ClaimedOrder extends OrderDeliveryView {
  workKey: string;
  workAttempts: number;
}

const TASK_KEY = `CASE o.status WHEN 'RECEIVED' THEN 'push:' || o.attempt ELSE 'pay:' || o.payment_reference END`;

/**
 * Claims up to $1 due orders and leases them for $2 ms: a claimer that dies leaves them to be
 * claimed again once the lease runs out. SKIP LOCKED lets several workers claim side by side
 * without waiting on each other; rows are locked oldest first, always in the same order.
 * The predicate repeats orders_work_due_idx's, so the search walks only open work.
 */
const CLAIM = prepared(
  'order_work_claim',
  `WITH due AS (
     SELECT o.id, ${TASK_KEY} AS task FROM orders o
      WHERE o.status IN ('RECEIVED', 'ACCEPTED') AND o.payment_submitted_at IS NULL AND o.paid_at IS NULL
        AND (o.status = 'RECEIVED' OR o.account_identifier IS NOT NULL)
        AND (o.work_until IS NULL OR o.work_until <= now() OR o.work_key IS DISTINCT FROM ${TASK_KEY})
      ORDER BY o.created_at, o.id
      LIMIT $1
        FOR UPDATE SKIP LOCKED
   ), claimed AS (
     UPDATE orders o
        SET work_attempts = CASE WHEN o.work_key IS DISTINCT FROM due.task THEN 0 ELSE o.work_attempts END,
            work_key = due.task,
            work_until = now() + $2 * interval '1 millisecond'
       FROM due WHERE o.id = due.id
     RETURNING o.id, o.vendor_id, o.location_id, o.status, o.reference, o.payload, o.payment_reference,
               o.account_identifier, o.payment_amount, o.tip_amount, o.payment_method, o.deadline_at,
               o.submitted_at, o.payment_submitted_at, o.paid_at, o.created_at, o.work_key, o.work_attempts
   )
   SELECT c.id, c.vendor_id, c.status, c.reference, c.payload, c.payment_reference, c.account_identifier,
          c.payment_amount::text AS payment_due, c.payment_amount::float8 AS payment_amount,
          c.tip_amount::float8 AS tip_amount, c.payment_method, c.deadline_at, c.submitted_at,
          c.payment_submitted_at, c.paid_at, c.created_at, c.work_key, c.work_attempts,
          l.business_location_id::text AS business_location_id, l.default_order_profile,
          cn.id AS connection_id, cn.status AS connection_status, cn.webhook_endpoint_id
     FROM claimed c
     JOIN locations l ON l.id = c.location_id
     LEFT JOIN lightspeed_connections cn ON cn.vendor_id = c.vendor_id
    ORDER BY c.created_at, c.id`,
);

/** A retryable failure of the task: one more attempt counted, not due again before $3 ms. */
const RETRY = prepared(
  'order_work_retry',
  `UPDATE orders SET work_attempts = work_attempts + 1, work_until = now() + $3 * interval '1 millisecond'
    WHERE id = $1::uuid AND work_key = $2`,
);

/** The task cannot run yet (the vendor is disconnected): look again in $3 ms, no attempt counted. */
const POSTPONE = prepared(
  'order_work_postpone',
  `UPDATE orders SET work_until = now() + $3 * interval '1 millisecond' WHERE id = $1::uuid AND work_key = $2`,
);

/** Keeps the leases of the tasks still running in this process. */
const RENEW = prepared(
  'order_work_renew',
  `UPDATE orders o SET work_until = now() + $3 * interval '1 millisecond'
     FROM unnest($1::uuid[], $2::text[]) AS t(id, task)
    WHERE o.id = t.id AND o.work_key = t.task`,
);

type ClaimRow = DeliveryRow & { work_key: string; work_attempts: number };

function claimedOrder(r: ClaimRow): ClaimedOrder {
  return { ...deliveryView(r), workKey: r.work_key, workAttempts: r.work_attempts };
}

export async function claimDueOrders(pool: pg.Pool, limit: number, leaseMs: number): Promise<ClaimedOrder[]> {
  return (await runPrepared<ClaimRow>(pool, CLAIM, [limit, leaseMs])).map(claimedOrder);
}

export async function retryOrderTask(pool: pg.Pool, task: ClaimedOrder, inMs: number): Promise<void> {
  await runPrepared(pool, RETRY, [task.id, task.workKey, inMs]);
}

export async function postponeOrderTask(pool: pg.Pool, task: ClaimedOrder, inMs: number): Promise<void> {
  await runPrepared(pool, POSTPONE, [task.id, task.workKey, inMs]);
}

export async function renewOrderLeases(pool: pg.Pool, tasks: ClaimedOrder[], leaseMs: number): Promise<void> {
  await runPrepared(pool, RENEW, [tasks.map((t) => t.id), tasks.map((t) => t.workKey), leaseMs]);
}
