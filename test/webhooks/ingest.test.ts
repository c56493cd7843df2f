// POST /webhook/lightspeed: authentication, durable storage before the 2xx, deduplication, and
// every example payload of Lightspeed's OpenAPI accepted and applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerRuntime } from '../../src/jobs/runtime.js';
import { createTestContext, createVendor, type TestContext } from '../helpers/context.js';
import { reservationSample, webhookExamples } from '../helpers/openapi.js';
import { startTestWorkers, waitFor } from '../helpers/workers.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const GOOD = basic('lightspeed', 'dev-webhook-password');

describe('Lightspeed webhook', () => {
  let ctx: TestContext;
  let workers: WorkerRuntime;
  let vendorId: string;

  const send = (
    payload: unknown,
    headers: Record<string, string> = { authorization: GOOD },
    url = '/webhook/lightspeed',
  ) =>
    ctx.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  beforeAll(async () => {
    ctx = await createTestContext({
      LIGHTSPEED_WEBHOOK_USER_PREVIOUS: 'old-user',
      LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS: 'old-password-123',
    });
    workers = await startTestWorkers(ctx);
    vendorId = (await createVendor(ctx.app)).id;
    await ctx.db.prisma.lightspeedConnection.create({
      data: { vendorId, environment: 'SANDBOX', status: 'CONNECTED', webhookEndpointId: 'ep-3f1c9a7e5b2d4c6a8e0f' },
    });
  });
  afterAll(async () => {
    await workers?.close();
    await ctx?.close();
  });

  it('stores and acknowledges an authenticated event, with the current or the previous pair', async () => {
    const res = await send({ type: 'ORDER', status: 'CHECK_WAS_UPDATED', thirdPartyReference: 'nobody-1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: true, duplicate: false });
    expect(await ctx.db.prisma.webhookEvent.findUnique({ where: { id: res.json().eventId } })).toMatchObject({
      type: 'ORDER',
    });
    const old = await send(
      { type: 'ORDER', status: 'CHECK_WAS_UPDATED', thirdPartyReference: 'nobody-2' },
      { authorization: basic('old-user', 'old-password-123') },
    );
    expect(old.statusCode).toBe(200);
  });

  it('refuses bad credentials with 401 and stores nothing', async () => {
    const before = await ctx.db.prisma.webhookEvent.count();
    const variants: Record<string, string>[] = [
      {},
      { authorization: basic('lightspeed', 'wrong') },
      { authorization: basic('someone', 'dev-webhook-password') },
      { authorization: 'Bearer x' },
    ];
    for (const headers of variants) {
      const res = await send({ type: 'ORDER', status: 'SUCCESS', thirdPartyReference: 'x' }, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Basic');
    }
    expect((await send({ type: 'ORDER' }, {}, '/webhook/lightspeed?endpoint=not-ours')).statusCode).toBe(401);
    expect(await ctx.db.prisma.webhookEvent.count()).toBe(before);
  });

  it('falls back to a connection’s endpoint id and remembers the vendor', async () => {
    const res = await send(
      { type: 'ORDER_API', businessLocationId: 1, status: 'READY' },
      {},
      '/webhook/lightspeed?endpoint=ep-3f1c9a7e5b2d4c6a8e0f',
    );
    expect(res.statusCode).toBe(200);
    const event = await ctx.db.prisma.webhookEvent.findUniqueOrThrow({ where: { id: res.json().eventId } });
    expect(event.vendorId).toBe(vendorId);
  });

  it('deduplicates identical deliveries and Lightspeed idempotency keys', async () => {
    const body = { type: 'ITEM', sku: 'DUP-1', businessLocationId: 5, status: 'RESTRICTED', count: 0 };
    const [a, b] = [await send(body), await send(body)];
    expect(b.json()).toMatchObject({ duplicate: true, eventId: a.json().eventId });
    const k1 = await send(
      { type: 'ITEM', sku: 'K', businessLocationId: 5, status: 'RESTRICTED', count: 1 },
      { authorization: GOOD, 'x-lightspeed-idempotency-key': 'evt-77' },
    );
    const k2 = await send(
      { type: 'ITEM', sku: 'K', businessLocationId: 5, status: 'RESTRICTED', count: 2 },
      { authorization: GOOD, 'x-lightspeed-idempotency-key': 'evt-77' },
    );
    expect(k2.json()).toMatchObject({ duplicate: true, eventId: k1.json().eventId });
  });

  it('answers 4xx for non-JSON, the wrong content type and an oversized body', async () => {
    expect((await send('{"type": ')).statusCode).toBe(400);
    const xml = await ctx.app.inject({
      method: 'POST',
      url: '/webhook/lightspeed',
      headers: { authorization: GOOD, 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    expect((await send({ type: 'ORDER', pad: 'x'.repeat(600 * 1024) })).statusCode).toBe(413);
  });

  it('accepts and applies every example payload of the OpenAPI webhooks block', async () => {
    const location = await ctx.db.prisma.location.create({
      data: { vendorId, name: 'Example', businessLocationId: 247158188015618n },
    });
    const makeOrder = (
      reference: string,
      paymentReference: string,
      status: 'SUBMITTED' | 'PAYMENT_SUBMITTED' = 'SUBMITTED',
    ) =>
      ctx.db.prisma.order.create({
        data: {
          vendorId,
          locationId: location.id,
          reference,
          paymentReference,
          requestHash: reference,
          type: 'LOCAL',
          status,
          payload: {},
          paymentAmount: 4,
          paymentMethod: 'OOPAYMENT',
          deadlineAt: new Date(Date.now() + 600_000),
          ...(status === 'PAYMENT_SUBMITTED' ? { accountIdentifier: 'A78094.73', paymentSubmittedAt: new Date() } : {}),
        },
      });
    const withAccount = await makeOrder('order-wFUBVgHNGPAJsryIrSaE', 'pay-wFUB');
    const ref11 = await makeOrder('REF11', 'pay-ref11');
    const ref12212 = await makeOrder('REF12212', 'pay-ref12212');
    const paySucceeds = await makeOrder('ord-for-payment-REF11', 'REF11-payment', 'PAYMENT_SUBMITTED');
    const payFails = await makeOrder('ord-for-payment-REF12213', 'REF12213', 'PAYMENT_SUBMITTED');

    const examples = webhookExamples();
    expect(examples.length).toBeGreaterThanOrEqual(12);
    // Lifecycle order for the order that carries an account; the rest in document order.
    for (const { webhook, name, value } of examples) {
      let payload = value;
      if (webhook.startsWith('apePayment') && name === 'successfulPayment')
        payload = { ...value, thirdPartyReference: 'REF11-payment' };
      const res = await send(payload);
      expect(res.statusCode, `${webhook} / ${name}`).toBe(200);
    }
    expect((await send(reservationSample())).statusCode).toBe(200);

    const all = await waitFor(async () => {
      const pending = await ctx.db.prisma.webhookEvent.count({ where: { status: 'RECEIVED' } });
      return pending === 0;
    }, 'every event processed');
    expect(all).toBe(true);

    const reload = (id: string) => ctx.db.prisma.order.findUniqueOrThrow({ where: { id } });
    // successful-with-account, check-was-updated, ready-for-pickup, closed: ends CLOSED, never backwards.
    expect(await reload(withAccount.id)).toMatchObject({ status: 'CLOSED', accountIdentifier: 'A17700.3' });
    expect(await reload(ref11.id)).toMatchObject({ status: 'ACCEPTED', accountIdentifier: 'A123080.14' });
    expect(await reload(ref12212.id)).toMatchObject({
      status: 'FAILED',
      failureReason: expect.stringContaining('consumer already exists'),
    });
    expect((await reload(paySucceeds.id)).status).toBe('PAID');
    expect(await reload(payFails.id)).toMatchObject({
      status: 'PAYMENT_FAILED',
      failureReason: expect.stringContaining('ACCOUNT_NOT_FOUND'),
    });
    // Readiness examples: the last one sent was NOT_READY.
    expect((await ctx.db.prisma.location.findUniqueOrThrow({ where: { id: location.id } })).readiness).toBe(
      'NOT_READY',
    );
    const reservation = await ctx.db.prisma.webhookEvent.findFirstOrThrow({ where: { type: 'RESERVATION' } });
    expect(reservation.status).toBe('PROCESSED');
    // The SUCCESS for REF11 starts the payment exactly once.
    await waitFor(async () => (await reload(ref11.id)).workKey === 'pay:pay-ref11', 'the payment task of REF11');
  });

  it('readiness follows K-Series’ own time, whatever order the events are processed in', async () => {
    const location = await ctx.db.prisma.location.create({
      data: { vendorId, name: 'Readiness', businessLocationId: 777001n },
    });
    const event = (status: string, at: string) => ({
      type: 'ORDER_API',
      businessLocationId: 777001,
      status,
      lastUpdatedAt: at,
    });
    const readiness = async () => {
      await waitFor(
        async () => (await ctx.db.prisma.webhookEvent.count({ where: { status: 'RECEIVED' } })) === 0,
        'events processed',
      );
      return (await ctx.db.prisma.location.findUniqueOrThrow({ where: { id: location.id } })).readiness;
    };
    // The newer NOT_READY arrives first; the older READY must not undo it.
    await send(event('NOT_READY', '2026-11-23T10:00:05.000+00:00'));
    expect(await readiness()).toBe('NOT_READY');
    await send(event('READY', '2026-11-23T10:00:01.000+00:00'));
    expect(await readiness()).toBe('NOT_READY');
    await send(event('READY', '2026-11-23T10:00:09.000+00:00'));
    expect(await readiness()).toBe('READY');
  });

  it('keeps an authenticated event of unknown shape, and logs it', async () => {
    const res = await send({ hello: 'world' });
    expect(res.statusCode).toBe(200);
    const event = await waitFor(async () => {
      const e = await ctx.db.prisma.webhookEvent.findUniqueOrThrow({ where: { id: res.json().eventId } });
      return e.status !== 'RECEIVED' ? e : null;
    }, 'unknown event handled');
    expect(event).toMatchObject({ type: 'UNKNOWN', status: 'IGNORED' });
  });
});
