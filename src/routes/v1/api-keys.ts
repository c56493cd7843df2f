// A vendor managing its own API keys (the admin API offers the same for operators).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { vendorOf } from '../../plugins/auth.js';
import { apiKeySchema, apiKeyView as view, errorResponses, uuidParam } from '../schemas.js';

const security = [{ vendorApiKey: [] }];
const tags = ['api keys'];

const apiKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  const vendors = app.services.vendors;
  app.get('/api-keys', {
    schema: { tags, security, response: { 200: z.object({ items: z.array(apiKeySchema) }), ...errorResponses(401) } },
    handler: async (request) => ({ items: (await vendors.listKeys(vendorOf(request).id)).map(view) }),
  });

  app.post('/api-keys', {
    schema: {
      tags,
      security,
      summary: 'Issue another API key (shown once)',
      body: z.object({ name: z.string().trim().min(1).max(100).optional() }).default({}),
      response: { 201: apiKeySchema.extend({ apiKey: z.string() }), ...errorResponses(400, 401) },
    },
    handler: async (request, reply) => {
      const { record, apiKey } = await vendors.issueKey(vendorOf(request).id, request.body.name);
      return reply.status(201).send({ ...view(record), apiKey });
    },
  });

  app.delete('/api-keys/:keyId', {
    schema: {
      tags,
      security,
      params: z.object({ keyId: uuidParam }),
      response: { 200: apiKeySchema, ...errorResponses(400, 401, 404) },
    },
    handler: async (request) => view(await vendors.revokeKey(vendorOf(request).id, request.params.keyId)),
  });
};

export default apiKeyRoutes;
