import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxInstance } from '../../src/sandbox/app.js';
import {
  AMS,
  bearer,
  localOrder,
  makeSandbox,
  NYC,
  registerEndpoint,
  SANDBOX_SEED,
  WebhookListener,
} from './helpers.js';

type Entry = Record<string, unknown> & {
  '@type': string;
  sku?: string;
  menuEntry?: Entry[];
  menuModifierGroups?: unknown[];
};

function flatten(entries: Entry[]): Entry[] {
  return entries.flatMap((e) => [e, ...flatten(e.menuEntry ?? [])]);
}

describe('sandbox catalog, items, rich items and webhook endpoints', () => {
  let app: SandboxInstance;
  let token: string;

  beforeEach(async () => {
    app = await makeSandbox();
    token = app.sandbox.issueTokens({ scopes: ['orders-api', 'items'] }).access_token;
  });
  afterEach(async () => {
    await app.close();
  });

  const req = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: bearer(token),
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const menuId = SANDBOX_SEED.locations.amsterdam.menus.allDay;

  it('serves menus: v1 with extras as sub-items, v2 with product modifier groups, rich content and price lists', async () => {
    const list = await req('GET', `/o/op/1/menu/list?businessLocationId=${AMS}`);
    expect(list.json()).toEqual([
      { menuName: 'All Day Menu', ikentooMenuId: menuId },
      { menuName: 'Lunch Menu', ikentooMenuId: SANDBOX_SEED.locations.amsterdam.menus.lunch },
    ]);
    const v1 = (await req('GET', `/o/op/1/menu/load/${menuId}?businessLocationId=${AMS}`)).json() as {
      menuEntryGroups: Entry[];
      richDataMissing: boolean;
    };
    const v1Entries = flatten(v1.menuEntryGroups);
    expect(v1Entries.find((e) => e.sku === 'EXT-CHEESE')).toMatchObject({ asSubItem: true });
    expect(v1Entries.find((e) => e.sku === 'BRG-CLASSIC')!.menuModifierGroups).toBeUndefined();
    expect(v1Entries.find((e) => e.sku === 'BRG-CLASSIC')!.itemRichData).toBeUndefined();
    expect(v1.richDataMissing).toBe(false);

    const v2 = (await req('GET', `/o/op/2/menu/load/${menuId}?businessLocationId=${AMS}&richContent=true`)).json() as {
      menuEntryGroups: Entry[];
      richDataMissing: boolean;
    };
    const v2Entries = flatten(v2.menuEntryGroups);
    expect(v2Entries.some((e) => e.sku === 'EXT-CHEESE' && e['@type'] === 'menuItem')).toBe(false);
    const burger = v2Entries.find((e) => e.sku === 'BRG-CLASSIC')!;
    expect(burger.menuModifierGroups).toMatchObject([
      {
        sku: 'MG-EXTRAS',
        productModifiers: [{ '@type': 'menuProductModifier', sku: 'EXT-CHEESE' }, { sku: 'EXT-BACON' }],
      },
    ]);
    expect(burger).toMatchObject({
      productPrice: 14.5,
      taxIncludedInPrice: true,
      defaultTaxPercentage: 9,
      itemRichData: { allergenCodes: ['cereals', 'milk', 'mustard', 'sesame'] },
    });
    expect(
      (burger.productionInstructionList as { productionInstructionGroupName: string }[]).map(
        (g) => g.productionInstructionGroupName,
      ),
    ).toEqual(['Meat cooking', 'Kitchen notes']);
    expect(v2.richDataMissing).toBe(true); // sparkling water has no rich item
    const deal = v2Entries.find((e) => e['@type'] === 'menuDeal')!;
    expect((deal.menuDealGroups as unknown[]).length).toBe(3);

    const delivery = (
      await req('GET', `/o/op/2/menu/load/${menuId}?businessLocationId=${AMS}&accountProfile=DELIVERY`)
    ).json() as { menuEntryGroups: Entry[] };
    expect(flatten(delivery.menuEntryGroups).find((e) => e.sku === 'BRG-CLASSIC')!.productPrice).toBe(15.5);
    const nyc = (
      await req('GET', `/o/op/2/menu/load/${SANDBOX_SEED.locations.newYork.menus.allDay}?businessLocationId=${NYC}`)
    ).json() as { menuEntryGroups: Entry[] };
    expect(flatten(nyc.menuEntryGroups).find((e) => e.sku === 'BRG-CLASSIC')).toMatchObject({
      productPrice: 17,
      taxIncludedInPrice: false,
      defaultTaxAmount: 1.51,
    });

    expect((await req('GET', `/o/op/2/menu/load/123?businessLocationId=${AMS}`)).statusCode).toBe(404);
    expect((await req('GET', `/o/op/1/menu/list`)).json()).toMatchObject({
      status: 400,
      message: "Required request parameter 'businessLocationId' for method parameter type Long is not present",
    });
  });

  it('serves profiles, floor plans, modifiers and discounts', async () => {
    const profiles = (await req('GET', `/o/op/data/account-profiles?businessLocationId=${AMS}`)).json() as {
      accountProfileList: { code: string }[];
    };
    expect(profiles.accountProfileList.map((p) => p.code)).toEqual(['DINEIN', 'TAKEAWAY', 'COLLECT', 'DELIVERY']);
    expect((await req('GET', `/o/op/data/${AMS}/account-profiles/tagcode/DELIVERY`)).json()).toMatchObject({
      deliveryMode: 'DELIVERY',
    });
    expect((await req('GET', `/o/op/data/${AMS}/account-profiles/tagcode/NOPE`)).statusCode).toBe(404);
    const plans = (await req('GET', `/o/op/data/${AMS}/floorplans`)).json() as { id: number; tables: unknown[] }[];
    expect(plans.map((p) => p.tables.length)).toEqual([8, 5]);
    expect((await req('GET', `/o/op/data/${AMS}/floorplans?expandTables=false`)).json()).toEqual(
      plans.map(({ id }, i) => ({ id, name: ['Main Room', 'Terrace'][i] })),
    );
    expect(((await req('GET', `/o/op/data/${AMS}/floorplans/${plans[1]!.id}/tables`)).json() as unknown[]).length).toBe(
      5,
    );
    const modifiers = (await req('GET', `/o/op/1/menu/modifiers?businessLocationId=${AMS}`)).json() as {
      productionInstructionList: { ikentooModifierId: number }[];
    }[];
    expect(modifiers[0]!.productionInstructionList[1]!.ikentooModifierId).toBe(
      SANDBOX_SEED.locations.amsterdam.modifiers['Medium rare'],
    );
    expect((await req('GET', `/o/op/1/menu/discounts?businessLocationId=${AMS}`)).json()).toContainEqual({
      name: 'Ten off',
      code: 'TEN_OFF',
      discountAmount: 10,
    });
    expect(
      (
        await req('POST', `/o/op/1/printMsg?businessLocationId=${AMS}`, {
          message: 'Allergy alert table 3',
          alsoToPrinter: true,
        })
      ).json(),
    ).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/__sandbox/printed-messages' })).json()).toMatchObject([
      { message: 'Allergy alert table 3', alsoToPrinter: true },
    ]);
  });

  it('lists only the asked SKUs that carry a restriction, paged; the rest are available', async () => {
    const skus = SANDBOX_SEED.allSkus;
    const restricted = skus.slice(0, 12);
    for (const [i, sku] of restricted.entries()) {
      const set = await app.inject({
        method: 'POST',
        url: '/__sandbox/availability',
        payload: { businessLocationId: AMS, sku, count: i },
      });
      expect(set.statusCode).toBe(200);
    }
    const page0 = (
      await req('GET', `/o/op/1/itemAvailability?businessLocationId=${AMS}&skus=${skus.join(',')}&size=10`)
    ).json() as { data: { sku: string; count: number }[]; metadata: Record<string, unknown> };
    expect(page0.data).toHaveLength(10);
    expect(page0.data[0]).toEqual({ sku: restricted[0], count: 0, updatedAt: expect.any(String) });
    expect(page0.metadata).toMatchObject({ total: 12, totalPages: 2, current: { page: 0, pageSize: 10 } });
    const page1 = (
      await req('GET', `/o/op/1/itemAvailability?businessLocationId=${AMS}&skus=${skus.join(',')}&size=10&page=1`)
    ).json() as { data: { sku: string }[] };
    expect(page1.data.map((d) => d.sku)).toEqual(restricted.slice(10));
    // Lifting a restriction takes the SKU off the list.
    await app.inject({
      method: 'POST',
      url: '/__sandbox/availability',
      payload: { businessLocationId: AMS, sku: restricted[0], count: null },
    });
    const lifted = (
      await req('POST', `/o/op/1/itemAvailability?businessLocationId=${AMS}&size=100`, {
        skus: [restricted[0], restricted[1], 'NOPE'],
      })
    ).json();
    expect(lifted).toEqual({
      data: [{ sku: restricted[1], count: 1, updatedAt: expect.any(String) }],
      metadata: { warnings: [], current: { page: 0, pageSize: 100 }, total: 1, totalPages: 1 },
    });
    const many = Array.from({ length: 51 }, (_, i) => `SKU-${i}`);
    expect(
      (await req('GET', `/o/op/1/itemAvailability?businessLocationId=${AMS}&skus=${many.join(',')}`)).statusCode,
    ).toBe(400);
    expect((await req('POST', `/o/op/1/itemAvailability?businessLocationId=${AMS}`, { skus: many })).statusCode).toBe(
      400,
    );
    expect(
      (await req('GET', `/o/op/1/itemAvailability?businessLocationId=${AMS}&skus=DR-COLA&size=51`)).statusCode,
    ).toBe(400);
    expect((await req('GET', `/o/op/1/itemAvailability?businessLocationId=${AMS}`)).statusCode).toBe(400);
  });

  it('lists, creates, updates and deletes items; a created SKU can be ordered', async () => {
    const hooks = new WebhookListener();
    const url = await hooks.start();
    try {
      const all = (await req('GET', `/items/v1/items?businessLocationId=${AMS}`)).json() as { sku: string }[];
      expect(all).toHaveLength(SANDBOX_SEED.allSkus.length);
      expect((await req('GET', `/items/v1/items?businessLocationId=${AMS}&offset=2&amount=3`)).json()).toHaveLength(3);
      expect((await req('GET', `/items/v1/items?businessLocationId=${AMS}&name=burger`)).json()).toHaveLength(2);
      expect((await req('GET', `/items/v1/items?businessLocationId=${AMS}&amount=1001`)).json()).toMatchObject({
        status: '400',
        apiSubExceptions: [{ field: 'amount' }],
      });

      const created = await req('POST', '/items/v1/items', {
        businessLocationId: AMS,
        name: 'Pumpkin Soup',
        sku: 'STR-PUMPKIN',
        defaultPrice: 7.25,
        accountingGroupId: SANDBOX_SEED.locations.amsterdam.accountingGroupIds.food,
      });
      expect(created.statusCode).toBe(201);
      const item = created.json() as { id: number; sku: string; prices: { amount: number }[] };
      expect(item).toMatchObject({ sku: 'STR-PUMPKIN', prices: [{ amount: 7.25 }], accountingGroup: { name: 'Food' } });
      expect(
        (
          await req('POST', '/items/v1/items', {
            businessLocationId: AMS,
            name: 'X',
            defaultPrice: 1,
            accountingGroupId: 1,
          })
        ).statusCode,
      ).toBe(404);
      expect((await req('POST', '/items/v1/items', { businessLocationId: AMS, defaultPrice: 1 })).json()).toMatchObject(
        { status: '400' },
      );

      const updated = await req('PUT', `/items/v1/items/${item.id}`, {
        businessLocationId: AMS,
        name: 'Pumpkin Soup (large)',
        sku: 'STR-PUMPKIN',
        defaultPrice: 8,
        accountingGroupId: SANDBOX_SEED.locations.amsterdam.accountingGroupIds.food,
      });
      expect(updated.json()).toMatchObject({ name: 'Pumpkin Soup (large)', prices: [{ amount: 8 }] });
      expect((await req('GET', `/items/v1/items/${item.id}?businessLocationId=${AMS}`)).json()).toMatchObject({
        name: 'Pumpkin Soup (large)',
      });

      const endpointId = await registerEndpoint(app, token, url);
      await req(
        'POST',
        '/o/op/1/order/local',
        localOrder(endpointId, 'NEW-SKU', { items: [{ sku: 'STR-PUMPKIN', quantity: 1 }] }),
      );
      const [success] = await hooks.waitFor(1);
      expect(success!.body.status).toBe('SUCCESS');

      expect((await req('DELETE', `/items/v1/items/${item.id}?businessLocationId=${AMS}`)).statusCode).toBe(204);
      expect((await req('GET', `/items/v1/items/${item.id}?businessLocationId=${AMS}`)).json()).toMatchObject({
        status: '404',
        message: 'Item not found',
      });
      await req(
        'POST',
        '/o/op/1/order/local',
        localOrder(endpointId, 'GONE-SKU', { items: [{ sku: 'STR-PUMPKIN', quantity: 1 }] }),
      );
      const [failure] = await hooks.waitFor(1, (w) => w.body.status === 'FAILURE');
      expect(failure!.body.reason).toBe('Item with SKU STR-PUMPKIN not found');
    } finally {
      await hooks.stop();
    }
  });

  it('serves rich items, locales and allergens', async () => {
    const business = SANDBOX_SEED.business.id;
    const allergens = (await req('GET', '/i/allergens')).json() as { code: string; translations: unknown[] }[];
    expect(allergens).toHaveLength(14);
    expect(allergens.find((a) => a.code === 'fish')!.translations).toContainEqual({ locale: 'en', text: 'Fish' });
    expect((await req('GET', `/i/locales/${business}`)).json()).toEqual(['en', 'nl']);
    expect((await req('PUT', `/i/locales/${business}`, ['en', 'nl', 'fr_BE'])).statusCode).toBe(200);
    expect((await req('GET', `/i/locales/${business}`)).json()).toEqual(['en', 'nl', 'fr_BE']);

    const page = await req('GET', `/i/richItem/${business}?page=0&size=5`);
    expect(page.headers['content-type']).toMatch(/application\/hal\+json/);
    expect((page.json() as { _embedded: { richItemDtoList: unknown[] } })._embedded.richItemDtoList).toHaveLength(5);
    expect((await req('GET', `/i/richItem/${business}/BRG-CLASSIC`)).json()).toMatchObject({
      sku: 'BRG-CLASSIC',
      allergenCodes: ['cereals', 'milk', 'mustard', 'sesame'],
    });
    expect((await req('GET', `/i/richItem/${business}/DR-WATER`)).statusCode).toBe(404);

    const put = await req('PUT', `/i/richItem/${business}/DR-WATER`, {
      businessId: business,
      sku: 'DR-WATER',
      allergenCodes: [],
      descriptions: [{ localeCode: 'en', displayName: 'Sparkling Water', description: 'Bubbles' }],
    });
    expect(put.statusCode).toBe(200);
    expect(
      (
        await req('PUT', `/i/richItem/${business}/DR-WATER`, {
          businessId: business,
          sku: 'DR-WATER',
          allergenCodes: ['plutonium'],
        })
      ).statusCode,
    ).toBe(400);
    const patched = await req('PATCH', `/i/richItem/${business}/DR-WATER`, {
      businessId: business,
      sku: 'DR-WATER',
      fileType: 'png',
      picture: 'iVBORw0KGgo=',
    });
    expect(patched.json()).toMatchObject({ sku: 'DR-WATER', pictureUrl: expect.stringMatching(/\.png$/) });
    const bySkus = await req('POST', `/i/richItem/${business}/itemsBySkus`, ['DR-WATER', 'STR-SOUP', 'NOPE']);
    expect(
      (bySkus.json() as { _embedded: { richItemDtoList: { sku: string }[] } })._embedded.richItemDtoList
        .map((r) => r.sku)
        .sort(),
    ).toEqual(['DR-WATER', 'STR-SOUP']);
    expect((await req('GET', `/i/richItem/${business}/pictureSpec`)).json()).toMatchObject({
      minWidth: 400,
      minHeight: 400,
    });
    expect((await req('DELETE', `/i/richItem/${business}/DR-WATER`)).statusCode).toBe(204);
    expect((await req('GET', `/i/richItem/${SANDBOX_SEED.secondBusiness.id}`)).statusCode).toBe(403);
  });

  it('creates, updates (resetting omitted flags), reads and deletes webhook endpoints and their location links', async () => {
    const body = {
      endpointId: 'EP-1',
      url: 'https://hooks.example/lightspeed',
      withBasicAuth: true,
      username: 'u',
      password: 'p',
      provideAccount: true,
      expandPayments: true,
    };
    const created = await req('PUT', '/o/wh/1/webhook', body);
    expect(created.json()).toEqual({
      endpointId: 'EP-1',
      url: body.url,
      withBasicAuth: true,
      username: 'u',
      provideAccount: true,
      expandTransactions: false,
      expandPayments: true,
      subscribeTo: [],
    });
    expect((await req('PUT', '/o/wh/1/webhook', body)).statusCode).toBe(409);
    const updated = await req('POST', '/o/wh/1/webhook', { endpointId: 'EP-1', url: 'https://hooks.example/v2' });
    expect(updated.json()).toMatchObject({
      url: 'https://hooks.example/v2',
      withBasicAuth: false,
      provideAccount: false,
      expandPayments: false,
    });
    expect((await req('POST', '/o/wh/1/webhook', { endpointId: 'EP-X', url: 'https://x.example' })).statusCode).toBe(
      404,
    );
    const invalid = await req('PUT', '/o/wh/1/webhook', { url: 'not a url' });
    expect(invalid.json()).toMatchObject({
      status: 400,
      errors: [{ field: 'endpointId', code: 'NotNull' }, { field: 'url' }],
    });

    expect((await req('PUT', `/o/wh/1/webhook/EP-1/business-locations/${AMS}`)).json()).toMatchObject({
      businessLocationId: AMS,
    });
    expect((await req('GET', '/o/wh/1/webhook/EP-1/business-locations')).json()).toMatchObject([
      { businessLocationId: AMS },
    ]);
    expect(
      (await req('PUT', `/o/wh/1/webhook/EP-1/business-locations/${SANDBOX_SEED.secondBusiness.location.id}`))
        .statusCode,
    ).toBe(403);
    expect((await req('DELETE', `/o/wh/1/webhook/EP-1/business-locations/${AMS}`)).statusCode).toBe(200);
    expect((await req('GET', '/o/wh/1/webhook/EP-1/business-locations')).json()).toEqual([]);
    expect((await req('GET', '/o/wh/1/webhook/EP-1')).statusCode).toBe(200);
    expect((await req('DELETE', '/o/wh/1/webhook/EP-1')).statusCode).toBe(200);
    expect((await req('GET', '/o/wh/1/webhook/EP-1')).json()).toMatchObject({
      status: 404,
      message: 'endpoint ID not found for EP-1',
    });
  });

  it('answers unknown routes with a Spring 404 and keeps endpoints private to their client', async () => {
    expect((await req('GET', '/o/op/9/nothing')).json()).toMatchObject({
      status: 404,
      error: 'Not Found',
      path: '/o/op/9/nothing',
    });
    await req('PUT', '/o/wh/1/webhook', { endpointId: 'MINE', url: 'https://a.example' });
    const otherClientApp = app.sandbox.issueTokens({
      businessId: SANDBOX_SEED.secondBusiness.id,
      scopes: ['orders-api'],
    });
    const seen = await app.inject({ url: '/o/wh/1/webhook/MINE', headers: bearer(otherClientApp.access_token) });
    expect(seen.statusCode).toBe(404);
  });
});
