// Operator API: vendors and their API keys. Behind ADMIN_TOKEN (see ./index.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { createVendorService } from '../../services/vendors.js';
import { apiKeySchema, apiKeyView, errorResponses, iso, isoDate, uuidParam } from '../schemas.js';

const vendorSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  providerIntegrated: z.string().nullable(),
  callbackUrl: z.string().nullable(),
  connectionStatus: z.enum(['CONNECTED', 'DISCONNECTED', 'NOT_CONNECTED']),
  createdAt: isoDate,
});

type VendorRow = Awaited<ReturnType<ReturnType<typeof createVendorService>['get']>>;
const vendorView = (v: VendorRow) => ({
  id: v.id,
  name: v.name,
  providerIntegrated: v.providerIntegrated,
  callbackUrl: v.callbackUrl,
  connectionStatus: v.connection?.status ?? 'NOT_CONNECTED',
  createdAt: iso(v.createdAt),
});

const vendorParams = z.object({ vendorId: uuidParam });
const security = [{ adminToken: [] }];

const vendorRoutes: FastifyPluginAsyncZod = async (app) => {
  const vendors = app.services.vendors;

  app.post('/vendors', {
    schema: {
      tags: ['admin'],
      summary: 'Create a vendor and its first API key (shown once)',
      security,
      // The callback URL is the vendor's to set (PUT /v1/callback), with its signing secret.
      body: z.object({ name: z.string().trim().min(1).max(200) }),
      response: {
        201: z.object({ id: z.uuid(), name: z.string(), apiKey: z.string(), apiKeyPrefix: z.string() }),
        ...errorResponses(400, 401),
      },
    },
    handler: async (request, reply) => {
      const { vendor, apiKey, apiKeyRecord } = await vendors.create(request.body);
      request.log.info({ vendorId: vendor.id, apiKeyPrefix: apiKeyRecord.prefix }, 'vendor created');
      return reply.status(201).send({ id: vendor.id, name: vendor.name, apiKey, apiKeyPrefix: apiKeyRecord.prefix });
    },
  });

  app.get('/vendors', {
    schema: {
      tags: ['admin'],
      summary: 'List vendors',
      security,
      response: { 200: z.object({ items: z.array(vendorSchema) }), ...errorResponses(401) },
    },
    handler: async () => ({ items: (await vendors.list()).map(vendorView) }),
  });

  app.get('/vendors/:vendorId', {
    schema: {
      tags: ['admin'],
      security,
      params: vendorParams,
      response: { 200: vendorSchema, ...errorResponses(400, 401, 404) },
    },
    handler: async (request) => vendorView(await vendors.get(request.params.vendorId)),
  });

  app.post('/vendors/:vendorId/api-keys', {
    schema: {
      tags: ['admin'],
      summary: 'Issue another API key (shown once)',
      security,
      params: vendorParams,
      body: z.object({ name: z.string().trim().min(1).max(100).optional() }).default({}),
      response: { 201: apiKeySchema.extend({ apiKey: z.string() }), ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) => {
      const { record, apiKey } = await vendors.issueKey(request.params.vendorId, request.body.name);
      request.log.info({ vendorId: request.params.vendorId, apiKeyPrefix: record.prefix }, 'api key issued');
      return reply.status(201).send({ ...apiKeyView(record), apiKey });
    },
  });

  app.get('/vendors/:vendorId/api-keys', {
    schema: {
      tags: ['admin'],
      security,
      params: vendorParams,
      response: { 200: z.object({ items: z.array(apiKeySchema) }), ...errorResponses(400, 401, 404) },
    },
    handler: async (request) => ({ items: (await vendors.listKeys(request.params.vendorId)).map(apiKeyView) }),
  });

  app.delete('/vendors/:vendorId/api-keys/:keyId', {
    schema: {
      tags: ['admin'],
      summary: 'Revoke an API key (requests with it get 401 from now on)',
      security,
      params: vendorParams.extend({ keyId: uuidParam }),
      response: { 200: apiKeySchema, ...errorResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const key = await vendors.revokeKey(request.params.vendorId, request.params.keyId);
      request.log.info({ vendorId: request.params.vendorId, apiKeyPrefix: key.prefix }, 'api key revoked');
      return apiKeyView(key);
    },
  });
};

export default vendorRoutes;
