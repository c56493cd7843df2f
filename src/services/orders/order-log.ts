// Which order and payment transitions the merchant's integration log hears about. The log is
// written after the transition committed, by the one place every transition goes through
// (apply-notifications.ts), so a duplicated or refused webhook (no transition) writes nothing.
//
// Hot path: a log write through integration-log.ts is a small transaction under a per-vendor
// advisory lock (lock, read of the newest entry, insert or count update, trim): measured about
// 3 ms of client CPU and, on the loaded 2-core box, 20 ms of wall time, serialised per vendor.
// So a healthy order must not cost one per step. We log:
// - every failure: FAILED, PAYMENT_FAILED (ERROR) and NEEDS_ATTENTION (WARN), one entry each,
//   naming the order and the reason in plain words;
// - what the reconciler found on the POS when no webhook came (INFO);
// - the first time an order is paid (the PAID transition happens once per order), as one
//   message without details, so a run of paid orders collapses into a single entry whose
//   count and "since" say how many were paid (the log keeps 100 entries: successes must not
//   push the failures out). That collapse is one prepared UPDATE (see recordOrderLog), not
//   the locked transaction;
// - a replay (from replay.ts, off the hot path).
// Not logged: RECEIVED, SUBMITTED ("sent"), ACCEPTED, PAYMENT_SUBMITTED and the fulfilment
// states of a healthy order (the Orders tab shows each order's timeline), nor every callback.
import { poolOf, type PrismaClient } from '../../db/prisma.js';
import { prepared, runPrepared } from '../../db/sql.js';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import type { IntegrationLog, IntegrationLogInput } from '../integration-log.js';
import { explainFailure } from './explain.js';
import type { OrderEventSource } from './transitions.js';

export const PAID_MESSAGE = 'Orders paid on the POS';

const RECONCILED_WORDS: Partial<Record<OrderStatus, string>> = {
  ACCEPTED: 'the POS has the order',
  PAID: 'the payment is on the POS check',
  CLOSED: 'the order is closed on the POS',
};

export function orderLogEntry(t: {
  orderId: string;
  reference: string;
  to: OrderStatus;
  source: OrderEventSource;
  reason: string | undefined;
}): IntegrationLogInput | null {
  const details = { orderId: t.orderId, reference: t.reference };
  const explained = explainFailure(t.to, t.reason ?? null);
  const words = explained ? `${explained.summary} ${explained.action}` : '';
  switch (t.to) {
    case 'FAILED':
      return { level: 'ERROR', event: 'order.failed', message: `Order ${t.reference} failed. ${words}`, details };
    case 'PAYMENT_FAILED':
      return {
        level: 'ERROR',
        event: 'payment.failed',
        message: `The payment of order ${t.reference} failed. ${words}`,
        details,
      };
    case 'NEEDS_ATTENTION':
      return {
        level: 'WARN',
        event: 'order.needs_attention',
        message: `Order ${t.reference} needs your attention. ${words}`,
        details,
      };
    default:
      break;
  }
  if (t.source === 'reconciler') {
    const found = RECONCILED_WORDS[t.to];
    if (!found) return null;
    return {
      level: 'INFO',
      event: 'order.reconciled',
      message: `Order ${t.reference}: no notification came from Lightspeed, so we checked the POS: ${found}.`,
      details,
    };
  }
  if (t.to === 'PAID') return { level: 'INFO', event: 'payment.paid', message: PAID_MESSAGE };
  return null;
}

// One more of the vendor's newest entry when it is this same detail-less entry: the row lock of
// the UPDATE serialises concurrent bumps, and no advisory lock is needed because nothing is
// inserted or trimmed. If an entry is added concurrently, the bump may land on the entry just
// below it and move its last_at to the top: the count stays right, only the order of two
// near-simultaneous lines can differ.
const BUMP_NEWEST = prepared(
  'integration_log_bump_newest',
  `UPDATE integration_logs l
      SET count = l.count + 1, last_at = GREATEST(now(), l.last_at)
    WHERE l.id = (SELECT id FROM integration_logs WHERE vendor_id = $1::uuid
                   ORDER BY last_at DESC, first_at DESC LIMIT 1)
      AND l.level = $2::"LogLevel" AND l.event = $3 AND l.message = $4 AND l.details IS NULL
   RETURNING l.id`,
);

/** Writes an order log entry: a detail-less repeat of the newest entry costs one statement. */
export async function recordOrderLog(
  deps: { prisma: PrismaClient; integrationLog: IntegrationLog },
  vendorId: string,
  entry: IntegrationLogInput,
): Promise<void> {
  if (!entry.details) {
    const bumped = await runPrepared(poolOf(deps.prisma), BUMP_NEWEST, [
      vendorId,
      entry.level,
      entry.event,
      entry.message,
    ]);
    if (bumped.length > 0) return;
  }
  await deps.integrationLog.record(vendorId, entry);
}
