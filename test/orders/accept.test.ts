// Accepting orders: validation, the outbox, idempotency, listing and isolation. The delivery
// to K-Series is covered by the pipeline tests (no workers run here); the vendor is connected to
// the sandbox, whose menu pre-flight validation reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { claimDueTasks } from '../helpers/order-work.js';
import { ADMIN_TOKEN, bearer, createVendor, type TestContext } from '../helpers/context.js';
import { AMS, createPipelineContext, postOrder, type PipelineContext } from './pipeline-context.js';

describe('POST /v1/orders', () => {
  let p: PipelineContext;
  let ctx: TestContext;
  let vendor: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };
  let locationId: string;

  // Two burgers at 14.50, cooked medium rare; the tip is apart from the amount.
  const order = (overrides: Record<string, unknown> = {}) => ({
    locationId,
    type: 'toGo',
    customer: { firstName: 'Ada', email: 'ada@example.com' },
    items: [
      {
        sku: SANDBOX_SEED.skus.classicBurger,
        quantity: 2,
        modifiers: [{ modifierId: String(AMS.modifiers['Medium rare']) }],
      },
    ],
    payment: { method: 'OOPAYMENT', amount: 29, tip: 1 },
    ...overrides,
  });
  const post = (key: string, payload: unknown, headers: Record<string, string> = {}) =>
    postOrder(ctx.app, key, payload, headers);

  beforeAll(async () => {
    p = await createPipelineContext({ workers: false });
    ctx = p.ctx;
    vendor = p.vendor;
    locationId = p.locationId;
    other = await createVendor(ctx.app, 'Other');
    await ctx.db.prisma.lightspeedConnection.create({
      data: { vendorId: other.id, environment: 'SANDBOX', status: 'CONNECTED' },
    });
  });
  afterAll(async () => p?.close());

  it('stores the order, answers 202 with its id, and enqueues exactly one push', async () => {
    const res = await post(vendor.apiKey, order());
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({
      status: 'RECEIVED',
      type: 'toGo',
      locationId,
      payment: { amount: '29.00', tip: '1.00', method: 'OOPAYMENT' },
    });
    expect(body.reference).toMatch(/^o[0-9a-f]{24}$/);
    expect(body.timeline).toEqual([expect.objectContaining({ from: null, to: 'RECEIVED', source: 'api' })]);
    const stored = await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: body.id } });
    expect(stored.status).toBe('RECEIVED');
    // Its push is due: the worker's claimer takes it (attempt 1).
    expect((await claimDueTasks(ctx.db.prisma)).get(body.id)).toBe('push:1');
  });

  it('a repeated Idempotency-Key returns the original order; a different body under it is 409', async () => {
    const first = await post(vendor.apiKey, order(), { 'idempotency-key': 'kiosk-1-0001' });
    const again = await post(vendor.apiKey, order(), { 'idempotency-key': 'kiosk-1-0001' });
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const changed = await post(vendor.apiKey, order({ note: 'extra ketchup' }), { 'idempotency-key': 'kiosk-1-0001' });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Keys are per vendor: another vendor may use the same one.
    expect(await ctx.db.prisma.order.count({ where: { idempotencyKey: 'kiosk-1-0001' } })).toBe(1);
  });

  it('the caller’s own reference also deduplicates, even when requests race', async () => {
    const payload = order({ reference: 'web-7781' });
    const results = await Promise.all(Array.from({ length: 8 }, () => post(vendor.apiKey, payload)));
    const ids = new Set(results.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.statusCode === 202)).toHaveLength(1);
    expect(await ctx.db.prisma.order.count({ where: { callerReference: 'web-7781' } })).toBe(1);
  });

  it('names every invalid field, with K-Series limits', async () => {
    const res = await post(vendor.apiKey, {
      locationId: 'nope',
      type: 'toGo',
      tableNumber: '4',
      customer: { firstName: '' },
      items: [{ sku: 'X'.repeat(26), quantity: 0 }],
      payment: { amount: -1 },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.locationId',
        'body.customer.firstName',
        'body.items.0.sku',
        'body.items.0.quantity',
        'body.payment.amount',
      ]),
    );
    const noItems = await post(vendor.apiKey, order({ items: [] }));
    expect(noItems.statusCode).toBe(400);
    const tableOnToGo = await post(vendor.apiKey, order({ tableNumber: '4' }));
    expect(tableOnToGo.json().error.details.fields.map((f: { field: string }) => f.field)).toContain(
      'body.tableNumber',
    );
  });

  it('refuses unmapped locations and vendors that never connected', async () => {
    const unmapped = await ctx.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: bearer(vendor.apiKey),
      payload: { name: 'Pop-up' },
    });
    const res = await post(vendor.apiKey, order({ locationId: unmapped.json().id }));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('LOCATION_NOT_MAPPED');

    const fresh = await createVendor(ctx.app, 'Fresh');
    // The API maps only with a connection; a mapping from before that check, written directly:
    const loc = await ctx.db.prisma.location.create({
      data: { vendorId: fresh.id, name: 'X', businessLocationId: 1n },
    });
    const notConnected = await post(fresh.apiKey, order({ locationId: loc.id }));
    expect(notConnected.statusCode).toBe(409);
    expect(notConnected.json().error.code).toBe('VENDOR_NOT_CONNECTED');
  });

  it('another vendor can neither order at, read, list nor replay this vendor’s orders', async () => {
    const mine = (await post(vendor.apiKey, order())).json();
    expect((await post(other.apiKey, order())).statusCode).toBe(404);
    const read = await ctx.app.inject({ method: 'GET', url: `/v1/orders/${mine.id}`, headers: bearer(other.apiKey) });
    expect(read.statusCode).toBe(404);
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/orders', headers: bearer(other.apiKey) });
    expect(list.json().items.map((o: { id: string }) => o.id)).not.toContain(mine.id);
    await ctx.db.prisma.order.update({ where: { id: mine.id }, data: { status: 'FAILED' } });
    const replay = await ctx.app.inject({
      method: 'POST',
      url: `/v1/orders/${mine.id}/replay`,
      headers: bearer(other.apiKey),
    });
    expect(replay.statusCode).toBe(404);
    expect((await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: mine.id } })).status).toBe('FAILED');
  });

  it('lists with filters and cursor paging', async () => {
    const v = vendor;
    const loc = { id: locationId };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post(v.apiKey, order({ locationId: loc.id }))).json().id);
    const first = await ctx.app.inject({ method: 'GET', url: '/v1/orders?limit=2', headers: bearer(v.apiKey) });
    expect(first.json().items.map((o: { id: string }) => o.id)).toEqual([ids[4], ids[3]]);
    const second = await ctx.app.inject({
      method: 'GET',
      url: `/v1/orders?limit=2&cursor=${first.json().nextCursor}`,
      headers: bearer(v.apiKey),
    });
    expect(second.json().items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    const byStatus = await ctx.app.inject({
      method: 'GET',
      url: '/v1/orders?status=PAID,CLOSED',
      headers: bearer(v.apiKey),
    });
    expect(byStatus.json().items).toEqual([]);
    const badStatus = await ctx.app.inject({ method: 'GET', url: '/v1/orders?status=DONE', headers: bearer(v.apiKey) });
    expect(badStatus.statusCode).toBe(400);
  });

  it('replays a FAILED order as a new attempt with a new K-Series reference', async () => {
    const created = (await post(vendor.apiKey, order())).json();
    // An old order: its first deadline has long passed.
    await ctx.db.prisma.order.update({
      where: { id: created.id },
      data: { status: 'FAILED', failureReason: 'unknown SKU', deadlineAt: new Date(Date.now() - 3_600_000) },
    });
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/v1/orders/${created.id}/replay`,
      headers: bearer(vendor.apiKey),
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      status: 'RECEIVED',
      attempt: 2,
      reference: `${created.reference}-2`,
      failureReason: null,
    });
    expect(new Date(res.json().deadlineAt).getTime()).toBeGreaterThan(Date.now());
    expect((await claimDueTasks(ctx.db.prisma)).get(created.id)).toBe('push:2');
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/v1/orders/${created.id}/replay`,
      headers: bearer(vendor.apiKey),
    });
    expect(again.statusCode).toBe(409);
  });

  it('a scheduled order keeps its delivery window after the scheduled time, also when replayed', async () => {
    const scheduledAt = Date.now() + 2 * 3_600_000;
    const window = ctx.config.ORDER_DELIVERY_DEADLINE_SECONDS * 1000;
    const created = (await post(vendor.apiKey, order({ scheduledAt: new Date(scheduledAt).toISOString() }))).json();
    expect(new Date(created.deadlineAt).getTime()).toBeGreaterThanOrEqual(scheduledAt + window);
    await ctx.db.prisma.order.update({ where: { id: created.id }, data: { status: 'FAILED' } });
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/v1/orders/${created.id}/replay`,
      headers: bearer(vendor.apiKey),
    });
    expect(res.statusCode).toBe(202);
    expect(new Date(res.json().deadlineAt).getTime()).toBeGreaterThanOrEqual(scheduledAt + window);
  });

  it('operators see orders needing attention across vendors and can replay them', async () => {
    const created = (await post(vendor.apiKey, order())).json();
    await ctx.db.prisma.order.update({ where: { id: created.id }, data: { status: 'NEEDS_ATTENTION' } });
    const list = await ctx.app.inject({ method: 'GET', url: '/admin/orders/attention', headers: bearer(ADMIN_TOKEN) });
    expect(list.json().items.map((o: { id: string }) => o.id)).toContain(created.id);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/admin/orders/attention', headers: bearer(vendor.apiKey) }))
        .statusCode,
    ).toBe(401);
    const replay = await ctx.app.inject({
      method: 'POST',
      url: `/admin/orders/${created.id}/replay`,
      headers: bearer(ADMIN_TOKEN),
    });
    expect(replay.statusCode).toBe(202);
    // NEEDS_ATTENTION keeps its reference (if the first attempt did reach the POS, K-Series answers
    // 409), but it is a new attempt: a task of its own, due at once whatever attempt 1 left.
    expect(replay.json()).toMatchObject({ status: 'RECEIVED', attempt: 2, reference: created.reference });
    expect((await claimDueTasks(ctx.db.prisma)).get(created.id)).toBe('push:2');
  });
});
