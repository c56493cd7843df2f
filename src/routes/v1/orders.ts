// Orders from kiosks and online-ordering backends.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OrderStatus } from '../../generated/prisma/enums.js';
import { vendorOf } from '../../plugins/auth.js';
import { createOrderBody } from '../../services/orders/schema.js';
import { orderSchema, orderView } from '../order-view.js';
import { dateTimeInput, errorResponses, replayRouteDoc, uuidParam } from '../schemas.js';

const security = [{ vendorApiKey: [] }];
const tags = ['orders'];
const statusList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(Object.values(OrderStatus) as [OrderStatus, ...OrderStatus[]])));

const orderRoutes: FastifyPluginAsyncZod = async (app) => {
  const orders = app.services.orders;

  app.post('/orders', {
    schema: {
      tags,
      security,
      summary: 'Submit a paid order; it is stored before the 202 and delivered to the POS exactly once',
      description:
        "Checked against the location's current menu before the 202: 422 ORDER_LINES_REFUSED names each line " +
        '(index, sku, reason) that is unknown, sold out, not sold alone, or has a modifier, discount or custom ' +
        'price the item does not offer; 422 PAYMENT_AMOUNT_MISMATCH names the expected total when payment.amount ' +
        '(without the tip) is not what the POS check will ask.',
      headers: z.object({ 'idempotency-key': z.string().trim().min(1).max(255).optional() }),
      body: createOrderBody,
      response: { 200: orderSchema, 202: orderSchema, ...errorResponses(400, 401, 404, 409, 422, 502, 503, 504) },
    },
    handler: async (request, reply) => {
      const vendor = vendorOf(request);
      const { order, created } = await orders.accept(
        vendor.id,
        request.body,
        request.headers['idempotency-key'] ?? null,
      );
      if (created) request.log.info({ orderId: order.id, reference: order.reference }, 'order accepted');
      // A repeat returns the original order with the status it has now.
      return reply.status(created ? 202 : 200).send(orderView(order));
    },
  });

  app.get('/orders/:orderId', {
    schema: {
      tags,
      security,
      params: z.object({ orderId: uuidParam }),
      response: { 200: orderSchema, ...errorResponses(400, 401, 404) },
    },
    handler: async (request) => orderView(await orders.get(vendorOf(request).id, request.params.orderId)),
  });

  app.get('/orders', {
    schema: {
      tags,
      security,
      summary: 'List orders, newest first',
      querystring: z.object({
        status: statusList.optional(),
        locationId: uuidParam.optional(),
        from: dateTimeInput.optional(),
        to: dateTimeInput.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: uuidParam.optional(),
      }),
      response: {
        200: z.object({ items: z.array(orderSchema), nextCursor: z.string().nullable() }),
        ...errorResponses(400, 401),
      },
    },
    handler: async (request) => {
      const q = request.query;
      const page = await orders.list(vendorOf(request).id, {
        status: q.status,
        locationId: q.locationId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
        cursor: q.cursor,
      });
      return { items: page.items.map(orderView), nextCursor: page.nextCursor };
    },
  });

  app.post('/orders/:orderId/replay', {
    schema: {
      tags,
      security,
      ...replayRouteDoc,
      params: z.object({ orderId: uuidParam }),
      response: { 202: orderSchema, ...errorResponses(400, 401, 404, 409) },
    },
    handler: async (request, reply) => {
      const order = await orders.replay(vendorOf(request).id, request.params.orderId, 'api');
      request.log.info(
        { orderId: order.id, status: order.status, attempt: order.attempt, paymentReference: order.paymentReference },
        'order replayed',
      );
      return reply.status(202).send(orderView(order));
    },
  });
};

export default orderRoutes;
