// A batch of webhook outcomes applied together: the handlers of apply-notifications.ts decide
// each event against the batch's copy of its order (the same rules, run in memory), and one
// statement then writes every move of the batch (order rows, timeline events, callback
// deliveries) together with the events' processed marks: one commit, so an event counts as
// applied exactly when its effects are committed, and a crash leaves either all or none.
//
// The decisions were made on the orders as loaded with the events. The statement locks those
// orders in id order (two batches cannot deadlock on each other) and applies nothing unless
// each still has what the decisions read (status, account, payment reference, whether the
// payment was submitted or paid). When one changed meanwhile (a push or payment job moved it,
// or another job applied the same events), nothing of the batch's orders is written and the
// caller decides its events again on the new rows. Every effect changes one of those columns,
// so a second job over the same events always finds a changed order, never applies twice.
import type pg from 'pg';
import { prepared, runPrepared } from '../../db/sql.js';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import type { OrderOutcomeView } from './hot-path-queries.js';
import { canTransition } from './state-machine.js';
import type { OrderEventSource, TransitionColumns } from './transitions.js';

/** A move the batch accepted; the timeline event and callback are written at commit. */
export interface BatchTransition {
  from: OrderStatus;
  to: OrderStatus;
  vendorId: string;
  displayReference: string;
}

/** How a stored webhook event ends: null status keeps it RECEIVED (failed, retried) with the attempt counted. */
export interface EventMark {
  id: string;
  status: 'PROCESSED' | 'IGNORED' | null;
  error: string | null;
  vendorId: string | null;
  /** Decided in the batch: marked only together with the batch's order writes. */
  gated: boolean;
}

interface Tracked {
  loaded: OrderOutcomeView;
  now: OrderOutcomeView;
  changed: boolean;
  failureReason: string | null;
  submittedAt: Date | null;
}

const COMMIT_OUTCOMES = prepared(
  'webhook_outcomes_commit',
  `WITH ord AS MATERIALIZED (
     SELECT o.id, v.callback_url
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::bool[])
              AS s(id, status, account_identifier, payment_reference, payment_submitted, paid)
       JOIN orders o ON o.id = s.id
       JOIN vendors v ON v.id = o.vendor_id
      WHERE o.status::text = s.status
        AND o.account_identifier IS NOT DISTINCT FROM s.account_identifier
        AND o.payment_reference = s.payment_reference
        AND (o.payment_submitted_at IS NOT NULL) = s.payment_submitted
        AND (o.paid_at IS NOT NULL) = s.paid
      ORDER BY o.id
        FOR NO KEY UPDATE OF o
   ), ok AS MATERIALIZED (
     SELECT count(*) = cardinality($1::uuid[]) AS ok FROM ord
   ), moved AS (
     UPDATE orders o
        SET status = c.status::"OrderStatus",
            failure_reason = COALESCE(c.failure_reason, o.failure_reason),
            submitted_at = COALESCE(c.submitted_at, o.submitted_at),
            payment_submitted_at = COALESCE(c.payment_submitted_at, o.payment_submitted_at),
            paid_at = COALESCE(c.paid_at, o.paid_at),
            account_identifier = COALESCE(o.account_identifier, c.account_identifier),
            updated_at = now()
       FROM unnest($7::uuid[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[],
                   $13::text[]) AS c(id, status, failure_reason, submitted_at, payment_submitted_at, paid_at,
                                     account_identifier),
            ok
      WHERE ok.ok AND o.id = c.id
     RETURNING o.id
   ), event AS (
     INSERT INTO order_events (order_id, from_status, to_status, source, reason)
     SELECT t.order_id, t.from_status::"OrderStatus", t.to_status::"OrderStatus", t.source, t.reason
       FROM unnest($14::uuid[], $15::text[], $16::text[], $17::text[], $18::text[])
              WITH ORDINALITY AS t(order_id, from_status, to_status, source, reason, n),
            ok
      WHERE ok.ok
      ORDER BY t.n
     RETURNING id, order_id
   ), callback AS (
     INSERT INTO callback_deliveries (id, order_id, order_event_id, url, updated_at)
     SELECT uuid_v7(), event.order_id, event.id, ord.callback_url, now()
       FROM event JOIN ord ON ord.id = event.order_id
      WHERE ord.callback_url IS NOT NULL
     RETURNING id
   ), marked AS (
     UPDATE webhook_events AS e
        SET status = COALESCE(u.status::"WebhookEventStatus", e.status),
            processed_at = CASE WHEN u.status IS NULL THEN e.processed_at ELSE now() END,
            attempts = e.attempts + 1,
            error = u.error,
            vendor_id = COALESCE(e.vendor_id, u.vendor_id)
       FROM unnest($19::uuid[], $20::text[], $21::text[], $22::uuid[], $23::bool[])
              AS u(id, status, error, vendor_id, gated),
            ok
      WHERE e.id = u.id AND e.status::text = 'RECEIVED' AND (ok.ok OR NOT u.gated)
     RETURNING e.id
   )
   SELECT ok.ok, (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM marked)::int AS marked
     FROM ok`,
);

