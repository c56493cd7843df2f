// The Orders and API keys tabs over HTTP (inject): tenancy, escaping, CSRF, the key shown
// once, and which orders can be replayed. The browser test (test/e2e/backoffice-orders.test.ts)
// walks the same pages with real orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { bearer, createVendor } from '../helpers/context.js';
import { Browser } from './backoffice-browser.js';
import { createConnectContext, type ConnectContext } from './helpers.js';

describe('back office orders and API keys', () => {
  let c: ConnectContext;
  beforeAll(async () => {
    c = await createConnectContext();
  });
  afterAll(async () => c?.close());

  it("API keys: a new key is shown once and kept nowhere, the session key and other vendors' keys are not revoked", async () => {
    const vendor = await createVendor(c.ctx.app, 'Key keeper');
    const other = await createVendor(c.ctx.app, 'Other keys');
    const browser = new Browser(c);
    await browser.signIn(vendor.apiKey);
    const csrf = await browser.csrf('/backoffice/api-keys');
    expect((await browser.post('/backoffice/api-keys', { name: 'Kiosk' })).statusCode).toBe(403);

    const created = await browser.post('/backoffice/api-keys', { _csrf: csrf, name: 'Kiosk' });
    expect(created.statusCode).toBe(200);
    const key = /data-testid="new-key-value">([^<]+)</.exec(created.body)?.[1];
    expect(key).toMatch(/^lsk_[0-9a-f]{12}_/);
    expect((await browser.get('/backoffice/api-keys')).body).not.toContain(key);
    const session = await c.ctx.app.redis.get(
      c.ctx.app.redisKey('backoffice', 'session', browser.cookies.get('bo_session')!.value.split('.')[0]!),
    );
    expect(session).toBeTruthy();
    expect(session).not.toContain(key);

    const keys = await c.ctx.db.prisma.apiKey.findMany({
      where: { vendorId: vendor.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(keys.map((k) => k.name)).toEqual(['first key', 'Kiosk']);
    const own = await browser.post(`/backoffice/api-keys/${keys[0]!.id}/revoke`, { _csrf: csrf });
    expect(own.statusCode).toBe(303);
    expect((await browser.get('/backoffice/api-keys')).body).toContain('You are signed in with this key.');
    const otherKey = await c.ctx.db.prisma.apiKey.findFirstOrThrow({ where: { vendorId: other.id } });
    await browser.post(`/backoffice/api-keys/${otherKey.id}/revoke`, { _csrf: csrf });
    expect((await browser.get('/backoffice/api-keys')).body).toContain('API key not found');
    await browser.post(`/backoffice/api-keys/${keys[1]!.id}/revoke`, { _csrf: csrf });
    const after = await c.ctx.db.prisma.apiKey.findMany({ where: { vendorId: { in: [vendor.id, other.id] } } });
    expect(after.filter((k) => k.revokedAt).map((k) => k.id)).toEqual([keys[1]!.id]);
  });

  it('orders: listed for their vendor only, escaped, filter checked, and only failed orders replay', async () => {
    const vendor = await createVendor(c.ctx.app, 'Order owner');
    const browser = new Browser(c);
    await browser.signIn(vendor.apiKey);
    await browser.connect();
    const amsterdam = SANDBOX_SEED.businessLocationIds[0]!;
    await browser.post('/backoffice/locations', {
      _csrf: await browser.csrf(),
      name: 'Dam',
      businessLocationId: String(amsterdam),
    });
    const location = await c.ctx.db.prisma.location.findFirstOrThrow({ where: { vendorId: vendor.id } });
    const accepted = await c.ctx.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: bearer(vendor.apiKey),
      payload: {
        locationId: location.id,
        type: 'toGo',
        reference: '<b>ref-1</b>',
        customer: { firstName: 'Ada' },
        items: [{ sku: SANDBOX_SEED.skus.cola, quantity: 2 }],
        payment: { method: 'OOPAYMENT', amount: 6.4, tip: 0.5 },
      },
    });
    expect(accepted.statusCode).toBe(202);
    const orderId = accepted.json().id as string;

    const list = await browser.get('/backoffice/orders');
    expect(list.body).toContain('&lt;b&gt;ref-1&lt;/b&gt;');
    expect(list.body).not.toContain('<b>ref-1</b>');
    expect(list.body).toContain('6.40');
    expect((await browser.get('/backoffice/orders?status=PROBLEMS')).body).toContain('No orders match.');
    expect((await browser.get('/backoffice/orders?status=BOGUS')).statusCode).toBe(400);
    const detail = await browser.get(`/backoffice/orders/${orderId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('+ tip 0.50');
    expect(detail.body).not.toContain('Replay the order');

    // RECEIVED (no workers here): not replayable, and the page says why.
    const replay = await browser.post(`/backoffice/orders/${orderId}/replay`, { _csrf: await browser.csrf() });
    expect(replay.statusCode).toBe(303);
    expect((await browser.get(`/backoffice/orders/${orderId}`)).body).toContain(
      'can be replayed; this one is RECEIVED',
    );

    const stranger = new Browser(c);
    await stranger.signIn((await createVendor(c.ctx.app, 'Stranger')).apiKey);
    expect((await stranger.get(`/backoffice/orders/${orderId}`)).statusCode).toBe(404);
    expect((await stranger.get('/backoffice/orders')).body).not.toContain('ref-1');
    const csrf = await stranger.csrf('/backoffice/orders');
    expect((await stranger.post(`/backoffice/orders/${orderId}/replay`, { _csrf: csrf })).statusCode).toBe(303);
    expect((await stranger.get('/backoffice/orders')).body).toContain('Order not found');
  });

  it('orders: 25 a page, newest first, with links to older and newer pages that keep the filter', async () => {
    const vendor = await createVendor(c.ctx.app, 'Busy kitchen');
    const browser = new Browser(c);
    await browser.signIn(vendor.apiKey);
    await browser.connect();
    await browser.post('/backoffice/locations', {
      _csrf: await browser.csrf(),
      name: 'Dam',
      businessLocationId: String(SANDBOX_SEED.businessLocationIds[0]!),
    });
    const location = await c.ctx.db.prisma.location.findFirstOrThrow({ where: { vendorId: vendor.id } });
    for (let i = 1; i <= 27; i++) {
      const res = await c.ctx.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: bearer(vendor.apiKey),
        payload: {
          locationId: location.id,
          type: 'toGo',
          reference: `busy-${i}`,
          customer: { firstName: 'Ada' },
          items: [{ sku: SANDBOX_SEED.skus.cola, quantity: 1 }],
          payment: { method: 'OOPAYMENT', amount: 3.2 },
        },
      });
      expect(res.statusCode).toBe(202);
    }
    const refs = (body: string) => [...body.matchAll(/>(busy-\d+)</g)].map((m) => m[1]);
    // Newest first (creation time, then id: two orders can share a millisecond).
    const newestFirst = (
      await c.ctx.db.prisma.order.findMany({
        where: { vendorId: vendor.id },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        select: { callerReference: true },
      })
    ).map((o) => o.callerReference);
    expect(newestFirst).toHaveLength(27);
    const first = await browser.get(`/backoffice/orders?status=RECEIVED&location=${location.id}`);
    expect(refs(first.body)).toEqual(newestFirst.slice(0, 25));
    const older = `/backoffice/orders?status=RECEIVED&amp;location=${location.id}&amp;page=2`;
    expect(first.body).toContain(`href="${older}">Older`);
    expect(first.body).not.toContain('Newer');
    const second = await browser.get(older.replaceAll('&amp;', '&'));
    expect(refs(second.body)).toEqual(newestFirst.slice(25));
    expect(second.body).toContain('Newer');
    expect(second.body).not.toContain('Older');
    expect((await browser.get('/backoffice/orders?page=3')).body).toContain('No more orders.');
  });
});
