// Operator view of orders across vendors: what needs attention, and replay.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { orderSchema, orderView } from '../order-view.js';
import { errorResponses, replayRouteDoc, uuidParam } from '../schemas.js';

const security = [{ adminToken: [] }];

const adminOrderRoutes: FastifyPluginAsyncZod = async (app) => {
  const orders = app.services.orders;

  app.get('/orders/attention', {
    schema: {
      tags: ['admin'],
      summary:
        'Orders an operator should look at (NEEDS_ATTENTION, FAILED, PAYMENT_FAILED), most recently changed first',
      security,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: {
        200: z.object({ items: z.array(orderSchema.extend({ vendorId: z.uuid() })) }),
        ...errorResponses(400, 401),
      },
    },
    handler: async (request) => {
      const rows = await orders.needingAttention({ limit: request.query.limit });
      return { items: rows.map((o) => ({ ...orderView(o), vendorId: o.vendorId })) };
    },
  });

  app.post('/orders/:orderId/replay', {
    schema: {
      tags: ['admin'],
      ...replayRouteDoc,
      security,
      params: z.object({ orderId: uuidParam }),
      response: { 202: orderSchema, ...errorResponses(400, 401, 404, 409) },
    },
    handler: async (request, reply) => {
      const order = await orders.replay(null, request.params.orderId, 'operator');
      request.log.info(
        { orderId: order.id, status: order.status, attempt: order.attempt, paymentReference: order.paymentReference },
        'order replayed by an operator',
      );
      return reply.status(202).send(orderView(order));
    },
  });
};

export default adminOrderRoutes;
