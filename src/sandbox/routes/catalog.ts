// Order & Pay read side: businesses, order profiles, floor plans, menus, production instructions,
// discounts, item availability and online-order readiness.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authOf, requireScope } from '../auth.js';
import type { SandboxContext } from '../context.js';
import { apiSubExceptionBody, sendSpring } from '../errors.js';
import { buildMenu, instructionGroupJson } from '../menus.js';
import { readinessDetails } from '../notify.js';
import { DISCOUNTS } from '../seed-catalog.js';
import { firstString } from '../util.js';
import {
  isObject,
  listParam,
  locationFromPath,
  locationFromQuery,
  optionalInt,
  params,
  parseLongParam,
  query,
} from './common.js';

export function registerCatalogRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const ordersApi = { preHandler: requireScope(ctx, 'orders-api') };
  const state = ctx.state;

  app.get('/o/op/data/businesses', ordersApi, async (request) => {
    const business = state.business(authOf(request).grant.businessId);
    if (!business) return [];
    return [
      {
        id: business.id,
        name: business.name,
        businessLocations: business.locations.map((l) => ({ id: l.id, name: l.name })),
      },
    ];
  });

  app.get('/o/op/data/account-profiles', ordersApi, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    return { businessLocationId: locationId, accountProfileList: state.locations.get(locationId)!.profiles };
  });

  app.get('/o/op/data/:businessLocationId/account-profiles/tagcode/:tagCode', ordersApi, async (request, reply) => {
    const locationId = locationFromPath(ctx, request, reply);
    if (locationId === undefined) return reply;
    const code = params(request).tagCode;
    const profile = state.locations.get(locationId)!.profiles.find((p) => p.code === code);
    if (!profile) return sendSpring(reply, 404, `No active order profile found with code ${code}`, ctx.now());
    return profile;
  });

  const tableJson = (t: { id: string; number: number; seats: number }, floor: string) => ({
    number: t.number,
    reference: `${floor.toLowerCase().replace(/\s+/g, '-')}-${t.number}`,
    id: t.id,
    active: true,
    description: `Table ${t.number}`,
    defaultClientCount: t.seats,
  });

  app.get('/o/op/data/:businessLocationId/floorplans', ordersApi, async (request, reply) => {
    const locationId = locationFromPath(ctx, request, reply);
    if (locationId === undefined) return reply;
    const expand = firstString(query(request).expandTables) !== 'false';
    const plans = state.locations.get(locationId)!.floorPlans;
    if (plans.length === 0) return sendSpring(reply, 404, `No floorplans found for BL ${locationId}`, ctx.now());
    return plans.map((fp) => ({
      id: fp.id,
      name: fp.name,
      ...(expand ? { tables: fp.tables.map((t) => tableJson(t, fp.name)) } : {}),
    }));
  });

  app.get('/o/op/data/:businessLocationId/floorplans/:floorPlanId/tables', ordersApi, async (request, reply) => {
    const locationId = locationFromPath(ctx, request, reply);
    if (locationId === undefined) return reply;
    const floorPlanId = parseLongParam(ctx, reply, 'floorPlanId', params(request).floorPlanId ?? '');
    if (floorPlanId === undefined) return reply;
    const plan = state.locations.get(locationId)!.floorPlans.find((fp) => fp.id === floorPlanId);
    if (!plan) return sendSpring(reply, 404, `Floorplan ${floorPlanId} not found for BL ${locationId}`, ctx.now());
    return plan.tables.map((t) => tableJson(t, plan.name));
  });

  app.get('/o/op/1/menu/list', ordersApi, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    return state.locations.get(locationId)!.menus.map((m) => ({ menuName: m.name, ikentooMenuId: m.id }));
  });

  const loadMenu = (version: 1 | 2) => async (request: FastifyRequest, reply: FastifyReply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    const menuId = parseLongParam(ctx, reply, 'menuId', params(request).menuId ?? '');
    if (menuId === undefined) return reply;
    const q = query(request);
    const profile = firstString(q.accountProfile) || undefined;
    const menu = buildMenu(state, state.locations.get(locationId)!, menuId, {
      version,
      richContent: firstString(q.richContent) === 'true',
      ...(profile ? { profile } : {}),
    });
    if (!menu)
      return reply
        .code(404)
        .send(apiSubExceptionBody(404, `Menu ${menuId} not found for business location ${locationId}`, ctx.now()));
    return menu;
  };
  app.get('/o/op/1/menu/load/:menuId', ordersApi, loadMenu(1));
  app.get('/o/op/2/menu/load/:menuId', ordersApi, loadMenu(2));

  app.get('/o/op/1/menu/modifiers', ordersApi, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    return state.locations.get(locationId)!.instructionGroups.map(instructionGroupJson);
  });

  app.get('/o/op/1/menu/discounts', ordersApi, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    return DISCOUNTS.map((d) =>
      'percentage' in d
        ? { name: d.name, code: d.code, discountPercentage: d.percentage }
        : { name: d.name, code: d.code, discountAmount: d.amount },
    );
  });

  /**
   * apeGetRestrictedItems: only the asked SKUs that carry a restriction, each with the count left
   * (0 = sold out); a SKU not listed has no restriction and is available. The spec says nothing
   * about SKUs the location does not know: they carry no restriction either, so they are simply
   * not listed (no invented warning). Pages run over the listed (restricted) items; the spec's
   * "total: number of items requested" is read the same way, so totalPages always agrees with it.
   */
  const availability = (
    request: FastifyRequest,
    reply: FastifyReply,
    locationId: number,
    skus: string[],
    maxSize: number,
  ) => {
    const page = optionalInt(ctx, request, reply, 'page', 0, 0, 1_000_000);
    const size = optionalInt(ctx, request, reply, 'size', 25, 1, maxSize);
    if (Number.isNaN(page) || Number.isNaN(size)) return reply;
    const restrictions = state.availability.get(locationId) ?? new Map();
    const restricted = [...new Set(skus)].filter((sku) => restrictions.has(sku));
    const data = restricted.slice(page * size, page * size + size).map((sku) => {
      const r = restrictions.get(sku)!;
      return { sku, count: r.count, updatedAt: new Date(r.updatedAt).toISOString() };
    });
    return reply.send({
      data,
      metadata: {
        warnings: [],
        current: { page, pageSize: size },
        total: restricted.length,
        totalPages: Math.ceil(restricted.length / size),
      },
    });
  };

  /** 1..50 SKUs; K-Series answers a plain Spring 400 (the documented shape has no errors[]). */
  const skuCountError = (reply: FastifyReply, count: number) => {
    if (count >= 1 && count <= 50) return false;
    void sendSpring(reply, 400, `getRestrictedItems.skus: size must be between 1 and 50 (got ${count})`, ctx.now());
    return true;
  };

  app.get('/o/op/1/itemAvailability', ordersApi, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    const raw = query(request);
    const skus = listParam(raw.skus ?? raw['skus[]']);
    if (skus.length === 0)
      return sendSpring(
        reply,
        400,
        "Required request parameter 'skus' for method parameter type List is not present",
        ctx.now(),
      );
    if (skuCountError(reply, skus.length)) return reply;
    return availability(request, reply, locationId, skus, 50);
  });

  app.post('/o/op/1/itemAvailability', ordersApi, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    const body = request.body;
    if (!isObject(body) || !Array.isArray(body.skus)) {
      return sendSpring(reply, 400, 'Required request body is missing: {"skus": [...]}', ctx.now());
    }
    const skus = body.skus.map((s) => String(s));
    if (skuCountError(reply, skus.length)) return reply;
    return availability(request, reply, locationId, skus, 100);
  });

  app.get('/o/op/1/onlineOrderReadiness', ordersApi, async (request, reply) => {
    const locationId = locationFromQuery(ctx, request, reply);
    if (locationId === undefined) return reply;
    const location = state.locations.get(locationId)!;
    const readiness = state.readiness.get(locationId)!;
    return {
      status: readiness.status,
      lastUpdatedAt: new Date(readiness.lastUpdatedAt).toISOString(),
      ...readinessDetails(location.profiles[0]?.id ?? null, location.staff.id, readiness.status === 'READY'),
    };
  });
}
