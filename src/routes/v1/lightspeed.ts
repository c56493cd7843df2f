// The vendor's Lightspeed connection over the API, for vendors' own back offices: connect
// (returns the authorization URL), status, test, logs, businesses, disconnect, and the allow-list
// of URLs the OAuth callback may return to.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DISCONNECT_CONFIRMATION, type ConnectionStatusView } from '../../services/connections/manage-connection.js';
import { vendorOf } from '../../plugins/auth.js';
import { errorResponses, iso, isoDate } from '../schemas.js';

const security = [{ vendorApiKey: [] }];
const tags = ['lightspeed'];
const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

const statusSchema = z
  .object({
    status: z.enum(['CONNECTED', 'DISCONNECTED', 'NOT_CONNECTED']),
    reconnectRequired: z.boolean(),
    environment: z.enum(['sandbox', 'trial', 'production']).nullable(),
    businessId: z.number().int().nullable(),
    businessName: z.string().nullable(),
    scopes: z.array(z.string()),
    accessTokenExpiresAt: isoDate.nullable(),
    webhookRegistered: z.boolean(),
    connectedAt: isoDate.nullable(),
    lastCheckedAt: isoDate.nullable(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'LightspeedStatus' });

export const statusView = (s: ConnectionStatusView) => ({
  ...s,
  accessTokenExpiresAt: iso(s.accessTokenExpiresAt),
  connectedAt: iso(s.connectedAt),
  lastCheckedAt: iso(s.lastCheckedAt),
});

const logEntrySchema = z
  .object({
    id: z.uuid(),
    level: z.enum(['INFO', 'WARN', 'ERROR']),
    event: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).nullable(),
    count: z.number().int(),
    firstAt: isoDate,
    lastAt: isoDate,
  })
  .meta({ id: 'IntegrationLogEntry' });

const businessSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    locations: z.array(z.object({ id: z.number().int(), name: z.string() })),
  })
  .meta({ id: 'LightspeedBusiness' });

const lightspeedRoutes: FastifyPluginAsyncZod = async (app) => {
  const { connect, connections, integrationLog } = app.services.lightspeed;

  app.post('/lightspeed/connect', {
    schema: {
      tags,
      security,
      summary: "Start connecting: returns the link to open in the merchant's browser",
      description:
        'authorizationUrl is a link of ours (/lightspeed/connect/start), valid for 10 minutes and usable once: it binds the ' +
        'attempt to the browser that opens it, then redirects to Lightspeed; the callback refuses the code in any other ' +
        'browser. A business already connected to another vendor is refused (reason BUSINESS_ALREADY_CONNECTED). ' +
        'After consent, Lightspeed redirects to /lightspeed/callback, ' +
        "which redirects to `returnTo` (when given; it must be on the vendor's allow-list) with `lightspeed=connected` or " +
        '`lightspeed=error&reason=CODE`.',
      body: z.object({ returnTo: httpUrl.optional() }).default({}),
      response: { 200: z.object({ authorizationUrl: z.string(), expiresAt: isoDate }), ...errorResponses(400, 401) },
    },
    handler: async (request) => {
      const started = await connect.start({
        vendorId: vendorOf(request).id,
        origin: 'api',
        returnTo: request.body.returnTo,
      });
      request.log.info('lightspeed connect started');
      return { authorizationUrl: started.authorizationUrl, expiresAt: iso(started.expiresAt) };
    },
  });

  app.get('/lightspeed/status', {
    schema: { tags, security, summary: 'Connection status', response: { 200: statusSchema, ...errorResponses(401) } },
    handler: async (request) => statusView(await connections.status(vendorOf(request).id)),
  });

  app.post('/lightspeed/test', {
    schema: {
      tags,
      security,
      summary: 'Test the connection with a real K-Series call (updates lastCheckedAt)',
      response: {
        200: z.object({ ok: z.boolean(), message: z.string(), checkedAt: isoDate, status: statusSchema }),
        ...errorResponses(401, 409),
      },
    },
    handler: async (request) => {
      const vendorId = vendorOf(request).id;
      const result = await connections.test(vendorId);
      return {
        ok: result.ok,
        message: result.message,
        checkedAt: iso(result.checkedAt),
        status: statusView(await connections.status(vendorId)),
      };
    },
  });

  app.get('/lightspeed/logs', {
    schema: {
      tags,
      security,
      summary: 'Integration log, newest first (at most 100 entries are kept)',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(100) }),
      response: { 200: z.object({ items: z.array(logEntrySchema) }), ...errorResponses(400, 401) },
    },
    handler: async (request) => {
      const entries = await integrationLog.list(vendorOf(request).id, { limit: request.query.limit });
      return { items: entries.map((e) => ({ ...e, firstAt: iso(e.firstAt), lastAt: iso(e.lastAt) })) };
    },
  });

  app.get('/lightspeed/businesses', {
    schema: {
      tags,
      security,
      summary: 'The connected business and its business locations (to map locations)',
      response: { 200: z.object({ items: z.array(businessSchema) }), ...errorResponses(401, 409, 502, 503) },
    },
    handler: async (request) => ({ items: await connections.businesses(vendorOf(request).id) }),
  });

  app.post('/lightspeed/disconnect', {
    schema: {
      tags,
      security,
      summary: `Disconnect (requires confirmation "${DISCONNECT_CONFIRMATION}")`,
      description:
        'Deletes the credentials, deregisters our webhook endpoint and clears provider_integrated. Reconnect at any time.',
      body: z.object({ confirmation: z.string().max(100) }),
      response: {
        200: z.object({ status: statusSchema, webhookRemoved: z.boolean() }),
        ...errorResponses(400, 401, 409),
      },
    },
    handler: async (request) => {
      const vendorId = vendorOf(request).id;
      const { webhookRemoved } = await connections.disconnect(vendorId, request.body.confirmation);
      return { status: statusView(await connections.status(vendorId)), webhookRemoved };
    },
  });

  const allowListSchema = z.object({ urls: z.array(httpUrl).max(20) });

  app.get('/lightspeed/return-to-allow-list', {
    schema: {
      tags,
      security,
      summary: 'URLs the OAuth callback may return to',
      response: { 200: allowListSchema, ...errorResponses(401) },
    },
    handler: async (request) => ({ urls: await connections.returnToAllowList(vendorOf(request).id) }),
  });

  app.put('/lightspeed/return-to-allow-list', {
    schema: {
      tags,
      security,
      summary: 'Replace the returnTo allow-list (same origin and path prefix match)',
      body: allowListSchema,
      response: { 200: allowListSchema, ...errorResponses(400, 401) },
    },
    handler: async (request) => ({
      urls: await connections.setReturnToAllowList(vendorOf(request).id, request.body.urls),
    }),
  });
};

export default lightspeedRoutes;
