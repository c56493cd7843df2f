// Pre-flight validation of an order at accept, before the 202: every line must be sellable at
// the location right now, and the payment must be what the POS check will ask. A refused order
// is a 422 naming each bad line, or the expected total; nothing is stored. Pure: it reads a
// menu snapshot (./menu-snapshot.ts) and costs microseconds per order.
import { AppError } from '../../lib/errors.js';
import { centsToString, lineAmountCents, toCents, type MenuIndex, type PricedEntry } from './pricing.js';
import type { CreateOrderInput } from './schema.js';

/** What item availability says about a SKU that carries a restriction (no entry: not restricted). */
export interface Restriction {
  /** Units left; null = restricted without a count (treated as available, as K-Series lists it). */
  count: number | null;
  available: boolean;
}

export interface MenuSnapshot {
  index: MenuIndex;
  restrictions: Map<string, Restriction>;
}

export type LineProblemReason =
  | 'UNKNOWN_SKU'
  | 'SUB_ITEM_ONLY'
  | 'SOLD_OUT'
  | 'NOT_ENOUGH_LEFT'
  | 'MODIFIER_NOT_ON_ITEM'
  | 'UNKNOWN_DISCOUNT'
  | 'CUSTOM_PRICE_NOT_ALLOWED'
  | 'NOT_A_CHOICE_OF_ITEM';

export interface LineProblem {
  /** Index of the top-level line in `items`. */
  line: number;
  /** Where exactly: items.0 or items.0.subItems.1. */
  path: string;
  sku: string;
  reason: LineProblemReason;
  message: string;
}

/** A line as priced at acceptance: the menu's name and unit price (decimal text) then. */
export interface PricedLine {
  name: string | null;
  unitPrice: string;
  subItems: PricedLine[];
}

export interface PreflightResult {
  problems: LineProblem[];
  /** One per order line, in order (stored with the order so its lines show their prices later). */
  lines: PricedLine[];
  totalCents: number;
  /** False when the menu warns that tax depends on the check: the total is only indicative. */
  exact: boolean;
}

type Line = CreateOrderInput['items'][number];
type SubLine = NonNullable<Line['subItems']>[number];

