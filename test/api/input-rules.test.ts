// The global input rules, one case each: NUL characters and lone surrogates are a 400 wherever
// they come in (body, keys, query, path, the webhook's endpoint id without credentials),
// repeated parameters where one is expected are a 400, dates are real, item prices bounded.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext, createVendor, type TestContext } from '../helpers/context.js';

describe('input rules', () => {
  let ctx: TestContext;
  let auth: Record<string, string>;
  beforeAll(async () => {
    ctx = await createTestContext({ RATE_LIMIT_WEBHOOK_FAILURES_PER_IP: '0' });
    auth = bearer((await createVendor(ctx.app, 'Rules')).apiKey);
  });
  afterAll(async () => ctx?.close());

  const post = (url: string, body: string) =>
    ctx.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json' }, payload: body });

  it('refuses NUL characters and lone surrogates in bodies and keys with 400 INVALID_CHARACTERS', async () => {
    for (const body of [
      '{"name":"a\\u0000b"}',
      '{"name":"\\ud800"}',
      '{"name":"x\\udc00"}',
      '{"name":"ok","defaultOrderProfile":"\\u0000"}',
      '{"name":"ok","\\u0000":1}',
    ]) {
      const res = await post('/v1/locations', body);
      expect(res.statusCode, body).toBe(400);
      expect(res.json().error.code, body).toBe('INVALID_CHARACTERS');
    }
    // A well-formed pair (an emoji) is fine.
    expect((await post('/v1/locations', '{"name":"Café 😀"}')).statusCode).toBe(201);
    expect(await ctx.db.prisma.location.count()).toBe(1);
  });

  it('refuses them in the query and the path too', async () => {
    const query = await ctx.app.inject({ method: 'GET', url: '/v1/orders?status=%00', headers: auth });
    expect(query.statusCode).toBe(400);
    expect(query.json().error).toMatchObject({ code: 'INVALID_CHARACTERS', details: { field: 'query.status' } });
    const invalidUtf8 = await ctx.app.inject({ method: 'GET', url: '/v1/orders?status=%ED%A0%80', headers: auth });
    expect(invalidUtf8.statusCode).toBe(400);
    const path = await ctx.app.inject({
      method: 'GET',
      url: `/v1/locations/${randomUUID()}/rich-items/a%00b`,
      headers: auth,
    });
    expect(path.statusCode).toBe(400);
  });

  it('answers 400, not 500, to a NUL or repeated endpoint id on the webhook without credentials', async () => {
    for (const url of ['/webhook/lightspeed?endpoint=wh_%00', '/webhook/lightspeed?endpoint=a&endpoint=b']) {
      const res = await ctx.app.inject({ method: 'POST', url, payload: { type: 'ORDER' } });
      expect(res.statusCode, url).toBe(400);
    }
  });

  it('refuses a repeated parameter where the route expects one, on the OAuth callback too', async () => {
    const orders = await ctx.app.inject({ method: 'GET', url: '/v1/orders?limit=1&limit=2', headers: auth });
    expect(orders.statusCode).toBe(400);
    expect(orders.json().error.code).toBe('REPEATED_PARAMETER');
    const callback = await ctx.app.inject({ method: 'GET', url: '/lightspeed/callback?code=a&code=b&state=x' });
    expect(callback.statusCode).toBe(400);
    const long = await ctx.app.inject({ method: 'GET', url: `/lightspeed/callback?code=${'c'.repeat(5000)}` });
    expect(long.statusCode).toBe(400);
  });

  it('refuses dates outside 1970-9999 on the order list', async () => {
    for (const from of ['0000-01-01T00:00:00Z', '9999-99-99T00:00:00Z', '1969-12-31T23:59:59Z']) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/v1/orders?from=${encodeURIComponent(from)}`,
        headers: auth,
      });
      expect(res.statusCode, from).toBe(400);
    }
    const ok = await ctx.app.inject({ method: 'GET', url: '/v1/orders?from=2026-01-01T00:00:00Z', headers: auth });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses item prices that are negative, huge or finer than cents', async () => {
    const item = (defaultPrice: number) =>
      JSON.stringify({ name: 'Soup', sku: 'SOUP', accountingGroupId: 1, defaultPrice });
    for (const price of [-5, 1e12, 1.005]) {
      const res = await post(`/v1/locations/${randomUUID()}/items`, item(price));
      expect(res.statusCode, String(price)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_ERROR');
    }
  });
});
