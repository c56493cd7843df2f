// After acceptance: a POS check whose total differs from what the customer paid is never paid
// and goes to an operator; scheduled orders follow K-Series' timing (outcome at the scheduled
// time, deadline and reconciliation counted from it).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { waitFor } from '../helpers/workers.js';
import { callbackSink } from './callback-sink.js';
import { AMS, createPipelineContext, posRecords, reconcileOnce, type PipelineContext } from './pipeline-context.js';

const BURGER = SANDBOX_SEED.skus.classicBurger;
const HOUR = 3_600_000;

describe('after acceptance: the POS check total and scheduled orders', () => {
  let p: PipelineContext;
  let sink: Awaited<ReturnType<typeof callbackSink>>;
  beforeAll(async () => {
    p = await createPipelineContext({ workers: false });
    sink = await callbackSink(p);
  });
  afterAll(async () => {
    await p?.close();
    await sink?.close();
  });
  beforeEach(async () => {
    await p.resetSandbox();
  });
  const reload = (id: string) => p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id } });

  it('a price changed between accept and the POS: NEEDS_ATTENTION naming both amounts, never paid', async () => {
    const placed = await p.placeOrder({
      items: [{ sku: BURGER, quantity: 1 }],
      payment: { method: 'OOPAYMENT', amount: 14.5 },
    });
    // The merchant raises the price on the POS before the order reaches it.
    await p.sandboxControl('POST', '/prices', { businessLocationId: AMS.id, sku: BURGER, price: 16 });
    try {
      await p.startWorkers();
      const flagged = await p.waitForStatus(placed.id, ['NEEDS_ATTENTION', 'PAID', 'PAYMENT_SUBMITTED', 'CLOSED']);
      expect(flagged.status).toBe('NEEDS_ATTENTION');
      expect(flagged.failureReason).toContain('16.00');
      expect(flagged.failureReason).toContain('14.50');
      const told = await sink.waitFor(placed.id, 'NEEDS_ATTENTION');
      expect(told.reason).toMatch(/POS check total 16\.00 differs from the 14\.50/);
      // Give a payment every chance to go out: the sweeper runs each second.
      await new Promise((r) => setTimeout(r, 2_500));
      const order = await reload(placed.id);
      expect(order.status).toBe('NEEDS_ATTENTION');
      expect(order.paidAt).toBeNull();
      expect(order.paymentSubmittedAt).toBeNull();
      expect(order.accountIdentifier).toMatch(/^A/);
      expect((await posRecords(p, order.reference, order.paymentReference)).payments).toHaveLength(0);
      expect(sink.statuses(placed.id)).not.toContain('PAID');
    } finally {
      await p.sandboxControl('POST', '/prices', { businessLocationId: AMS.id, sku: BURGER, price: 14.5 });
    }
  });

  it('an order scheduled 2 h ahead waits for its time, is not flagged, and completes when the clock gets there', async () => {
    await p.workers?.close();
    p.workers = null;
    const scheduledAt = new Date(Date.now() + 2 * HOUR);
    const placed = await p.placeOrder({ scheduledAt: scheduledAt.toISOString() });
    // Deadline: the delivery window after the scheduled time, not after acceptance.
    const accepted = await reload(placed.id);
    const window = p.ctx.config.ORDER_DELIVERY_DEADLINE_SECONDS * 1000;
    expect(accepted.deadlineAt.getTime()).toBeGreaterThanOrEqual(scheduledAt.getTime() + window - 1_000);
    await p.startWorkers();
    await p.waitForStatus(placed.id, ['SUBMITTED']);
    // The sweeper hands it to the reconciler every 2 s; the POS has nothing to say yet.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await reload(placed.id)).status).toBe('SUBMITTED');
    // Even a reconciler that gives up at once leaves a scheduled order alone before its time.
    expect(await reconcileOnce(p, placed.id)).toMatch(/^scheduled/);
    expect((await reload(placed.id)).status).toBe('SUBMITTED');
    const pos = await p.sandboxControl<{ thirdPartyReference: string; status: string }[]>('GET', '/orders');
    expect(pos.find((o) => o.thirdPartyReference === placed.reference)?.status).toBe('ACCEPTED');

    const moved = await p.sandboxControl<{ waiting: number }>('POST', '/clock', { advanceMs: 2 * HOUR });
    expect(moved.waiting).toBe(0);
    const done = await p.waitForStatus(placed.id, ['CLOSED']);
    expect(done.paidAt).not.toBeNull();
    await waitFor(async () => sink.statuses(placed.id).includes('CLOSED'), 'the CLOSED callback');
    expect(sink.statuses(placed.id)).not.toContain('NEEDS_ATTENTION');
  });
});
