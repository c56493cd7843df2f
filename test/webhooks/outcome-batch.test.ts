// The process-webhook job with the real order handlers writing into one outcome batch
// (src/services/orders/outcome-batch.ts): every move of the batch and every event's mark are one
// commit; a batch whose orders changed after it loaded them is decided again on the new rows;
// two jobs over the same events apply them once.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookProcessor } from '../../src/jobs/processors/apply-webhook-events.js';
import { createOrderUpdates } from '../../src/services/orders/apply-notifications.js';
import { newOrderReferences } from '../../src/services/orders/references.js';
import { transitionOrder } from '../../src/services/orders/transitions.js';
import { createTestContext, createVendor, type TestContext } from '../helpers/context.js';

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) as unknown as FastifyBaseLogger;

describe('webhook outcomes applied as one batch', () => {
  let ctx: TestContext;
  let vendorId: string;
  let locationId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    vendorId = (await createVendor(ctx.app)).id;
    await ctx.db.prisma.vendor.update({ where: { id: vendorId }, data: { callbackUrl: 'https://vendor.test/cb' } });
    locationId = (
      await ctx.db.prisma.location.create({ data: { vendorId, name: 'Batch', businessLocationId: 880101n } })
    ).id;
  });
  afterAll(async () => ctx?.close());

  async function submittedOrder() {
    const refs = newOrderReferences();
    const order = await ctx.db.prisma.order.create({
      data: {
        vendorId,
        locationId,
        ...refs,
        requestHash: refs.reference,
        type: 'LOCAL',
        status: 'SUBMITTED',
        payload: {},
        paymentAmount: 4,
        paymentMethod: 'OOPAYMENT',
        deadlineAt: new Date(Date.now() + 600_000),
        submittedAt: new Date(),
      },
    });
    return { id: order.id, ...refs };
  }

  async function store(bodies: Record<string, unknown>[]): Promise<string[]> {
    const ids = bodies.map(() => randomUUID());
    await ctx.db.prisma.webhookEvent.createMany({
      data: bodies.map((body, i) => ({
        id: ids[i]!,
        dedupeKey: `test:${ids[i]}`,
        type: String(body.type),
        payload: body as object,
      })),
    });
    return ids;
  }

  const orderSuccess = (o: { reference: string }, account: string) => ({
    type: 'ORDER',
    status: 'SUCCESS',
    thirdPartyReference: o.reference,
    ikentooAccountIdentifier: account,
  });
  const paymentSuccess = (o: { paymentReference: string }) => ({
    type: 'PAYMENT',
    status: 'SUCCESS',
    thirdPartyReference: o.paymentReference,
  });
  const timeline = async (orderId: string) =>
    (await ctx.db.prisma.orderEvent.findMany({ where: { orderId }, orderBy: { id: 'asc' } })).map((e) => e.toStatus);

  /** The real handlers; `beforeOrder` runs before each ORDER event is decided (to race the batch). */
  function processor(beforeOrder?: (reference: string) => Promise<void>) {
    const real = createOrderUpdates({ prisma: ctx.db.prisma, queues: ctx.app.queues, log });
    return createWebhookProcessor({
      prisma: ctx.db.prisma,
      orderUpdates: {
        applyOrderNotification: async (body, source, known, batch) => {
          await beforeOrder?.(body.thirdPartyReference ?? '');
          return real.applyOrderNotification(body, source, known, batch);
        },
        applyPaymentNotification: real.applyPaymentNotification,
      },
      log,
      invalidateLocationCache: async () => {},
      pushAvailability: async () => 0,
    });
  }

  it('writes every move, timeline event, callback and event mark of a batch in one transaction', async () => {
    const [a, b, c] = [await submittedOrder(), await submittedOrder(), await submittedOrder()];
    const ids = await store([
      orderSuccess(a, 'X1.1'),
      orderSuccess(b, 'X2.1'),
      paymentSuccess(a),
      { type: 'ORDER', status: 'FAILURE', thirdPartyReference: c.reference, reason: 'closed' },
      { type: 'ORDER', status: 'READY_FOR_PICKUP', thirdPartyReference: a.reference },
    ]);
    await processor()(ids);

    expect(await timeline(a.id)).toEqual(['ACCEPTED', 'PAID', 'READY_FOR_PICKUP']);
    expect(await timeline(b.id)).toEqual(['ACCEPTED']);
    expect(await timeline(c.id)).toEqual(['FAILED']);
    const orders = [a.id, b.id, c.id];
    const xids = await ctx.db.prisma.$queryRawUnsafe<{ what: string; xid: string }[]>(
      `SELECT 'order' AS what, xmin::text AS xid FROM orders WHERE id = ANY($1::uuid[])
       UNION ALL SELECT 'event', xmin::text FROM order_events WHERE order_id = ANY($1::uuid[])
       UNION ALL SELECT 'callback', xmin::text FROM callback_deliveries WHERE order_id = ANY($1::uuid[])
       UNION ALL SELECT 'mark', xmin::text FROM webhook_events WHERE id = ANY($2::uuid[])`,
      orders,
      ids,
    );
    expect(xids.map((r) => r.what).sort()).toEqual(
      [
        ...Array(5).fill('callback'),
        ...Array(5).fill('event'),
        ...Array(5).fill('mark'),
        ...Array(3).fill('order'),
      ].sort(),
    );
    expect(new Set(xids.map((r) => r.xid)).size).toBe(1);
    const rows = await ctx.db.prisma.order.findMany({ where: { id: { in: orders } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(a.id)).toMatchObject({ status: 'READY_FOR_PICKUP', accountIdentifier: 'X1.1' });
    expect(byId.get(a.id)!.paidAt).toBeInstanceOf(Date);
    expect(byId.get(b.id)).toMatchObject({ status: 'ACCEPTED', accountIdentifier: 'X2.1', paidAt: null });
    expect(byId.get(c.id)).toMatchObject({ status: 'FAILED', failureReason: 'closed' });
    const marks = await ctx.db.prisma.webhookEvent.findMany({ where: { id: { in: ids } } });
    expect(marks.every((e) => e.status === 'PROCESSED' && e.attempts === 1 && e.vendorId === vendorId)).toBe(true);
  });

  it('an order that moves after the batch loaded it: nothing is written, the events are decided again', async () => {
    const o = await submittedOrder();
    let raced = false;
    const process = processor(async () => {
      if (raced) return;
      raced = true;
      // Another job accepts the order between the batch's load and its commit.
      await transitionOrder(ctx.db.prisma, {
        orderId: o.id,
        to: 'ACCEPTED',
        source: 'reconciler',
        set: { accountIdentifier: 'R1.1' },
      });
    });
    const ids = await store([orderSuccess(o, 'R1.1'), paymentSuccess(o)]);
    await process(ids);
    // Decided on the stale row, the SUCCESS would have been a second ACCEPTED.
    expect(await timeline(o.id)).toEqual(['ACCEPTED', 'PAID']);
    const events = await ctx.db.prisma.orderEvent.findMany({ where: { orderId: o.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.source)).toEqual(['reconciler', 'webhook']);
    const marks = await ctx.db.prisma.webhookEvent.findMany({ where: { id: { in: ids } } });
    expect(marks.map((e) => [e.status, e.attempts])).toEqual([
      ['PROCESSED', 1],
      ['PROCESSED', 1],
    ]);
  });

  it('jobs arriving while a round is under way share the next load and commit', async () => {
    const [a, b, c] = [await submittedOrder(), await submittedOrder(), await submittedOrder()];
    const [first, second, third] = [
      await store([orderSuccess(a, 'J1.1')]),
      await store([orderSuccess(b, 'J2.1')]),
      await store([orderSuccess(c, 'J3.1'), { type: 'ORDER', status: 'SUCCESS' }]),
    ];
    const process = processor();
    await Promise.all([process(first), process(second), process(third)]);
    const xids = await ctx.db.prisma.$queryRawUnsafe<{ id: string; xid: string }[]>(
      `SELECT id::text, xmin::text AS xid FROM webhook_events WHERE id = ANY($1::uuid[])`,
      [...first, ...second, ...third],
    );
    const xid = new Map(xids.map((r) => [r.id, r.xid]));
    expect(xid.get(second[0]!)).toBe(xid.get(third[0]!));
    expect(xid.get(first[0]!)).not.toBe(xid.get(second[0]!));
    for (const o of [a, b, c]) expect(await timeline(o.id)).toEqual(['ACCEPTED']);
  });

  it('two jobs over the same events at once apply each event once', async () => {
    const orders = await Promise.all(Array.from({ length: 6 }, () => submittedOrder()));
    const ids = await store(orders.flatMap((o, i) => [orderSuccess(o, `D${i}.1`), paymentSuccess(o)]));
    await Promise.all([processor()(ids), processor()(ids)]);
    for (const o of orders) expect(await timeline(o.id)).toEqual(['ACCEPTED', 'PAID']);
    const marks = await ctx.db.prisma.webhookEvent.findMany({ where: { id: { in: ids } } });
    expect(marks.every((e) => e.status === 'PROCESSED' && e.attempts === 1)).toBe(true);
  });
});
