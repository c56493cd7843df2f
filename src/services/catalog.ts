// A vendor's K-Series catalog per location: resolves location -> businessLocationId and vendor ->
// connection (409s when either is missing), checks scopes (403 naming it), reads through the shared
// Redis cache and maps K-Series failures to our errors.
import type { Registry } from 'prom-client';
import type { PrismaClient } from '../db/prisma.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import { kseriesErrorToAppError } from '../integrations/lightspeed/client/app-errors.js';
import type { CreateItemRequest, KSeriesClient, UpdateItemRequest } from '../integrations/lightspeed/client/index.js';
import {
  createCatalogCache,
  invalidateCatalogCache,
  type CacheKeys,
  type CachedValue,
  type CatalogResource,
} from './catalog-cache.js';

export { invalidateCatalogCache, type CatalogResource } from './catalog-cache.js';

/** What an ITEM webhook (availability) and an ORDER_API webhook (readiness) make stale. */
export const ITEM_EVENT_RESOURCES: readonly CatalogResource[] = ['availability', 'items'];
export const READINESS_EVENT_RESOURCES: readonly CatalogResource[] = ['readiness'];
/**
 * The webhook processor's `invalidateLocationCache(businessLocationId, kind)`: what an ITEM
 * (availability) or ORDER_API (readiness) event makes stale, for every connection.
 */
export function catalogInvalidator(keys: CacheKeys) {
  return (businessLocationId: bigint, kind: 'availability' | 'readiness') =>
    invalidateCatalogCache(
      keys,
      businessLocationId,
      kind === 'readiness' ? READINESS_EVENT_RESOURCES : ITEM_EVENT_RESOURCES,
    );
}

const ITEM_WRITE_RESOURCES: readonly CatalogResource[] = ['items', 'menus', 'menu'];

type Scope = 'orders-api' | 'financial-api' | 'items';

export interface CatalogServiceDeps extends CacheKeys {
  prisma: PrismaClient;
  kseries: KSeriesClient;
  registry?: Registry;
  /** Minutes-scale TTL for rarely-changing data. */
  ttlSeconds: number;
  /** Seconds-scale TTL for availability and readiness. */
  liveTtlSeconds: number;
  /** Longer than the slowest K-Series call including retries. */
  loadTimeoutMs: number;
}

export interface ReadOptions {
  refresh?: boolean;
}

interface LocationContext {
  connectionId: string;
  businessLocationId: bigint;
  businessId: bigint | null;
}

/**
 * Availability of one SKU at a location, as K-Series' apeGetRestrictedItems answers it: only SKUs
 * that carry a restriction are listed, with the count left. A SKU not listed has no restriction
 * and is available (count null); a listed one is available while its count is above 0. This says
 * nothing about whether the SKU exists: that is the menu's business.
 */
export interface SkuAvailability {
  sku: string;
  restricted: boolean;
  /** Units left when restricted (0 = sold out); null when not restricted. */
  count: number | null;
  available: boolean;
  updatedAt: string | null;
}

/** Whether `quantity` units of the SKU can be sold now: unrestricted, or enough units left. */
export function canSell(a: SkuAvailability, quantity = 1): boolean {
  return a.count === null || a.count >= quantity;
}

/** K-Series' restriction list for the asked SKUs, turned into one answer per SKU (sorted input). */
function toAvailability(
  skus: readonly string[],
  restricted: readonly { sku: string; count?: number | undefined; updatedAt?: string | undefined }[],
): SkuAvailability[] {
  const bySku = new Map(restricted.map((r) => [r.sku, r]));
  return skus.map((sku) => {
    const r = bySku.get(sku);
    // The spec types count as optional: a restriction listed without a count is treated as sold
    // out, the safe reading for the merchant (never sell what may not be there).
    const count = r ? (r.count ?? 0) : null;
    return {
      sku,
      restricted: r !== undefined,
      count,
      available: count === null || count > 0,
      updatedAt: r?.updatedAt ?? null,
    };
  });
}

