// Order and payment events in the merchant's integration log: which transitions are logged, in
// what words, and that duplicated webhooks and a run of paid orders do not flood it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { explainFailure } from '../../src/services/orders/explain.js';
import { orderLogEntry, PAID_MESSAGE } from '../../src/services/orders/order-log.js';
import { waitFor } from '../helpers/workers.js';
import { AMS, createPipelineContext, NO_SUCH_TABLE, type PipelineContext } from './pipeline-context.js';

describe('plain-words reasons', () => {
  it('explains the K-Series refusals and payment error types, and falls back per status', () => {
    expect(explainFailure('FAILED', 'K-Series refused the order: Item with SKU X-1 not found')?.summary).toBe(
      'The POS does not know the item with SKU X-1: it may have been removed or renamed on the POS.',
    );
    expect(explainFailure('FAILED', 'Business location 1 is not accepting online orders')?.summary).toMatch(
      /not taking online orders/,
    );
    expect(explainFailure('FAILED', 'Table 99 not found')?.summary).toBe(
      'Table 99 does not exist on the POS floor plan.',
    );
    expect(
      explainFailure('PAYMENT_FAILED', 'OVERPAID: the payment amount is greater than the amount due')?.summary,
    ).toMatch(/more than the check still owed/);
    expect(explainFailure('PAYMENT_FAILED', 'TIMEOUT: Not processed before validity ended')?.summary).toMatch(
      /did not process the payment in time/,
    );
    expect(explainFailure('PAYMENT_FAILED', 'ACCOUNT_ALREADY_CLOSED: Account is already closed')?.summary).toMatch(
      /already closed/,
    );
    expect(explainFailure('NEEDS_ATTENTION', 'delivery attempts exhausted: 503')?.action).toMatch(/same reference/);
    expect(explainFailure('FAILED', 'something new')).toEqual({
      summary: 'The POS refused the order.',
      action: expect.any(String),
    });
    expect(explainFailure('PAID', null)).toBeNull();
  });

  it('logs failures, attention, reconciliation and the first payment; not the healthy steps', () => {
    const base = { orderId: 'id', reference: 'r1', reason: 'Item with SKU A not found' };
    expect(orderLogEntry({ ...base, to: 'FAILED', source: 'webhook' })).toMatchObject({
      level: 'ERROR',
      event: 'order.failed',
      details: { orderId: 'id', reference: 'r1' },
    });
    expect(orderLogEntry({ ...base, to: 'NEEDS_ATTENTION', source: 'reconciler' })?.level).toBe('WARN');
    expect(orderLogEntry({ ...base, to: 'ACCEPTED', source: 'reconciler' })?.event).toBe('order.reconciled');
    // A run of paid orders collapses: no details that differ per order.
    expect(orderLogEntry({ ...base, to: 'PAID', source: 'webhook' })).toEqual({
      level: 'INFO',
      event: 'payment.paid',
      message: PAID_MESSAGE,
    });
    for (const to of ['RECEIVED', 'SUBMITTED', 'ACCEPTED', 'PAYMENT_SUBMITTED', 'CLOSED'] as const)
      expect(orderLogEntry({ ...base, to, source: 'webhook' })).toBeNull();
  });
});

describe('order events in the integration log, against the sandbox', () => {
  let p: PipelineContext;
  beforeAll(async () => {
    p = await createPipelineContext();
  });
  afterAll(async () => p?.close());
  beforeEach(async () => {
    await p.resetSandbox();
    await p.ctx.db.prisma.integrationLog.deleteMany({ where: { vendorId: p.vendor.id } });
  });

  const logOf = () =>
    p.ctx.db.prisma.integrationLog.findMany({ where: { vendorId: p.vendor.id }, orderBy: { lastAt: 'desc' } });

  it('paid orders collapse into one counted entry, duplicated webhooks add nothing', async () => {
    await p.sandboxControl('POST', '/faults/webhooks', { kind: 'duplicate', count: 20 });
    const placed = [await p.placeOrder(), await p.placeOrder(), await p.placeOrder()];
    for (const o of placed) await p.waitForStatus(o.id, ['CLOSED']);
    await p.sandboxControl('GET', '/idle?timeoutMs=5000');
    const log = await waitFor(async () => {
      const entries = await logOf();
      return entries[0]?.count === 3 ? entries : null;
    }, 'three paid orders in the log');
    expect(log.map((e) => [e.event, e.count])).toEqual([['payment.paid', 3]]);
  });

  it('a refused order and a refused payment are logged once each, in plain words', async () => {
    await p.sandboxControl('POST', '/faults/webhooks', { kind: 'duplicate', count: 20 });
    const refused = await p.placeOrder(NO_SUCH_TABLE);
    await p.waitForStatus(refused.id, ['FAILED']);

    // The POS takes the order, then the location stops taking online orders before the payment.
    await p.sandboxControl('POST', '/faults/latency', { ms: 1500, count: 1, pathPrefix: '/o/op/1/pay' });
    const unpaid = await p.placeOrder();
    await p.waitForStatus(unpaid.id, ['ACCEPTED', 'PAYMENT_SUBMITTED']);
    await p.sandboxControl('POST', '/readiness', { businessLocationId: AMS.id, status: 'NOT_READY' });
    try {
      await p.waitForStatus(unpaid.id, ['PAYMENT_FAILED']);
      await p.sandboxControl('GET', '/idle?timeoutMs=5000');
    } finally {
      await p.sandboxControl('POST', '/readiness', { businessLocationId: AMS.id, status: 'READY' });
    }

    // The log is written just after the transition commits: wait for both entries.
    const log = await waitFor(async () => {
      const entries = await logOf();
      const events = entries.map((e) => e.event);
      return events.includes('order.failed') && events.includes('payment.failed') ? entries : null;
    }, 'both failures in the log');
    const failed = log.filter((e) => e.event === 'order.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 'ERROR', count: 1, details: { orderId: refused.id } });
    expect(failed[0]!.message).toContain('Table 999 does not exist on the POS floor plan.');
    const payment = log.filter((e) => e.event === 'payment.failed');
    expect(payment).toHaveLength(1);
    expect(payment[0]).toMatchObject({ level: 'ERROR', count: 1, details: { orderId: unpaid.id } });
    expect(payment[0]!.message).toContain('did not process the payment in time');
    expect(log.some((e) => e.event === 'payment.paid')).toBe(false);
  });
});
