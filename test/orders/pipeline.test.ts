// Orders end to end against the K-Series sandbox over HTTP: accept -> push -> ORDER webhook ->
// pay -> PAYMENT webhook -> CLOSED, and what happens when webhooks go wrong.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { bearer } from '../helpers/context.js';
import { waitFor } from '../helpers/workers.js';
import { createPipelineContext, NO_SUCH_TABLE, posRecords, type PipelineContext } from './pipeline-context.js';

describe('order pipeline against the sandbox', () => {
  let p: PipelineContext;
  beforeAll(async () => {
    p = await createPipelineContext();
  });
  afterAll(async () => p?.close());
  // Each test's faults apply to its own orders only.
  beforeEach(async () => {
    await p.resetSandbox();
  });

  const reload = (id: string) =>
    p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { id: 'asc' } } } });

  it('a takeaway order lands on the POS once, is paid once, and closes', async () => {
    const placed = await p.placeOrder();
    const done = await p.waitForStatus(placed.id, ['CLOSED']);
    expect(done.paidAt).not.toBeNull();
    const order = await reload(placed.id);
    expect(order.accountIdentifier).toMatch(/^A\d+\.\d+$/);
    expect(order.events.map((e) => e.toStatus)).toEqual(
      expect.arrayContaining(['RECEIVED', 'SUBMITTED', 'ACCEPTED', 'PAYMENT_SUBMITTED', 'CLOSED']),
    );
    const pos = await posRecords(p, order.reference, order.paymentReference);
    expect(pos.orders).toHaveLength(1);
    expect(pos.payments).toHaveLength(1);
    const api = await p.ctx.app.inject({
      method: 'GET',
      url: `/v1/orders/${placed.id}`,
      headers: bearer(p.vendor.apiKey),
    });
    expect(api.json()).toMatchObject({ status: 'CLOSED', accountIdentifier: order.accountIdentifier });
  });

  it('a dine-in order at a table does the same', async () => {
    const table = String(SANDBOX_SEED.locations.amsterdam.floorPlans[0]!.tables[0]);
    const placed = await p.placeOrder({
      type: 'local',
      tableNumber: table,
      clientCount: 2,
      accountProfileCode: SANDBOX_SEED.orderProfiles.dineIn,
    });
    await p.waitForStatus(placed.id, ['CLOSED']);
    const order = await reload(placed.id);
    const pos = await posRecords(p, order.reference, order.paymentReference);
    expect(pos.orders).toHaveLength(1);
    expect(pos.payments).toHaveLength(1);
  });

  it('a FAILURE webhook fails the order with the POS reason and nothing is paid', async () => {
    const placed = await p.placeOrder(NO_SUCH_TABLE);
    const failed = await p.waitForStatus(placed.id, ['FAILED']);
    expect(failed.failureReason).toBeTruthy();
    const order = await reload(placed.id);
    expect((await posRecords(p, order.reference, order.paymentReference)).payments).toHaveLength(0);
  });

  it('duplicated and reordered webhooks change nothing: one order, one payment, CLOSED', async () => {
    await p.sandboxControl('POST', '/faults/webhooks', { kind: 'duplicate', count: 6 });
    const first = await p.placeOrder();
    await p.sandboxControl('POST', '/faults/webhooks', { kind: 'reorder', count: 3, delayMs: 500 });
    const second = await p.placeOrder();
    for (const placed of [first, second]) {
      await p.waitForStatus(placed.id, ['CLOSED']);
      const order = await reload(placed.id);
      const pos = await posRecords(p, order.reference, order.paymentReference);
      expect(pos.orders).toHaveLength(1);
      expect(pos.payments).toHaveLength(1);
    }
  });

  it('a lost PAYMENT webhook is reconciled through the account lookup', async () => {
    await p.sandboxControl('POST', '/faults/webhooks', { kind: 'drop', count: 1, type: 'PAYMENT' });
    const placed = await p.placeOrder();
    await p.waitForStatus(placed.id, ['CLOSED', 'PAID']);
    // The PAYMENT webhook never came: the reconciler finds the payment on the POS account.
    const paid = await waitFor(async () => {
      const order = await reload(placed.id);
      return order.paidAt ? order : null;
    }, 'the payment to be confirmed by reconciliation');
    expect(paid.paymentSubmittedAt).not.toBeNull();
    expect((await posRecords(p, paid.reference, paid.paymentReference)).payments).toHaveLength(1);
    const dropped = await p.sandboxControl<unknown[]>(
      'GET',
      `/webhooks?type=PAYMENT&deliveryStatus=dropped&thirdPartyReference=${paid.paymentReference}`,
    );
    expect(dropped).toHaveLength(1);
  });

  it('lost PAYMENT and CLOSED webhooks: the account lookup finds the payment and the closed account', async () => {
    // The sandbox closes a fully paid account and says so in an ORDER CLOSED webhook: drop that
    // and the PAYMENT one, once the ORDER SUCCESS is in (the slowed payment leaves the time).
    await p.sandboxControl('POST', '/faults/latency', { ms: 1500, count: 1, pathPrefix: '/o/op/1/pay' });
    const placed = await p.placeOrder();
    await p.waitForStatus(placed.id, ['ACCEPTED']);
    await p.sandboxControl('POST', '/faults/webhooks', { kind: 'drop', count: 1, type: 'PAYMENT' });
    await p.sandboxControl('POST', '/faults/webhooks', { kind: 'drop', count: 1, type: 'ORDER' });
    const closed = await p.waitForStatus(placed.id, ['CLOSED']);
    expect(closed.paidAt).not.toBeNull();
    const order = await reload(placed.id);
    const dropped = await p.sandboxControl<unknown[]>(
      'GET',
      `/webhooks?deliveryStatus=dropped&thirdPartyReference=${order.reference}`,
    );
    expect(dropped).toHaveLength(1);
    const droppedPayment = await p.sandboxControl<unknown[]>(
      'GET',
      `/webhooks?type=PAYMENT&deliveryStatus=dropped&thirdPartyReference=${order.paymentReference}`,
    );
    expect(droppedPayment).toHaveLength(1);
    const events = await p.ctx.db.prisma.orderEvent.findMany({ where: { orderId: placed.id, toStatus: 'CLOSED' } });
    expect(events.map((e) => e.source)).toEqual(['reconciler']);
  });

  it('K-Series 429 and 503 storms end with every order paid and delivered once', async () => {
    await p.sandboxControl('POST', '/faults/status', { status: 503, count: 8, pathPrefix: '/o/op/1/order' });
    await p.sandboxControl('POST', '/faults/status', {
      status: 429,
      count: 8,
      retryAfterSeconds: 1,
      pathPrefix: '/o/op/1/pay',
    });
    const placed = await Promise.all(Array.from({ length: 5 }, () => p.placeOrder()));
    for (const o of placed) await p.waitForStatus(o.id, ['CLOSED'], 40_000);
    for (const o of placed) {
      const order = await reload(o.id);
      const pos = await posRecords(p, order.reference, order.paymentReference);
      expect(pos.orders).toHaveLength(1);
      expect(pos.payments).toHaveLength(1);
    }
  });

  it('a lost response (the POS took the order, we never heard) is resent and answered 409: still one order', async () => {
    await p.sandboxControl('POST', '/faults/status', {
      status: 503,
      count: 1,
      phase: 'after',
      pathPrefix: '/o/op/1/order',
    });
    const placed = await p.placeOrder();
    await p.waitForStatus(placed.id, ['CLOSED']);
    const order = await reload(placed.id);
    expect((await posRecords(p, order.reference, order.paymentReference)).orders).toHaveLength(1);
  });
});
