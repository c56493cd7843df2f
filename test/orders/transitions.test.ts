// transitionOrder under concurrency: racing webhooks for one order produce a consistent
// timeline (each event starts where the previous one ended) and never a duplicate move.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../src/generated/prisma/enums.js';
import { transitionOrder } from '../../src/services/orders/transitions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/context.js';

describe('order transitions', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  async function newOrder(status: OrderStatus, callbackUrl: string | null = null) {
    const vendor = await db.prisma.vendor.create({ data: { name: 'v', callbackUrl } });
    const location = await db.prisma.location.create({ data: { vendorId: vendor.id, name: 'l' } });
    const ref = Math.random().toString(36).slice(2);
    return db.prisma.order.create({
      data: {
        vendorId: vendor.id,
        locationId: location.id,
        reference: `o${ref}`,
        paymentReference: `p${ref}`,
        requestHash: ref,
        type: 'TO_GO',
        status,
        payload: {},
        paymentAmount: 5,
        paymentMethod: 'OOPAYMENT',
        deadlineAt: new Date(Date.now() + 60_000),
      },
    });
  }

  it('racing transitions leave one consistent chain and the furthest state', async () => {
    const order = await newOrder('SUBMITTED');
    const targets: OrderStatus[] = ['ACCEPTED', 'PAID', 'CLOSED', 'READY_FOR_PICKUP', 'PAYMENT_SUBMITTED'];
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        transitionOrder(db.prisma, { orderId: order.id, to: targets[i % targets.length]!, source: 'webhook' }),
      ),
    );
    const applied = results.filter((r) => r !== null);
    const events = await db.prisma.orderEvent.findMany({ where: { orderId: order.id }, orderBy: { id: 'asc' } });
    expect(events).toHaveLength(applied.length);
    let previous: OrderStatus = 'SUBMITTED';
    for (const event of events) {
      expect(event.fromStatus).toBe(previous);
      previous = event.toStatus;
    }
    expect(new Set(events.map((e) => e.toStatus)).size).toBe(events.length);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CLOSED');
  });

  it('sets the given columns, refuses a backwards move, and writes a callback delivery when the vendor has a URL', async () => {
    const order = await newOrder('ACCEPTED', 'http://127.0.0.1:9/hook');
    const paidAt = new Date('2026-11-23T12:00:00.000Z');
    const moved = await transitionOrder(db.prisma, {
      orderId: order.id,
      to: 'PAID',
      source: 'webhook',
      reason: 'paid',
      set: { paidAt },
    });
    expect(moved).toMatchObject({ from: 'ACCEPTED', to: 'PAID' });
    // A time-ordered (version 7) id, from the migration's uuid_v7(): see test/db/time-ordered-ids.test.ts.
    expect(moved!.callbackDeliveryId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const row = await db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(row).toMatchObject({ status: 'PAID', paidAt, failureReason: null });
    expect(await transitionOrder(db.prisma, { orderId: order.id, to: 'ACCEPTED', source: 'webhook' })).toBeNull();
    expect(await db.prisma.callbackDelivery.count({ where: { orderId: order.id } })).toBe(1);
    expect(
      await transitionOrder(db.prisma, {
        orderId: '00000000-0000-4000-8000-000000000000',
        to: 'PAID',
        source: 'webhook',
      }),
    ).toBeNull();
  });
});
