// The bull-board dashboard at /admin/queues: refused without the admin token (and a browser is
// asked for it with Basic), served with it as a bearer token or as the Basic password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/queues/definitions.js';
import { ADMIN_TOKEN, bearer, createTestContext, type TestContext } from '../helpers/context.js';

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('queue dashboard', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('refuses every dashboard URL without the admin token, asking a browser for Basic credentials', async () => {
    for (const url of [
      '/admin/queues',
      '/admin/queues/',
      '/admin/queues/api/queues',
      '/admin/queues/static/favicon-32x32.png',
      '/admin/queues/queue/reconcile-order',
    ]) {
      for (const headers of [
        {},
        bearer('wrong-token-0123456789'),
        basic('admin', 'wrong-token-0123456789'),
        bearer(`${ADMIN_TOKEN}x`),
      ]) {
        const res = await ctx.app.inject({ method: 'GET', url, headers });
        expect(res.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Basic realm="queue dashboard"/);
        expect(res.json()).toEqual({
          error: { code: 'UNAUTHORIZED', message: expect.any(String) },
          requestId: expect.any(String),
        });
      }
    }
    // Actions too: nothing is changed without the token.
    await ctx.app.queues.reconcileOrder.add({ orderId: '00000000-0000-4000-8000-000000000001' }, { delay: 60_000 });
    const clean = await ctx.app.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/reconcile-order/clean/delayed',
    });
    expect(clean.statusCode).toBe(401);
    expect(await ctx.app.queues.reconcileOrder.queue.getDelayedCount()).toBe(1);
  });

  it('serves the page and the queue API with the admin token (Bearer or Basic password)', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/admin/queues', headers: basic('anyone', ADMIN_TOKEN) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<base href="/admin/queues/"');

    const api = await ctx.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: bearer(ADMIN_TOKEN) });
    expect(api.statusCode).toBe(200);
    const names = (api.json() as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names.sort()).toEqual(
      Object.values(QUEUES)
        .map((q) => q.name)
        .sort(),
    );

    const asset = await ctx.app.inject({
      method: 'GET',
      url: '/admin/queues/static/favicon-32x32.png',
      headers: bearer(ADMIN_TOKEN),
    });
    expect(asset.statusCode).toBe(200);
  });

  it('is not part of the public OpenAPI document', async () => {
    const spec = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths).filter((p) => p.startsWith('/admin/queues'))).toEqual([]);
  });
});
