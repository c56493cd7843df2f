// Webhook endpoint ids (our per-connection fallback credential, `?endpoint=`) are bound to their
// vendor: a notification authenticated by vendor B's endpoint id cannot touch vendor A's orders
// or locations, nor can a Basic-auth notification whose body names B's endpoint. And endpoint
// ids never reach the logs.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerRuntime } from '../../src/jobs/runtime.js';
import { createTestContext, createVendor, type TestContext } from '../helpers/context.js';
import { startTestWorkers, waitFor } from '../helpers/workers.js';

const GOOD = `Basic ${Buffer.from('lightspeed:dev-webhook-password').toString('base64')}`;
const endpointId = () => `wh_${randomBytes(16).toString('hex')}`;

describe('webhook endpoint ids are bound to their vendor', () => {
  const logs: string[] = [];
  let ctx: TestContext;
  let workers: WorkerRuntime;
  const a = { id: '', endpoint: endpointId(), locationId: '' };
  const b = { id: '', endpoint: endpointId() };
  const BL_ID = 770001n;

  beforeAll(async () => {
    ctx = await createTestContext({ LOG_LEVEL: 'info' }, { captureLogs: logs });
    workers = await startTestWorkers(ctx);
    a.id = (await createVendor(ctx.app, 'A')).id;
    b.id = (await createVendor(ctx.app, 'B')).id;
    for (const v of [a, b]) {
      await ctx.db.prisma.lightspeedConnection.create({
        data: { vendorId: v.id, environment: 'SANDBOX', status: 'CONNECTED', webhookEndpointId: v.endpoint },
      });
    }
    const location = await ctx.db.prisma.location.create({
      data: { vendorId: a.id, name: 'A1', businessLocationId: BL_ID, readiness: 'READY' },
    });
    a.locationId = location.id;
  });
  afterAll(async () => {
    await workers?.close();
    await ctx?.close();
  });

  /** A SUBMITTED order of vendor A, waiting for its outcome. */
  async function submittedOrderOfA() {
    const hex = randomBytes(12).toString('hex');
    return ctx.db.prisma.order.create({
      data: {
        id: randomUUID(),
        vendorId: a.id,
        locationId: a.locationId,
        reference: `o${hex}`,
        paymentReference: `p${hex}`,
        requestHash: randomBytes(32).toString('hex'),
        type: 'TO_GO',
        status: 'SUBMITTED',
        submittedAt: new Date(),
        payload: {},
        paymentAmount: '17.70',
        paymentMethod: 'OOPAYMENT',
        deadlineAt: new Date(Date.now() + 15 * 60_000),
      },
    });
  }

  const send = (body: unknown, opts: { endpoint?: string; basic?: boolean }) =>
    ctx.app.inject({
      method: 'POST',
      url: opts.endpoint ? `/webhook/lightspeed?endpoint=${opts.endpoint}` : '/webhook/lightspeed',
      headers: { 'content-type': 'application/json', ...(opts.basic ? { authorization: GOOD } : {}) },
      payload: JSON.stringify(body),
    });

  const settled = (eventId: string) =>
    waitFor(async () => {
      const e = await ctx.db.prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
      return e.status === 'RECEIVED' ? null : e;
    }, `event ${eventId} to be processed`);

  const failure = (reference: string, extra: Record<string, unknown> = {}) => ({
    type: 'ORDER',
    status: 'FAILURE',
    thirdPartyReference: reference,
    reason: 'forged',
    ...extra,
  });

  it("ignores an order notification authenticated by another vendor's endpoint id", async () => {
    const order = await submittedOrderOfA();
    const res = await send(failure(order.reference), { endpoint: b.endpoint });
    expect(res.statusCode).toBe(200);
    const event = await settled(res.json().eventId);
    expect(event.status).toBe('IGNORED');
    expect(event.error).toMatch(/another vendor/);
    expect((await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('SUBMITTED');

    // The vendor's own endpoint id still works.
    // (A different body: the same one would be a duplicate delivery of the ignored event.)
    const own = await send(failure(order.reference, { reason: 'real' }), { endpoint: a.endpoint });
    expect((await settled(own.json().eventId)).status).toBe('PROCESSED');
    expect((await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('FAILED');
  });

  it('binds a Basic-auth notification whose body names an endpoint id to that endpoint’s vendor', async () => {
    const order = await submittedOrderOfA();
    const forged = await send(failure(order.reference, { endpointId: b.endpoint }), { basic: true });
    expect((await settled(forged.json().eventId)).status).toBe('IGNORED');
    const unknown = await send(failure(order.reference, { endpointId: endpointId() }), { basic: true });
    expect((await settled(unknown.json().eventId)).status).toBe('IGNORED');
    expect((await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('SUBMITTED');

    const own = await send(failure(order.reference, { endpointId: a.endpoint }), { basic: true });
    expect((await settled(own.json().eventId)).status).toBe('PROCESSED');
    expect((await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('FAILED');
  });

  it("leaves another vendor's location readiness alone", async () => {
    const res = await send(
      { type: 'ORDER_API', businessLocationId: Number(BL_ID), status: 'NOT_READY' },
      { endpoint: b.endpoint },
    );
    await settled(res.json().eventId);
    expect((await ctx.db.prisma.location.findUniqueOrThrow({ where: { id: a.locationId } })).readiness).toBe('READY');
    const own = await send(
      {
        type: 'ORDER_API',
        businessLocationId: Number(BL_ID),
        status: 'NOT_READY',
        lastUpdatedAt: new Date().toISOString(),
      },
      { endpoint: a.endpoint },
    );
    await settled(own.json().eventId);
    expect((await ctx.db.prisma.location.findUniqueOrThrow({ where: { id: a.locationId } })).readiness).toBe(
      'NOT_READY',
    );
  });

  it('never logs an endpoint id', async () => {
    await send({ type: 'ORDER', status: 'SUCCESS', thirdPartyReference: 'nobody' }, { endpoint: a.endpoint });
    await send({ type: 'ORDER' }, { endpoint: `${b.endpoint}-not-ours` });
    ctx.app.log.info({ connection: { webhookEndpointId: a.endpoint }, endpointId: b.endpoint }, 'by mistake');
    ctx.app.log.warn({ err: new Error(`endpoint ID not found for ${a.endpoint}`) }, 'from K-Series');
    ctx.app.log.info({ kseries: { path: `/o/wh/1/webhook/${b.endpoint}` } }, 'kseries call');
    const text = logs.join('');
    expect(text).toContain('/webhook/lightspeed?endpoint=[redacted]');
    expect(text).toContain('by mistake');
    expect(text).toContain('wh_[redacted]');
    expect(text).not.toContain(a.endpoint);
    expect(text).not.toContain(b.endpoint);
  });
});
