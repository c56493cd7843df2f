// Catalog reads (and item writes) for a vendor's location, from its K-Series business location.
// Every answer is {data, cache:{hit, fetchedAt, ttlSeconds}}; `refresh=true` skips the cache.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { vendorOf } from '../../plugins/auth.js';
import type { CachedValue } from '../../services/catalog-cache.js';
import { statusResponse } from '../../integrations/lightspeed/client/schemas/common.js';
import * as fin from '../../integrations/lightspeed/client/schemas/financial.js';
import * as items from '../../integrations/lightspeed/client/schemas/items.js';
import { menu } from '../../integrations/lightspeed/client/schemas/menu.js';
import * as oa from '../../integrations/lightspeed/client/schemas/orders-api.js';
import { errorResponses, uuidParam } from '../schemas.js';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const readQuery = z.object({ refresh: flag.optional() });
const params = z.object({ locationId: uuidParam });
const positiveId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const cacheMeta = z.object({
  hit: z.boolean().describe('true when served without calling K-Series for this request'),
  fetchedAt: z.iso.datetime(),
  ttlSeconds: z.number().int(),
});
const envelope = <T extends z.ZodType>(data: T) => z.object({ data, cache: cacheMeta });
const liveEnvelope = <T extends z.ZodType>(data: T) => z.object({ data });

const READ_ERRORS = errorResponses(400, 401, 403, 404, 409, 502, 503, 504);
const security = [{ vendorApiKey: [] }];
const tags = ['catalog'];

function send<T>(reply: FastifyReply, value: CachedValue<T>) {
  void reply.header('x-cache', value.hit ? 'HIT' : 'MISS');
  return { data: value.data, cache: { hit: value.hit, fetchedAt: value.fetchedAt, ttlSeconds: value.ttlSeconds } };
}

const skuList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().max(25)).min(1, 'at least one SKU is required').max(500, 'at most 500 SKUs per request'));

// The items API spec gives prices as a bare `number` (no bounds). Silent spec, safest for the
// merchant: the bounds of order amounts -- not negative, at most 1,000,000, at most 2 decimals
// (a -5 or 1e12 price is a typo that would reach every till).
const itemPrice = z
  .number()
  .nonnegative()
  .max(1_000_000)
  .refine((v) => Math.round(v * 100) === Number((v * 100).toFixed(6)), 'at most 2 decimals');

const itemWrite = {
  name: z.string().min(1).max(180),
  docketName: z.string().max(64).optional(),
  active: z.boolean().optional(),
  barcode: z.string().max(64).optional(),
  barcodes: z.array(z.string().max(64)).max(50).optional(),
  accountingGroupId: z.number().int().positive(),
  costPrice: itemPrice.optional(),
  defaultPrice: itemPrice,
  priceMode: z.enum(['AMOUNT', 'PERCENT', 'POSITIVE_OPEN_PRICE', 'NEGATIVE_OPEN_PRICE']).optional(),
};

