// Contract: every client method against the sandbox, every request it sends checked against
// Lightspeed's published OpenAPI (operation exists, required query parameters present, JSON body
// valid against the request schema with ajv), and every documented operation exercised.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleExternalReference, type KSeriesClient } from '../../src/integrations/lightspeed/client/index.js';
import { closeRedis, createRedis } from '../../src/lib/redis.js';
import { clearRedisPrefix } from '../helpers/context.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import {
  createSandboxTokenProvider,
  createTestClient,
  SANDBOX_SEED,
  startSandbox,
  type RunningSandbox,
} from '../helpers/kseries-sandbox.js';
import { loadSpecs, type SpecOperation } from '../helpers/kseries-openapi.js';
import { describeErrors, OpenApiContracts, SPEC_FILES, type SpecName } from '../sandbox/openapi.js';

interface Sent {
  method: string;
  path: string;
  body: string | undefined;
}

const AMS = SANDBOX_SEED.locations.amsterdam;
const BUSINESS = SANDBOX_SEED.business.id;
const conn = 'conn-contract';
const prefix = `test:contract:${randomBytes(4).toString('hex')}`;
const sent: Sent[] = [];
let sandbox: RunningSandbox;
let redis: Redis;
let client: KSeriesClient;
const specs = loadSpecs();
const contracts = new OpenApiContracts();
const specName = (file: string) =>
  (Object.entries(SPEC_FILES) as [SpecName, string][]).find(([, f]) => f === file)?.[0];

/** Records what the client puts on the wire, then sends it. */
function recordingDispatcher(): Dispatcher {
  const agent = new Agent();
  const proxy = Object.create(agent) as Dispatcher;
  proxy.request = ((options: Dispatcher.RequestOptions) => {
    sent.push({
      method: String(options.method),
      path: String(options.path),
      body: typeof options.body === 'string' ? options.body : undefined,
    });
    return agent.request(options);
  }) as Dispatcher['request'];
  proxy.close = (() => agent.close()) as Dispatcher['close'];
  return proxy;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  redis = createRedis(TEST_REDIS_URL);
  ({ client } = createTestClient({
    tokens: createSandboxTokenProvider(sandbox.url),
    redis,
    prefix,
    dispatcher: recordingDispatcher(),
  }));
  await exerciseEveryEndpoint();
}, 60_000);

afterAll(async () => {
  await client.close();
  await closeRedis(redis);
  await clearRedisPrefix(TEST_REDIS_URL, prefix);
  await sandbox.close();
});

const results = new Map<string, unknown>();

