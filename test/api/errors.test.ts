// Bad input of every kind gets a 4xx in the one error shape, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, bearer, createTestContext, createVendor, type TestContext } from '../helpers/context.js';

describe('error handling', () => {
  let ctx: TestContext;
  let key: string;
  beforeAll(async () => {
    ctx = await createTestContext({ BODY_LIMIT_BYTES: '2048' });
    key = (await createVendor(ctx.app)).apiKey;
  });
  afterAll(async () => ctx?.close());

  function expectErrorShape(res: { json: () => unknown; headers: Record<string, unknown> }, code: string) {
    const body = res.json() as { error: { code: string; message: string }; requestId: string };
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(body.requestId).toBe(res.headers['x-request-id']);
  }

  it('unknown routes are 404', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: bearer(key) });
    expect(res.statusCode).toBe(404);
    expectErrorShape(res, 'ROUTE_NOT_FOUND');
  });

  it('non-JSON bodies are 400', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res, 'INVALID_JSON');
  });

  it('an empty JSON body is 400', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(400);
  });

  it('the wrong content type is 415', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer(key), 'content-type': 'application/xml' },
      payload: '<name>x</name>',
    });
    expect(res.statusCode).toBe(415);
    expectErrorShape(res, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a plain-text body on a JSON route is a validation error', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer(key), 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res, 'VALIDATION_ERROR');
  });

  it('an oversized body is 413', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/admin/vendors',
      headers: bearer(ADMIN_TOKEN),
      payload: { name: 'x'.repeat(5000) },
    });
    expect(res.statusCode).toBe(413);
    expectErrorShape(res, 'PAYLOAD_TOO_LARGE');
  });

  it('wrong types and missing fields are 400 naming each field', async () => {
    const res = await ctx.app.inject({
      method: 'PUT',
      url: '/v1/callback',
      headers: bearer(key),
      payload: { url: 'ftp://x' },
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res, 'VALIDATION_ERROR');
    const missing = await ctx.app.inject({
      method: 'POST',
      url: '/admin/vendors',
      headers: bearer(ADMIN_TOKEN),
      payload: {},
    });
    const fields = [res, missing].flatMap((r) =>
      (r.json() as { error: { details: { fields: { field: string }[] } } }).error.details.fields.map((f) => f.field),
    );
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.url']));
  });

  it('keeps a sane caller request id and replaces an unsafe one', async () => {
    const kept = await ctx.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'kiosk-42.abc' } });
    expect(kept.headers['x-request-id']).toBe('kiosk-42.abc');
    const replaced = await ctx.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