export function createCatalogService(deps: CatalogServiceDeps) {
  const { prisma, kseries } = deps;
  const cache = createCatalogCache(deps, {
    lockTtlMs: deps.loadTimeoutMs + 5_000,
    ...(deps.registry ? { registry: deps.registry } : {}),
  });

  /** `vendorId` null: the caller already holds the location (a location has exactly one vendor). */
  async function resolve(vendorId: string | null, locationId: string, scope: Scope): Promise<LocationContext> {
    const location = await prisma.location.findFirst({
      where: { id: locationId, ...(vendorId === null ? {} : { vendorId }) },
      select: {
        businessLocationId: true,
        vendor: { select: { connection: { select: { id: true, status: true, scopes: true, businessId: true } } } },
      },
    });
    if (!location) throw new NotFoundError('Location');
    const connection = location.vendor.connection;
    if (connection?.status !== 'CONNECTED') {
      throw new ConflictError(
        'The vendor is not connected to Lightspeed (connect or reconnect first)',
        'VENDOR_NOT_CONNECTED',
        {
          status: connection?.status ?? 'NOT_CONNECTED',
        },
      );
    }
    if (location.businessLocationId === null) {
      throw new ConflictError(
        'The location is not mapped to a K-Series business location (set businessLocationId first)',
        'LOCATION_NOT_MAPPED',
      );
    }
    if (!connection.scopes.includes(scope)) {
      throw new ForbiddenError(
        `The Lightspeed connection was not granted the "${scope}" scope`,
        { scope },
        'MISSING_SCOPE',
      );
    }
    return {
      connectionId: connection.id,
      businessLocationId: location.businessLocationId,
      businessId: connection.businessId,
    };
  }

  async function upstream<T>(work: () => Promise<T>, write = false): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw kseriesErrorToAppError(err, { write });
    }
  }

  function cached<T>(
    vendorId: string | null,
    locationId: string,
    spec: { resource: CatalogResource; scope: Scope; live?: boolean; variant?: unknown },
    options: ReadOptions,
    fetch: (ctx: LocationContext) => Promise<T>,
  ): Promise<CachedValue<T>> {
    return resolve(vendorId, locationId, spec.scope).then((ctx) =>
      cache.get(
        {
          connectionId: ctx.connectionId,
          businessLocationId: String(ctx.businessLocationId),
          resource: spec.resource,
          variant: spec.variant,
          ttlSeconds: spec.live ? deps.liveTtlSeconds : deps.ttlSeconds,
          refresh: options.refresh ?? false,
        },
        () => upstream(() => fetch(ctx)),
      ),
    );
  }

  /** Uncached: data that changes by the minute (open checks) or writes. */
  async function live<T>(
    vendorId: string,
    locationId: string,
    scope: Scope,
    fetch: (ctx: LocationContext) => Promise<T>,
    write = false,
  ) {
    const ctx = await resolve(vendorId, locationId, scope);
    return upstream(() => fetch(ctx), write);
  }

  function needBusinessId(ctx: LocationContext): bigint {
    if (ctx.businessId === null) {
      throw new ConflictError('The Lightspeed connection has no business id yet (reconnect)', 'VENDOR_NOT_CONNECTED');
    }
    return ctx.businessId;
  }

  /** One cache entry per SKU set, whatever the order asked; K-Series lists only restrictions. */
  function availabilityRead(vendorId: string | null, locationId: string, requested: string[], o: ReadOptions) {
    const sorted = [...requested].sort();
    return cached(
      vendorId,
      locationId,
      { resource: 'availability', scope: 'orders-api', live: true, variant: sorted },
      o,
      async (c): Promise<SkuAvailability[]> =>
        toAvailability(sorted, await kseries.getAllItemAvailability(c.connectionId, c.businessLocationId, sorted)),
    );
  }

  const OA = 'orders-api' as const;
  const FIN = 'financial-api' as const;

  return {
    menus: (v: string, l: string, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'menus', scope: OA }, o, (c) => kseries.getMenus(c.connectionId, c.businessLocationId)),

    menu: (
      v: string,
      l: string,
      menuId: number,
      q: { richContent?: boolean; accountProfile?: string },
      o: ReadOptions = {},
    ) =>
      cached(
        v,
        l,
        { resource: 'menu', scope: OA, variant: [menuId, q.richContent ?? false, q.accountProfile ?? ''] },
        o,
        (c) => kseries.loadMenu(c.connectionId, c.businessLocationId, menuId, q),
      ),

    modifiers: (v: string, l: string, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'modifiers', scope: OA }, o, (c) =>
        kseries.getModifiers(c.connectionId, c.businessLocationId),
      ),

    discounts: (v: string, l: string, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'discounts', scope: OA }, o, (c) =>
        kseries.getDiscounts(c.connectionId, c.businessLocationId),
      ),

    floorPlans: (v: string, l: string, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'floorplans', scope: OA }, o, (c) =>
        kseries.getFloorPlans(c.connectionId, c.businessLocationId, { expandTables: true }),
      ),

    orderProfiles: (v: string, l: string, o: ReadOptions = {}) =>
      cached(
        v,
        l,
        { resource: 'profiles', scope: OA },
        o,
        async (c) => (await kseries.getAccountProfiles(c.connectionId, c.businessLocationId)).accountProfileList,
      ),

    availability: async (v: string, l: string, skus: readonly string[], o: ReadOptions = {}) => {
      const requested = [...new Set(skus)];
      const value = await availabilityRead(v, l, requested, o);
      const bySku = new Map(value.data.map((a) => [a.sku, a]));
      return { ...value, data: requested.map((sku) => bySku.get(sku)!) };
    },

    /**
     * Is each SKU sellable now at this location, and how many are left? The one availability
     * answer for the rest of the service (order pre-flight validation calls it): a Map from each
     * asked SKU to its SkuAvailability (`available`, `count` null = unrestricted, 0 = sold out;
     * use `canSell(a, quantity)` for a line). Same cache as the availability route: a few seconds
     * (CATALOG_LIVE_TTL_SECONDS) per SKU set, dropped at once by an ITEM webhook for the location.
     * Throws like the other reads: 404 unknown location, 409 not connected / not mapped,
     * 403 without the orders-api scope, K-Series failures mapped to our errors.
     */
    availabilityOf: async (
      locationId: string,
      skus: readonly string[],
      o: ReadOptions = {},
    ): Promise<Map<string, SkuAvailability>> => {
      const value = await availabilityRead(null, locationId, [...new Set(skus)], o);
      return new Map(value.data.map((a) => [a.sku, a]));
    },

    readiness: (v: string, l: string, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'readiness', scope: OA, live: true }, o, (c) =>
        kseries.getOnlineOrderReadiness(c.connectionId, c.businessLocationId),
      ),

    openChecks: (v: string, l: string) =>
      live(v, l, OA, (c) => kseries.getOpenChecks(c.connectionId, c.businessLocationId)),

    taxRates: (v: string, l: string, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'taxRates', scope: FIN }, o, (c) =>
        kseries.getTaxRates(c.connectionId, c.businessLocationId),
      ),

    paymentMethods: (v: string, l: string, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'paymentMethods', scope: FIN }, o, (c) =>
        kseries.getPaymentMethods(c.connectionId, c.businessLocationId),
      ),

    accountingGroups: (v: string, l: string, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'accountingGroups', scope: FIN }, o, (c) =>
        kseries.getAccountingGroups(c.connectionId, c.businessLocationId),
      ),

    items: (
      v: string,
      l: string,
      q: { sku?: string; name?: string; offset: number; limit: number },
      o: ReadOptions = {},
    ) =>
      cached(v, l, { resource: 'items', scope: 'items', variant: q }, o, (c) =>
        kseries.listItems(c.connectionId, c.businessLocationId, {
          ...(q.sku ? { sku: q.sku } : {}),
          ...(q.name ? { name: q.name } : {}),
          offset: q.offset,
          amount: q.limit,
        }),
      ),

    item: (v: string, l: string, itemId: number, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'items', scope: 'items', variant: ['item', itemId] }, o, (c) =>
        kseries.getItem(c.connectionId, c.businessLocationId, itemId),
      ),

    // A changed item changes item lists and the menus that show it.
    createItem: (v: string, l: string, body: Omit<CreateItemRequest, 'businessLocationId'>) =>
      live(
        v,
        l,
        'items',
        async (c) => {
          const item = await kseries.createItem(c.connectionId, { ...body, businessLocationId: c.businessLocationId });
          await invalidateCatalogCache(deps, c.businessLocationId, ITEM_WRITE_RESOURCES);
          return item;
        },
        true,
      ),

    updateItem: (v: string, l: string, itemId: number, body: Omit<UpdateItemRequest, 'businessLocationId'>) =>
      live(
        v,
        l,
        'items',
        async (c) => {
          const item = await kseries.updateItem(c.connectionId, itemId, {
            ...body,
            businessLocationId: c.businessLocationId,
          });
          await invalidateCatalogCache(deps, c.businessLocationId, ITEM_WRITE_RESOURCES);
          return item;
        },
        true,
      ),

    richItems: (v: string, l: string, q: { page: number; size: number }, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'richItems', scope: OA, variant: q }, o, (c) =>
        kseries.listRichItems(c.connectionId, needBusinessId(c), q),
      ),

    richItem: (v: string, l: string, sku: string, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'richItems', scope: OA, variant: ['sku', sku] }, o, (c) =>
        kseries.getRichItem(c.connectionId, needBusinessId(c), sku),
      ),

    allergens: (v: string, l: string, o: ReadOptions = {}) =>
      cached(v, l, { resource: 'allergens', scope: OA }, o, (c) => kseries.getAllergens(c.connectionId)),

    printMessage: (v: string, l: string, body: { message: string; alsoToPrinter?: boolean }) =>
      live(v, l, OA, (c) => kseries.printMessage(c.connectionId, c.businessLocationId, body), true),
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
