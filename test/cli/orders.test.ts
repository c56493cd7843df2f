// cli orders attention|replay (in-process): the list shows exactly the orders an operator
// must look at; a replay of a FAILED order starts a new attempt and queues its delivery; a replay
// of a PAYMENT_FAILED order queues a new payment under a new reference; refused replays change
// nothing.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../src/generated/prisma/enums.js';
import { claimDueTasks } from '../helpers/order-work.js';
import { envFor } from '../helpers/child-worker.js';
import { createTestContext, createVendor, type TestContext } from '../helpers/context.js';
import { expectRefusals, runCli, snapshot, type RefusalCase } from './helpers.js';

describe('cli: orders', { timeout: 120_000 }, () => {
  let ctx: TestContext;
  let env: Record<string, string>;
  const ids: Partial<Record<OrderStatus | 'OTHER_VENDOR_FAILED', string>> = {};
  let vendorId = '';

  let locationId = '';

  async function order(
    vendor: string,
    locationId: string,
    status: OrderStatus,
    failureReason: string | null = null,
    accountIdentifier: string | null = null,
  ): Promise<string> {
    const id = randomUUID();
    await ctx.db.prisma.order.create({
      data: {
        id,
        vendorId: vendor,
        locationId,
        reference: `o${randomBytes(12).toString('hex')}`,
        paymentReference: `p${randomBytes(12).toString('hex')}`,
        requestHash: randomBytes(32).toString('hex'),
        type: 'TO_GO',
        status,
        failureReason,
        accountIdentifier,
        payload: {},
        paymentAmount: '12.50',
        paymentMethod: 'OOPAYMENT',
        deadlineAt: new Date(Date.now() + 15 * 60_000),
        events: { create: { toStatus: status, source: 'test', reason: 'seeded' } },
      },
    });
    return id;
  }

  beforeAll(async () => {
    ctx = await createTestContext();
    env = envFor(ctx.config);
    const vendor = await createVendor(ctx.app, 'Orders vendor');
    vendorId = vendor.id;
    const location = await ctx.db.prisma.location.create({
      data: { vendorId, name: 'Main', businessLocationId: 45454565682156n },
    });
    locationId = location.id;
    for (const status of ['RECEIVED', 'PAID', 'FAILED', 'PAYMENT_FAILED', 'NEEDS_ATTENTION'] as const) {
      ids[status] = await order(vendorId, location.id, status, status === 'FAILED' ? 'unknown SKU 123' : null);
    }
    const other = await createVendor(ctx.app, 'Other vendor');
    const otherLocation = await ctx.db.prisma.location.create({ data: { vendorId: other.id, name: 'Elsewhere' } });
    ids.OTHER_VENDOR_FAILED = await order(other.id, otherLocation.id, 'FAILED', 'bad profile');
  });
  afterAll(async () => ctx?.close());

  const cli = (...args: string[]) => runCli(args, env);

  it('orders attention lists NEEDS_ATTENTION, FAILED and PAYMENT_FAILED orders, filtered on request', async () => {
    const all = await cli('orders', 'attention', '--json');
    expect(all.code).toBe(0);
    const listed = all.json<{
      items: { id: string; status: string; failureReason: string | null; vendorName: string }[];
    }>().items;
    expect(listed.map((o) => o.id).sort()).toEqual(
      [ids.FAILED, ids.PAYMENT_FAILED, ids.NEEDS_ATTENTION, ids.OTHER_VENDOR_FAILED].sort(),
    );
    expect(listed.find((o) => o.id === ids.FAILED)).toMatchObject({
      status: 'FAILED',
      failureReason: 'unknown SKU 123',
      vendorName: 'Orders vendor',
    });

    const mine = await cli('orders', 'attention', '--vendor', vendorId, '--status', 'failed,needs_attention', '--json');
    expect(mine.code).toBe(0);
    expect(
      mine
        .json()
        .items.map((o: { id: string }) => o.id)
        .sort(),
    ).toEqual([ids.FAILED, ids.NEEDS_ATTENTION].sort());

    const text = await cli('orders', 'attention', '--limit', '1');
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(2); // header + one order
  });

  it('orders replay starts a new attempt of a FAILED order and queues its delivery', async () => {
    const orderId = ids.FAILED!;
    const before = await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    const run = await cli('orders', 'replay', orderId, '--json');
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ id: orderId, status: 'RECEIVED', attempt: 2 });
    const after = await ctx.db.prisma.order.findUniqueOrThrow({
      where: { id: orderId },
      include: { events: { orderBy: { id: 'asc' } } },
    });
    expect(after.status).toBe('RECEIVED');
    expect(after.failureReason).toBeNull();
    expect(after.reference).not.toBe(before.reference);
    expect(after.events.at(-1)).toMatchObject({ fromStatus: 'FAILED', toStatus: 'RECEIVED', source: 'operator' });
    expect((await claimDueTasks(ctx.db.prisma)).get(orderId)).toBe('push:2');
  });

  it('orders replay pays a PAYMENT_FAILED order again under a new payment reference, in a task of its own', async () => {
    const orderId = await order(
      vendorId,
      locationId,
      'PAYMENT_FAILED',
      'PAYMENT_METHOD_NOT_FOUND: Payment method OOPAYMENT not found',
      'A17700.9',
    );
    const before = await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    // The refused payment's task is still held (a lease far ahead): it must not swallow the replay's.
    await ctx.db.prisma.order.update({
      where: { id: orderId },
      data: { workKey: `pay:${before.paymentReference}`, workUntil: new Date(Date.now() + 3_600_000) },
    });
    const run = await cli('orders', 'replay', orderId, '--json');
    expect(run.code).toBe(0);
    const paymentReference = `${before.paymentReference}-2`;
    expect(run.json()).toMatchObject({
      id: orderId,
      status: 'ACCEPTED',
      attempt: 1,
      reference: before.reference,
      paymentAttempt: 2,
      paymentReference,
    });
    const after = await ctx.db.prisma.order.findUniqueOrThrow({
      where: { id: orderId },
      include: { events: { orderBy: { id: 'asc' } } },
    });
    expect(after).toMatchObject({
      status: 'ACCEPTED',
      paymentReference,
      failureReason: null,
      paymentSubmittedAt: null,
      reference: before.reference,
    });
    expect(after.events.at(-1)).toMatchObject({
      fromStatus: 'PAYMENT_FAILED',
      toStatus: 'ACCEPTED',
      source: 'operator',
      reason: 'payment replay, attempt 2',
      data: { previousPaymentReference: before.paymentReference, paymentReference, paymentAttempt: 2 },
    });
    expect((await claimDueTasks(ctx.db.prisma)).get(orderId)).toBe(`pay:${paymentReference}`);

    const text = await cli('orders', 'replay', orderId);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/this one is ACCEPTED/);
  });

  it('refuses what cannot be replayed and bad arguments, changing nothing', async () => {
    // Whatever was due before is claimed now: afterwards, nothing may have become due.
    await claimDueTasks(ctx.db.prisma);
    const before = await snapshot(ctx.db.prisma);
    const cases: RefusalCase[] = [
      {
        args: ['orders', 'replay', ids.PAID!],
        code: 1,
        message: /Only FAILED, NEEDS_ATTENTION or PAYMENT_FAILED orders can be replayed; this one is PAID/,
      },
      // Seeded without an account identifier: there is no POS check to pay.
      {
        args: ['orders', 'replay', ids.PAYMENT_FAILED!],
        code: 1,
        message: /payment cannot be replayed: K-Series never told us the order's account/,
      },
      { args: ['orders', 'replay', randomUUID()], code: 1, message: /Order not found/ },
      { args: ['orders', 'replay', '42'], code: 2, message: /invalid for argument 'orderId'/ },
      { args: ['orders', 'replay'], code: 2, message: /missing required argument 'orderId'/ },
      {
        args: ['orders', 'attention', '--status', 'PAID'],
        code: 2,
        message: /Use one or more of NEEDS_ATTENTION, FAILED, PAYMENT_FAILED/,
      },
      { args: ['orders', 'attention', '--limit', 'lots'], code: 2, message: /--limit/ },
      { args: ['orders', 'attention', '--vendor', 'acme'], code: 2, message: /--vendor.*UUID/ },
    ];
    await expectRefusals(cli, cases);
    const json = await cli('orders', 'replay', ids.PAID!, '--json');
    expect(json.jsonError().error.code).toBe('ORDER_NOT_REPLAYABLE');
    expect((await cli('orders', 'replay', ids.PAYMENT_FAILED!, '--json')).jsonError().error.code).toBe(
      'PAYMENT_NOT_REPLAYABLE',
    );
    expect(await snapshot(ctx.db.prisma)).toEqual(before);
    expect(await claimDueTasks(ctx.db.prisma)).toEqual(new Map());
  });
});