/** Checks every line against the snapshot and prices the order (cents, tax as the POS adds it). */
export function preflightOrder(order: Pick<CreateOrderInput, 'items'>, snap: MenuSnapshot): PreflightResult {
  const { index, restrictions } = snap;
  const problems: LineProblem[] = [];
  const wanted = new Map<string, { quantity: number; line: number; path: string }>();
  let totalCents = 0;
  let exact = !index.conditionalTax;

  const problem = (line: number, path: string, sku: string, reason: LineProblemReason, message: string) =>
    problems.push({ line, path, sku, reason, message });

  function price(l: Line | SubLine, entry: PricedEntry, unitCents: number, line: number, path: string): PricedLine {
    const priced: PricedLine = { name: entry.name, unitPrice: '', subItems: [] };
    for (const m of l.modifiers ?? []) {
      if (!entry.modifierIds.has(m.modifierId))
        problem(line, path, l.sku, 'MODIFIER_NOT_ON_ITEM', `modifier ${m.modifierId} is not offered on ${l.sku}`);
    }
    let unit = unitCents;
    if (l.customItemPrice !== undefined) {
      if (entry.customPrice) unit = toCents(l.customItemPrice);
      else problem(line, path, l.sku, 'CUSTOM_PRICE_NOT_ALLOWED', `the price of ${l.sku} cannot be customised`);
    }
    const code = 'discountCode' in l ? l.discountCode : undefined;
    const discount = code ? index.discounts.get(code) : undefined;
    if (code && !discount) problem(line, path, l.sku, 'UNKNOWN_DISCOUNT', `discount code ${code} is not configured`);
    exact &&= !entry.conditionalTax;
    priced.unitPrice = centsToString(unit);
    totalCents += lineAmountCents({
      quantity: l.quantity,
      unitCents: unit,
      taxIncluded: entry.taxIncluded,
      taxMilliPercent: entry.taxMilliPercent,
      discount,
    });
    const seen = wanted.get(l.sku);
    if (seen) seen.quantity += l.quantity;
    else wanted.set(l.sku, { quantity: l.quantity, line, path });
    l.subItems?.forEach((sub, j) => {
      const subPath = `${path}.subItems.${j}`;
      const own = index.items.get(sub.sku);
      // A deal's choice costs its extraPrice; a product modifier or sub-item its own price.
      if (entry.dealChoices) {
        const extra = entry.dealChoices.get(sub.sku);
        if (extra === undefined || !own) {
          problem(line, subPath, sub.sku, 'NOT_A_CHOICE_OF_ITEM', `${sub.sku} is not a choice of ${entry.sku}`);
          return;
        }
        priced.subItems.push(price(sub, own, extra, line, subPath));
        return;
      }
      const modifier = entry.productModifiers.get(sub.sku) ?? own;
      if (!modifier) {
        problem(line, subPath, sub.sku, 'UNKNOWN_SKU', `${sub.sku} is not on the location's menu`);
        return;
      }
      priced.subItems.push(price(sub, modifier, modifier.unitCents, line, subPath));
    });
    return priced;
  }

  const lines: PricedLine[] = [];

  order.items.forEach((l, i) => {
    const path = `items.${i}`;
    const entry = index.items.get(l.sku);
    if (!entry) problem(i, path, l.sku, 'UNKNOWN_SKU', `${l.sku} is not on the location's menu`);
    else if (entry.subItemOnly)
      problem(i, path, l.sku, 'SUB_ITEM_ONLY', `${l.sku} is only sold as part of another item`);
    else lines.push(price(l, entry, entry.unitCents, i, path));
  });

  for (const [sku, want] of wanted) {
    const r = restrictions.get(sku);
    if (!r || r.count === null) {
      if (r && !r.available) problem(want.line, want.path, sku, 'SOLD_OUT', `${sku} is sold out`);
      continue;
    }
    if (r.count <= 0) problem(want.line, want.path, sku, 'SOLD_OUT', `${sku} is sold out`);
    else if (want.quantity > r.count)
      problem(want.line, want.path, sku, 'NOT_ENOUGH_LEFT', `only ${r.count} of ${sku} left, ${want.quantity} ordered`);
  }
  return { problems, lines, totalCents, exact };
}

/**
 * Throws the 422 for a refused order: bad lines first (their price means nothing), then a payment
 * that is not the check total. `payment.amount` excludes the tip, which the POS books separately
 * (apeStandalonePayment: paymentAmount "without tips", tipAmount apart).
 */
export function assertPreflight(result: PreflightResult, payment: CreateOrderInput['payment']): void {
  if (result.problems.length > 0) {
    throw new AppError(
      422,
      'ORDER_LINES_REFUSED',
      `${result.problems.length} order line(s) cannot be sold at this location: ${result.problems
        .map((p) => `${p.path} (${p.sku}): ${p.message}`)
        .join('; ')}`,
      { lines: result.problems },
    );
  }
  // With conditional tax rules the menu's tax is only a default: the POS check decides, and a
  // difference is caught when the POS reports the check (see apply-notifications.ts), before any payment.
  if (!result.exact) return;
  const paid = toCents(payment.amount);
  if (paid !== result.totalCents) {
    const expected = centsToString(result.totalCents);
    throw new AppError(
      422,
      'PAYMENT_AMOUNT_MISMATCH',
      `payment.amount ${centsToString(paid)} is not the order total ${expected} (the tip goes in payment.tip)`,
      { expectedTotal: expected, paymentAmount: centsToString(paid), tip: centsToString(toCents(payment.tip)) },
    );
  }
}
