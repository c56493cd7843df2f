// Financial and item data synced from K-Series for accounting (custom integrations poll; see
// src/services/financial/sync.ts): sales, daily summaries, CSV exports, items and price list,
// reconciliation with our orders, sync status, sync now and backfill. Every answer says when its
// data was last synced. financial-api routes answer 403 MISSING_SCOPE naming it for a connection
// without it; item routes likewise for `items`.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { vendorOf } from '../../plugins/auth.js';
import type { SyncInfo } from '../../services/financial/reads.js';
import { DAILY_COLUMNS, SALES_COLUMNS } from '../../services/financial/csv.js';
import { errorResponses, uuidParam } from '../schemas.js';
import * as s from './financial-schemas.js';

const security = [{ vendorApiKey: [] }];
const tags = ['financial'];
const params = z.object({ locationId: uuidParam });
const READ_ERRORS = errorResponses(400, 401, 403, 404, 409);
// Documentation and typing only: Fastify sends a text/csv payload as it is, unserialised.
// `x-media-type` makes /docs list it as text/csv (src/plugins/swagger.ts), not a JSON string.
const csvResponse = (columns: readonly string[]) => ({
  200: z.string().meta({
    'x-media-type': 'text/csv',
    description: 'text/csv, RFC 4180, header row first; stable columns',
    example: `${columns.join(',')}\r\n`,
  }),
  ...READ_ERRORS,
});
const P = '/locations/:locationId/financial';

function csvHeaders(reply: FastifyReply, name: string, q: { from: string; to: string }, sync: SyncInfo): void {
  void reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}-${q.from}-${q.to}.csv"`)
    .header('x-last-synced-at', sync.lastSyncedAt ?? 'never')
    .header('x-synced-through', sync.syncedThrough ?? 'never');
}

const financialRoutes: FastifyPluginAsyncZod = async (app) => {
  const financial = app.services.financial;

  app.get(`${P}/sales`, {
    schema: {
      tags,
      security,
      summary: 'Synced POS sales closed in a range of business days, oldest first (financial-api)',
      params,
      querystring: s.rangeQuery.extend({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        cursor: z.string().max(500).optional(),
      }),
      response: { 200: s.salesPage, ...READ_ERRORS },
    },
    handler: async (request) => {
      const { from, to, limit, cursor } = request.query;
      return financial.sales(vendorOf(request).id, request.params.locationId, {
        from,
        to,
        limit,
        ...(cursor ? { cursor } : {}),
      });
    },
  });

  app.get(`${P}/daily`, {
    schema: {
      tags,
      security,
      summary:
        'Per business day: revenue, tax, discounts, tips, payments by method, accounting groups, taxes (financial-api)',
      params,
      querystring: s.rangeQuery,
      response: { 200: s.dailyResponse, ...READ_ERRORS },
    },
    handler: async (request) => financial.daily(vendorOf(request).id, request.params.locationId, request.query),
  });

  app.get(`${P}/daily.csv`, {
    schema: {
      tags,
      security,
      params,
      querystring: s.rangeQuery,
      response: csvResponse(DAILY_COLUMNS),
      summary: 'The daily summaries as CSV, one row per day / payment method / accounting group / tax; stable columns',
    },
    handler: async (request, reply) => {
      const { csv, sync } = await financial.dailyCsv(vendorOf(request).id, request.params.locationId, request.query);
      csvHeaders(reply, 'daily', request.query, sync);
      return reply.send(csv);
    },
  });

  app.get(`${P}/sales.csv`, {
    schema: {
      tags,
      security,
      params,
      querystring: s.rangeQuery,
      response: csvResponse(SALES_COLUMNS),
      summary: 'Every sale of the range as CSV; stable columns',
    },
    handler: async (request, reply) => {
      const { stream, sync } = await financial.salesCsv(vendorOf(request).id, request.params.locationId, request.query);
      csvHeaders(reply, 'sales', request.query, sync);
      return reply.send(stream as unknown as string);
    },
  });

  app.get(`${P}/reconciliation`, {
    schema: {
      tags,
      security,
      params,
      querystring: s.rangeQuery,
      response: { 200: s.reconciliationResponse, ...READ_ERRORS },
      summary:
        'Our orders versus POS sales with their TASK:OO reference: what is missing on either side (financial-api)',
    },
    handler: async (request) =>
      financial.reconciliation(vendorOf(request).id, request.params.locationId, request.query),
  });

  app.get(`${P}/items`, {
    schema: {
      tags,
      security,
      summary: 'Synced items with prices and rich item data when orders-api is granted (items)',
      params,
      querystring: z.object({
        sku: z.string().min(1).max(32).optional(),
        offset: z.coerce.number().int().min(0).default(0),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: { 200: s.itemsResponse, ...READ_ERRORS },
    },
    handler: async (request) => {
      const { sku, offset, limit } = request.query;
      return financial.items(vendorOf(request).id, request.params.locationId, {
        offset,
        limit,
        ...(sku ? { sku } : {}),
      });
    },
  });

  app.get(`${P}/price-list`, {
    schema: {
      tags,
      security,
      summary: 'Every synced item with its prices and cost (items)',
      params,
      response: { 200: s.priceListResponse, ...READ_ERRORS },
    },
    handler: async (request) => financial.priceList(vendorOf(request).id, request.params.locationId),
  });

  app.get(`${P}/sync`, {
    schema: {
      tags,
      security,
      summary: 'Sync status per data set, and backfills',
      params,
      response: { 200: s.statusResponse, ...READ_ERRORS },
    },
    handler: async (request) => financial.status(vendorOf(request).id, request.params.locationId),
  });

  app.post(`${P}/sync`, {
    schema: {
      tags,
      security,
      summary: 'Sync this location now (it also runs on its schedule)',
      params,
      response: { 202: z.object({ jobId: z.string().nullable() }), ...READ_ERRORS },
    },
    handler: async (request, reply) => {
      const result = await financial.requestSync(vendorOf(request).id, request.params.locationId);
      request.log.info({ locationId: request.params.locationId }, 'financial sync requested');
      return reply.status(202).send(result);
    },
  });

  app.post(`${P}/backfill`, {
    schema: {
      tags,
      security,
      params,
      body: s.rangeQuery,
      summary: 'Read past business days (at most 365 per request), in chunks K-Series accepts (financial-api)',
      response: {
        202: z.object({
          chunks: z.array(z.object({ fromDate: z.string(), toDate: z.string() })),
          jobId: z.string().nullable(),
        }),
        ...READ_ERRORS,
      },
    },
    handler: async (request, reply) => {
      const result = await financial.requestBackfill(vendorOf(request).id, request.params.locationId, request.body);
      request.log.info(
        { locationId: request.params.locationId, chunks: result.chunks.length },
        'financial backfill requested',
      );
      return reply.status(202).send(result);
    },
  });
};

export default financialRoutes;