export function createOutcomeBatch(pool: pg.Pool) {
  const orders = new Map<string, Tracked>();
  const events: { orderId: string; from: OrderStatus; to: OrderStatus; source: string; reason: string | null }[] = [];
  const afterCommit: (() => Promise<unknown>)[] = [];

  function tracked(orderId: string): Tracked {
    const t = orders.get(orderId);
    if (!t) throw new Error(`order ${orderId} is not part of this outcome batch`);
    return t;
  }

  return {
    /** Takes the order into the batch as loaded; later calls keep the batch's own copy. */
    track(order: OrderOutcomeView): void {
      if (orders.has(order.id)) return;
      orders.set(order.id, {
        loaded: order,
        now: { ...order },
        changed: false,
        failureReason: null,
        submittedAt: null,
      });
    },

    /** The order as the batch's earlier decisions left it. */
    current(orderId: string): OrderOutcomeView | undefined {
      return orders.get(orderId)?.now;
    },

    isTracked(orderId: string): boolean {
      return orders.has(orderId);
    },

    /** The state machine's check and the column rules of the transition statement (transitions.ts), in memory. */
    transition(
      orderId: string,
      to: OrderStatus,
      source: OrderEventSource,
      reason: string | undefined,
      set: TransitionColumns,
    ): BatchTransition | null {
      const t = tracked(orderId);
      const from = t.now.status;
      if (!canTransition(from, to)) return null;
      t.now = {
        ...t.now,
        status: to,
        accountIdentifier: t.now.accountIdentifier ?? set.accountIdentifier ?? null,
        paymentSubmittedAt: set.paymentSubmittedAt ?? t.now.paymentSubmittedAt,
        paidAt: set.paidAt ?? t.now.paidAt,
      };
      t.failureReason = set.failureReason ?? t.failureReason;
      t.submittedAt = set.submittedAt ?? t.submittedAt;
      t.changed = true;
      events.push({ orderId, from, to, source, reason: reason ?? null });
      return { from, to, vendorId: t.now.vendorId, displayReference: t.now.displayReference ?? t.now.id };
    },

    /** Keeps K-Series' account id when the status cannot move; never overwrites one. */
    setAccountIdentifier(orderId: string, accountIdentifier: string): void {
      const t = tracked(orderId);
      if (t.now.accountIdentifier) return;
      t.now = { ...t.now, accountIdentifier };
      t.changed = true;
    },

    setPaid(orderId: string, at: Date): void {
      const t = tracked(orderId);
      if (t.now.paidAt) return;
      t.now = { ...t.now, paidAt: at };
      t.changed = true;
    },

    /** Work that must follow the commit (enqueues, log lines); it runs only if the batch committed. */
    afterCommit(fn: () => Promise<unknown>): void {
      afterCommit.push(fn);
    },

    /**
     * Writes the batch and the events' marks in one statement. False: an order changed since it
     * was loaded, so none of the batch's writes and none of its gated marks were made.
     */
    async commit(marks: EventMark[]): Promise<boolean> {
      const all = [...orders.values()];
      const changed = all.filter((t) => t.changed);
      // Marks in id order, like the order locks: two jobs over the same events take them alike.
      const sorted = [...marks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const [row] = await runPrepared<{ ok: boolean }>(pool, COMMIT_OUTCOMES, [
        all.map((t) => t.loaded.id),
        all.map((t) => t.loaded.status),
        all.map((t) => t.loaded.accountIdentifier),
        all.map((t) => t.loaded.paymentReference),
        all.map((t) => t.loaded.paymentSubmittedAt !== null),
        all.map((t) => t.loaded.paidAt !== null),
        changed.map((t) => t.now.id),
        changed.map((t) => t.now.status),
        changed.map((t) => t.failureReason),
        changed.map((t) => t.submittedAt),
        changed.map((t) => t.now.paymentSubmittedAt),
        changed.map((t) => t.now.paidAt),
        changed.map((t) => t.now.accountIdentifier),
        events.map((e) => e.orderId),
        events.map((e) => e.from),
        events.map((e) => e.to),
        events.map((e) => e.source),
        events.map((e) => e.reason),
        sorted.map((m) => m.id),
        sorted.map((m) => m.status),
        sorted.map((m) => m.error),
        sorted.map((m) => m.vendorId),
        sorted.map((m) => m.gated),
      ]);
      if (!row?.ok) return false;
      // Each step handles its own failure (enqueue.ts, the order log): the batch is committed.
      await Promise.allSettled(afterCommit.map((fn) => fn()));
      return true;
    },
  };
}

export type OutcomeBatch = ReturnType<typeof createOutcomeBatch>;
