// The order state machine. Lightspeed's webhooks arrive duplicated and out of order, so a
// transition is allowed only when it moves the order forward: the final state must not
// depend on the order in which events arrive.
//
//   RECEIVED -> SUBMITTED -> ACCEPTED -> PAYMENT_SUBMITTED -> PAID -> READY_FOR_PICKUP -> CLOSED
//   before acceptance: FAILED (POS refused) or NEEDS_ATTENTION (no outcome by the deadline)
//   after acceptance:  PAYMENT_FAILED; CANCELLED / ABANDONED end everything
// Only a replay (replay.ts) moves an order back, outside this machine: FAILED / NEEDS_ATTENTION
// to RECEIVED, PAYMENT_FAILED to ACCEPTED (with a new payment reference, so that a late FAILURE
// of the refused payment cannot move it again: see apply-notifications.ts).
import type { OrderStatus } from '../../generated/prisma/enums.js';

// Position on the happy path. Failure states sit where they can happen.
const RANK: Record<OrderStatus, number> = {
  RECEIVED: 0,
  SUBMITTED: 1,
  NEEDS_ATTENTION: 1.5,
  FAILED: 1.9,
  ACCEPTED: 2,
  PAYMENT_SUBMITTED: 3,
  PAYMENT_FAILED: 3.5,
  PAID: 4,
  READY_FOR_PICKUP: 5,
  CLOSED: 6,
  CANCELLED: 7,
  ABANDONED: 7,
};

/** States no event can leave. */
export const FINAL_STATES: readonly OrderStatus[] = ['CLOSED', 'CANCELLED', 'ABANDONED'];

/**
 * States an operator has to look at: the admin API, the CLI, the /metrics gauge and replay all
 * use this one list (a replay is how an operator resolves them).
 */
export const ATTENTION_STATUSES = [
  'NEEDS_ATTENTION',
  'FAILED',
  'PAYMENT_FAILED',
] as const satisfies readonly OrderStatus[];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  if (from === to) return false;
  if (FINAL_STATES.includes(from)) return false;
  switch (to) {
    case 'FAILED':
      // The POS refused the order: only meaningful before it accepted it.
      return from === 'RECEIVED' || from === 'SUBMITTED' || from === 'NEEDS_ATTENTION';
    case 'NEEDS_ATTENTION':
      // Flagged for an operator: no outcome in time, or a payment that cannot be confirmed.
      return from === 'RECEIVED' || from === 'SUBMITTED' || from === 'PAYMENT_SUBMITTED';
    case 'PAYMENT_FAILED':
      return from === 'ACCEPTED' || from === 'PAYMENT_SUBMITTED' || from === 'NEEDS_ATTENTION';
    default:
      // FAILED is final for POS events; leaving it takes a replay (see replay.ts).
      if (from === 'FAILED') return false;
      return RANK[to] > RANK[from];
  }
}

/** Statuses from which a transition to `to` is allowed: the guard of the UPDATE. */
export function allowedSources(to: OrderStatus): OrderStatus[] {
  return (Object.keys(RANK) as OrderStatus[]).filter((from) => canTransition(from, to));
}
