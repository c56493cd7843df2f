// Reference data pulled with the sales: the location's calendar facts (time zone, currency), tax
// rates, payment methods and accounting groups (financial-api), items (items) and rich items
// (orders-api). Each is a complete snapshot: upserted by K-Series key, and records K-Series no
// longer lists are removed.
import type { KSeriesClient } from '../../integrations/lightspeed/client/index.js';
import { DEFAULT_CALENDAR, isValidTimezone, type BusinessCalendar } from './calendar.js';
import { DATASETS } from './checkpoints.js';
import { checkLease } from './lock.js';
import type { SyncTarget } from './range-sync.js';
import type { FinancialStore, WriteCounts } from './sync-writes.js';

type Client = Pick<
  KSeriesClient,
  | 'getFinancialBusinesses'
  | 'getTaxRates'
  | 'getPaymentMethods'
  | 'getAccountingGroups'
  | 'listItems'
  | 'iterateRichItems'
>;

/** What we keep about a business location (dataset location-info). */
export interface LocationInfo {
  businessLocationId: number;
  name?: string;
  businessName?: string;
  currencyCode?: string;
  country?: string;
  timezone?: string;
  startOfDay?: string;
}

const PAGE = 1000;
/** 100,000 items or rich items per location: far beyond any menu, a guard against a paging loop. */
const MAX_PAGES = 100;

export function readLocationInfo(
  store: FinancialStore,
  locationId: string,
  businessLocationId: bigint,
): Promise<LocationInfo | null> {
  return store.readRecord<LocationInfo>(locationId, DATASETS.locationInfo, String(businessLocationId));
}

/** The calendar daily figures are grouped by; the default until the first sync learnt it. */
export function calendarOf(info: LocationInfo | null): BusinessCalendar {
  if (!info?.timezone || !isValidTimezone(info.timezone) || !info.startOfDay) return DEFAULT_CALENDAR;
  return { timezone: info.timezone, startOfDay: info.startOfDay, source: 'kseries' };
}

const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export function createReferenceSync(deps: { kseries: Client; store: FinancialStore }) {
  const { kseries, store } = deps;
  const infoKey = (t: SyncTarget) => String(t.businessLocationId);
  const readInfo = (locationId: string, businessLocationId: bigint) =>
    readLocationInfo(store, locationId, businessLocationId);

  return {
    calendar: async (locationId: string, businessLocationId: bigint) =>
      calendarOf(await readInfo(locationId, businessLocationId)),

    /** Time zone, currency and names from /f/data/businesses. */
    async locationInfo(target: SyncTarget): Promise<WriteCounts> {
      const wanted = Number(target.businessLocationId);
      let found: LocationInfo | null = null;
      for (let page = 0; page < MAX_PAGES && !found; page++) {
        const businesses = await kseries.getFinancialBusinesses(target.connectionId, { page, size: 100 });
        for (const b of businesses) {
          const l = b.businessLocations.find((x) => x.blID === wanted);
          if (l)
            found = {
              businessLocationId: wanted,
              name: l.blName,
              businessName: b.businessName,
              currencyCode: b.currencyCode,
              country: l.country,
              timezone: l.timezone,
            };
        }
        if (businesses.length < 100) break;
      }
      if (!found) throw new Error(`business location ${wanted} is not among the connection's businesses`);
      const previous = await readInfo(target.locationId, target.businessLocationId);
      // Fields K-Series left out keep what we knew (e.g. the start of day from financials).
      const payload = { ...previous, ...defined(found) };
      return store.upsertRecords(target.locationId, DATASETS.locationInfo, [{ externalId: infoKey(target), payload }]);
    },

    /** Remembers the local time a business day starts, learnt from a financials response. */
    async startOfDay(target: SyncTarget, startOfDay: string): Promise<void> {
      const previous = await readInfo(target.locationId, target.businessLocationId);
      if (previous?.startOfDay === startOfDay) return;
      const payload = { businessLocationId: Number(target.businessLocationId), ...previous, startOfDay };
      await store.upsertRecords(target.locationId, DATASETS.locationInfo, [{ externalId: infoKey(target), payload }]);
    },

    async taxRates(t: SyncTarget) {
      const list = await kseries.getTaxRates(t.connectionId, t.businessLocationId);
      return store.replaceRecords(
        t.locationId,
        DATASETS.taxRates,
        list.map((r) => ({ externalId: r.code, payload: r })),
      );
    },

    async paymentMethods(t: SyncTarget) {
      const list = await kseries.getPaymentMethods(t.connectionId, t.businessLocationId);
      return store.replaceRecords(
        t.locationId,
        DATASETS.paymentMethods,
        list.map((m) => ({ externalId: m.code, payload: m })),
      );
    },

    async accountingGroups(t: SyncTarget) {
      const list = await kseries.getAccountingGroups(t.connectionId, t.businessLocationId);
      return store.replaceRecords(
        t.locationId,
        DATASETS.accountingGroups,
        list.map((g) => ({ externalId: String(g.accountingGroupId), payload: g })),
      );
    },

    async items(t: SyncTarget, signal: AbortSignal) {
      const all = [];
      for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
        checkLease(signal);
        const items = await kseries.listItems(t.connectionId, t.businessLocationId, { offset, amount: PAGE });
        all.push(...items);
        if (items.length < PAGE) break;
        offset += items.length;
      }
      checkLease(signal);
      return store.replaceRecords(
        t.locationId,
        DATASETS.items,
        // The spec leaves the id optional: an item without one cannot be keyed, so it is not stored.
        all.flatMap((i) => (i.id === undefined ? [] : [{ externalId: String(i.id), payload: i }])),
      );
    },

    async richItems(t: SyncTarget, businessId: bigint, signal: AbortSignal) {
      const all = [];
      // The list answer has no page count: the client pages until a short page (not at 1,000).
      checkLease(signal);
      for await (const items of kseries.iterateRichItems(t.connectionId, businessId, {
        size: PAGE,
        maxPages: MAX_PAGES,
      })) {
        all.push(...items);
        checkLease(signal);
      }
      checkLease(signal);
      return store.replaceRecords(
        t.locationId,
        DATASETS.richItems,
        // The spec leaves the SKU optional: a rich item without one cannot be keyed, so it is not stored.
        all.flatMap((r) => (r.sku === undefined ? [] : [{ externalId: r.sku, payload: r }])),
      );
    },
  };
}

export type ReferenceSync = ReturnType<typeof createReferenceSync>;
