// Contract test: every sandbox endpoint's responses (2xx and the documented error statuses) and
// every webhook it sends are validated against Lightspeed's published OpenAPI schemas, with
// objects closed so undeclared fields fail too. The last test checks that every documented
// operation in the five specs was exercised with a successful response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { webhookExamples } from '../helpers/openapi.js';
import { describeErrors, OpenApiContracts, SPEC_FILES, UNDECLARED_BUT_DOCUMENTED, type SpecName } from './openapi.js';
import { renderTable, writeReadmeBlock } from './spec-table.js';

const contracts = new OpenApiContracts();
/** Documented error answers the seeded sandbox cannot give, and why. */
const UNPRODUCIBLE_ERRORS: Record<string, string> = {
  'orders:GET /o/op/data/{businessLocationId}/floorplans 404':
    'answered only for a location without floor plans, and every seeded location has some',
};
const covered = new Set<string>();
/** Documented error answers the sandbox gave and the schema accepted, "spec:METHOD /path STATUS". */
const coveredErrors = new Set<string>();
const BUSINESS = SANDBOX_SEED.business.id;
const ams = SANDBOX_SEED.locations.amsterdam;

describe('sandbox responses and webhooks match the published OpenAPI schemas', () => {
  let app: SandboxInstance;
  let token: string;
  let hooks: WebhookListener;
  let endpointId: string;

  beforeAll(async () => {
    app = await makeSandbox();
    token = app.sandbox.issueTokens({ scopes: ['orders-api', 'financial-api', 'items'] }).access_token;
    hooks = new WebhookListener();
    endpointId = await registerEndpoint(app, token, await hooks.start(), {
      endpointId: 'CONTRACT',
      provideAccount: true,
      expandTransactions: true,
      expandPayments: true,
      subscribeTo: [
        { resource: 'order', name: 'DELIVERED' },
        { resource: 'item', name: 'SALES_RESTRICTION_UPDATED' },
        { resource: 'order_api', name: 'ONLINE_ORDER_READINESS' },
      ],
    });
    await app.inject({
      method: 'PUT',
      url: `/o/wh/1/webhook/CONTRACT/business-locations/${AMS}`,
      headers: bearer(token),
    });
  });
  afterAll(async () => {
    await app.close();
    await hooks.stop();
  });

  interface Check {
    payload?: unknown;
    status?: number;
    /** The list endpoint answers an array of the documented (single-object) schema. */
    arrayOf?: boolean;
  }

  const check = async (spec: SpecName, method: string, specPath: string, url: string, opts: Check = {}) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: bearer(token),
      ...(opts.payload !== undefined ? { payload: opts.payload as object } : {}),
    });
    const expected = opts.status ?? (method === 'POST' && specPath === '/items/v1/items' ? 201 : 200);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(expected);
    const schema = contracts.responseSchema(spec, method, specPath, res.statusCode);
    if (schema === null) throw new Error(`${method} ${specPath} does not document status ${res.statusCode}`);
    if (schema === undefined && res.statusCode < 300) {
      expect(res.body, `${method} ${url} documents no body`).toBe('');
    } else if (schema === undefined) {
      // An error status documented without a body: the status is the contract; K-Series' body
      // there is Spring's (FACTS.md), which the client reads only for its message.
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
    } else {
      const validate = contracts.validator(spec, `${method} ${specPath} ${res.statusCode}`, schema, {});
      const body = res.json() as unknown;
      const values = opts.arrayOf ? (body as unknown[]) : [body];
      if (opts.arrayOf)
        expect(Array.isArray(body) && body.length > 0, `${url} should answer a non-empty array`).toBe(true);
      for (const value of values)
        expect(
          validate(value),
          `${method} ${url}\n${describeErrors(validate)}\n${JSON.stringify(value).slice(0, 500)}`,
        ).toBe(true);
    }
    if (res.statusCode < 300) covered.add(`${spec}:${method} ${specPath}`);
    else coveredErrors.add(`${spec}:${method} ${specPath} ${res.statusCode}`);
    return res;
  };

  it('businesses, profiles, floor plans, menus, modifiers, discounts', async () => {
    await check('orders', 'GET', '/o/op/data/businesses', '/o/op/data/businesses');
    await check(
      'orders',
      'GET',
      '/o/op/data/account-profiles',
      `/o/op/data/account-profiles?businessLocationId=${AMS}`,
    );
    await check(
      'orders',
      'GET',
      '/o/op/data/{businessLocationId}/account-profiles/tagcode/{tagCode}',
      `/o/op/data/${AMS}/account-profiles/tagcode/TAKEAWAY`,
    );
    for (const bl of [AMS, NYC]) {
      await check('orders', 'GET', '/o/op/data/{businessLocationId}/floorplans', `/o/op/data/${bl}/floorplans`);
      await check(
        'orders',
        'GET',
        '/o/op/data/{businessLocationId}/floorplans',
        `/o/op/data/${bl}/floorplans?expandTables=false`,
      );
    }
    await check(
      'orders',
      'GET',
      '/o/op/data/{businessLocationId}/floorplans/{floorPlanId}/tables',
      `/o/op/data/${AMS}/floorplans/${ams.floorPlans[0]!.id}/tables`,
    );
    await check('orders', 'GET', '/o/op/1/menu/list', `/o/op/1/menu/list?businessLocationId=${AMS}`);
    for (const [bl, menus] of [
      [AMS, ams.menus],
      [NYC, SANDBOX_SEED.locations.newYork.menus],
    ] as const) {
      for (const menuId of Object.values(menus)) {
        for (const query of ['', '&richContent=true', '&richContent=true&accountProfile=DELIVERY']) {
          await check(
            'orders',
            'GET',
            '/o/op/1/menu/load/{menuId}',
            `/o/op/1/menu/load/${menuId}?businessLocationId=${bl}${query}`,
          );
          await check(
            'orders',
            'GET',
            '/o/op/2/menu/load/{menuId}',
            `/o/op/2/menu/load/${menuId}?businessLocationId=${bl}${query}`,
          );
        }
      }
    }
    for (const version of [1, 2]) {
      await app.inject({
        method: 'POST',
        url: '/__sandbox/faults/status',
        payload: { status: 503, pathPrefix: `/o/op/${version}/menu/load` },
      });
      await check(
        'orders',
        'GET',
        `/o/op/${version}/menu/load/{menuId}`,
        `/o/op/${version}/menu/load/${ams.menus.allDay}?businessLocationId=${AMS}`,
        { status: 503 },
      );
    }
    await check('orders', 'GET', '/o/op/1/menu/modifiers', `/o/op/1/menu/modifiers?businessLocationId=${AMS}`);
    await check('orders', 'GET', '/o/op/1/menu/discounts', `/o/op/1/menu/discounts?businessLocationId=${AMS}`);
    await check('orders', 'POST', '/o/op/1/printMsg', `/o/op/1/printMsg?businessLocationId=${AMS}`, {
      payload: { message: 'Hello kitchen', alsoToPrinter: true },
    });
  });

  it('item availability and readiness, including their 400s', async () => {
    await app.inject({
      method: 'POST',
      url: '/__sandbox/availability',
      payload: { businessLocationId: AMS, sku: 'DR-BEER', count: 3 },
    });
    await app.inject({
      method: 'POST',
      url: '/__sandbox/availability',
      payload: { businessLocationId: AMS, sku: 'DR-BEER', count: null },
    });
    await app.inject({
      method: 'POST',
      url: '/__sandbox/availability',
      payload: { businessLocationId: AMS, sku: 'DR-WINE', count: 0 },
    });
    await check(
      'orders',
      'GET',
      '/o/op/1/itemAvailability',
      `/o/op/1/itemAvailability?businessLocationId=${AMS}&skus=DR-WINE,DR-COLA,NOPE&size=2`,
    );
    await check('orders', 'GET', '/o/op/1/itemAvailability', `/o/op/1/itemAvailability?skus=DR-WINE`, { status: 400 });
    await check('orders', 'POST', '/o/op/1/itemAvailability', `/o/op/1/itemAvailability?businessLocationId=${AMS}`, {
      payload: { skus: ['DR-WINE', 'DR-BEER'] },
    });
    await check('orders', 'POST', '/o/op/1/itemAvailability', `/o/op/1/itemAvailability?businessLocationId=${AMS}`, {
      payload: { skus: [] },
      status: 400,
    });
    await check(
      'orders',
      'GET',
      '/o/op/1/onlineOrderReadiness',
      `/o/op/1/onlineOrderReadiness?businessLocationId=${AMS}`,
    );
    await app.inject({
      method: 'POST',
      url: '/__sandbox/readiness',
      payload: { businessLocationId: AMS, status: 'NOT_READY' },
    });
    await check(
      'orders',
      'GET',
      '/o/op/1/onlineOrderReadiness',
      `/o/op/1/onlineOrderReadiness?businessLocationId=${AMS}`,
    );
    await app.inject({
      method: 'POST',
      url: '/__sandbox/readiness',
      payload: { businessLocationId: AMS, status: 'READY' },
    });
    await check('orders', 'GET', '/o/op/1/onlineOrderReadiness', '/o/op/1/onlineOrderReadiness', { status: 400 });
  });

  it('orders, checks and payments, including 400 / 404 / 409', async () => {
    await check('orders', 'POST', '/o/op/1/order/local', '/o/op/1/order/local', {
      payload: localOrder(endpointId, 'C-LOCAL-1'),
    });
    await check('orders', 'POST', '/o/op/1/order/local', '/o/op/1/order/local', {
      payload: localOrder(endpointId, 'C-LOCAL-1'),
      status: 409,
    });
    await check('orders', 'POST', '/o/op/1/order/local', '/o/op/1/order/local', {
      payload: { businessLocationId: AMS },
      status: 400,
    });
    const toGo = {
      ...localOrder(endpointId, 'C-TOGO-1'),
      tableNumber: undefined,
      accountProfileCode: 'DELIVERY',
      deliveryAddress: { addressLine1: 'Dam 1', zip: '1012 JS', city: 'Amsterdam' },
    };
    await check('orders', 'POST', '/o/op/1/order/toGo', '/o/op/1/order/toGo', { payload: toGo });
    await check('orders', 'POST', '/o/op/1/order/toGo', '/o/op/1/order/toGo', { payload: toGo, status: 409 });
    await check('orders', 'POST', '/o/op/1/order/toGo', '/o/op/1/order/toGo', {
      payload: { thirdPartyReference: '' },
      status: 400,
    });
    await check('orders', 'POST', '/o/op/1/order/toGo', '/o/op/1/order/toGo', {
      payload: { ...toGo, thirdPartyReference: 'C-FAIL-1', items: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] },
    });
    const successes = await hooks.waitFor(2, (w) => w.body.status === 'SUCCESS');
    const local = successes.find((w) => w.body.thirdPartyReference === 'C-LOCAL-1')!.body
      .ikentooAccountIdentifier as string;
    const delivery = successes.find((w) => w.body.thirdPartyReference === 'C-TOGO-1')!.body
      .ikentooAccountIdentifier as string;

    await check(
      'orders',
      'GET',
      '/o/op/1/order/table/getCheck',
      `/o/op/1/order/table/getCheck?businessLocationId=${AMS}`,
    );
    await check('orders', 'GET', '/o/op/1/order/table/getCheck', '/o/op/1/order/table/getCheck', { status: 400 });
    await check(
      'orders',
      'GET',
      '/o/op/1/order/table/{tableNumber}/getCheck',
      `/o/op/1/order/table/3/getCheck?businessLocationId=${AMS}`,
    );
    await check(
      'orders',
      'GET',
      '/o/op/1/order/table/{tableNumber}/getCheck',
      `/o/op/1/order/table/7/getCheck?businessLocationId=${AMS}`,
      { status: 404 },
    );
    await check(
      'orders',
      'GET',
      '/o/op/1/order/accounts/{accountIdentifier}',
      `/o/op/1/order/accounts/${local}?businessLocationId=${AMS}`,
    );
    await check(
      'orders',
      'GET',
      '/o/op/1/order/accounts/{accountIdentifier}',
      `/o/op/1/order/accounts/-1?businessLocationId=${AMS}`,
      { status: 400 },
    );
    await check(
      'orders',
      'GET',
      '/o/op/1/order/accounts/{accountIdentifier}',
      `/o/op/1/order/accounts/A17700.999?businessLocationId=${AMS}`,
      { status: 404 },
    );

    const pay = (ref: string, extra: Record<string, unknown> = {}) => ({
      businessLocationId: AMS,
      endpointId,
      iKaccountIdentifier: local,
      paymentMethod: 'OOPAYMENT',
      paymentAmount: 10,
      thirdPartyPaymentReference: ref,
      tipAmount: 1,
      ...extra,
    });
    await check('orders', 'POST', '/o/op/1/pay', '/o/op/1/pay', { payload: pay('C-PAY-1') });
    await check('orders', 'POST', '/o/op/1/pay', '/o/op/1/pay', { payload: pay('C-PAY-1'), status: 400 });
    await check('orders', 'POST', '/o/op/1/pay', '/o/op/1/pay', { payload: { businessLocationId: AMS }, status: 400 });
    await check('orders', 'POST', '/o/op/1/pay', '/o/op/1/pay', { payload: pay('C-PAY-2', { paymentAmount: 17 }) });
    await check('orders', 'POST', '/o/op/1/pay', '/o/op/1/pay', {
      payload: pay('C-PAY-3', { paymentAmount: 500, iKaccountIdentifier: delivery }),
    });
    await check('orders', 'POST', '/o/op/1/pay', '/o/op/1/pay', {
      payload: pay('C-PAY-4', { iKaccountIdentifier: 'A17700.999' }),
    });
    await hooks.waitFor(1, (w) => w.body.status === 'CLOSED');
    await app.inject({ method: 'POST', url: '/__sandbox/orders/C-TOGO-1/status', payload: { status: 'IN_DELIVERY' } });
    await app.inject({
      method: 'POST',
      url: '/__sandbox/orders/C-TOGO-1/status',
      payload: { status: 'READY_FOR_PICKUP' },
    });
    await app.inject({ method: 'POST', url: '/__sandbox/orders/C-TOGO-1/status', payload: { status: 'CANCELLED' } });
    // A payment while the POS is closed times out.
    await check('orders', 'POST', '/o/op/1/order/local', '/o/op/1/order/local', {
      payload: localOrder(endpointId, 'C-LOCAL-2', { tableNumber: '5' }),
    });
    const [third] = await hooks.waitFor(1, (w) => w.body.thirdPartyReference === 'C-LOCAL-2');
    await app.inject({
      method: 'POST',
      url: '/__sandbox/readiness',
      payload: { businessLocationId: AMS, status: 'NOT_READY' },
    });
    await check('orders', 'POST', '/o/op/1/pay', '/o/op/1/pay', {
      payload: pay('C-PAY-5', { iKaccountIdentifier: third!.body.ikentooAccountIdentifier }),
    });
    expect(await app.sandbox.idle()).toBe(true);
    await app.inject({
      method: 'POST',
      url: '/__sandbox/readiness',
      payload: { businessLocationId: AMS, status: 'READY' },
    });
  });

  it('webhook endpoints and location links', async () => {
    const body = {
      endpointId: 'C-EP',
      url: 'https://hooks.example/k',
      withBasicAuth: true,
      username: 'u',
      password: 'p',
      subscribeTo: [{ resource: 'order', name: 'DELIVERED' }],
    };
    await check('webhooks', 'PUT', '/o/wh/1/webhook', '/o/wh/1/webhook', { payload: body });
    await check('webhooks', 'PUT', '/o/wh/1/webhook', '/o/wh/1/webhook', {
      payload: { url: 'https://x.example' },
      status: 400,
    });
    await check('webhooks', 'POST', '/o/wh/1/webhook', '/o/wh/1/webhook', {
      payload: { endpointId: 'C-EP', url: 'https://hooks.example/k2' },
    });
    await check('webhooks', 'POST', '/o/wh/1/webhook', '/o/wh/1/webhook', {
      payload: { endpointId: 'C-EP' },
      status: 400,
    });
    await check('webhooks', 'GET', '/o/wh/1/webhook/{endpointId}', '/o/wh/1/webhook/C-EP');
    await check('webhooks', 'GET', '/o/wh/1/webhook/{endpointId}', '/o/wh/1/webhook/MISSING', { status: 404 });
    const link = '/o/wh/1/webhook/{endpointId}/business-locations/{businessLocationId}';
    await check('webhooks', 'PUT', link, `/o/wh/1/webhook/C-EP/business-locations/${AMS}`);
    await check('webhooks', 'PUT', link, `/o/wh/1/webhook/C-EP/business-locations/${NYC}`);
    await check(
      'webhooks',
      'GET',
      '/o/wh/1/webhook/{endpointId}/business-locations',
      '/o/wh/1/webhook/C-EP/business-locations',
    );
    await check('webhooks', 'DELETE', link, `/o/wh/1/webhook/C-EP/business-locations/${NYC}`);
    await check(
      'webhooks',
      'GET',
      '/o/wh/1/webhook/{endpointId}/business-locations',
      '/o/wh/1/webhook/NONE/business-locations',
      {
        status: 404,
      },
    );
    await check('webhooks', 'PUT', link, `/o/wh/1/webhook/NONE/business-locations/${AMS}`, { status: 404 });
    await check('webhooks', 'DELETE', link, `/o/wh/1/webhook/NONE/business-locations/${AMS}`, { status: 404 });
    await check('webhooks', 'DELETE', '/o/wh/1/webhook/{endpointId}', '/o/wh/1/webhook/C-EP');
  });

  it('financial API', async () => {
    await app.inject({
      method: 'POST',
      url: '/__sandbox/sales/generate',
      payload: { businessLocationId: AMS, count: 30, from: '2025-01-10T06:00:00Z', to: '2025-01-10T20:00:00Z' },
    });
    await app.inject({
      method: 'POST',
      url: '/__sandbox/sales/generate',
      payload: { businessLocationId: NYC, count: 5, from: '2025-01-10T12:00:00Z', to: '2025-01-10T20:00:00Z' },
    });
    await check('financial', 'GET', '/f/data/businesses', '/f/data/businesses?page=0&size=10');
    for (const bl of [AMS, NYC]) {
      await check('financial', 'GET', '/f/finance/{businessLocationId}/tax-rates', `/f/finance/${bl}/tax-rates`);
      await check(
        'financial',
        'GET',
        '/f/finance/{businessLocationId}/paymentMethods',
        `/f/finance/${bl}/paymentMethods`,
      );
      await check(
        'financial',
        'GET',
        '/f/finance/{businessLocationId}/accountingGroups',
        `/f/finance/${bl}/accountingGroups`,
      );
    }
    const all = 'staff,table,consumer,payments,revenue_center,account_profile,payment_authorization';
    const financials = '/f/finance/{businessLocationId}/financials/{from}/{to}';
    const first = await check(
      'financial',
      'GET',
      financials,
      `/f/finance/${AMS}/financials/2025-01-01T00:00:00Z/2025-02-01T00:00:00+01:00?include=${all}&pageSize=20`,
    );
    const next = new URL((first.json() as { _links: { nextPage: { href: string } } })._links.nextPage.href);
    await check('financial', 'GET', financials, `${next.pathname}${next.search}`);
    await check(
      'financial',
      'GET',
      financials,
      `/f/finance/${NYC}/financials/2025-01-01T00:00:00-05:00/2025-02-01T00:00:00-05:00`,
    );
    // The orders paid in the tests above, with their TASK:OO external references.
    const today = `${new Date(Date.now() - 86_400_000).toISOString()}/${new Date(Date.now() + 86_400_000).toISOString()}`;
    const recent = await check('financial', 'GET', financials, `/f/finance/${AMS}/financials/${today}?include=${all}`);
    expect((recent.json() as { sales: unknown[] }).sales).toHaveLength(1);
    await check(
      'financial',
      'GET',
      '/f/finance/{businessLocationId}/dailyFinancials',
      `/f/finance/${AMS}/dailyFinancials?date=2025-01-10&include=${all}&includeConsumers=true`,
    );
    await check(
      'financial',
      'GET',
      '/f/finance/{businessLocationId}/dailyFinancials',
      `/f/finance/${AMS}/dailyFinancials`,
    );
    await check(
      'financial',
      'GET',
      '/f/finance/{businessLocationId}/saleByExternalReference',
      `/f/finance/${AMS}/saleByExternalReference?externalReferenceId=TASK:OO-${AMS}-C-LOCAL-1`,
    );
    await check(
      'financial',
      'GET',
      '/f/finance/{businessLocationId}/aggregatedSales',
      `/f/finance/${AMS}/aggregatedSales?date=2025-01-10&groupBy=staff,device,accountingGroup`,
    );
    await check(
      'financial',
      'GET',
      '/f/finance/{businessLocationId}/aggregatedSales',
      `/f/finance/${AMS}/aggregatedSales?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z&groupBy=tag`,
    );
    await check(
      'financial',
      'GET',
      '/f/finance/{businessLocationId}/accountingGroups',
      '/f/finance/x/accountingGroups',
      {
        status: 400,
      },
    );
    await check(
      'financial',
      'GET',
      financials,
      `/f/finance/${AMS}/financials/2023-01-01T00:00:00Z/2025-02-01T00:00:00Z`,
      { status: 400 },
    );
    await check(
      'financial',
      'GET',
      '/f/finance/{businessLocationId}/aggregatedSales',
      `/f/finance/${AMS}/aggregatedSales?date=2025-01-10`,
      {
        status: 400,
      },
    );
  });

  it('items API', async () => {
    await check('items', 'GET', '/items/v1/items', `/items/v1/items?businessLocationId=${AMS}`, { arrayOf: true });
    await check('items', 'GET', '/items/v1/items', `/items/v1/items?businessLocationId=${AMS}&amount=5000`, {
      status: 400,
    });
    await check('items', 'GET', '/items/v1/items', `/items/v1/items?businessLocationId=${AMS}&accountingGroupId=1`, {
      status: 404,
    });
    const created = await check('items', 'POST', '/items/v1/items', '/items/v1/items', {
      payload: {
        businessLocationId: AMS,
        name: 'Espresso',
        sku: 'DR-ESPRESSO',
        defaultPrice: 2.6,
        accountingGroupId: ams.accountingGroupIds.drinks,
        barcode: '8712345678906',
        costPrice: 0.3,
      },
    });
    await check('items', 'POST', '/items/v1/items', '/items/v1/items', {
      payload: { businessLocationId: AMS, name: 'X', defaultPrice: 1, accountingGroupId: 99 },
      status: 404,
    });
    const id = (created.json() as { id: number }).id;
    await check('items', 'GET', '/items/v1/items/{id}', `/items/v1/items/${id}?businessLocationId=${AMS}`);
    await check('items', 'GET', '/items/v1/items/{id}', `/items/v1/items/1?businessLocationId=${AMS}`, { status: 404 });
    await check('items', 'PUT', '/items/v1/items/{id}', `/items/v1/items/${id}`, {
      payload: {
        businessLocationId: AMS,
        name: 'Double Espresso',
        sku: 'DR-ESPRESSO',
        defaultPrice: 3.4,
        accountingGroupId: ams.accountingGroupIds.drinks,
        priceMode: 'AMOUNT',
      },
    });
    await check('items', 'PUT', '/items/v1/items/{id}', `/items/v1/items/${id}`, {
      payload: { businessLocationId: AMS, name: 'No sku' },
      status: 400,
    });
  });

  it('rich items, locales and allergens', async () => {
    await check('rich', 'GET', '/i/allergens', '/i/allergens');
    await check('rich', 'GET', '/i/locales/{businessId}', `/i/locales/${BUSINESS}`);
    await check('rich', 'PUT', '/i/locales/{businessId}', `/i/locales/${BUSINESS}`, { payload: ['en', 'nl', 'de'] });
    await check('rich', 'GET', '/i/richItem/{businessId}', `/i/richItem/${BUSINESS}?page=0&size=50&sort=sku`);
    await check('rich', 'GET', '/i/richItem/{businessId}/{sku}', `/i/richItem/${BUSINESS}/DR-WINE`);
    await check('rich', 'GET', '/i/richItem/{businessId}/{sku}', `/i/richItem/${BUSINESS}/NOPE`, { status: 404 });
    await check('rich', 'PUT', '/i/richItem/{businessId}/{sku}', `/i/richItem/${BUSINESS}/DR-WATER`, {
      payload: {
        businessId: BUSINESS,
        sku: 'DR-WATER',
        allergenCodes: [],
        descriptions: [{ localeCode: 'en', displayName: 'Water', description: 'Still or sparkling' }],
      },
    });
    await check('rich', 'PATCH', '/i/richItem/{businessId}/{sku}', `/i/richItem/${BUSINESS}/DR-WATER`, {
      payload: { businessId: BUSINESS, sku: 'DR-WATER', fileType: 'png', picture: 'iVBORw0KGgo=' },
    });
    await check('rich', 'POST', '/i/richItem/{businessId}/itemsBySkus', `/i/richItem/${BUSINESS}/itemsBySkus`, {
      payload: ['DR-WATER', 'BRG-CLASSIC'],
    });
    await check('rich', 'GET', '/i/richItem/{businessId}/pictureSpec', `/i/richItem/${BUSINESS}/pictureSpec`);
    await check('rich', 'DELETE', '/i/richItem/{businessId}/{sku}', `/i/richItem/${BUSINESS}/DR-WATER`, {
      status: 204,
    });
  });

  it('every webhook sent matches the order-and-pay webhook schemas', async () => {
    expect(await app.sandbox.idle()).toBe(true);
    const sent = (await app.inject({ url: '/__sandbox/webhooks' })).json() as {
      payload: Record<string, unknown>;
      deliveryStatus: string;
    }[];
    expect(sent.every((w) => w.deliveryStatus === 'delivered')).toBe(true);
    expect(hooks.received.length).toBe(sent.length);
    const seen = new Set<string>();
    for (const { body } of hooks.received) {
      const name =
        body.type === 'PAYMENT'
          ? 'apePayment notification'
          : body.type === 'ITEM'
            ? 'apeItem availability notification'
            : body.type === 'ORDER_API'
              ? 'apeOnline Ordering API Readiness notification'
              : 'apeOrder notification';
      const validate = contracts.validator('orders', `webhook ${name}`, contracts.webhookSchema(name), {
        extraProps: UNDECLARED_BUT_DOCUMENTED[name] ?? [],
      });
      expect(validate(body), `${name}\n${describeErrors(validate)}\n${JSON.stringify(body)}`).toBe(true);
      const failure = body.errors ? Object.keys(body.errors as object)[0] : '';
      seen.add(`${String(body.type ?? 'ORDER')}:${String(body.status)}${failure ? `:${failure}` : ''}`);
    }
    expect([...seen].sort()).toEqual([
      'ITEM:NOT_RESTRICTED',
      'ITEM:RESTRICTED',
      'ORDER:CANCELLED',
      'ORDER:CLOSED',
      'ORDER:FAILURE',
      'ORDER:IN_DELIVERY',
      'ORDER:READY_FOR_PICKUP',
      'ORDER:SUCCESS',
      'ORDER_API:NOT_READY',
      'ORDER_API:READY',
      'PAYMENT:FAILURE:account',
      'PAYMENT:FAILURE:timeout',
      'PAYMENT:SUCCESS',
    ]);
  });

  it('uses a validator that rejects what the schemas forbid (so passing means something)', () => {
    const name = 'apeOrder notification';
    const order = contracts.validator('orders', `webhook ${name}`, contracts.webhookSchema(name), {
      extraProps: UNDECLARED_BUT_DOCUMENTED[name] ?? [],
    });
    expect(order({ status: 'SUCCESS', type: 'ORDER', thirdPartyReference: 'R', ikentooAccountId: 1 })).toBe(true);
    expect(order({ status: 'DONE' })).toBe(false);
    expect(order({ status: 'SUCCESS', thirdPartyRef: 'R' })).toBe(false);
    // Lightspeed's own examples send account amounts as strings ('4.00'); the schema says number.
    expect(order({ status: 'CLOSED', account: { paidAmount: '4.00' } })).toBe(false);
    expect(
      order({ status: 'CLOSED', account: { paidAmount: 4, salesEntries: [{ itemSku: '21', grossUnitAmount: 4 }] } }),
    ).toBe(false);
    const menuSchema = contracts.responseSchema('orders', 'GET', '/o/op/2/menu/load/{menuId}', 200)!;
    const menu = contracts.validator('orders', 'GET /o/op/2/menu/load/{menuId} 200', menuSchema);
    const group = (entry: object) => ({ menuEntryGroups: [{ '@type': 'group', menuEntry: [entry] }] });
    expect(menu(group({ '@type': 'menuItem', sku: 'A', productPrice: 1 }))).toBe(true);
    expect(menu(group({ '@type': 'menuItem', sku: 'A', productPrice: 'free' }))).toBe(false);
    expect(menu(group({ '@type': 'menuItem', sku: 'A', produktName: 'typo' }))).toBe(false);
    expect(menu(group({ '@type': 'menuThing', sku: 'A' }))).toBe(false);
  });

  it('exercised every documented error answer of the five specs, each valid against its schema', () => {
    const missing = (Object.keys(SPEC_FILES) as SpecName[]).flatMap((spec) =>
      contracts
        .errorResponses(spec)
        .map((e) => `${spec}:${e}`)
        .filter((e) => !coveredErrors.has(e)),
    );
    expect(missing).toEqual(Object.keys(UNPRODUCIBLE_ERRORS));
  });

  it('writes the coverage table of src/sandbox/README.md from what this run validated', () => {
    const examples = webhookExamples();
    const invalid = examples
      .filter(
        ({ webhook, value }) =>
          !contracts.validator('orders', `webhook ${webhook}`, contracts.webhookSchema(webhook), {
            extraProps: UNDECLARED_BUT_DOCUMENTED[webhook] ?? [],
          })(value),
      )
      .map(({ webhook, name }) => `${webhook} / ${name}`);
    const valid = examples.length - invalid.length;
    const { block, counts } = renderTable({
      contracts,
      specs: Object.keys(SPEC_FILES) as SpecName[],
      success: covered,
      errors: coveredErrors,
      webhookExamples: { valid, total: examples.length, invalid },
    });
    console.log('spec coverage', counts);
    // Rewritten when stale, and the run fails once so the new table gets committed.
    expect(writeReadmeBlock(block), 'src/sandbox/README.md coverage table was stale: rewritten, commit it').toBe(false);
  });

  it('exercised every documented operation of the five specs with a successful response', () => {
    const missing = (Object.keys(SPEC_FILES) as SpecName[]).flatMap((spec) =>
      contracts
        .operations(spec)
        .map((op) => `${spec}:${op}`)
        .filter((op) => !covered.has(op)),
    );
    expect(missing).toEqual([]);
  });
});
