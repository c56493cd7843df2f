// Order & Pay write side: local / toGo orders, pay, print message; and the check reads.
// The HTTP answer only means "accepted for delivery to the POS"; the outcome is a webhook (pos.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accountSnapshot } from '../accounts.js';
import { authOf, checkLocation, requireScope } from '../auth.js';
import type { SandboxContext } from '../context.js';
import { BindingError, Constraints, pathOf, sendSpring, toLong, toNumber, validationBody } from '../errors.js';
import type { OrderInput, OrderItemInput, Pos } from '../pos.js';
import { endpointKey } from '../state.js';
import { isObject, locationFromQuery, params } from './common.js';

function str(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;
}

function parseItems(c: Constraints, raw: unknown, prefix: string, withCourse: boolean): OrderItemInput[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw new BindingError(
      `JSON parse error: Cannot deserialize value of type \`java.util.ArrayList\` from Object (field "${prefix}")`,
    );
  return raw.map((entry, i) => {
    const field = `${prefix}[${i}]`;
    const line = isObject(entry) ? entry : {};
    const sku = str(line.sku);
    c.notNull(`${field}.sku`, sku);
    c.size(`${field}.sku`, sku, 0, 25);
    const quantity = toLong(line.quantity, `${field}.quantity`);
    c.notNull(`${field}.quantity`, quantity, 'java.lang.Integer');
    if (withCourse) c.min(`${field}.course`, toLong(line.course, `${field}.course`), 0);
    const modifiers = Array.isArray(line.modifiers) ? line.modifiers : [];
    const discountAmountOverride = toNumber(line.discountAmountOverride, `${field}.discountAmountOverride`);
    const discountPercentOverride = toNumber(line.discountPercentOverride, `${field}.discountPercentOverride`);
    const discountCode = str(line.discountCode);
    return {
      sku: sku ?? '',
      quantity: quantity ?? 0,
      modifierIds: modifiers.map((m) => str(isObject(m) ? m.modifierId : undefined) ?? ''),
      subItems: parseItems(c, line.subItems, `${field}.subItems`, false),
      ...(discountCode ? { discountCode } : {}),
      ...(discountAmountOverride !== undefined ? { discountAmountOverride } : {}),
      ...(discountPercentOverride !== undefined ? { discountPercentOverride } : {}),
    };
  });
}

