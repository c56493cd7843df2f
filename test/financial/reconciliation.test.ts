// Reconciliation of our orders with POS sales (TASK:OO-{bl}-{reference}), backfill of past days
// in chunks K-Series accepts, and a location remapped to another business location.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../src/generated/prisma/enums.js';
import { AMS, createFinancialContext, NYC, type FinancialContext } from './helpers.js';

const DAY = 86_400_000;
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const newReference = () => `o${randomBytes(12).toString('hex')}`;

describe('reconciliation and backfill', () => {
  let f: FinancialContext;
  let token: string;
  let endpointId: string;

  beforeAll(async () => {
    f = await createFinancialContext();
    token = await f.sandboxToken(['orders-api', 'financial-api']);
    const connection = await f.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({
      where: { vendorId: f.vendor.id },
    });
    endpointId = connection.webhookEndpointId!;
  });
  afterAll(async () => f?.close());

  /** An online order placed and paid on the POS directly (as if we had pushed it). */
  async function posOrder(thirdPartyReference: string): Promise<string> {
    const res = await fetch(`${f.sandbox.url}/o/op/1/order/toGo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        businessLocationId: AMS.id,
        thirdPartyReference,
        endpointId,
        customerInfo: { firstName: 'Ada' },
        items: [{ sku: 'BRG-CLASSIC', quantity: 1 }],
        payment: { paymentMethod: 'OOPAYMENT', paymentAmount: 500 },
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const ref = encodeURIComponent(`TASK:OO-${AMS.id}-${thirdPartyReference}`);
    for (let i = 0; i < 100; i++) {
      const sale = await fetch(
        `${f.sandbox.url}/f/finance/${AMS.id}/saleByExternalReference?externalReferenceId=${ref}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (sale.ok)
        return ((await sale.json()) as { payments: { netAmountWithTax: string }[] }).payments[0]!.netAmountWithTax;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the POS never closed ${thirdPartyReference}`);
  }

  async function ourOrder(reference: string, status: OrderStatus, paymentAmount: string, attempt = 1): Promise<string> {
    const order = await f.ctx.db.prisma.order.create({
      data: {
        vendorId: f.vendor.id,
        locationId: f.locationId,
        reference,
        paymentReference: `p${reference.slice(1)}`,
        requestHash: reference,
        type: 'TO_GO',
        status,
        payload: {},
        paymentAmount,
        paymentMethod: 'OOPAYMENT',
        attempt,
        deadlineAt: new Date(Date.now() + DAY),
      },
    });
    return order.id;
  }

  it('finds the sale missing on the POS and the one missing in our orders', async () => {
    const [matched1, matched2, missingOnPos, missingInOrders, retried, failed, accepted, conflict, wrongAmount] =
      Array.from({ length: 9 }, newReference);
    const price = await posOrder(matched1!);
    await posOrder(matched2!);
    await posOrder(missingInOrders!);
    await posOrder(`${retried!}-2`); // delivered on the second attempt
    await posOrder(conflict!);
    await posOrder(wrongAmount!);
    await posOrder('DELIVEROO-4711'); // another integration's online order
    const ids = {
      matched1: await ourOrder(matched1!, 'PAID', price),
      matched2: await ourOrder(matched2!, 'CLOSED', price),
      missingOnPos: await ourOrder(missingOnPos!, 'PAID', price),
      retried: await ourOrder(retried!, 'READY_FOR_PICKUP', price, 2),
      failed: await ourOrder(failed!, 'FAILED', price),
      accepted: await ourOrder(accepted!, 'ACCEPTED', price),
      conflict: await ourOrder(conflict!, 'CANCELLED', price),
      wrongAmount: await ourOrder(wrongAmount!, 'PAID', '1.00'),
    };
    // A window ends at a whole second in the past: sales closed this very second are the next run's.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await f.sync.run(f.locationId)).toMatchObject({ status: 'completed', sales: { inserted: 7 } });

    const res = await f.get(
      `/v1/locations/${f.locationId}/financial/reconciliation?from=${date(Date.now() - DAY)}&to=${date(Date.now() + DAY)}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      summary: Record<string, number>;
      missingOnPos: { orderId: string; reference: string }[];
      missingInOrders: { externalReference: string }[];
      amountMismatches: { orderId: string; orderAmount: string; posPaid: string }[];
      statusConflicts: { orderId: string; status: string }[];
      sync: { lastSyncedAt: string | null };
    };
    expect(body.missingOnPos.map((o) => o.orderId)).toEqual([ids.missingOnPos]);
    expect(body.missingInOrders.map((s) => s.externalReference)).toEqual([`TASK:OO-${AMS.id}-${missingInOrders}`]);
    expect(body.amountMismatches).toEqual([
      expect.objectContaining({ orderId: ids.wrongAmount, orderAmount: '1.00', posPaid: price }),
    ]);
    expect(body.statusConflicts).toEqual([expect.objectContaining({ orderId: ids.conflict, status: 'CANCELLED' })]);
    expect(body.summary).toMatchObject({
      orders: 8,
      expectedOnPos: 5,
      posSalesWithOurReference: 6,
      matched: 5,
      missingOnPos: 1,
      missingInOrders: 1,
      inFlight: 1,
      otherIntegrationSales: 1,
    });
    expect(body.sync.lastSyncedAt).not.toBeNull();
  });

  it('splits a backfill into chunks, rejects more than 365 days, and stores the older sales', async () => {
    const now = Date.now();
    const tooLong = await f.post(`/v1/locations/${f.locationId}/financial/backfill`, {
      from: date(now - 400 * DAY),
      to: date(now - 30 * DAY),
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('365');
    // A full year (365 days) is accepted: twelve chunks of at most 31 days.
    const year = await f.post(`/v1/locations/${f.nycLocationId}/financial/backfill`, {
      from: date(now - 364 * DAY),
      to: date(now),
    });
    expect(year.statusCode, year.body).toBe(202);
    const chunks = (year.json() as { chunks: { fromDate: string; toDate: string }[] }).chunks;
    expect(chunks).toHaveLength(12);
    expect(chunks[0]!.fromDate).toBe(date(now - 364 * DAY));
    expect(chunks.at(-1)!.toDate).toBe(date(now));

    await f.generate(AMS.id, 1200, new Date(now - 95 * DAY), new Date(now - 12 * DAY), 7);
    const res = await f.post(`/v1/locations/${f.locationId}/financial/backfill`, {
      from: date(now - 100 * DAY),
      to: date(now - 10 * DAY),
    });
    expect(res.statusCode, res.body).toBe(202);
    expect((res.json() as { chunks: unknown[] }).chunks).toHaveLength(3);
    const before = f.proxy.requests.length;
    expect(await f.sync.run(f.locationId)).toMatchObject({ status: 'completed', backfillChunks: 3 });
    const old = await f.ctx.db.prisma.financialSale.count({
      where: { locationId: f.locationId, timeClosed: { lt: new Date(now - 11 * DAY) } },
    });
    expect(old).toBe(1200);
    // Every K-Series call of the backfill covered at most 31 days.
    const calls = f.proxy.requests.slice(before).filter((r) => r.url.startsWith(`/f/finance/${AMS.id}/financials/`));
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const call of calls) {
      const [fromIso, toIso] = call.url.split('?')[0]!.split('/').slice(-2).map(decodeURIComponent);
      expect(Date.parse(toIso!) - Date.parse(fromIso!)).toBeLessThanOrEqual(31 * DAY);
    }
    const status = await f.get(`/v1/locations/${f.locationId}/financial/sync`);
    const backfill = (
      status.json() as { backfill: { pending: unknown[]; running: unknown; completed: { sales: number }[] } }
    ).backfill;
    expect(backfill).toMatchObject({ pending: [], running: null });
    expect(backfill.completed.reduce((n, c) => n + c.sales, 0)).toBe(1200);
  });

  it('a location remapped to another business location starts over', async () => {
    const patch = (id: string, businessLocationId: number | null) =>
      f.ctx.app.inject({
        method: 'PATCH',
        url: `/v1/locations/${id}`,
        headers: { authorization: `Bearer ${f.vendor.apiKey}` },
        payload: { businessLocationId },
      });
    expect((await patch(f.nycLocationId, null)).statusCode).toBe(200);
    expect((await patch(f.locationId, NYC.id)).statusCode).toBe(200);
    const range = `from=${date(Date.now() - 120 * DAY)}&to=${date(Date.now())}`;
    // Amsterdam's sales are no longer this location's, even before the next sync.
    const before = (await f.get(`/v1/locations/${f.locationId}/financial/sales?${range}`)).json() as {
      data: unknown[];
    };
    expect(before.data).toEqual([]);
    expect(await f.sync.run(f.locationId)).toMatchObject({ status: 'completed' });
    expect(
      await f.ctx.db.prisma.financialSale.count({
        where: { locationId: f.locationId, businessLocationId: BigInt(AMS.id) },
      }),
    ).toBe(0);
    const daily = (await f.get(`/v1/locations/${f.locationId}/financial/daily?${range}`)).json() as {
      calendar: { timezone: string };
    };
    expect(daily.calendar.timezone).toBe('America/New_York');
  });
});
