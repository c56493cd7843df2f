// Crashes and outages: a worker killed with SIGKILL mid-delivery, Redis losing every job, and a
// vendor that disconnects before its orders are delivered. Each ends with every accepted order on the
// POS exactly once and paid exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, clearRedisPrefix } from '../helpers/context.js';
import { envFor, spawnWorker } from '../helpers/child-worker.js';
import { waitFor } from '../helpers/workers.js';
import { callback, decideOnSandbox, startApiConnect } from '../connect/helpers.js';
import { createPipelineContext, posRecords, takeawayOrder, type PipelineContext } from './pipeline-context.js';

const FAST_RECOVERY = { WORKER_LOCK_DURATION_MS: '1500', WORKER_STALLED_INTERVAL_MS: '1000' };

describe('reliability', () => {
  let p: PipelineContext | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  async function expectDeliveredOnce(ctx: PipelineContext, orderId: string) {
    const order = await ctx.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    const pos = await posRecords(ctx, order.reference, order.paymentReference);
    expect(pos.orders.filter((o) => o.status !== 'FAILURE')).toHaveLength(1);
    expect(pos.payments).toHaveLength(1);
    expect(order.paidAt).not.toBeNull();
  }

  it('a worker killed with SIGKILL between the POS call and recording it: one POS order, one payment', async () => {
    p = await createPipelineContext({ workers: false, env: FAST_RECOVERY });
    const worker = spawnWorker(envFor(p.ctx.config));
    await worker.ready;
    // The POS call takes 1.5 s: long enough to kill the worker while it is in flight.
    await p.sandboxControl('POST', '/faults/latency', { ms: 1500, count: 1, pathPrefix: '/o/op/1/order' });
    const placed = await p.placeOrder();
    await waitFor(
      async () =>
        (await p!.sandboxControl<{ byEndpoint: Record<string, number> }>('GET', '/requests')).byEndpoint[
          'POST /o/op/1/order/toGo'
        ] ?? 0,
      'the POS call',
    );
    worker.child.kill('SIGKILL');
    await worker.exited;
    expect((await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } })).status).toBe('RECEIVED');

    // A fresh worker takes over the stalled job; K-Series has the order already.
    await p.startWorkers();
    await p.waitForStatus(placed.id, ['CLOSED'], 30_000);
    await waitFor(
      async () => (await p!.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } })).paidAt,
      'paid',
    );
    await expectDeliveredOnce(p, placed.id);
  });

  it('Redis flushed after the orders were accepted: the worker finds them in Postgres and delivers every one', async () => {
    p = await createPipelineContext({ workers: false });
    const placed = await Promise.all(Array.from({ length: 4 }, () => p!.placeOrder()));
    // Every job, scheduler and lock of this deployment is gone; Postgres still has the orders.
    await clearRedisPrefix(p.ctx.config.REDIS_URL, p.ctx.config.REDIS_PREFIX);
    expect(await p.ctx.app.redis.keys(`${p.ctx.config.REDIS_PREFIX}:*`)).toEqual([]);
    await p.startWorkers();
    for (const o of placed) await p.waitForStatus(o.id, ['CLOSED'], 30_000);
    for (const o of placed) await expectDeliveredOnce(p, o.id);
  });

  it('orders for a disconnected vendor wait, and are delivered once it reconnects', async () => {
    // Accepted while connected (a disconnected vendor takes no new orders: they cannot be checked
    // against the menu), then the vendor disconnects before the workers deliver it.
    p = await createPipelineContext({ workers: false });
    const placed = await p.placeOrder();
    await p.ctx.db.prisma.lightspeedConnection.update({
      where: { id: p.vendor.connectionId },
      data: { status: 'DISCONNECTED' },
    });
    const refused = await p.ctx.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: bearer(p.vendor.apiKey),
      payload: takeawayOrder(p.locationId),
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('VENDOR_NOT_CONNECTED');
    await p.startWorkers();
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } })).status).toBe('RECEIVED');
    const before = await posRecords(p, placed.reference, 'none');
    expect(before.orders).toHaveLength(0);

    const redirect = await decideOnSandbox(await startApiConnect(p.ctx, p.vendor.apiKey));
    expect((await callback(p.ctx, redirect)).statusCode).toBe(200);
    const status = await p.ctx.app.inject({
      method: 'GET',
      url: '/v1/lightspeed/status',
      headers: bearer(p.vendor.apiKey),
    });
    expect(status.json().status).toBe('CONNECTED');
    await p.waitForStatus(placed.id, ['CLOSED'], 30_000);
    await waitFor(
      async () => (await p!.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } })).paidAt,
      'paid',
    );
    await expectDeliveredOnce(p, placed.id);
  });
});