export function registerOrderRoutes(app: FastifyInstance, ctx: SandboxContext, pos: Pos): void {
  const ordersApi = requireScope(ctx, 'orders-api');
  const state = ctx.state;

  /** Answers 400 for a body that cannot be bound (not an object, wrong types). */
  const withBody = async (
    request: FastifyRequest,
    reply: FastifyReply,
    handle: (body: Record<string, unknown>) => unknown,
  ) => {
    if (!isObject(request.body))
      return sendSpring(reply, 400, 'Required request body is missing or is not a JSON object', ctx.now());
    try {
      return await handle(request.body);
    } catch (err) {
      if (err instanceof BindingError) return sendSpring(reply, 400, err.message, ctx.now());
      throw err;
    }
  };

  const endpointExists = (request: FastifyRequest, endpointId: string): boolean => {
    const { grant } = authOf(request);
    return state.endpoints.has(endpointKey(grant.clientId, grant.businessId, endpointId));
  };

  const placeOrder = (kind: 'local' | 'toGo') => async (request: FastifyRequest, reply: FastifyReply) =>
    withBody(request, reply, (body) => {
      const objectName = kind === 'local' ? 'localOrder' : 'toGoOrder';
      const c = new Constraints();
      const now = ctx.now();
      const businessLocationId = toLong(body.businessLocationId, 'businessLocationId');
      c.notNull('businessLocationId', businessLocationId, 'java.lang.Long');
      const reference = str(body.thirdPartyReference);
      if (c.notNull('thirdPartyReference', reference)) c.size('thirdPartyReference', reference, 1, 48);
      const endpointId = str(body.endpointId);
      c.notNull('endpointId', endpointId);
      const customer = isObject(body.customerInfo) ? body.customerInfo : undefined;
      if (c.notNull('customerInfo', customer, 'CustomerInfo')) {
        const firstName = str(customer?.firstName);
        if (c.notNull('customerInfo.firstName', firstName)) c.size('customerInfo.firstName', firstName, 1, 128);
      }
      c.min(
        'maxTimeToAttemptOrderDeliverToPos',
        toLong(body.maxTimeToAttemptOrderDeliverToPos, 'maxTimeToAttemptOrderDeliverToPos'),
        60000,
      );
      c.size('collectionCode', str(body.collectionCode), 0, 8);
      c.future('scheduledTimeForOrderAsIso8601', body.scheduledTimeForOrderAsIso8601, now);
      c.future('orderCollectionTimeAsIso8601', body.orderCollectionTimeAsIso8601, now);
      const items = parseItems(c, body.items, 'items', kind === 'local');
      const payment = isObject(body.payment) ? body.payment : undefined;
      const paymentAmount = payment ? toNumber(payment.paymentAmount, 'payment.paymentAmount') : undefined;
      if (payment) c.notNull('payment.paymentAmount', paymentAmount, 'java.math.BigDecimal');
      if (!c.ok) return reply.code(400).send(validationBody(objectName, c.errors, pathOf(request.url), now));

      if (!checkLocation(ctx, request, reply, businessLocationId as number)) return reply;
      const ref = reference as string;
      if (state.orderReferences.has(ref)) {
        return reply.code(409).send({ status: 'fail', msg: `reference has already been used ${ref}` });
      }
      if (!endpointExists(request, endpointId as string)) {
        return sendSpring(reply, 400, `endpoint ID not found for ${endpointId}`, now);
      }
      const { grant } = authOf(request);
      const tipAmount = payment ? toNumber(payment.tipAmount, 'payment.tipAmount') : undefined;
      const input: OrderInput = {
        kind,
        clientId: grant.clientId,
        businessId: grant.businessId,
        businessLocationId: businessLocationId as number,
        thirdPartyReference: ref,
        endpointId: endpointId as string,
        firstName: str(customer?.firstName) as string,
        ...(str(customer?.lastName) ? { lastName: str(customer?.lastName) as string } : {}),
        ...(str(customer?.email) ? { email: str(customer?.email) as string } : {}),
        ...(str(body.accountProfileCode) ? { accountProfileCode: str(body.accountProfileCode) as string } : {}),
        ...(kind === 'local' && str(body.accountIdentifier)
          ? { accountIdentifier: str(body.accountIdentifier) as string }
          : {}),
        ...(kind === 'local' && str(body.tableNumber) ? { tableNumber: str(body.tableNumber) as string } : {}),
        ...(toLong(body.clientCount, 'clientCount') !== undefined
          ? { clientCount: toLong(body.clientCount, 'clientCount') as number }
          : {}),
        items,
        ...(typeof body.scheduledTimeForOrderAsIso8601 === 'string'
          ? { scheduledAt: Date.parse(body.scheduledTimeForOrderAsIso8601) }
          : {}),
        ...(toLong(body.maxTimeToAttemptOrderDeliverToPos, 'maxTimeToAttemptOrderDeliverToPos') !== undefined
          ? { maxTimeMs: toLong(body.maxTimeToAttemptOrderDeliverToPos, 'maxTimeToAttemptOrderDeliverToPos') as number }
          : {}),
        ...(payment && paymentAmount !== undefined
          ? {
              payment: {
                paymentAmount,
                ...(str(payment.paymentMethod) ? { paymentMethod: str(payment.paymentMethod) as string } : {}),
                ...(tipAmount !== undefined ? { tipAmount } : {}),
              },
            }
          : {}),
      };
      const record = {
        seq: state.orders.length + 1,
        thirdPartyReference: ref,
        kind,
        businessLocationId: input.businessLocationId,
        endpointId: input.endpointId,
        clientId: grant.clientId,
        receivedAt: new Date(now).toISOString(),
        status: 'ACCEPTED' as const,
        body,
      };
      state.orders.push(record);
      state.orderReferences.set(ref, record);
      pos.submitOrder(input, record);
      return reply.send({ status: 'ok' });
    });

  app.post('/o/op/1/order/local', { preHandler: ordersApi }, placeOrder('local'));
  app.post('/o/op/1/order/toGo', { preHandler: ordersApi }, placeOrder('toGo'));

  app.post('/o/op/1/pay', { preHandler: ordersApi }, async (request, reply) =>
    withBody(request, reply, (body) => {
      const c = new Constraints();
      const now = ctx.now();
      const businessLocationId = toLong(body.businessLocationId, 'businessLocationId');
      c.notNull('businessLocationId', businessLocationId, 'java.lang.Long');
      const endpointId = str(body.endpointId);
      c.notNull('endpointId', endpointId);
      const paymentAmount = toNumber(body.paymentAmount, 'paymentAmount');
      c.notNull('paymentAmount', paymentAmount, 'java.math.BigDecimal');
      const reference = str(body.thirdPartyPaymentReference);
      if (c.notNull('thirdPartyPaymentReference', reference)) c.size('thirdPartyPaymentReference', reference, 1, 50);
      c.min('taskTtlInMs', toLong(body.taskTtlInMs, 'taskTtlInMs'), 60000);
      const tipAmount = toNumber(body.tipAmount, 'tipAmount') ?? 0;
      // The documented pay 400 (apePaymentBadRequestError) has no errors[]: the fields are named in the message.
      if (!c.ok) {
        const detail = c.errors.map((e) => `${e.field} ${e.message}`).join('; ');
        return sendSpring(
          reply,
          400,
          `Validation failed for object='standalonePayment'. Error count: ${c.errors.length}: ${detail}`,
          now,
        );
      }

      if (!checkLocation(ctx, request, reply, businessLocationId as number)) return reply;
      const ref = reference as string;
      if (state.paymentReferences.has(ref))
        return sendSpring(reply, 400, `reference has already been used ${ref}`, now);
      if (!endpointExists(request, endpointId as string))
        return sendSpring(reply, 400, `endpoint ID not found for ${endpointId}`, now);
      const { grant } = authOf(request);
      const identifier =
        str(body.iKaccountIdentifier) ??
        (body.iKaccountId ? accountIdFromNumeric(ctx, toLong(body.iKaccountId, 'iKaccountId')) : undefined);
      const paymentMethod = str(body.paymentMethod);
      const record = {
        seq: state.payments.length + 1,
        thirdPartyPaymentReference: ref,
        ...(identifier ? { iKaccountIdentifier: identifier } : {}),
        businessLocationId: businessLocationId as number,
        endpointId: endpointId as string,
        ...(paymentMethod ? { paymentMethod } : {}),
        paymentAmount: paymentAmount as number,
        tipAmount,
        receivedAt: new Date(now).toISOString(),
        status: 'ACCEPTED' as const,
        body,
      };
      state.payments.push(record);
      state.paymentReferences.add(ref);
      pos.submitPayment(
        {
          clientId: grant.clientId,
          businessId: grant.businessId,
          businessLocationId: record.businessLocationId,
          endpointId: record.endpointId,
          thirdPartyPaymentReference: ref,
          paymentAmount: record.paymentAmount,
          tipAmount,
          ...(identifier ? { iKaccountIdentifier: identifier } : {}),
          ...(paymentMethod ? { paymentMethod } : {}),
        },
        record,
      );
      return reply.send({ status: 'ok' });
    }),
  );

  app.post('/o/op/1/printMsg', { preHandler: ordersApi }, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    return withBody(request, reply, (body) => {
      const c = new Constraints();
      const message = str(body.message);
      c.notNull('message', message);
      if (!c.ok) return reply.code(400).send(validationBody('printMessage', c.errors, pathOf(request.url), ctx.now()));
      state.printedMessages.push({
        businessLocationId: locationId,
        message: message as string,
        alsoToPrinter: body.alsoToPrinter === true,
        at: new Date(ctx.now()).toISOString(),
      });
      return reply.send({ status: 'ok' });
    });
  });

  app.get('/o/op/1/order/table/getCheck', { preHandler: ordersApi }, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    const location = state.locations.get(locationId);
    const open = [...state.accounts.values()].filter((a) => a.locationId === locationId && a.closedAt === undefined);
    return open.map((a) => accountSnapshot(a, location!));
  });

  app.get('/o/op/1/order/table/:tableNumber/getCheck', { preHandler: ordersApi }, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    const table = Number(params(request).tableNumber);
    const account = [...state.accounts.values()]
      .filter((a) => a.locationId === locationId && a.closedAt === undefined && a.tableNumber === table)
      .sort((a, b) => a.openedAt - b.openedAt)[0];
    if (!account) return sendSpring(reply, 404, `account not found for BL ${locationId}`, ctx.now());
    return accountSnapshot(account, state.locations.get(locationId)!);
  });

  app.get('/o/op/1/order/accounts/:accountIdentifier', { preHandler: ordersApi }, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    const identifier = params(request).accountIdentifier ?? '';
    if (!/^A\d+\.\d+$/.test(identifier)) return sendSpring(reply, 400, 'Invalid account identifier', ctx.now());
    const account = state.accounts.get(identifier);
    if (!account || account.locationId !== locationId)
      return sendSpring(reply, 404, `account not found for BL ${locationId}`, ctx.now());
    return accountSnapshot(account, state.locations.get(locationId)!);
  });
}

/** The deprecated numeric `iKaccountId` maps back to the identifier it was derived from. */
function accountIdFromNumeric(ctx: SandboxContext, id: number | undefined): string | undefined {
  if (id === undefined) return undefined;
  for (const a of ctx.state.accounts.values()) if (a.numericId === id) return a.identifier;
  return undefined;
}
