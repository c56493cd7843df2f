// Financial API (financial-api scope, HAL JSON): businesses, tax rates, payment methods,
// accounting groups, financials with nextPageToken paging, daily financials, sale by external
// reference and aggregated sales. Sales are the accounts closed on the simulated POS.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authOf, requireScope } from '../auth.js';
import type { SandboxContext } from '../context.js';
import { sendSpring } from '../errors.js';
import type { SeedLocation } from '../seed.js';
import {
  aggregate,
  businessDay,
  dayWindow,
  externalReference,
  INCLUDE_VALUES,
  isGroupKey,
  nextStartOfDay,
  saleDto,
  type GroupKey,
} from '../sales.js';
import type { Account } from '../state.js';
import { firstString } from '../util.js';
import { locationFromPath, optionalInt, query } from './common.js';

const MAX_RANGE_MS = 365 * 24 * 3600 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function registerFinancialRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const financialApi = { preHandler: requireScope(ctx, 'financial-api') };
  /**
   * financials and aggregatedSales document their 400 as an object whose every value is an
   * object (a map of problems), not Spring's flat body: the Spring body is sent under `error`.
   */
  const problemMap400 = {
    ...financialApi,
    onSend: async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (reply.statusCode !== 400 || typeof payload !== 'string') return payload;
      return JSON.stringify({ error: JSON.parse(payload) as unknown });
    },
  };
  const state = ctx.state;
  const origin = (request: FastifyRequest): string => `${request.protocol}://${request.headers.host ?? '127.0.0.1'}`;

  app.get('/f/data/businesses', financialApi, async (request, reply) => {
    const page = optionalInt(ctx, request, reply, 'page', 0, 0, 1_000_000);
    const size = optionalInt(ctx, request, reply, 'size', 1000, 1, 1000);
    if (Number.isNaN(page) || Number.isNaN(size)) return reply;
    const businesses = state.businesses.filter((b) => b.id === authOf(request).grant.businessId);
    const businessList = businesses.slice(page * size, page * size + size).map((b) => ({
      businessName: b.name,
      businessId: b.id,
      currencyCode: b.currencyCode,
      businessLocations: b.locations
        .slice(0, 500)
        .map((l) => ({ blName: l.name, blID: l.id, country: l.country, timezone: l.timezone })),
    }));
    return {
      _embedded: { businessList },
      _links: { self: { href: `${origin(request)}/f/data/businesses?page=${page}&size=${size}` } },
    };
  });

  const withLocation =
    (handler: (request: FastifyRequest, reply: FastifyReply, location: SeedLocation) => unknown) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const id = locationFromPath(ctx, request, reply);
      if (id === undefined) return reply;
      return handler(request, reply, state.locations.get(id)!);
    };

  app.get(
    '/f/finance/:businessLocationId/tax-rates',
    financialApi,
    withLocation((request, _reply, location) => {
      const rates = [...new Map(Object.values(location.taxes).map((t) => [t.code, t])).values()];
      return {
        _embedded: {
          taxRateList: rates.map((t) => ({
            code: t.code,
            description: t.description,
            rate: 1 + t.percentage / 100,
            taxIncluded: t.included,
            accountingReference: t.code.toLowerCase(),
          })),
        },
        _links: { self: { href: `${origin(request)}/f/finance/${location.id}/tax-rates` } },
      };
    }),
  );

  app.get(
    '/f/finance/:businessLocationId/paymentMethods',
    financialApi,
    withLocation((request, _reply, location) => ({
      _embedded: {
        paymentMethodList: location.paymentMethods.map((m) => ({
          name: m.name,
          code: m.code,
          accountingReference: m.accountingReference,
          pmId: m.id,
        })),
      },
      _links: { self: { href: `${origin(request)}/f/finance/${location.id}/paymentMethods` } },
    })),
  );

  app.get(
    '/f/finance/:businessLocationId/accountingGroups',
    financialApi,
    withLocation((request, _reply, location) => ({
      _embedded: {
        accountingGroupList: Object.values(location.accountingGroups).map((g) => ({
          accountingGroupId: g.id,
          name: g.name,
          statisticGroup: JSON.stringify([{ category: 'default', value: g.name }]),
          code: g.code,
        })),
      },
      _links: { self: { href: `${origin(request)}/f/finance/${location.id}/accountingGroups` } },
    })),
  );

  /** Parses `include`; answers 400 for values K-Series does not know. */
  const includes = (request: FastifyRequest, reply: FastifyReply): Set<string> | undefined => {
    const raw = firstString(query(request).include) ?? '';
    const values = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = values.find((v) => !INCLUDE_VALUES.includes(v));
    if (bad) {
      void sendSpring(
        reply,
        400,
        `Invalid include value '${bad}'. Allowed values: ${INCLUDE_VALUES.join(', ')}`,
        ctx.now(),
      );
      return undefined;
    }
    return new Set(values);
  };

  const salesBetween = (location: SeedLocation, from: number, to: number): Account[] =>
    (state.sales.get(location.id) ?? []).filter((a) => (a.closedAt ?? 0) >= from && (a.closedAt ?? 0) < to);

  app.get(
    '/f/finance/:businessLocationId/financials/:from/:to',
    problemMap400,
    withLocation((request, reply, location) => {
      const { from: fromRaw = '', to: toRaw = '' } = request.params as Record<string, string>;
      const from = DATE_TIME.test(fromRaw) ? Date.parse(fromRaw) : Number.NaN;
      const to = DATE_TIME.test(toRaw) ? Date.parse(toRaw) : Number.NaN;
      if (Number.isNaN(from)) return sendSpring(reply, 400, `Invalid 'from' date-time: ${fromRaw}`, ctx.now());
      if (Number.isNaN(to)) return sendSpring(reply, 400, `Invalid 'to' date-time: ${toRaw}`, ctx.now());
      if (to <= from) return sendSpring(reply, 400, "'to' must be after 'from'", ctx.now());
      if (to - from > MAX_RANGE_MS)
        return sendSpring(reply, 400, "The date range between 'from' and 'to' cannot exceed 365 days", ctx.now());
      const include = includes(request, reply);
      if (!include) return reply;
      const pageSize = optionalInt(ctx, request, reply, 'pageSize', 1000, 1, 1000);
      if (Number.isNaN(pageSize)) return reply;
      const sales = salesBetween(location, from, to);
      const token = firstString(query(request).nextPageToken);
      const start = token ? sales.findIndex((a) => a.identifier === token) : 0;
      if (start < 0) return sendSpring(reply, 400, `Invalid nextPageToken: ${token}`, ctx.now());
      const page = sales.slice(start, start + pageSize);
      const next = sales[start + pageSize];
      const includeParam = [...include].join(',');
      const base = `${origin(request)}/f/finance/${location.id}/financials/${fromRaw}/${toRaw}?pageSize=${pageSize}${includeParam ? `&include=${includeParam}` : ''}`;
      return {
        businessName: state.business(location.businessId)?.name ?? '',
        nextStartOfDayAsIso8601: nextStartOfDay(location, ctx.now()),
        businessLocationId: location.id,
        sales: page.map((a) => saleDto(a, location, include)),
        // False while more pages follow: clients keep paging until it turns true.
        dataComplete: next === undefined,
        _links: {
          self: { href: `${base}${token ? `&nextPageToken=${token}` : ''}`, templated: false },
          ...(next ? { nextPage: { href: `${base}&nextPageToken=${next.identifier}`, templated: false } } : {}),
        },
      };
    }),
  );

  app.get(
    '/f/finance/:businessLocationId/dailyFinancials',
    financialApi,
    withLocation((request, reply, location) => {
      const include = includes(request, reply);
      if (!include) return reply;
      if (firstString(query(request).includeConsumers) === 'true') include.add('consumer');
      const date = firstString(query(request).date);
      if (date !== undefined && !DATE.test(date))
        return sendSpring(reply, 400, `Invalid date '${date}', expected YYYY-MM-DD`, ctx.now());
      const day = date ? dayWindow(location, date) : businessDay(location, ctx.now());
      return {
        businessName: state.business(location.businessId)?.name ?? '',
        nextStartOfDayAsIso8601: nextStartOfDay(location, ctx.now()),
        businessLocationId: location.id,
        sales: salesBetween(location, day.start, day.end).map((a) => saleDto(a, location, include)),
        dataComplete: day.end <= ctx.now(),
        _links: { self: { href: `${origin(request)}/f/finance/${location.id}/dailyFinancials?date=${day.date}` } },
      };
    }),
  );

  app.get(
    '/f/finance/:businessLocationId/saleByExternalReference',
    financialApi,
    withLocation((request, reply, location) => {
      const ref = firstString(query(request).externalReferenceId);
      if (!ref)
        return sendSpring(
          reply,
          400,
          "Required request parameter 'externalReferenceId' for method parameter type String is not present",
          ctx.now(),
        );
      const sale = (state.sales.get(location.id) ?? []).find(
        (a) => a.orderReference && externalReference(location.id, a.orderReference) === ref,
      );
      if (!sale) return sendSpring(reply, 404, `No receipt found for external reference ${ref}`, ctx.now());
      return saleDto(sale, location, new Set(INCLUDE_VALUES));
    }),
  );

  app.get(
    '/f/finance/:businessLocationId/aggregatedSales',
    problemMap400,
    withLocation((request, reply, location) => {
      const q = query(request);
      const groupBy = firstString(q.groupBy);
      if (!groupBy || groupBy.length < 3)
        return sendSpring(
          reply,
          400,
          "Required request parameter 'groupBy' for method parameter type String is not present",
          ctx.now(),
        );
      const keys = groupBy.split(',').map((s) => s.trim());
      const bad = keys.find((k) => !isGroupKey(k));
      if (bad) return sendSpring(reply, 400, `Invalid groupBy value '${bad}'`, ctx.now());
      const date = firstString(q.date);
      const fromRaw = firstString(q.from);
      const toRaw = firstString(q.to);
      if (date && (fromRaw || toRaw))
        return sendSpring(reply, 400, "Use either 'date' or 'from' and 'to', not both", ctx.now());
      if (Boolean(fromRaw) !== Boolean(toRaw))
        return sendSpring(reply, 400, "'from' and 'to' must be used together", ctx.now());
      let window: { start: number; end: number };
      if (fromRaw && toRaw) {
        const from = DATE_TIME.test(fromRaw) ? Date.parse(fromRaw) : Number.NaN;
        const to = DATE_TIME.test(toRaw) ? Date.parse(toRaw) : Number.NaN;
        if (Number.isNaN(from) || Number.isNaN(to) || to <= from)
          return sendSpring(reply, 400, "Invalid 'from' / 'to' date-times", ctx.now());
        if (to - from > MAX_RANGE_MS)
          return sendSpring(reply, 400, "The date range between 'from' and 'to' cannot exceed 365 days", ctx.now());
        window = { start: from, end: to };
      } else if (date) {
        if (!DATE.test(date)) return sendSpring(reply, 400, `Invalid date '${date}', expected YYYY-MM-DD`, ctx.now());
        window = dayWindow(location, date);
      } else {
        window = businessDay(location, ctx.now());
      }
      return {
        ...aggregate(salesBetween(location, window.start, window.end), location, keys as GroupKey[]),
        nextStartOfDayAsIso8601: nextStartOfDay(location, ctx.now()),
        dataComplete: window.end <= ctx.now(),
        businessName: state.business(location.businessId)?.name ?? '',
      };
    }),
  );
}
