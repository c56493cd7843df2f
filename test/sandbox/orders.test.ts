import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxInstance } from '../../src/sandbox/app.js';
import {
  AMS,
  bearer,
  basic,
  localOrder,
  makeSandbox,
  NYC,
  registerEndpoint,
  SANDBOX_SEED,
  WebhookListener,
} from './helpers.js';

describe('sandbox orders, payments and their webhooks', () => {
  let app: SandboxInstance;
  let hooks: WebhookListener;
  let token: string;
  let endpointId: string;

  beforeEach(async () => {
    app = await makeSandbox();
    hooks = new WebhookListener();
    const url = await hooks.start();
    token = app.sandbox.issueTokens().access_token;
    endpointId = await registerEndpoint(app, token, url, {
      provideAccount: true,
      expandTransactions: true,
      expandPayments: true,
    });
  });
  afterEach(async () => {
    await app.close();
    await hooks.stop();
  });

  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: bearer(token), payload: payload as object });
  const get = (url: string) => app.inject({ method: 'GET', url, headers: bearer(token) });

  it('accepts an order, sends SUCCESS with Basic auth, takes payment, closes it and books the sale', async () => {
    const res = await post('/o/op/1/order/local', localOrder(endpointId, 'ORD-1001'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });

    const [success] = await hooks.waitFor(1, (w) => w.body.status === 'SUCCESS');
    expect(success!.headers.authorization).toBe(basic('lightspeed', 'hook-secret'));
    expect(success!.headers['content-type']).toMatch(/application\/json/);
    const identifier = success!.body.ikentooAccountIdentifier as string;
    expect(identifier).toMatch(/^A17700\.\d+$/);
    expect(success!.body).toMatchObject({ type: 'ORDER', thirdPartyReference: 'ORD-1001', businessLocationId: AMS });
    const account = success!.body.account as Record<string, unknown>;
    // Burger 14.50 + cheese 1.50 + 2 beers at 5.50, Dutch VAT included in the price.
    expect(account).toMatchObject({ currentAmount: 27, paidAmount: 0, tableNumber: 3, ikaccountId: identifier });
    const lines = account.salesEntries as Record<string, unknown>[];
    expect(lines[0]).toMatchObject({ itemSku: 'BRG-CLASSIC', modifiers: [{ name: 'Medium rare', quantity: 1 }] });
    expect((lines[0]!.subLineItems as unknown[]).length).toBe(1);

    const check = await get(`/o/op/1/order/accounts/${identifier}?businessLocationId=${AMS}`);
    expect(check.statusCode).toBe(200);
    expect(check.json()).toMatchObject({ ikaccountId: identifier, currentAmount: 27 });
    const open = await get(`/o/op/1/order/table/getCheck?businessLocationId=${AMS}`);
    expect((open.json() as { ikaccountId: string }[]).map((a) => a.ikaccountId)).toContain(identifier);
    const byTable = await get(`/o/op/1/order/table/3/getCheck?businessLocationId=${AMS}`);
    expect(byTable.json()).toMatchObject({ ikaccountId: identifier });

    const pay = await post('/o/op/1/pay', {
      businessLocationId: AMS,
      endpointId,
      iKaccountIdentifier: identifier,
      paymentMethod: 'OOPAYMENT',
      paymentAmount: 27,
      thirdPartyPaymentReference: 'PAY-1001',
    });
    expect(pay.statusCode).toBe(200);
    expect(pay.json()).toEqual({ status: 'ok' });
    const [payment] = await hooks.waitFor(1, (w) => w.body.type === 'PAYMENT');
    expect(payment!.body).toMatchObject({
      status: 'SUCCESS',
      thirdPartyReference: 'PAY-1001',
      ikentooAccountIdentifier: identifier,
      businessLocationId: AMS,
    });
    const [closed] = await hooks.waitFor(1, (w) => w.body.status === 'CLOSED');
    expect(closed!.body).toMatchObject({
      type: 'ORDER',
      thirdPartyReference: 'ORD-1001',
      ikentooAccountIdentifier: identifier,
    });
    expect((closed!.body.account as Record<string, unknown>).paidAmount).toBe(27);
    // Order of arrival for one account: SUCCESS, PAYMENT, CLOSED.
    expect(hooks.received.map((w) => w.body.status)).toEqual(['SUCCESS', 'SUCCESS', 'CLOSED']);

    const today = new Date();
    const from = new Date(today.getTime() - 86_400_000).toISOString();
    const to = new Date(today.getTime() + 86_400_000).toISOString();
    const financials = await get(`/f/finance/${AMS}/financials/${from}/${to}?include=payments`);
    expect(financials.statusCode).toBe(200);
    const sales = financials.json().sales as Record<string, unknown>[];
    expect(sales).toHaveLength(1);
    expect(sales[0]).toMatchObject({
      accountFiscId: identifier,
      externalReferences: [`TASK:OO-${AMS}-ORD-1001`],
      type: 'SALE',
    });
    expect((sales[0]!.payments as Record<string, unknown>[])[0]).toMatchObject({
      code: 'OOPAYMENT',
      netAmountWithTax: '27.00',
      externalReference: 'PAY-1001',
    });

    const byRef = await get(
      `/f/finance/${AMS}/saleByExternalReference?externalReferenceId=${encodeURIComponent(`TASK:OO-${AMS}-ORD-1001`)}`,
    );
    expect(byRef.statusCode).toBe(200);
    expect(byRef.json()).toMatchObject({ accountFiscId: identifier, receiptId: identifier.replace('A', 'R') });
    const missing = await get(`/f/finance/${AMS}/saleByExternalReference?externalReferenceId=TASK:OO-${AMS}-nope`);
    expect(missing.statusCode).toBe(404);

    const afterClose = await get(`/o/op/1/order/table/getCheck?businessLocationId=${AMS}`);
    expect(afterClose.json()).toEqual([]);

    const inspection = (await app.inject({ url: '/__sandbox/orders' })).json() as {
      thirdPartyReference: string;
      status: string;
      accountIdentifier: string;
    }[];
    expect(inspection).toMatchObject([
      { thirdPartyReference: 'ORD-1001', status: 'SUCCESS', accountIdentifier: identifier },
    ]);
    const payments = (await app.inject({ url: '/__sandbox/payments' })).json() as { status: string }[];
    expect(payments).toMatchObject([{ thirdPartyPaymentReference: 'PAY-1001', status: 'SUCCESS' }]);
    expect(await app.sandbox.idle()).toBe(true);
    const sent = (await app.inject({ url: '/__sandbox/webhooks' })).json() as { deliveryStatus: string }[];
    expect(sent.map((w) => w.deliveryStatus)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('answers 409 for a repeated thirdPartyReference, across locations too', async () => {
    expect((await post('/o/op/1/order/local', localOrder(endpointId, 'DUP-1'))).statusCode).toBe(200);
    const again = await post('/o/op/1/order/toGo', {
      ...localOrder(endpointId, 'DUP-1'),
      businessLocationId: NYC,
      tableNumber: undefined,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ status: 'fail', msg: 'reference has already been used DUP-1' });
    await app.sandbox.idle();
    expect(hooks.received).toHaveLength(1);
  });

  it('answers 400 "reference has already been used" for a repeated payment reference', async () => {
    await post('/o/op/1/order/toGo', {
      ...localOrder(endpointId, 'ORD-P'),
      tableNumber: undefined,
      accountProfileCode: 'TAKEAWAY',
    });
    const [success] = await hooks.waitFor(1);
    const body = {
      businessLocationId: AMS,
      endpointId,
      iKaccountIdentifier: success!.body.ikentooAccountIdentifier,
      paymentAmount: 5,
      thirdPartyPaymentReference: 'PAY-DUP',
    };
    expect((await post('/o/op/1/pay', body)).statusCode).toBe(200);
    const again = await post('/o/op/1/pay', body);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({
      status: 400,
      error: 'Bad Request',
      message: 'reference has already been used PAY-DUP',
      path: '/o/op/1/pay',
    });
  });

  it('validates like Spring: required fields and sizes named in errors[]', async () => {
    const res = await post('/o/op/1/order/local', {
      businessLocationId: AMS,
      thirdPartyReference: 'x'.repeat(49),
      customerInfo: {},
      maxTimeToAttemptOrderDeliverToPos: 1000,
      items: [{ quantity: 1 }],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as {
      message: string;
      errors: { field: string; code: string; objectName: string }[];
      path: string;
    };
    expect(body.path).toBe('/o/op/1/order/local');
    expect(body.message).toBe("Validation failed for object='localOrder'. Error count: 5");
    expect(body.errors.map((e) => `${e.field}:${e.code}`).sort()).toEqual([
      'customerInfo.firstName:NotNull',
      'endpointId:NotNull',
      'items[0].sku:NotNull',
      'maxTimeToAttemptOrderDeliverToPos:Min',
      'thirdPartyReference:Size',
    ]);
    expect(body.errors[0]!.objectName).toBe('localOrder');

    const missingLocation = await post('/o/op/1/order/toGo', {
      thirdPartyReference: 'R',
      endpointId,
      customerInfo: { firstName: 'A' },
    });
    expect(missingLocation.json().errors).toMatchObject([
      {
        field: 'businessLocationId',
        code: 'NotNull',
        codes: [
          'NotNull.toGoOrder.businessLocationId',
          'NotNull.businessLocationId',
          'NotNull.java.lang.Long',
          'NotNull',
        ],
      },
    ]);

    const badJson = await app.inject({
      method: 'POST',
      url: '/o/op/1/order/local',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().message).toMatch(/^JSON parse error/);

    const unknownEndpoint = await post('/o/op/1/order/local', localOrder('NOT-REGISTERED', 'ORD-E'));
    expect(unknownEndpoint.statusCode).toBe(400);
    expect(unknownEndpoint.json().message).toBe('endpoint ID not found for NOT-REGISTERED');
    const payValidation = await post('/o/op/1/pay', { businessLocationId: AMS, endpointId });
    expect(payValidation.json()).toMatchObject({
      status: 400,
      message:
        "Validation failed for object='standalonePayment'. Error count: 2: paymentAmount must not be null; thirdPartyPaymentReference must not be null",
    });
  });

  it('sends FAILURE for an unknown SKU, order profile, modifier or payment method, and for a closed location', async () => {
    await post(
      '/o/op/1/order/local',
      localOrder(endpointId, 'F-SKU', { items: [{ sku: SANDBOX_SEED.unknownSku, quantity: 1 }] }),
    );
    await post('/o/op/1/order/local', localOrder(endpointId, 'F-PROFILE', { accountProfileCode: 'NOPE' }));
    await post(
      '/o/op/1/order/local',
      localOrder(endpointId, 'F-MOD', {
        items: [{ sku: 'BRG-CLASSIC', quantity: 1, modifiers: [{ modifierId: '1' }] }],
      }),
    );
    await post(
      '/o/op/1/order/local',
      localOrder(endpointId, 'F-PAY', { payment: { paymentMethod: 'BITCOIN', paymentAmount: 27 } }),
    );
    const failures = await hooks.waitFor(4, (w) => w.body.status === 'FAILURE');
    const byRef = Object.fromEntries(failures.map((f) => [f.body.thirdPartyReference, f.body]));
    expect(byRef['F-SKU']).toEqual({
      status: 'FAILURE',
      reason: `Item with SKU ${SANDBOX_SEED.unknownSku} not found`,
      thirdPartyReference: 'F-SKU',
    });
    expect(byRef['F-PROFILE']!.reason).toMatch(/NOPE not found/);
    expect(byRef['F-MOD']!.reason).toBe('Modifier 1 not found');
    expect(byRef['F-PAY']!.reason).toBe('Payment method BITCOIN not found');

    const switched = await app.inject({
      method: 'POST',
      url: '/__sandbox/readiness',
      payload: { businessLocationId: AMS, status: 'NOT_READY' },
    });
    expect(switched.statusCode).toBe(200);
    const readiness = await get(`/o/op/1/onlineOrderReadiness?businessLocationId=${AMS}`);
    expect(readiness.json()).toMatchObject({ status: 'NOT_READY', posStatus: { acceptingOnlineOrders: false } });
    await post('/o/op/1/order/local', localOrder(endpointId, 'F-CLOSED'));
    const [closed] = await hooks.waitFor(1, (w) => w.body.thirdPartyReference === 'F-CLOSED');
    expect(closed!.body).toMatchObject({
      status: 'FAILURE',
      reason: `Business location ${AMS} is not accepting online orders`,
    });
    const orders = (await app.inject({ url: '/__sandbox/orders' })).json() as { status: string }[];
    expect(orders.every((o) => o.status === 'FAILURE')).toBe(true);
  });

  it('sends PAYMENT FAILURE for a missing account, an unknown method, an overpayment and a closed account', async () => {
    await post('/o/op/1/order/toGo', {
      ...localOrder(endpointId, 'ORD-PF'),
      tableNumber: undefined,
      accountProfileCode: 'COLLECT',
      items: [{ sku: 'DR-COLA', quantity: 1 }],
    });
    const [success] = await hooks.waitFor(1);
    const identifier = success!.body.ikentooAccountIdentifier as string;
    const pay = (ref: string, extra: Record<string, unknown>) =>
      post('/o/op/1/pay', {
        businessLocationId: AMS,
        endpointId,
        iKaccountIdentifier: identifier,
        paymentAmount: 3.2,
        thirdPartyPaymentReference: ref,
        ...extra,
      });
    await pay('PF-1', { iKaccountIdentifier: 'A17700.999' });
    await pay('PF-2', { paymentMethod: 'BITCOIN' });
    await pay('PF-3', { paymentAmount: 50 });
    const failures = await hooks.waitFor(3, (w) => w.body.type === 'PAYMENT');
    const types = Object.fromEntries(
      failures.map((f) => [f.body.thirdPartyReference, (f.body.errors as { account: { type: string } }).account.type]),
    );
    expect(types).toEqual({ 'PF-1': 'ACCOUNT_NOT_FOUND', 'PF-2': 'PAYMENT_METHOD_NOT_FOUND', 'PF-3': 'OVERPAID' });
    expect(failures.find((f) => f.body.thirdPartyReference === 'PF-3')!.body.reason).toBe(
      'the payment amount is greater than the amount due',
    );

    await pay('PF-4', {});
    await hooks.waitFor(1, (w) => w.body.status === 'CLOSED');
    await pay('PF-5', {});
    const [late] = await hooks.waitFor(1, (w) => w.body.thirdPartyReference === 'PF-5');
    expect(late!.body).toMatchObject({ status: 'FAILURE', errors: { account: { type: 'ACCOUNT_ALREADY_CLOSED' } } });
  });

  it('applies a payment sent inside a toGo order and closes the account', async () => {
    await post('/o/op/1/order/toGo', {
      businessLocationId: NYC,
      thirdPartyReference: 'NY-1',
      endpointId,
      customerInfo: { firstName: 'Sam' },
      accountProfileCode: 'DELIVERY',
      deliveryAddress: { addressLine1: '1 Hudson St', city: 'New York', zip: '10013' },
      items: [
        {
          sku: 'DEAL-LUNCH',
          quantity: 1,
          subItems: [
            { sku: 'BRG-VEGGIE', quantity: 1 },
            { sku: 'SD-SALAD', quantity: 1 },
            { sku: 'DR-COLA', quantity: 1 },
          ],
        },
      ],
      payment: { paymentMethod: 'OOPAYMENT', paymentAmount: 26.49, tipAmount: 2 },
    });
    const [success, closed] = await hooks.waitFor(2);
    expect(success!.body.status).toBe('SUCCESS');
    // US tax is added on top, per line: (21 + 1 delivery surcharge) * 1.08875 = 23.95, salad 0.50 -> 0.54.
    expect((success!.body.account as { currentAmount: number }).currentAmount).toBe(24.49);
    expect(closed!.body.status).toBe('CLOSED');
    expect((closed!.body.account as { paidAmount: number }).paidAmount).toBe(24.49);
  });

  it('moves an order along from the control API (READY_FOR_PICKUP, CANCELLED)', async () => {
    await post('/o/op/1/order/toGo', {
      ...localOrder(endpointId, 'ORD-S'),
      tableNumber: undefined,
      accountProfileCode: 'TAKEAWAY',
    });
    await hooks.waitFor(1);
    const ready = await app.inject({
      method: 'POST',
      url: '/__sandbox/orders/ORD-S/status',
      payload: { status: 'READY_FOR_PICKUP' },
    });
    expect(ready.statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/__sandbox/orders/ORD-S/status', payload: { status: 'CANCELLED' } });
    const statuses = (await hooks.waitFor(3)).map((w) => w.body.status);
    expect(statuses).toEqual(['SUCCESS', 'READY_FOR_PICKUP', 'CANCELLED']);
    const unknown = await app.inject({
      method: 'POST',
      url: '/__sandbox/orders/NOPE/status',
      payload: { status: 'CLOSED' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('honours subscriptions: no SUCCESS without order DELIVERED, item events only to linked endpoints', async () => {
    const other = new WebhookListener();
    const url = await other.start();
    try {
      await registerEndpoint(app, token, url, {
        endpointId: 'ITEMS-ONLY',
        withBasicAuth: false,
        subscribeTo: [{ resource: 'item', name: 'SALES_RESTRICTION_UPDATED' }],
      });
      await post(
        '/o/op/1/order/local',
        localOrder('ITEMS-ONLY', 'SUB-1', { items: [{ sku: SANDBOX_SEED.unknownSku, quantity: 1 }] }),
      );
      await post('/o/op/1/order/local', localOrder('ITEMS-ONLY', 'SUB-2'));
      await app.inject({
        method: 'POST',
        url: '/__sandbox/availability',
        payload: { businessLocationId: AMS, sku: 'DR-BEER', count: 4 },
      });
      await app.sandbox.idle();
      // FAILURE is always sent; SUCCESS was not subscribed; the location is not linked yet.
      expect(other.received.map((w) => w.body.status)).toEqual(['FAILURE']);

      const link = await app.inject({
        method: 'PUT',
        url: `/o/wh/1/webhook/ITEMS-ONLY/business-locations/${AMS}`,
        headers: bearer(token),
      });
      expect(link.statusCode).toBe(200);
      await app.inject({
        method: 'POST',
        url: '/__sandbox/availability',
        payload: { businessLocationId: AMS, sku: 'DR-BEER', count: 0 },
      });
      const [item] = await other.waitFor(1, (w) => w.body.type === 'ITEM');
      expect(item!.body).toMatchObject({ sku: 'DR-BEER', businessLocationId: AMS, count: 0, status: 'RESTRICTED' });
      expect(item!.headers.authorization).toBeUndefined();
      const availability = await get(`/o/op/1/itemAvailability?businessLocationId=${AMS}&skus=DR-BEER&skus=DR-COLA`);
      // Only the restricted SKU is listed; DR-COLA, not listed, is available.
      expect(availability.json().data).toEqual([{ sku: 'DR-BEER', count: 0, updatedAt: expect.any(String) }]);
    } finally {
      await other.stop();
    }
  });

  it('retries a webhook the receiver refuses, then records it delivered', async () => {
    hooks.responses = [503, 500];
    await post('/o/op/1/order/local', localOrder(endpointId, 'RETRY-1'));
    await hooks.waitFor(1);
    await app.sandbox.idle();
    const [record] = (await app.inject({ url: '/__sandbox/webhooks' })).json() as {
      attempts: number;
      deliveryStatus: string;
      responseStatus: number;
    }[];
    expect(record).toMatchObject({ attempts: 3, deliveryStatus: 'delivered', responseStatus: 200 });
  });
});
