// The order total in exact cents, rounded as a POS rounds a check line, and the comparison with
// the POS check (no database: pure functions).
import { describe, expect, it } from 'vitest';
import type { Menu } from '../../src/integrations/lightspeed/client/index.js';
import { posTotalMismatch } from '../../src/services/orders/pos-total.js';
import { assertPreflight, preflightOrder } from '../../src/services/orders/preflight.js';
import { buildMenuIndex, centsToString, decimalToCents, lineAmountCents } from '../../src/services/orders/pricing.js';

const menu: Menu = {
  menuEntryGroups: [
    {
      '@type': 'group',
      menuEntry: [
        { '@type': 'menuItem', sku: 'TEA', productPrice: 0.1, taxIncludedInPrice: true, defaultTaxPercentage: 9 },
        { '@type': 'menuItem', sku: 'PIE', productPrice: 1, taxIncludedInPrice: false, defaultTaxPercentage: 8.875 },
      ],
    },
  ],
};

describe('order pricing in cents', () => {
  it('never drifts like floats, and rounds half up per line', () => {
    // 0.1 x 3 is 0.30000000000000004 in floats.
    expect(lineAmountCents({ quantity: 3, unitCents: 10, taxIncluded: true, taxMilliPercent: 9000 })).toBe(30);
    // 1.00 + 8.875 % = 1.08875 -> 1.09; 17.50 - 5 % = 16.625 -> 16.63 (the 0.875 discount rounds to 0.88).
    expect(lineAmountCents({ quantity: 1, unitCents: 100, taxIncluded: false, taxMilliPercent: 8875 })).toBe(109);
    const discount = { percentMilli: 5000, amountCents: null };
    expect(lineAmountCents({ quantity: 1, unitCents: 1750, taxIncluded: true, taxMilliPercent: 9000, discount })).toBe(
      1662,
    );
    // An amount discount never takes a line below zero.
    const ten = { percentMilli: null, amountCents: 1000 };
    expect(lineAmountCents({ quantity: 1, unitCents: 650, taxIncluded: true, taxMilliPercent: 0, discount: ten })).toBe(
      0,
    );
  });

  it('reads decimal strings without floats and prints cents back', () => {
    expect([decimalToCents('14.5'), decimalToCents('0.07'), decimalToCents('3'), decimalToCents('-1.5')]).toEqual([
      1450, 7, 300, -150,
    ]);
    expect([centsToString(1450), centsToString(7), centsToString(-150)]).toEqual(['14.50', '0.07', '-1.50']);
  });

  it('prices an order from the menu and refuses a payment that is not the total', () => {
    const snap = { index: buildMenuIndex([menu], []), restrictions: new Map() };
    const order = {
      items: [
        { sku: 'TEA', quantity: 3 },
        { sku: 'PIE', quantity: 1 },
      ],
    };
    const result = preflightOrder(order, snap);
    expect(result).toMatchObject({ problems: [], totalCents: 139, exact: true });
    expect(() => assertPreflight(result, { method: 'OOPAYMENT', amount: 1.39, tip: 0.5 })).not.toThrow();
    expect(() => assertPreflight(result, { method: 'OOPAYMENT', amount: 1.3, tip: 0 })).toThrow(/order total 1\.39/);
  });

  it('a POS check total other than the payment names both amounts', () => {
    expect(posTotalMismatch(14.5, '14.50')).toBeNull();
    expect(posTotalMismatch(16, '14.50')).toMatch(/POS check total 16\.00 differs from the 14\.50/);
  });
});