/** Calls every client method once (a few twice), keeping what later steps need. */
async function exerciseEveryEndpoint(): Promise<void> {
  const c = client;
  const bl = AMS.id;
  const r = async <T>(name: string, p: Promise<T>) => {
    const v = await p;
    results.set(name, v);
    return v;
  };
  await r('businesses', c.getBusinesses(conn));
  await r('financialBusinesses', c.getFinancialBusinesses(conn, { page: 0, size: 50 }));
  const plans = await r('floorPlans', c.getFloorPlans(conn, bl, { expandTables: true }));
  await r('tables', c.getFloorPlanTables(conn, bl, plans[0]!.id));
  await r('profiles', c.getAccountProfiles(conn, bl));
  await r('profile', c.getAccountProfile(conn, bl, SANDBOX_SEED.orderProfiles.takeaway));
  await r('menus', c.getMenus(conn, bl));
  await r('menuV2', c.loadMenu(conn, bl, AMS.menus.allDay, { richContent: true, accountProfile: 'TAKEAWAY' }));
  await r('menuV1', c.loadMenuV1(conn, bl, AMS.menus.lunch));
  await r('modifiers', c.getModifiers(conn, bl));
  await r('discounts', c.getDiscounts(conn, bl));
  await sandbox.control('POST', '/availability', { businessLocationId: bl, sku: SANDBOX_SEED.skus.salmon, count: 0 });
  await r(
    'availabilityGet',
    c.getItemAvailability(conn, bl, [SANDBOX_SEED.skus.salmon, SANDBOX_SEED.skus.cola], { page: 0, size: 50 }),
  );
  await r('availabilityPost', c.postItemAvailability(conn, bl, [SANDBOX_SEED.skus.salmon], { page: 0, size: 100 }));
  await r('availabilityAll', c.getAllItemAvailability(conn, bl, SANDBOX_SEED.allSkus));
  await r('readiness', c.getOnlineOrderReadiness(conn, bl));

  const endpointId = `contract-${randomBytes(6).toString('hex')}`;
  const registration = {
    endpointId,
    url: 'http://127.0.0.1:9/webhook/lightspeed',
    withBasicAuth: true,
    username: 'lightspeed',
    password: 'contract-password',
    provideAccount: true,
    expandTransactions: true,
    expandPayments: true,
    subscribeTo: [
      { resource: 'order' as const, name: 'order' },
      { resource: 'payment' as const, name: 'payment' },
      { resource: 'item' as const, name: 'item' },
    ],
  };
  await r('webhookCreate', c.createWebhookEndpoint(conn, registration));
  await r(
    'webhookUpdate',
    c.updateWebhookEndpoint(conn, {
      ...registration,
      subscribeTo: [...registration.subscribeTo, { resource: 'order_api', name: 'order_api' }],
    }),
  );
  await r('webhookGet', c.getWebhookEndpoint(conn, endpointId));
  await r('webhookLink', c.linkWebhookLocation(conn, endpointId, bl));
  await r('webhookLinks', c.getWebhookLocations(conn, endpointId));

  const ref = `contract-${randomBytes(6).toString('hex')}`;
  await r(
    'localOrder',
    c.createLocalOrder(conn, {
      businessLocationId: bl,
      thirdPartyReference: ref,
      endpointId,
      tableNumber: '4',
      clientCount: 2,
      customerInfo: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', emailNotification: 'DISABLE' },
      accountProfileCode: SANDBOX_SEED.orderProfiles.dineIn,
      orderNote: 'window seat',
      maxTimeToAttemptOrderDeliverToPos: 120_000,
      items: [
        {
          sku: SANDBOX_SEED.skus.classicBurger,
          quantity: 1,
          course: 1,
          modifiers: [{ modifierId: AMS.modifiers['Medium rare'] ?? 0 }],
        },
        { sku: SANDBOX_SEED.skus.cola, quantity: 2 },
      ],
    }),
  );
  await r(
    'toGoOrder',
    c.createToGoOrder(conn, {
      businessLocationId: bl,
      thirdPartyReference: `${ref}-togo`,
      endpointId,
      customerInfo: { firstName: 'Grace' },
      accountProfileCode: SANDBOX_SEED.orderProfiles.delivery,
      deliveryAddress: { addressLine1: 'Damrak 1', zip: '1012 LG', city: 'Amsterdam' },
      scheduledTimeForOrderAsIso8601: new Date(Date.now() + 3_600_000).toISOString(),
      items: [{ sku: SANDBOX_SEED.skus.tiramisu, quantity: 1 }],
      payment: { paymentMethod: SANDBOX_SEED.paymentMethods.online, paymentAmount: 7.5 },
    }),
  );
  await sandbox.app.sandbox.idle();
  const orders = await sandbox.control<{ thirdPartyReference: string; accountIdentifier?: string }[]>('GET', '/orders');
  const account = orders.find((o) => o.thirdPartyReference === ref)?.accountIdentifier;
  if (!account) throw new Error('the sandbox did not create the local order account');
  await r('openChecks', c.getOpenChecks(conn, bl));
  await r('tableCheck', c.getTableCheck(conn, bl, 4));
  const snapshot = await r('account', c.getAccount(conn, bl, account));
  await r(
    'pay',
    c.pay(conn, {
      businessLocationId: bl,
      endpointId,
      iKaccountIdentifier: account,
      thirdPartyPaymentReference: `${ref}-pay`,
      paymentMethod: SANDBOX_SEED.paymentMethods.online,
      paymentAmount: snapshot.currentAmount ?? 0,
      tipAmount: 0,
    }),
  );
  await r('print', c.printMessage(conn, bl, { message: 'Contract test', alsoToPrinter: false }));
  await sandbox.app.sandbox.idle();

  await r('taxRates', c.getTaxRates(conn, bl));
  await r('paymentMethods', c.getPaymentMethods(conn, bl));
  await r('accountingGroups', c.getAccountingGroups(conn, bl));
  const from = new Date(Date.now() - 3 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const to = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  await sandbox.control('POST', '/sales/generate', {
    businessLocationId: bl,
    count: 25,
    from,
    to: new Date(Date.now() - 60_000).toISOString(),
  });
  const pages = [];
  for await (const page of c.iterateFinancials(conn, bl, { from, to, include: ['payments'], pageSize: 10 }))
    pages.push(page);
  results.set('financialPages', pages);
  await r('daily', c.getDailyFinancials(conn, bl, { include: ['payments'], includeConsumers: true }));
  await r('sale', c.getSaleByExternalReference(conn, bl, saleExternalReference(bl, ref)));
  await r('noSale', c.getSaleByExternalReference(conn, bl, saleExternalReference(bl, 'never-sent')));
  await r('aggregated', c.getAggregatedSales(conn, bl, { groupBy: 'accountingGroup', from, to }));

  const items = await r('items', c.listItems(conn, bl, { offset: 0, amount: 5 }));
  await r('itemsBySku', c.listItems(conn, bl, { sku: SANDBOX_SEED.skus.cola }));
  await r('item', c.getItem(conn, bl, items[0]!.id!));
  const sku = `CT-${randomBytes(3).toString('hex').toUpperCase()}`;
  const created = await r(
    'itemCreate',
    c.createItem(conn, {
      businessLocationId: bl,
      name: 'Contract lemonade',
      sku,
      accountingGroupId: AMS.accountingGroupIds.drinks,
      defaultPrice: 3.5,
      priceMode: 'AMOUNT',
    }),
  );
  await r(
    'itemUpdate',
    c.updateItem(conn, created.id!, {
      businessLocationId: bl,
      name: 'Contract lemonade (large)',
      sku,
      accountingGroupId: AMS.accountingGroupIds.drinks,
      defaultPrice: 4.5,
      active: true,
    }),
  );

  const allergens = await r('allergens', c.getAllergens(conn));
  await r('richItems', c.listRichItems(conn, BUSINESS, { page: 0, size: 20, sort: ['sku'] }));
  await r(
    'richPut',
    c.putRichItem(conn, BUSINESS, sku, {
      allergenCodes: [allergens[0]!.code],
      descriptions: [{ localeCode: 'en', displayName: 'Lemonade', description: 'Fresh' }],
    }),
  );
  await r('richPatch', c.patchRichItemPicture(conn, BUSINESS, sku, { fileType: 'png', picture: TINY_PNG }));
  await r('richGet', c.getRichItem(conn, BUSINESS, sku));
  await r('richBySkus', c.getRichItemsBySkus(conn, BUSINESS, [sku, SANDBOX_SEED.skus.cola]));
  await r('pictureSpec', c.getRichItemPictureSpec(conn, BUSINESS));
  await r('richDelete', c.deleteRichItem(conn, BUSINESS, sku));
  const locales = await r('locales', c.getLocales(conn, BUSINESS));
  await r('localesPut', c.updateLocales(conn, BUSINESS, [...new Set([...locales, 'nl'])]));

  await r('webhookUnlink', c.unlinkWebhookLocation(conn, endpointId, bl));
  await r('webhookDelete', c.deleteWebhookEndpoint(conn, endpointId));
}

// A 1x1 PNG.
const TINY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

describe('client requests against the published OpenAPI', () => {
  it('sends only documented operations, with required query parameters and schema-valid bodies', () => {
    expect(sent.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const s of sent) {
      const url = new URL(s.path, 'http://x');
      const op = specs.match(s.method, url.pathname);
      if (!op) {
        problems.push(`${s.method} ${url.pathname}: no such operation in the OpenAPI files`);
        continue;
      }
      problems.push(...op.check(url.searchParams, s.body).map((p) => `${op.id}: ${p}`));
    }
    expect(problems).toEqual([]);
  });

  it('sends bodies that match the request schema strictly: no field the spec does not declare', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const s of sent) {
      const op = specs.match(s.method, new URL(s.path, 'http://x').pathname);
      const name = op && specName(op.file);
      const schema = name && contracts.requestBodySchema(name, op.method, op.template);
      if (!op || !name || !schema || s.body === undefined) continue;
      const validate = contracts.validator(name, `request ${op.id}`, schema);
      checked++;
      if (!validate(JSON.parse(s.body))) problems.push(`${op.id}: ${describeErrors(validate)}`);
    }
    // Every body the client sent was checked (the spec documents a JSON body for each).
    expect(checked).toBe(sent.filter((s) => s.body !== undefined).length);
    expect(checked).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it('has a checker that rejects what the OpenAPI forbids (so a pass means something)', () => {
    const local = specs.match('POST', '/o/op/1/order/local');
    expect(local?.id).toBe('POST /o/op/1/order/local');
    const bad = JSON.stringify({
      businessLocationId: AMS.id,
      thirdPartyReference: 'x'.repeat(49),
      endpointId: 'e',
      items: [{ quantity: 1 }],
    });
    expect(local?.check(new URLSearchParams(), bad)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("must have required property 'customerInfo'"),
        expect.stringContaining('/thirdPartyReference must NOT have more than 48 characters'),
        expect.stringContaining("/items/0 must have required property 'sku'"),
      ]),
    );
    expect(specs.match('GET', '/o/op/1/menu/modifiers')?.check(new URLSearchParams(), undefined)).toEqual([
      'required query parameter "businessLocationId" missing',
    ]);
    expect(specs.match('GET', '/i/richItem/1/pictureSpec')?.id).toBe('GET /i/richItem/{businessId}/pictureSpec');
    expect(specs.match('GET', '/o/op/9/nothing')).toBeUndefined();
    const payBody = contracts.validator(
      'orders',
      'request POST /o/op/1/pay',
      contracts.requestBodySchema('orders', 'POST', '/o/op/1/pay')!,
    );
    const pay = { businessLocationId: 1, endpointId: 'e', paymentAmount: 1, thirdPartyPaymentReference: 'r' };
    expect(payBody(pay)).toBe(true);
    expect(payBody({ ...pay, tip: 1 })).toBe(false);
    const availability = specs.match('GET', '/o/op/1/itemAvailability')!;
    expect(
      availability.check(new URLSearchParams('businessLocationId=1&skus=A&size=51&colour=red'), undefined),
    ).toEqual([expect.stringContaining('query parameter "size"=51'), 'query parameter "colour" is not documented']);
  });

  it('exercises every operation of the five API files', () => {
    const hit = new Set<SpecOperation>();
    for (const s of sent) {
      const op = specs.match(s.method, new URL(s.path, 'http://x').pathname);
      if (op) hit.add(op);
    }
    expect(specs.operations.filter((op) => !hit.has(op)).map((op) => op.id)).toEqual([]);
  });

  it('parsed every answer into the typed shapes', () => {
    expect(results.get('menuV2')).toMatchObject({
      menuEntryGroups: expect.arrayContaining([expect.objectContaining({ '@type': 'group' })]),
    });
    expect(results.get('availabilityAll')).toEqual(
      expect.arrayContaining([expect.objectContaining({ sku: SANDBOX_SEED.skus.salmon, count: 0 })]),
    );
    const pages = results.get('financialPages') as { sales: unknown[]; nextPageToken: string | null }[];
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.at(-1)?.nextPageToken).toBeNull();
    expect(pages.reduce((n, p) => n + p.sales.length, 0)).toBeGreaterThanOrEqual(25);
    expect(results.get('sale')).toMatchObject({
      externalReferences: expect.arrayContaining([expect.stringContaining('TASK:OO-')]),
    });
    expect(results.get('noSale')).toBeNull();
    expect(results.get('webhookGet')).toMatchObject({ url: 'http://127.0.0.1:9/webhook/lightspeed' });
    expect(results.get('itemUpdate')).toMatchObject({ name: 'Contract lemonade (large)' });
    expect(results.get('pay')).toEqual({ status: 'ok' });
  });
});
