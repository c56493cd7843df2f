// Replaying the payment of a PAYMENT_FAILED order against the sandbox over HTTP: the POS has the
// order but refused its payment; once the cause is fixed, a replay pays it exactly once under a
// new payment reference, and late notifications about the refused payment change nothing.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, bearer, createVendor } from '../helpers/context.js';
import { waitFor } from '../helpers/workers.js';
import { AMS, createPipelineContext, type PipelineContext } from './pipeline-context.js';

type SandboxPayment = { thirdPartyPaymentReference: string; iKaccountIdentifier?: string; status: string };

describe('payment replay of PAYMENT_FAILED orders', () => {
  let p: PipelineContext;
  beforeAll(async () => {
    p = await createPipelineContext();
  });
  afterAll(async () => p?.close());
  beforeEach(async () => {
    await p.resetSandbox();
    await readiness('READY');
  });

  const reload = (id: string) =>
    p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { id: 'asc' } } } });
  const readiness = (status: 'READY' | 'NOT_READY') =>
    p.sandboxControl('POST', '/readiness', { businessLocationId: AMS.id, status });
  const replayApi = (id: string, apiKey = p.vendor.apiKey) =>
    p.ctx.app.inject({ method: 'POST', url: `/v1/orders/${id}/replay`, headers: bearer(apiKey) });
  const replayAdmin = (id: string) =>
    p.ctx.app.inject({ method: 'POST', url: `/admin/orders/${id}/replay`, headers: bearer(ADMIN_TOKEN) });
  const posPayments = async (accountIdentifier: string) =>
    (await p.sandboxControl<SandboxPayment[]>('GET', '/payments')).filter(
      (x) => x.iKaccountIdentifier === accountIdentifier,
    );
  const paid = (id: string) =>
    waitFor(async () => ((await reload(id)).paidAt ? reload(id) : null), `order ${id} to be paid`, 20_000);

  /**
   * An order the POS accepted and whose payment it refused: the /pay call is held for 2 s, and
   * meanwhile the location stops taking online orders, so K-Series answers the payment with a
   * FAILURE (errors.timeout). Then the restaurant fixes the cause (READY again).
   */
  async function orderWithRefusedPayment() {
    await p.sandboxControl('POST', '/faults/latency', { ms: 2000, count: 1, pathPrefix: '/o/op/1/pay' });
    const placed = await p.placeOrder();
    await p.waitForStatus(placed.id, ['ACCEPTED']);
    await readiness('NOT_READY');
    const failed = await p.waitForStatus(placed.id, ['PAYMENT_FAILED']);
    expect(failed.failureReason).toMatch(/validity/);
    await p.sandboxControl('GET', '/idle?timeoutMs=5000');
    await readiness('READY');
    const order = await reload(placed.id);
    expect(order.accountIdentifier).toBeTruthy();
    expect((await posPayments(order.accountIdentifier!)).map((x) => x.status)).toEqual(['FAILURE']);
    return order;
  }

  /** A PAYMENT_FAILED order straight in the database (no POS involved). */
  async function seededPaymentFailed(accountIdentifier: string | null) {
    const hex = randomBytes(12).toString('hex');
    return p.ctx.db.prisma.order.create({
      data: {
        id: randomUUID(),
        vendorId: p.vendor.id,
        locationId: p.locationId,
        reference: `o${hex}`,
        paymentReference: `p${hex}`,
        requestHash: randomBytes(32).toString('hex'),
        type: 'TO_GO',
        status: 'PAYMENT_FAILED',
        failureReason: 'ACCOUNT_NOT_FOUND: Account not found',
        accountIdentifier,
        payload: {},
        paymentAmount: '17.70',
        paymentMethod: 'OOPAYMENT',
        deadlineAt: new Date(Date.now() + 15 * 60_000),
        events: { create: { toStatus: 'PAYMENT_FAILED', source: 'test', reason: 'seeded' } },
      },
    });
  }

  it('after the cause is fixed, a replay through the API pays the order once, under a new reference', async () => {
    const failed = await orderWithRefusedPayment();
    const newReference = `${failed.paymentReference}-2`;

    const res = await replayApi(failed.id);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      status: 'ACCEPTED',
      failureReason: null,
      payment: { reference: newReference, attempt: 2, submittedAt: null },
    });

    const order = await paid(failed.id);
    expect(['PAID', 'CLOSED']).toContain(order.status);
    expect(order.paymentReference).toBe(newReference);
    expect(order.reference).toBe(failed.reference);
    const payments = await posPayments(order.accountIdentifier!);
    expect(payments.filter((x) => x.status === 'SUCCESS')).toEqual([
      expect.objectContaining({ thirdPartyPaymentReference: newReference }),
    ]);
    expect(payments.map((x) => x.thirdPartyPaymentReference)).toEqual([failed.paymentReference, newReference]);

    const replayEvent = order.events.find((e) => e.reason === 'payment replay, attempt 2');
    expect(replayEvent).toMatchObject({
      fromStatus: 'PAYMENT_FAILED',
      toStatus: 'ACCEPTED',
      source: 'api',
      data: { previousPaymentReference: failed.paymentReference, paymentReference: newReference, paymentAttempt: 2 },
    });
    const after = order.events.slice(order.events.indexOf(replayEvent!) + 1).map((e) => e.toStatus);
    expect(after).toEqual(expect.arrayContaining(['PAYMENT_SUBMITTED', 'PAID']));
    expect(after).not.toContain('PAYMENT_FAILED');
    const view = await p.ctx.app.inject({
      method: 'GET',
      url: `/v1/orders/${failed.id}`,
      headers: bearer(p.vendor.apiKey),
    });
    expect(view.json().timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'PAYMENT_FAILED', to: 'ACCEPTED', reason: 'payment replay, attempt 2' }),
      ]),
    );
    expect(view.json().payment).toMatchObject({ reference: newReference, attempt: 2 });
  });

  it('two replays at once (vendor API and operator route) make one payment', async () => {
    const failed = await orderWithRefusedPayment();
    const [a, b] = await Promise.all([replayApi(failed.id), replayAdmin(failed.id)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([202, 409]);
    const refused = a.statusCode === 409 ? a : b;
    expect(refused.json().error).toMatchObject({
      code: 'ORDER_NOT_REPLAYABLE',
      message: expect.stringContaining('this one is ACCEPTED'),
    });

    const order = await paid(failed.id);
    await p.sandboxControl('GET', '/idle?timeoutMs=5000');
    const payments = await posPayments(order.accountIdentifier!);
    expect(payments.map((x) => [x.thirdPartyPaymentReference, x.status])).toEqual([
      [failed.paymentReference, 'FAILURE'],
      [`${failed.paymentReference}-2`, 'SUCCESS'],
    ]);
    expect(order.events.filter((e) => e.reason?.startsWith('payment replay'))).toHaveLength(1);
  });

  it('a late PAYMENT FAILURE for the refused payment does not move the replayed order', async () => {
    const failed = await orderWithRefusedPayment();
    const [late] = await p.sandboxControl<{ payload: Record<string, unknown> }[]>(
      'GET',
      `/webhooks?type=PAYMENT&status=FAILURE&thirdPartyReference=${failed.paymentReference}`,
    );
    expect(late).toBeDefined();
    // Hold the replayed payment at K-Series so the order sits in ACCEPTED, from which a FAILURE
    // that reached it would move it to PAYMENT_FAILED.
    await p.sandboxControl('POST', '/faults/latency', { ms: 4000, count: 1, pathPrefix: '/o/op/1/pay' });
    expect((await replayAdmin(failed.id)).statusCode).toBe(202);

    const auth = `Basic ${Buffer.from(`${p.ctx.config.LIGHTSPEED_WEBHOOK_USER}:${p.ctx.config.LIGHTSPEED_WEBHOOK_PASSWORD}`).toString('base64')}`;
    const send = async (payload: unknown) => {
      const res = await p.ctx.app.inject({
        method: 'POST',
        url: '/webhook/lightspeed',
        // Lightspeed re-sending it later: a delivery of its own, not deduplicated away.
        headers: {
          authorization: auth,
          'content-type': 'application/json',
          'x-lightspeed-idempotency-key': randomUUID(),
        },
        payload: JSON.stringify(payload),
      });
      expect(res.statusCode).toBe(200);
      return res.json().eventId as string;
    };
    // The refused payment's own reference, and an older shape that names the order reference.
    const byOldReference = await send(late!.payload);
    const byOrderReference = await send({ ...late!.payload, thirdPartyReference: failed.reference });
    const events = await waitFor(async () => {
      const rows = await p.ctx.db.prisma.webhookEvent.findMany({
        where: { id: { in: [byOldReference, byOrderReference] } },
      });
      return rows.every((r) => r.status !== 'RECEIVED') ? rows : null;
    }, 'the late webhooks to be processed');
    expect((await reload(failed.id)).status).toBe('ACCEPTED');
    expect(events.find((e) => e.id === byOldReference)).toMatchObject({
      status: 'IGNORED',
      error: expect.stringContaining('superseded'),
    });
    expect(events.find((e) => e.id === byOrderReference)).toMatchObject({
      status: 'PROCESSED',
      error: expect.stringContaining('not applied'),
    });

    const order = await paid(failed.id);
    const replayAt = order.events.findIndex((e) => e.reason === 'payment replay, attempt 2');
    expect(order.events.slice(replayAt + 1).map((e) => e.toStatus)).not.toContain('PAYMENT_FAILED');
    expect((await posPayments(order.accountIdentifier!)).filter((x) => x.status === 'SUCCESS')).toHaveLength(1);
  });

  it('a PAYMENT_FAILED order without a POS account cannot be replayed: 409, nothing changes', async () => {
    const seeded = await seededPaymentFailed(null);
    const res = await replayApi(seeded.id);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'PAYMENT_NOT_REPLAYABLE',
      message: expect.stringContaining('Settle it on the POS'),
    });
    expect(await reload(seeded.id)).toMatchObject({
      status: 'PAYMENT_FAILED',
      paymentReference: seeded.paymentReference,
      updatedAt: seeded.updatedAt,
      // No payment task was started.
      workKey: null,
    });
  });

  it("another vendor's replay is 404 and changes nothing; the owner's goes through", async () => {
    const seeded = await seededPaymentFailed('A17700.990');
    const other = await createVendor(p.ctx.app, 'Someone else');
    const res = await replayApi(seeded.id, other.apiKey);
    expect(res.statusCode).toBe(404);
    expect(await reload(seeded.id)).toMatchObject({
      status: 'PAYMENT_FAILED',
      paymentReference: seeded.paymentReference,
      updatedAt: seeded.updatedAt,
    });

    // The owner can. The POS refuses this one too (no such account there), and the next replay
    // is attempt 3, in a task of its own again.
    const mine = await replayApi(seeded.id);
    expect(mine.statusCode).toBe(202);
    await waitFor(
      async () => (await reload(seeded.id)).workKey === `pay:${seeded.paymentReference}-2`,
      'the payment task of attempt 2',
    );
    expect((await p.waitForStatus(seeded.id, ['PAYMENT_FAILED'])).failureReason).toMatch(/ACCOUNT_NOT_FOUND/);
    const third = await replayApi(seeded.id);
    expect(third.json().payment).toMatchObject({ reference: `${seeded.paymentReference}-3`, attempt: 3 });
    await p.waitForStatus(seeded.id, ['PAYMENT_FAILED']);
    expect((await reload(seeded.id)).workKey).toBe(`pay:${seeded.paymentReference}-3`);
  });
});
