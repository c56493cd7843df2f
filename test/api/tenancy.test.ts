// Admin auth, the vendor and API-key life cycle, and vendor self-service keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, bearer, createTestContext, createVendor, type TestContext } from '../helpers/context.js';

describe('tenancy', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('refuses the admin API without the admin token, with the error shape', async () => {
    for (const headers of [{}, bearer('wrong-token-wrong-token'), { authorization: ADMIN_TOKEN }]) {
      const res = await ctx.app.inject({ method: 'POST', url: '/admin/vendors', headers, payload: { name: 'x' } });
      expect(res.statusCode).toBe(401);
      const body = res.json();
      expect(body.error.code).toBe('UNAUTHORIZED');
      expect(body.requestId).toBe(res.headers['x-request-id']);
    }
    expect(await ctx.db.prisma.vendor.count()).toBe(0);
  });

  it('creates a vendor whose first key works, stored only as a hash', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/admin/vendors',
      headers: bearer(ADMIN_TOKEN),
      payload: { name: 'Bistro' },
    });
    expect(res.statusCode).toBe(201);
    const { id, apiKey, apiKeyPrefix } = res.json();
    expect(apiKey.startsWith(apiKeyPrefix)).toBe(true);
    const stored = await ctx.db.prisma.apiKey.findFirstOrThrow({ where: { vendorId: id } });
    expect(stored.prefix).toBe(apiKeyPrefix);
    expect(stored.hash).not.toContain(apiKey);
    expect(JSON.stringify(stored)).not.toContain(apiKey.slice(apiKeyPrefix.length));

    const list = await ctx.app.inject({ method: 'GET', url: '/v1/locations', headers: bearer(apiKey) });
    expect(list.statusCode).toBe(200);

    const vendors = await ctx.app.inject({ method: 'GET', url: '/admin/vendors', headers: bearer(ADMIN_TOKEN) });
    expect(vendors.json().items).toContainEqual(
      expect.objectContaining({ id, name: 'Bistro', connectionStatus: 'NOT_CONNECTED', providerIntegrated: null }),
    );
  });

  it('issues further keys (shown by prefix only afterwards) and revokes them', async () => {
    const vendor = await createVendor(ctx.app, 'Keys');
    const issued = await ctx.app.inject({
      method: 'POST',
      url: `/admin/vendors/${vendor.id}/api-keys`,
      headers: bearer(ADMIN_TOKEN),
      payload: { name: 'kiosk' },
    });
    expect(issued.statusCode).toBe(201);
    const second = issued.json();
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/v1/locations', headers: bearer(second.apiKey) })).statusCode,
    ).toBe(200);

    const keys = await ctx.app.inject({
      method: 'GET',
      url: `/admin/vendors/${vendor.id}/api-keys`,
      headers: bearer(ADMIN_TOKEN),
    });
    expect(keys.json().items).toHaveLength(2);
    expect(keys.body).not.toContain(second.apiKey);

    const revoked = await ctx.app.inject({
      method: 'DELETE',
      url: `/admin/vendors/${vendor.id}/api-keys/${second.id}`,
      headers: bearer(ADMIN_TOKEN),
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const after = await ctx.app.inject({ method: 'GET', url: '/v1/locations', headers: bearer(second.apiKey) });
    expect(after.statusCode).toBe(401);
    // The first key is untouched.
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/v1/locations', headers: bearer(vendor.apiKey) })).statusCode,
    ).toBe(200);
  });

  it('lets a vendor issue and revoke its own keys, but not another vendor’s', async () => {
    const a = await createVendor(ctx.app, 'A');
    const b = await createVendor(ctx.app, 'B');
    const issued = await ctx.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer(a.apiKey),
      payload: {},
    });
    expect(issued.statusCode).toBe(201);
    const keyOfA = issued.json();
    const fromB = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${keyOfA.id}`,
      headers: bearer(b.apiKey),
    });
    expect(fromB.statusCode).toBe(404);
    const fromA = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${keyOfA.id}`,
      headers: bearer(a.apiKey),
    });
    expect(fromA.statusCode).toBe(200);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(keyOfA.apiKey) })).statusCode,
    ).toBe(401);
  });

  it('answers 401 for missing, malformed and unknown keys', async () => {
    for (const headers of [{}, bearer('nonsense'), bearer('lsk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')]) {
      const res = await ctx.app.inject({ method: 'GET', url: '/v1/locations', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
  });

  it('answers 404 for keys of an unknown vendor', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/admin/vendors/00000000-0000-4000-8000-000000000000/api-keys',
      headers: bearer(ADMIN_TOKEN),
      payload: {},
    });
    expect(res.statusCode).toBe(404);
  });
});
