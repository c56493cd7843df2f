// Custom integrations get only financial-api and/or items. A connection gets every feature its
// scopes allow, the sync never calls what it may not, and the rest is a 403 naming the scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createVendor } from '../helpers/context.js';
import { AMS, createFinancialContext, SANDBOX_SEED, type FinancialContext } from './helpers.js';

type ErrorBody = { error: { code: string; message: string; details: { scope: string } } };
const DAY = 86_400_000;
const today = new Date().toISOString().slice(0, 10);
const weekAgo = new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10);
const range = `from=${weekAgo}&to=${today}`;

function expectMissing(res: { statusCode: number; json(): unknown }, scope: string) {
  expect(res.statusCode).toBe(403);
  const body = res.json() as ErrorBody;
  expect(body.error.code).toBe('MISSING_SCOPE');
  expect(body.error.details.scope).toBe(scope);
  expect(body.error.message).toContain(`"${scope}"`);
}

describe('a connection with financial-api only', () => {
  let f: FinancialContext;
  beforeAll(async () => {
    f = await createFinancialContext({ LIGHTSPEED_SCOPES: 'financial-api' });
    await f.generate(AMS.id, 300, new Date(Date.now() - 3 * DAY), new Date(Date.now() - 3600_000));
  });
  afterAll(async () => f?.close());

  it('syncs financial data, never calls items or rich items, and answers 403 naming items', async () => {
    const connection = await f.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({
      where: { vendorId: f.vendor.id },
    });
    expect(connection.scopes).toEqual(['financial-api']);
    // The business came from /f/data/businesses, as orders-api is absent.
    expect(connection.businessId).toBe(BigInt(SANDBOX_SEED.business.id));
    const result = await f.sync.run(f.locationId);
    expect(result).toMatchObject({ status: 'completed', sales: { inserted: 300 }, failed: [] });
    expect(f.proxy.requests.filter((r) => r.url.startsWith('/items/') || r.url.startsWith('/i/'))).toEqual([]);
    expect(f.proxy.requests.some((r) => r.url.startsWith(`/f/finance/${AMS.id}/tax-rates`))).toBe(true);

    expect((await f.get(`/v1/locations/${f.locationId}/financial/daily?${range}`)).statusCode).toBe(200);
    expect((await f.get(`/v1/locations/${f.locationId}/financial/sales?${range}`)).statusCode).toBe(200);
    expect((await f.get(`/v1/locations/${f.locationId}/financial/sync`)).statusCode).toBe(200);
    expectMissing(await f.get(`/v1/locations/${f.locationId}/financial/items`), 'items');
    expectMissing(await f.get(`/v1/locations/${f.locationId}/financial/price-list`), 'items');
    // The live catalog answers the same way for what needs orders-api.
    expectMissing(await f.get(`/v1/locations/${f.locationId}/menus`), 'orders-api');
  });
});

describe('a connection with items only', () => {
  let f: FinancialContext;
  beforeAll(async () => {
    f = await createFinancialContext({ LIGHTSPEED_SCOPES: 'items' });
  });
  afterAll(async () => f?.close());

  it('syncs items, never calls financial endpoints, and answers 403 naming financial-api', async () => {
    const result = await f.sync.run(f.locationId);
    expect(result).toMatchObject({ status: 'completed', failed: [] });
    expect(f.proxy.requests.filter((r) => r.url.startsWith('/f/'))).toEqual([]);
    expect(f.proxy.requests.filter((r) => r.url.startsWith('/items/v1/items'))).not.toEqual([]);

    const items = await f.get(`/v1/locations/${f.locationId}/financial/items`);
    expect(items.statusCode, items.body).toBe(200);
    expect((items.json() as { page: { total: number } }).page.total).toBeGreaterThan(0);
    expect((await f.get(`/v1/locations/${f.locationId}/financial/price-list`)).statusCode).toBe(200);
    expect((await f.get(`/v1/locations/${f.locationId}/financial/sync`)).statusCode).toBe(200);
    expect((await f.post(`/v1/locations/${f.locationId}/financial/sync`)).statusCode).toBe(202);

    for (const path of ['sales', 'daily', 'daily.csv', 'sales.csv', 'reconciliation']) {
      expectMissing(await f.get(`/v1/locations/${f.locationId}/financial/${path}?${range}`), 'financial-api');
    }
    expectMissing(
      await f.post(`/v1/locations/${f.locationId}/financial/backfill`, { from: weekAgo, to: today }),
      'financial-api',
    );
  });

  it("answers 404 for another vendor's location and 409 for an unmapped one", async () => {
    const other = await createVendor(f.ctx.app, 'Other vendor');
    const res = await f.ctx.app.inject({
      method: 'GET',
      url: `/v1/locations/${f.locationId}/financial/items`,
      headers: bearer(other.apiKey),
    });
    expect(res.statusCode).toBe(404);
    const unmapped = await f.ctx.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: bearer(f.vendor.apiKey),
      payload: { name: 'Not mapped' },
    });
    const id = (unmapped.json() as { id: string }).id;
    const conflict = await f.get(`/v1/locations/${id}/financial/items`);
    expect(conflict.statusCode).toBe(409);
    expect((conflict.json() as ErrorBody).error.code).toBe('LOCATION_NOT_MAPPED');
  });
});