const catalogRoutes: FastifyPluginAsyncZod = async (app) => {
  const catalog = app.services.catalog;

  type Read<T> = (vendorId: string, locationId: string, options: { refresh?: boolean }) => Promise<CachedValue<T>>;
  // The simple cached reads: one K-Series resource each, no parameters besides `refresh`.
  function simple<S extends z.ZodType>(path: string, summary: string, data: S, read: Read<z.input<S>>) {
    app.get(`/locations/:locationId/${path}`, {
      // Widened: Fastify cannot resolve a generic reply type. `read` is typed against `data` instead.
      schema: {
        tags,
        security,
        summary,
        params,
        querystring: readQuery,
        response: { 200: envelope(data) as z.ZodType, ...READ_ERRORS },
      },
      handler: async (request, reply) =>
        send(
          reply,
          await read(vendorOf(request).id, request.params.locationId, { refresh: request.query.refresh ?? false }),
        ),
    });
  }

  simple('menus', 'Menus of the location', z.array(oa.menuSummary), catalog.menus);
  simple('modifiers', 'Modifier (production instruction) groups', z.array(oa.productionInstruction), catalog.modifiers);
  simple('discounts', 'Discounts', z.array(oa.discount), catalog.discounts);
  simple('floorplans', 'Floor plans with their tables', z.array(oa.floorPlan), catalog.floorPlans);
  simple('order-profiles', 'Order (account) profiles', z.array(oa.accountProfile), catalog.orderProfiles);
  simple('readiness', 'Online-ordering readiness (cached for seconds)', oa.readiness, catalog.readiness);
  simple('tax-rates', 'Tax rates (financial-api)', z.array(fin.taxRate), catalog.taxRates);
  simple('payment-methods', 'Payment methods (financial-api)', z.array(fin.paymentMethod), catalog.paymentMethods);
  simple(
    'accounting-groups',
    'Accounting groups (financial-api)',
    z.array(fin.accountingGroup),
    catalog.accountingGroups,
  );
  simple('allergens', 'Allergen codes with translations', z.array(items.allergen), catalog.allergens);

  app.get('/locations/:locationId/menus/:menuId', {
    schema: {
      tags,
      security,
      summary: 'A menu (K-Series v2 load); richContent=true adds images, texts and allergens',
      params: params.extend({ menuId: positiveId }),
      querystring: readQuery.extend({
        richContent: flag.optional(),
        accountProfile: z.string().min(1).max(64).optional(),
      }),
      response: { 200: envelope(menu), ...READ_ERRORS },
    },
    handler: async (request, reply) => {
      const { refresh, richContent, accountProfile } = request.query;
      return send(
        reply,
        await catalog.menu(
          vendorOf(request).id,
          request.params.locationId,
          request.params.menuId,
          {
            richContent: richContent ?? false,
            ...(accountProfile ? { accountProfile } : {}),
          },
          { refresh: refresh ?? false },
        ),
      );
    },
  });

  app.get('/locations/:locationId/availability', {
    schema: {
      tags,
      security,
      summary:
        'Availability of SKUs (comma separated or repeated `skus`): K-Series lists only restricted SKUs, so an unlisted SKU is available (count null); cached for seconds, dropped by ITEM webhooks',
      params,
      querystring: readQuery.extend({ skus: skuList }),
      response: {
        200: envelope(
          z.array(
            z.object({
              sku: z.string(),
              restricted: z.boolean().describe('K-Series lists an availability restriction for this SKU'),
              count: z.number().nullable().describe('units left when restricted (0 = sold out); null = unrestricted'),
              available: z.boolean(),
              updatedAt: z.string().nullable(),
            }),
          ),
        ),
        ...READ_ERRORS,
      },
    },
    handler: async (request, reply) =>
      send(
        reply,
        await catalog.availability(vendorOf(request).id, request.params.locationId, request.query.skus, {
          refresh: request.query.refresh ?? false,
        }),
      ),
  });

  app.get('/locations/:locationId/open-checks', {
    schema: {
      tags,
      security,
      summary: 'Open checks (live, not cached)',
      params,
      response: { 200: liveEnvelope(z.array(oa.accountSnapshot)), ...READ_ERRORS },
    },
    handler: async (request) => ({ data: await catalog.openChecks(vendorOf(request).id, request.params.locationId) }),
  });

  app.get('/locations/:locationId/items', {
    schema: {
      tags,
      security,
      summary: 'Items (items scope), searchable by sku or name, paged by offset/limit',
      params,
      querystring: readQuery.extend({
        sku: z.string().min(1).max(32).optional(),
        name: z.string().min(1).max(180).optional(),
        offset: z.coerce.number().int().min(0).default(0),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: {
        200: envelope(z.array(items.item)).extend({
          page: z.object({
            offset: z.number().int(),
            limit: z.number().int(),
            nextOffset: z.number().int().nullable(),
          }),
        }),
        ...READ_ERRORS,
      },
    },
    handler: async (request, reply) => {
      const { refresh, sku, name, offset, limit } = request.query;
      const value = await catalog.items(
        vendorOf(request).id,
        request.params.locationId,
        {
          ...(sku ? { sku } : {}),
          ...(name ? { name } : {}),
          offset,
          limit,
        },
        { refresh: refresh ?? false },
      );
      // K-Series gives no total: a full page means there may be more.
      return {
        ...send(reply, value),
        page: { offset, limit, nextOffset: value.data.length >= limit ? offset + limit : null },
      };
    },
  });

  app.get('/locations/:locationId/items/:itemId', {
    schema: {
      tags,
      security,
      params: params.extend({ itemId: positiveId }),
      querystring: readQuery,
      response: { 200: envelope(items.item), ...READ_ERRORS },
    },
    handler: async (request, reply) =>
      send(
        reply,
        await catalog.item(vendorOf(request).id, request.params.locationId, request.params.itemId, {
          refresh: request.query.refresh ?? false,
        }),
      ),
  });

  app.post('/locations/:locationId/items', {
    schema: {
      tags,
      security,
      summary: 'Create an item in K-Series (items scope with write access)',
      params,
      body: z.object({ ...itemWrite, sku: z.string().min(1).max(32).optional() }),
      response: { 201: liveEnvelope(items.item), ...READ_ERRORS },
    },
    handler: async (request, reply) => {
      const item = await catalog.createItem(vendorOf(request).id, request.params.locationId, request.body);
      request.log.info({ locationId: request.params.locationId, itemId: item.id }, 'kseries item created');
      return reply.status(201).send({ data: item });
    },
  });

  app.put('/locations/:locationId/items/:itemId', {
    schema: {
      tags,
      security,
      summary: 'Replace an item in K-Series (items scope with write access)',
      params: params.extend({ itemId: positiveId }),
      body: z.object({ ...itemWrite, sku: z.string().min(1).max(32) }),
      response: { 200: liveEnvelope(items.item), ...READ_ERRORS },
    },
    handler: async (request) => {
      const item = await catalog.updateItem(
        vendorOf(request).id,
        request.params.locationId,
        request.params.itemId,
        request.body,
      );
      request.log.info({ locationId: request.params.locationId, itemId: item.id }, 'kseries item updated');
      return { data: item };
    },
  });

  app.get('/locations/:locationId/rich-items', {
    schema: {
      tags,
      security,
      summary: 'Rich items (pictures, descriptions, allergens) of the business',
      params,
      querystring: readQuery.extend({
        page: z.coerce.number().int().min(0).default(0),
        size: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: {
        200: envelope(z.object({ items: z.array(items.richItem), page: z.looseObject({}).nullable() })),
        ...READ_ERRORS,
      },
    },
    handler: async (request, reply) => {
      const { refresh, page, size } = request.query;
      return send(
        reply,
        await catalog.richItems(
          vendorOf(request).id,
          request.params.locationId,
          { page, size },
          { refresh: refresh ?? false },
        ),
      );
    },
  });

  app.get('/locations/:locationId/rich-items/:sku', {
    schema: {
      tags,
      security,
      params: params.extend({ sku: z.string().min(1).max(25) }),
      querystring: readQuery,
      response: { 200: envelope(items.richItem), ...READ_ERRORS },
    },
    handler: async (request, reply) =>
      send(
        reply,
        await catalog.richItem(vendorOf(request).id, request.params.locationId, request.params.sku, {
          refresh: request.query.refresh ?? false,
        }),
      ),
  });

  app.post('/locations/:locationId/print-message', {
    schema: {
      tags,
      security,
      summary: 'Print a message on the POS (and optionally its printer)',
      params,
      body: z.object({ message: z.string().trim().min(1).max(2000), alsoToPrinter: z.boolean().optional() }),
      response: { 200: liveEnvelope(statusResponse), ...READ_ERRORS },
    },
    handler: async (request) => {
      const { message, alsoToPrinter } = request.body;
      return {
        data: await catalog.printMessage(vendorOf(request).id, request.params.locationId, {
          message,
          ...(alsoToPrinter === undefined ? {} : { alsoToPrinter }),
        }),
      };
    },
  });
};

export default catalogRoutes;
