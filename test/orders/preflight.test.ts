// Pre-flight validation at accept: lines checked against the location's menu and availability,
// and the payment against the check total the POS will compute, before the 202.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { createCatalogService } from '../../src/services/catalog.js';
import { createMenuSnapshots } from '../../src/services/orders/menu-snapshot.js';
import { assertPreflight, preflightOrder } from '../../src/services/orders/preflight.js';
import { bearer } from '../helpers/context.js';
import { waitFor } from '../helpers/workers.js';
import { AMS, createPipelineContext, type PipelineContext } from './pipeline-context.js';

const S = SANDBOX_SEED.skus;
const NYC = SANDBOX_SEED.locations.newYork;

describe('pre-flight validation at accept', () => {
  let p: PipelineContext;
  let nycLocationId: string;

  const post = (payload: Record<string, unknown>) =>
    p.ctx.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: bearer(p.vendor.apiKey),
      payload: { type: 'toGo', customer: { firstName: 'Ada' }, locationId: p.locationId, ...payload },
    });
  const burger = (amount: number, tip = 0) => ({
    items: [{ sku: S.classicBurger, quantity: 1 }],
    payment: { method: 'OOPAYMENT', amount, tip },
  });

  beforeAll(async () => {
    p = await createPipelineContext({ env: { CATALOG_LIVE_TTL_SECONDS: '1' } });
    const nyc = await p.ctx.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: bearer(p.vendor.apiKey),
      payload: { name: 'New York', businessLocationId: NYC.id },
    });
    nycLocationId = nyc.json().id;
  });
  afterAll(async () => p?.close());

  it('refuses the 14.50 burger paid 10.00 with 422 naming the expected total, and stores nothing', async () => {
    const before = await p.ctx.db.prisma.order.count();
    const res = await post(burger(10));
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'PAYMENT_AMOUNT_MISMATCH',
      details: { expectedTotal: '14.50', paymentAmount: '10.00' },
    });
    expect(res.json().error.message).toContain('14.50');
    expect(await p.ctx.db.prisma.order.count()).toBe(before);
    // Overpaying is refused too; the right amount with a tip apart is accepted.
    expect((await post(burger(15))).statusCode).toBe(422);
    expect((await post(burger(14.5, 2))).statusCode).toBe(202);
  });

  it('adds the tax on top where the menu prices exclude it (New York: 17.00 + 8.875% = 18.51)', async () => {
    const refused = await post({ ...burger(17), locationId: nycLocationId });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details.expectedTotal).toBe('18.51');
    expect((await post({ ...burger(18.51), locationId: nycLocationId })).statusCode).toBe(202);
  });

  it('names every bad line with its index, sku and reason', async () => {
    const res = await post({
      items: [
        { sku: S.cola, quantity: 1 },
        { sku: SANDBOX_SEED.unknownSku, quantity: 1 },
        { sku: S.classicBurger, quantity: 1, modifiers: [{ modifierId: String(AMS.modifiers.Seared) }] },
        { sku: S.cola, quantity: 1, discountCode: 'NO-SUCH-CODE' },
        {
          sku: S.classicBurger,
          quantity: 1,
          subItems: [
            { sku: S.salmon, quantity: 1 },
            { sku: 'NOPE', quantity: 1 },
          ],
        },
        { sku: S.lunchDeal, quantity: 1, subItems: [{ sku: S.tiramisu, quantity: 1 }] },
      ],
      payment: { amount: 99 },
    });
    expect(res.statusCode).toBe(422);
    const { code, details } = res.json().error;
    expect(code).toBe('ORDER_LINES_REFUSED');
    expect(details.lines.map((l: { path: string; sku: string; reason: string }) => [l.path, l.sku, l.reason])).toEqual([
      ['items.1', SANDBOX_SEED.unknownSku, 'UNKNOWN_SKU'],
      ['items.2', S.classicBurger, 'MODIFIER_NOT_ON_ITEM'],
      ['items.3', S.cola, 'UNKNOWN_DISCOUNT'],
      ['items.4.subItems.1', 'NOPE', 'UNKNOWN_SKU'],
      ['items.5.subItems.0', S.tiramisu, 'NOT_A_CHOICE_OF_ITEM'],
    ]);
    expect(details.lines[0].line).toBe(1);
  });

  it('prices deals, product modifiers and discounts as the POS does: the check closes fully paid', async () => {
    // Deal 17.50 - 5% (0.875 -> 0.88) + salad surcharge 0.50 = 17.12; burger 14.50 + cheese 1.50 = 16.00.
    const items = [
      {
        sku: S.lunchDeal,
        quantity: 1,
        discountCode: 'FIVEPERCENT',
        subItems: [
          { sku: S.classicBurger, quantity: 1 },
          { sku: S.sideSalad, quantity: 1 },
          { sku: S.cola, quantity: 1 },
        ],
      },
      {
        sku: S.classicBurger,
        quantity: 1,
        modifiers: [{ modifierId: String(AMS.modifiers['Medium rare']) }],
        subItems: [{ sku: S.extraCheese, quantity: 1 }],
      },
    ];
    const wrong = await post({ items, payment: { amount: 33 } });
    expect(wrong.json().error.details.expectedTotal).toBe('33.12');
    const res = await post({ items, payment: { amount: 33.12 } });
    expect(res.statusCode).toBe(202);
    const done = await p.waitForStatus(res.json().id, ['CLOSED']);
    expect(done.paidAt).not.toBeNull();
    const order = await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: res.json().id } });
    const account = await p.sandboxControl<{ payments: { amount: number }[] }>(
      'GET',
      `/accounts/${order.accountIdentifier}`,
    );
    expect(account.payments.map((x) => x.amount)).toEqual([33.12]);
  });

  it('refuses an item that is sold out, or with fewer left than ordered, within seconds of the change', async () => {
    await p.sandboxControl('POST', '/availability', { businessLocationId: AMS.id, sku: S.tiramisu, count: 0 });
    await p.sandboxControl('POST', '/availability', { businessLocationId: AMS.id, sku: S.water, count: 2 });
    const order = (sku: string, quantity: number, amount: number) =>
      post({ items: [{ sku, quantity }], payment: { amount } });
    const soldOut = await waitFor(async () => {
      const res = await order(S.tiramisu, 1, 7.5);
      return res.statusCode === 422 ? res : null;
    }, 'the sold-out tiramisu to be refused');
    expect(soldOut.json().error.details.lines[0]).toMatchObject({ sku: S.tiramisu, reason: 'SOLD_OUT' });
    const tooMany = await order(S.water, 3, 8.4);
    expect(tooMany.json().error.details.lines[0]).toMatchObject({ sku: S.water, reason: 'NOT_ENOUGH_LEFT' });
    expect((await order(S.water, 2, 5.6)).statusCode).toBe(202);
    await p.sandboxControl('POST', '/availability', { businessLocationId: AMS.id, sku: S.tiramisu, count: null });
    await waitFor(async () => (await order(S.tiramisu, 1, 7.5)).statusCode === 202, 'tiramisu back on sale');
  });

  it('costs well under 1 ms per order over a warm menu (measured)', async () => {
    const app = p.ctx.app;
    const catalog = createCatalogService({
      prisma: app.prisma,
      redis: app.redis,
      redisKey: (...parts: string[]) => app.redisKey(...parts),
      kseries: app.services.lightspeed.kseries,
      ttlSeconds: 300,
      liveTtlSeconds: 10,
      loadTimeoutMs: 10_000,
    });
    const snapshots = createMenuSnapshots(catalog, { freshMs: 60_000, staleMs: 60_000 });
    const input = {
      items: [
        { sku: S.classicBurger, quantity: 2, modifiers: [{ modifierId: String(AMS.modifiers['Medium rare']) }] },
        { sku: S.fries, quantity: 2 },
        { sku: S.cola, quantity: 2 },
      ],
      payment: { method: 'OOPAYMENT', amount: 43.4, tip: 0 },
    };
    await snapshots.get(p.vendor.id, p.locationId, 'TAKEAWAY');
    const n = 20_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const snap = await snapshots.get(p.vendor.id, p.locationId, 'TAKEAWAY');
      assertPreflight(preflightOrder(input, snap), input.payment);
    }
    const perOrderUs = Number(process.hrtime.bigint() - started) / 1000 / n;
    console.log(`pre-flight validation, warm menu: ${perOrderUs.toFixed(2)} µs per order (${n} orders, 3 lines)`);
    expect(perOrderUs).toBeLessThan(1000);
  });
});
