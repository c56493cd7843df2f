// Every catalog route against the sandbox for a location mapped to Amsterdam, through a vendor
// connected with the real connect flow; then the 409s, 404, 403 and upstream failure mapping.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AMS, bearer, createCatalogContext, createVendor, SANDBOX_SEED, type CatalogContext } from './helpers.js';

let c: CatalogContext;
const path = (p: string) => `/v1/locations/${c.locationId}/${p}`;

beforeAll(async () => {
  c = await createCatalogContext();
}, 60_000);
afterAll(async () => c?.close());
beforeEach(async () => {
  await c.control('DELETE', '/faults');
});

describe('catalog routes return the sandbox data of the mapped location', () => {
  it('menus and a menu (v2, rich content on request)', async () => {
    const list = await c.get(path('menus'));
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual(
      expect.arrayContaining([{ menuName: 'All Day Menu', ikentooMenuId: AMS.menus.allDay }]),
    );

    const plain = (await c.get(path(`menus/${AMS.menus.allDay}`))).json();
    const rich = (await c.get(path(`menus/${AMS.menus.allDay}?richContent=true`))).json();
    const firstItem = (m: { data: { menuEntryGroups: { menuEntry: Record<string, unknown>[] }[] } }) =>
      m.data.menuEntryGroups[0]!.menuEntry[0]!;
    expect(plain.data.menuName).toBe('All Day Menu');
    expect(firstItem(plain)).toMatchObject({ '@type': 'menuItem', sku: SANDBOX_SEED.skus.tomatoSoup });
    expect(firstItem(plain).itemRichData).toBeUndefined();
    expect(firstItem(rich).itemRichData).toMatchObject({
      squareImageUrl: expect.stringContaining(SANDBOX_SEED.skus.tomatoSoup),
    });
  });

  it('modifiers, discounts, floor plans with tables, order profiles', async () => {
    const modifiers = (await c.get(path('modifiers'))).json().data;
    expect(
      modifiers.flatMap((g: { productionInstructionList: { ikentooModifierId: number }[] }) =>
        g.productionInstructionList.map((i) => i.ikentooModifierId),
      ),
    ).toContain(AMS.modifiers['Medium rare']);
    expect((await c.get(path('discounts'))).json().data.map((d: { code: string }) => d.code)).toEqual(
      Object.keys(SANDBOX_SEED.discounts),
    );
    const plans = (await c.get(path('floorplans'))).json().data;
    expect(
      plans.map((p: { id: number; tables: { number: number }[] }) => ({
        id: p.id,
        tables: p.tables.map((t) => t.number),
      })),
    ).toEqual(AMS.floorPlans.map((p) => ({ id: p.id, tables: p.tables })));
    expect((await c.get(path('order-profiles'))).json().data.map((p: { code: string }) => p.code)).toEqual([
      'DINEIN',
      'TAKEAWAY',
      'COLLECT',
      'DELIVERY',
    ]);
  });

  it('availability per SKU: K-Series lists restrictions only, an unlisted SKU is available', async () => {
    await c.control('POST', '/availability', { businessLocationId: AMS.id, sku: SANDBOX_SEED.skus.salmon, count: 0 });
    await c.control('POST', '/availability', { businessLocationId: AMS.id, sku: SANDBOX_SEED.skus.tiramisu, count: 3 });
    const res = await c.get(
      path(
        `availability?skus=${SANDBOX_SEED.skus.salmon},${SANDBOX_SEED.skus.tiramisu}&skus=${SANDBOX_SEED.skus.cola}&skus=NO-SUCH-SKU`,
      ),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual([
      { sku: SANDBOX_SEED.skus.salmon, restricted: true, count: 0, available: false, updatedAt: expect.any(String) },
      { sku: SANDBOX_SEED.skus.tiramisu, restricted: true, count: 3, available: true, updatedAt: expect.any(String) },
      { sku: SANDBOX_SEED.skus.cola, restricted: false, count: null, available: true, updatedAt: null },
      // Availability cannot tell whether a SKU exists (the menu does): no restriction, available.
      { sku: 'NO-SUCH-SKU', restricted: false, count: null, available: true, updatedAt: null },
    ]);
    expect(res.json().cache.ttlSeconds).toBe(10);
    expect((await c.get(path('availability'))).statusCode).toBe(400);
  });

  it('readiness, open checks, tax rates, payment methods, accounting groups, allergens', async () => {
    expect((await c.get(path('readiness'))).json().data).toMatchObject({ status: 'READY' });
    expect((await c.get(path('open-checks'))).json()).toEqual({ data: expect.any(Array) });
    expect((await c.get(path('tax-rates'))).json().data.map((t: { code: string }) => t.code)).toEqual([
      'VAT9',
      'VAT21',
    ]);
    expect((await c.get(path('payment-methods'))).json().data.map((p: { code: string }) => p.code)).toContain(
      'OOPAYMENT',
    );
    expect(
      (await c.get(path('accounting-groups')))
        .json()
        .data.map((g: { accountingGroupId: number }) => g.accountingGroupId),
    ).toEqual(expect.arrayContaining(Object.values(AMS.accountingGroupIds)));
    expect((await c.get(path('allergens'))).json().data.length).toBeGreaterThan(5);
  });

  it('items: search, paging, one item, create and update', async () => {
    const page = (await c.get(path('items?limit=5&offset=0'))).json();
    expect(page.data).toHaveLength(5);
    expect(page.page).toEqual({ offset: 0, limit: 5, nextOffset: 5 });
    const bySku = (await c.get(path(`items?sku=${SANDBOX_SEED.skus.cola}`))).json().data;
    expect(bySku).toEqual([
      expect.objectContaining({ sku: SANDBOX_SEED.skus.cola, id: AMS.itemIds[SANDBOX_SEED.skus.cola] }),
    ]);
    expect((await c.get(path(`items/${AMS.itemIds[SANDBOX_SEED.skus.cola]}`))).json().data.name).toBeTruthy();

    const created = await c.ctx.app.inject({
      method: 'POST',
      url: path('items'),
      headers: c.auth,
      payload: {
        name: 'Catalog lemonade',
        sku: 'CAT-LEMON',
        accountingGroupId: AMS.accountingGroupIds.drinks,
        defaultPrice: 3.5,
      },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().data.id as number;
    const updated = await c.ctx.app.inject({
      method: 'PUT',
      url: path(`items/${id}`),
      headers: c.auth,
      payload: {
        name: 'Catalog lemonade XL',
        sku: 'CAT-LEMON',
        accountingGroupId: AMS.accountingGroupIds.drinks,
        defaultPrice: 4.5,
      },
    });
    expect(updated.statusCode).toBe(200);
    expect((await c.get(path('items?sku=CAT-LEMON'))).json().data).toEqual([
      expect.objectContaining({ id, name: 'Catalog lemonade XL' }),
    ]);
  });

  it("a write K-Series refuses answers with K-Series' status and message, not a 5xx", async () => {
    const res = await c.ctx.app.inject({
      method: 'POST',
      url: path('items'),
      headers: c.auth,
      payload: { name: 'Orphan', accountingGroupId: 1, defaultPrice: 1 },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({
      code: 'KSERIES_NOT_FOUND',
      message: 'Lightspeed answered 404: Could not create item: accounting group not found',
      details: { status: 404, endpoint: 'POST /items/v1/items', attempts: 1 },
    });
  });

  it('rich items, one rich item, and a printed message', async () => {
    const rich = (await c.get(path('rich-items?size=5'))).json().data;
    expect(rich.items.length).toBeGreaterThan(0);
    const sku = rich.items[0].sku as string;
    expect((await c.get(path(`rich-items/${sku}`))).json().data).toMatchObject({
      sku,
      descriptions: expect.any(Array),
    });
    const printed = await c.ctx.app.inject({
      method: 'POST',
      url: path('print-message'),
      headers: c.auth,
      payload: { message: 'Catalog test: hello kitchen' },
    });
    expect(printed.json()).toEqual({ data: { status: 'ok' } });
    expect(JSON.stringify(await c.control('GET', '/printed-messages'))).toContain('Catalog test: hello kitchen');
  });
});

describe('catalog routes refuse what they cannot serve', () => {
  it('409 LOCATION_NOT_MAPPED for a location without a businessLocationId', async () => {
    const unmapped = await c.createLocation(c.vendor.apiKey);
    const res = await c.get(`/v1/locations/${unmapped}/menus`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('LOCATION_NOT_MAPPED');
  });

  it('409 VENDOR_NOT_CONNECTED for a vendor without a Lightspeed connection', async () => {
    const other = await createVendor(c.ctx.app, 'Never connected');
    const location = await c.createLocation(other.apiKey, AMS.id);
    const res = await c.ctx.app.inject({
      method: 'GET',
      url: `/v1/locations/${location}/menus`,
      headers: bearer(other.apiKey),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('VENDOR_NOT_CONNECTED');
  });

  it("404 for another vendor's location, without saying it exists", async () => {
    const other = await createVendor(c.ctx.app, 'Nosy vendor');
    const res = await c.ctx.app.inject({ method: 'GET', url: path('menus'), headers: bearer(other.apiKey) });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('403 naming the scope the connection lacks', async () => {
    const prisma = c.ctx.db.prisma;
    const before = await prisma.lightspeedConnection.findUniqueOrThrow({ where: { id: c.vendor.connectionId } });
    await prisma.lightspeedConnection.update({
      where: { id: before.id },
      data: { scopes: before.scopes.filter((s) => s !== 'financial-api') },
    });
    try {
      const res = await c.get(path('tax-rates'));
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'MISSING_SCOPE', details: { scope: 'financial-api' } });
      expect(res.json().error.message).toContain('financial-api');
    } finally {
      await prisma.lightspeedConnection.update({ where: { id: before.id }, data: { scopes: before.scopes } });
    }
  });

  it('403 KSERIES_FORBIDDEN when the location is mapped outside the connected business', async () => {
    const foreign = await c.createLocation(c.vendor.apiKey, SANDBOX_SEED.secondBusiness.location.id);
    const res = await c.get(`/v1/locations/${foreign}/discounts`);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({
      code: 'KSERIES_FORBIDDEN',
      details: { status: 403, message: 'Access token not relevant for the businessLocation, use authorization-code' },
    });
  });

  it('upstream failures: 503 -> 503, 500 -> 502, too slow -> 504, each with K-Series status and message', async () => {
    await c.control('POST', '/faults/status', { status: 503, count: 10, pathPrefix: '/o/op/1/menu/discounts' });
    const unavailable = await c.get(path('discounts?refresh=true'));
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.json().error.details).toMatchObject({
      status: 503,
      message: 'Service temporarily unavailable',
      attempts: 3,
    });

    await c.control('POST', '/faults/status', { status: 500, count: 10, pathPrefix: '/o/op/data/account-profiles' });
    const broken = await c.get(path('order-profiles?refresh=true'));
    expect(broken.statusCode).toBe(502);
    expect(broken.json().error).toMatchObject({
      code: 'KSERIES_ERROR',
      details: { status: 500, endpoint: 'GET /o/op/data/account-profiles' },
    });

    await c.control('POST', '/faults/latency', { ms: 1_500, count: 10, pathPrefix: '/o/op/1/menu/modifiers' });
    const slow = await c.get(path('modifiers?refresh=true'));
    expect(slow.statusCode).toBe(504);
    expect(slow.json().error).toMatchObject({ code: 'KSERIES_TIMEOUT', details: { kind: 'timeout', status: null } });
  });

  it('a disconnected vendor (connection no longer CONNECTED) gets 409 VENDOR_NOT_CONNECTED', async () => {
    const prisma = c.ctx.db.prisma;
    await prisma.lightspeedConnection.update({
      where: { id: c.vendor.connectionId },
      data: { status: 'DISCONNECTED' },
    });
    try {
      const res = await c.get(path('menus'));
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'VENDOR_NOT_CONNECTED', details: { status: 'DISCONNECTED' } });
    } finally {
      await prisma.lightspeedConnection.update({ where: { id: c.vendor.connectionId }, data: { status: 'CONNECTED' } });
    }
  });
});
