// The POS check total against what the customer paid. Our pre-flight check priced the order from
// the menu at accept; a price changed on the POS before the order landed makes the check ask
// another amount, and paying ours would leave it short (or be refused as OVERPAID).
import { centsToString, decimalToCents, toCents } from './pricing.js';

/**
 * The reason to give when the check total (`currentAmount` of the account snapshot, the sum of
 * its lines with tax) differs from the order's payment amount (without the tip), else null.
 */
export function posTotalMismatch(currentAmount: number, paymentDue: string | undefined): string | null {
  if (paymentDue === undefined) return null;
  const pos = toCents(currentAmount);
  const paid = decimalToCents(paymentDue);
  if (pos === paid) return null;
  return (
    `the POS check total ${centsToString(pos)} differs from the ${centsToString(paid)} the customer paid ` +
    '(a price changed after the order was accepted?): payment not sent; settle the difference on the POS'
  );
}
