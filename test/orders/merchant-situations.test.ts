// Merchant situations the sandbox can now show, each with what the vendor sees (the order's
// status and its status callback) and what the merchant sees (the order timeline's reason, the
// integration log): OOPAYMENT not configured, the Order & Pay API disabled, the POS offline, an
// outcome webhook that never comes, and a refresh token that expired.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/context.js';
import { waitFor } from '../helpers/workers.js';
import { callbackSink } from './callback-sink.js';
import {
  AMS,
  createPipelineContext,
  posRecords,
  reconcileOnce,
  takeawayOrder,
  type PipelineContext,
} from './pipeline-context.js';

describe('merchant situations', () => {
  let p: PipelineContext;
  let sink: Awaited<ReturnType<typeof callbackSink>>;
  beforeAll(async () => {
    p = await createPipelineContext();
    sink = await callbackSink(p);
  });
  afterAll(async () => {
    await p?.close();
    await sink?.close();
  });
  beforeEach(async () => {
    await p.resetSandbox();
  });
  const timeline = async (orderId: string) =>
    (await p.ctx.db.prisma.orderEvent.findMany({ where: { orderId }, orderBy: { id: 'asc' } })).map(
      (e) => `${e.toStatus}: ${e.reason ?? ''}`,
    );

  it('OOPAYMENT not configured: the POS takes the order, refuses the payment (PAYMENT_METHOD_NOT_FOUND)', async () => {
    const method = { businessLocationId: AMS.id, code: 'OOPAYMENT' };
    await p.sandboxControl('POST', '/payment-methods', { ...method, configured: false });
    try {
      const placed = await p.placeOrder();
      const failed = await p.waitForStatus(placed.id, ['PAYMENT_FAILED', 'PAID', 'CLOSED']);
      expect(failed.status).toBe('PAYMENT_FAILED');
      expect(failed.failureReason).toContain('PAYMENT_METHOD_NOT_FOUND');
      expect((await sink.waitFor(placed.id, 'PAYMENT_FAILED')).reason).toContain('PAYMENT_METHOD_NOT_FOUND');
      expect((await timeline(placed.id)).at(-1)).toMatch(/^PAYMENT_FAILED: PAYMENT_METHOD_NOT_FOUND/);
    } finally {
      await p.sandboxControl('POST', '/payment-methods', { ...method, configured: true });
    }
  });

  it('the Order & Pay API disabled for the location: the POS refuses the order, nothing is paid', async () => {
    await p.sandboxControl('POST', '/order-api', { businessLocationId: AMS.id, enabled: false });
    try {
      const placed = await p.placeOrder();
      const failed = await p.waitForStatus(placed.id, ['FAILED', 'CLOSED']);
      expect(failed.failureReason).toMatch(/Order and Pay API is disabled/);
      expect((await sink.waitFor(placed.id, 'FAILED')).reason).toMatch(/Order and Pay API is disabled/);
      const order = await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } });
      expect((await posRecords(p, order.reference, order.paymentReference)).payments).toHaveLength(0);
    } finally {
      await p.sandboxControl('POST', '/order-api', { businessLocationId: AMS.id, enabled: true });
    }
  });

  it('the POS offline: the order waits SUBMITTED and lands when it is back; past its window it fails', async () => {
    const offline = (online: boolean) =>
      p.sandboxControl('POST', '/pos-online', { businessLocationId: AMS.id, online });
    await offline(false);
    const late = await p.placeOrder();
    await p.waitForStatus(late.id, ['SUBMITTED']);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: late.id } })).status).toBe('SUBMITTED');
    expect(sink.statuses(late.id)).toEqual(['SUBMITTED']);
    await offline(true);
    await p.waitForStatus(late.id, ['CLOSED']);

    // Offline past the delivery window (the sandbox clock moves 20 minutes): K-Series gives up.
    await offline(false);
    const lost = await p.placeOrder();
    await p.waitForStatus(lost.id, ['SUBMITTED']);
    const moved = await p.sandboxControl<{ waiting: number }>('POST', '/clock', { advanceMs: 20 * 60_000 });
    expect(moved.waiting).toBe(0);
    await offline(true);
    const failed = await p.waitForStatus(lost.id, ['FAILED']);
    expect(failed.failureReason).toMatch(/could not be delivered to the POS/);
    expect((await sink.waitFor(lost.id, 'FAILED')).reason).toMatch(/could not be delivered to the POS/);
  });

  it('an ORDER outcome that never comes: the reconciler finds nothing on the POS and flags the order', async () => {
    await p.sandboxControl('POST', '/faults/webhooks', { kind: 'drop', count: 1, type: 'ORDER' });
    const placed = await p.placeOrder();
    await p.waitForStatus(placed.id, ['SUBMITTED']);
    await p.sandboxControl('GET', '/idle?timeoutMs=5000');
    // The service's reconciler as it runs once the delivery deadline has passed.
    expect(await reconcileOnce(p, placed.id)).toBe('flagged');
    const told = await sink.waitFor(placed.id, 'NEEDS_ATTENTION');
    expect(told.reason).toMatch(/no outcome from K-Series/);
    expect(sink.statuses(placed.id)).not.toContain('PAID');
  });

  it('a refresh token that expired: orders wait, the merchant is told to reconnect, new orders are refused', async () => {
    await p.workers?.close();
    p.workers = null;
    const placed = await p.placeOrder();
    // Lightspeed no longer honours the refresh token, and the access token runs out.
    await p.sandboxControl('POST', '/tokens/revoke', { all: true });
    await p.sandboxControl('POST', '/tokens/expire', {});
    await p.startWorkers();
    await waitFor(
      async () =>
        p.ctx.db.prisma.integrationLog.findFirst({
          where: { vendorId: p.vendor.id, event: 'token.reconnect_required' },
        }),
      'the reconnect-required entry in the integration log',
    );
    const status = await p.ctx.app.inject({
      method: 'GET',
      url: '/v1/lightspeed/status',
      headers: bearer(p.vendor.apiKey),
    });
    expect(status.json().status).toBe('DISCONNECTED');
    expect((await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } })).status).toBe('RECEIVED');
    const refused = await p.ctx.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: bearer(p.vendor.apiKey),
      payload: takeawayOrder(p.locationId),
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('VENDOR_NOT_CONNECTED');
  });
});
