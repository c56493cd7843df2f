// What went wrong with an order, in words a restaurant manager understands, and what to do.
// The stored failureReason is technical: K-Series' own message (e.g. "Item with SKU X not
// found"), a payment error type from the PAYMENT notification (errors.account.type, enumerated
// in the order-and-pay OpenAPI), or one of our own reasons (deadline, attempts exhausted,
// reconciler). Unknown reasons fall back to a generic sentence; the technical text is always
// shown beside it, so nothing is hidden.
import type { OrderStatus } from '../../generated/prisma/enums.js';

export interface Explanation {
  /** What happened, in plain words. */
  summary: string;
  /** What the merchant can do about it. */
  action: string;
}

interface Rule {
  match: RegExp;
  explain: (m: RegExpExecArray) => Explanation;
}

const FIX_THEN_REPLAY = 'Fix it on the POS or in your ordering system, then replay the order.';

// K-Series' order refusals (the sandbox uses the same words) and payment error types. Order
// matters: the first match wins, and error types come first in "TYPE: message" reasons.
const RULES: Rule[] = [
  {
    match: /Item with SKU (\S+) is not part of combo (\S+)/i,
    explain: (m) => ({
      summary: `The item with SKU ${m[1]} is not an option of the combo ${m[2]} on the POS.`,
      action: FIX_THEN_REPLAY,
    }),
  },
  {
    match: /Item with SKU (\S+) not found|ITEM_NOT_FOUND/i,
    explain: (m) => ({
      summary: m[1]
        ? `The POS does not know the item with SKU ${m[1]}: it may have been removed or renamed on the POS.`
        : 'An item of this order does not exist on the POS.',
      action: 'Check the SKU in your menu against the POS, then replay the order.',
    }),
  },
  {
    match: /Modifier (\S+) not found/i,
    explain: (m) => ({ summary: `The POS does not know the modifier ${m[1]}.`, action: FIX_THEN_REPLAY }),
  },
  {
    match: /Discount with code (\S+) not found/i,
    explain: (m) => ({ summary: `The POS has no discount with the code ${m[1]}.`, action: FIX_THEN_REPLAY }),
  },
  {
    match: /not accepting online orders/i,
    explain: () => ({
      summary: 'The restaurant was not taking online orders on the POS (closed, or online ordering switched off).',
      action: 'Switch online ordering on at the POS, then replay the order.',
    }),
  },
  {
    match: /(?:Order profile|account profile)[^\n]*?code (\S+) not found/i,
    explain: (m) => ({
      summary: `The order type "${m[1]}" (account profile) is not set up on the POS.`,
      action: 'Set up the order profile on the POS, or pick another default on the location, then replay.',
    }),
  },
  {
    match: /Table (\S+) not found/i,
    explain: (m) => ({ summary: `Table ${m[1]} does not exist on the POS floor plan.`, action: FIX_THEN_REPLAY }),
  },
  {
    match: /PAYMENT_METHOD_NOT_FOUND|Payment method (\S+) not found/i,
    explain: (m) => ({
      summary: m[1]
        ? `The POS has no payment method "${m[1]}".`
        : 'The payment method of this order is not set up on the POS.',
      action: 'Add the payment method on the POS, then replay.',
    }),
  },
  {
    match: /ACCOUNT_ALREADY_CLOSED|already closed/i,
    explain: () => ({
      summary: 'The check on the POS was already closed when the payment arrived.',
      action: 'Check on the POS how this order was settled before replaying.',
    }),
  },
  {
    match: /ACCOUNT_NOT_FOUND|Account \S* ?not found/i,
    explain: () => ({
      summary: 'The POS could not find the check (account) this payment was for.',
      action: 'Look the order up on the POS; settle it there if the check is gone.',
    }),
  },
  {
    match: /OVERPAID|greater than the amount due/i,
    explain: () => ({
      summary: 'The payment was more than the check still owed on the POS (it may already be paid).',
      action: 'Check the payments on the POS before replaying.',
    }),
  },
  {
    match: /TIMEOUT|task_timeout|validity ended/i,
    explain: () => ({
      summary: 'The POS did not process the payment in time (the POS device may be offline).',
      action: 'Make sure the POS is on and online, then replay.',
    }),
  },
  {
    match: /MISSING_STAFF|STAFF_NOT_FOUND/i,
    explain: () => ({
      summary: 'The POS needs a staff member for online orders and none is set up.',
      action: 'Set up the online-ordering staff member on the POS, then replay.',
    }),
  },
  {
    match: /NATIVE_PAYMENT_NOT_SUPPORTED/i,
    explain: () => ({
      summary: 'The POS does not accept this kind of payment from online orders.',
      action: 'Use another payment method, or settle the order on the POS.',
    }),
  },
  {
    match: /location (?:is no longer mapped|unmapped)/i,
    explain: () => ({
      summary: 'The location is not linked to a Lightspeed business location.',
      action: 'Map the location on the Locations tab, then replay.',
    }),
  },
  {
    match: /payment attempts exhausted/i,
    explain: () => ({
      summary: 'We could not get an answer from Lightspeed while sending the payment, after several tries.',
      action: 'Check on the POS whether the check was paid before replaying the payment.',
    }),
  },
  {
    match: /delivery attempts exhausted|not delivered to K-Series before its deadline/i,
    explain: () => ({
      summary: 'We could not deliver the order to Lightspeed in time. It may or may not be on the POS.',
      action:
        'Look for the order on the POS. Replaying is safe: it is sent with the same reference, so it cannot arrive twice.',
    }),
  },
  {
    match: /no outcome from K-Series/i,
    explain: () => ({
      summary: 'The order was sent, but the POS never confirmed it and we could not find it there.',
      action:
        'Look for the order on the POS. Replaying is safe: it is sent with the same reference, so it cannot arrive twice.',
    }),
  },
  {
    match: /payment submitted but not visible/i,
    explain: () => ({
      summary: 'The payment was sent, but it does not show on the check at the POS.',
      action: 'Check the payments on the POS; settle the order there if it is not paid.',
    }),
  },
];

const FALLBACK: Partial<Record<OrderStatus, Explanation>> = {
  FAILED: { summary: 'The POS refused the order.', action: FIX_THEN_REPLAY },
  PAYMENT_FAILED: {
    summary: 'The POS refused the payment.',
    action: 'Check the order on the POS, then replay the payment or settle it there.',
  },
  NEEDS_ATTENTION: {
    summary: 'We do not know for sure whether the order reached the POS.',
    action: 'Look for the order on the POS before replaying.',
  },
};

/** The plain-words reason of a failed or flagged order; null for other statuses. */
export function explainFailure(status: OrderStatus, failureReason: string | null): Explanation | null {
  const fallback = FALLBACK[status];
  if (!fallback) return null;
  const reason = failureReason ?? '';
  for (const rule of RULES) {
    const m = rule.match.exec(reason);
    if (m) return rule.explain(m);
  }
  return fallback;
}
