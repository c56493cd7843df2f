// Vendor callbacks: where we POST every status change of the vendor's orders, signed with a
// per-vendor secret, and the record of each delivery attempt.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { vendorOf } from '../../plugins/auth.js';
import { errorResponses, iso, isoDate, uuidParam } from '../schemas.js';

const security = [{ vendorApiKey: [] }];
const tags = ['callbacks'];
const deliverySchema = z.object({
  id: z.uuid(),
  sequence: z.number().int(),
  url: z.string(),
  status: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: isoDate.nullable(),
  createdAt: isoDate,
});

const callbackRoutes: FastifyPluginAsyncZod = async (app) => {
  const callbacks = app.services.callbacks;

  app.get('/callback', {
    schema: { tags, security, response: { 200: z.object({ url: z.string().nullable() }), ...errorResponses(401) } },
    handler: async (request) => callbacks.get(vendorOf(request).id),
  });

  app.put('/callback', {
    schema: {
      tags,
      security,
      summary: 'Set the callback URL; answers a new signing secret, shown this once',
      description:
        'Every order status change is POSTed as JSON with X-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>. ' +
        'Use `sequence` to order callbacks that arrive out of order. Non-2xx answers are retried with backoff.',
      body: z.object({ url: z.url({ protocol: /^https?$/ }).max(2000) }),
      response: { 200: z.object({ url: z.string(), secret: z.string() }), ...errorResponses(400, 401) },
    },
    handler: async (request) => {
      const result = await callbacks.set(vendorOf(request).id, request.body.url);
      request.log.info({ url: result.url }, 'vendor callback URL set');
      return result;
    },
  });

  app.delete('/callback', {
    schema: { tags, security, response: { 204: z.null(), ...errorResponses(401) } },
    handler: async (request, reply) => {
      await callbacks.clear(vendorOf(request).id);
      return reply.status(204).send(null);
    },
  });

  app.get('/orders/:orderId/callbacks', {
    schema: {
      tags,
      security,
      summary: 'Delivery attempts of the callbacks for one order',
      params: z.object({ orderId: uuidParam }),
      response: { 200: z.object({ items: z.array(deliverySchema) }), ...errorResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const rows = await callbacks.deliveries(vendorOf(request).id, request.params.orderId);
      return {
        items: rows.map((d) => ({
          id: d.id,
          sequence: Number(d.orderEventId),
          url: d.url,
          status: d.status,
          attempts: d.attempts,
          lastStatusCode: d.lastStatusCode,
          lastError: d.lastError,
          deliveredAt: iso(d.deliveredAt),
          createdAt: iso(d.createdAt),
        })),
      };
    },
  });
};

export default callbackRoutes;
