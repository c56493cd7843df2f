// GET /v1/orders/:id tells a vendor everything about its order: lines (sku, name, quantity,
// unit price, modifiers), totals, payment, status history and the POS account, money exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderLines, orderTotals } from '../../src/services/orders/order-lines.js';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { bearer } from '../helpers/context.js';
import { createPipelineContext, type PipelineContext } from '../orders/pipeline-context.js';

describe('GET /v1/orders/:id', () => {
  let p: PipelineContext;
  beforeAll(async () => {
    p = await createPipelineContext();
  });
  afterAll(async () => p?.close());

  const get = async (id: string) => {
    const res = await p.ctx.app.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: bearer(p.vendor.apiKey) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('a closed order: its lines, totals, payment, history and POS account', async () => {
    const placed = await p.placeOrder({
      payment: { method: SANDBOX_SEED.paymentMethods.online, amount: 17.7, tip: 1.1 },
    });
    await p.waitForStatus(placed.id, ['CLOSED']);
    const order = await get(placed.id);
    expect(order.lines).toEqual([
      {
        sku: SANDBOX_SEED.skus.classicBurger,
        name: 'Classic Burger',
        quantity: 1,
        unitPrice: '14.50',
        lineTotal: '14.50',
        modifiers: [],
        subItems: [],
      },
      {
        sku: SANDBOX_SEED.skus.cola,
        name: 'Cola',
        quantity: 1,
        unitPrice: '3.20',
        lineTotal: '3.20',
        modifiers: [],
        subItems: [],
      },
    ]);
    // Catalog lines show the menu's name and price at acceptance (the pre-flight check priced them).
    expect(order.totals).toEqual({ lines: '17.70', payment: '17.70', tip: '1.10' });
    expect(order.payment).toMatchObject({ amount: '17.70', tip: '1.10', method: SANDBOX_SEED.paymentMethods.online });
    expect(order.payment.paidAt).not.toBeNull();
    expect(order.accountIdentifier).toMatch(/^A\d+\.\d+$/);
    expect(order.timeline.map((e: { to: string }) => e.to)).toEqual(
      expect.arrayContaining(['RECEIVED', 'SUBMITTED', 'ACCEPTED', 'PAYMENT_SUBMITTED', 'CLOSED']),
    );
    expect(order.timeline[0]).toMatchObject({ from: null, to: 'RECEIVED', source: 'api' });
  });
});

// A stored order carries the caller's prices (custom items) and, beside its items, the lines as
// priced at acceptance; orders stored before that have neither for catalog lines. The view keeps
// prices exact and totals them in cents.
describe('order lines and totals from a stored order', () => {
  it('priced lines with modifiers and sub-items, totals in exact cents', () => {
    const lines = orderLines({
      items: [
        {
          sku: 'CAKE-SLICE',
          quantity: 3,
          customItemName: 'Birthday cake slice',
          customItemPrice: 4.35,
          modifiers: [{ modifierId: 'MOD-CREAM' }],
          subItems: [{ sku: 'CANDLE', quantity: 1, customItemName: 'Candle', customItemPrice: 0.1 }],
        },
        { sku: 'COFFEE', quantity: 1, customItemName: 'Coffee', customItemPrice: 0.3 },
      ],
    });
    // 3 x 4.35 is 13.049999... in floating point; the API says 13.05.
    expect(lines[0]).toEqual({
      sku: 'CAKE-SLICE',
      name: 'Birthday cake slice',
      quantity: 3,
      unitPrice: '4.35',
      lineTotal: '13.05',
      modifiers: [{ modifierId: 'MOD-CREAM' }],
      subItems: [
        {
          sku: 'CANDLE',
          name: 'Candle',
          quantity: 1,
          unitPrice: '0.10',
          lineTotal: '0.10',
          modifiers: [],
          subItems: [],
        },
      ],
    });
    expect(lines[1]).toMatchObject({ unitPrice: '0.30', lineTotal: '0.30' });
    expect(orderTotals(lines, { amount: '13.35', tip: 0 })).toEqual({ lines: '13.35', payment: '13.35', tip: '0.00' });
    // One line the POS prices: no line total is claimed.
    const mixed = orderLines({
      items: [
        { sku: 'BRG-CLASSIC', quantity: 1 },
        { sku: 'X', quantity: 2, customItemPrice: 1 },
      ],
    });
    expect(orderTotals(mixed, { amount: 16.5, tip: 0.5 })).toEqual({ lines: null, payment: '16.50', tip: '0.50' });
    // Priced at acceptance: the menu's name and price, the caller's own item name still winning.
    const priced = orderLines({
      items: [
        { sku: 'BRG-CLASSIC', quantity: 2, subItems: [{ sku: 'CHEESE', quantity: 1 }] },
        { sku: 'X', quantity: 1, customItemName: 'House special', customItemPrice: 9 },
      ],
      pricedLines: [
        { name: 'Classic Burger', unitPrice: '14.50', subItems: [{ name: 'Cheese', unitPrice: '0.80', subItems: [] }] },
        { name: 'Open item', unitPrice: '9.00', subItems: [] },
      ],
    });
    expect(priced[0]).toMatchObject({ name: 'Classic Burger', unitPrice: '14.50', lineTotal: '29.00' });
    expect(priced[0]?.subItems[0]).toMatchObject({ name: 'Cheese', unitPrice: '0.80', lineTotal: '0.80' });
    expect(priced[1]).toMatchObject({ name: 'House special', unitPrice: '9.00', lineTotal: '9.00' });
    expect(orderTotals(priced, { amount: '38.00', tip: 0 }).lines).toBe('38.00');
  });
});
