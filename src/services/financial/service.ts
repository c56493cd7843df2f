// The vendor API's view of synced financial and item data: resolves the location (404 for
// another vendor's, 409 when not connected or not mapped, 403 naming a missing scope), reads what
// the sync stored, and queues syncs and backfills.
import { Readable } from 'node:stream';
import type { PrismaClient } from '../../db/prisma.js';
import type { QueueProducers } from '../../queues/producers.js';
import { BadRequestError } from '../../lib/errors.js';
import { resolveAccess, type SyncScope } from './access.js';
import { createBackfillQueue, planBackfill } from './backfill.js';
import { businessDateOf, daysBetween } from './calendar.js';
import { createCheckpoints, DATASETS } from './checkpoints.js';
import { csvLine, dailyCsv, SALES_COLUMNS, saleCsvLine } from './csv.js';
import { dailySummaries } from './daily-summary.js';
import { createFinancialReads } from './reads.js';
import { reconcile } from './reconciliation.js';
import { calendarOf, readLocationInfo } from './reference-sync.js';
import { createFinancialStore } from './sync-writes.js';

/** Reports cover at most a year (366 days, for leap years) per request. */
export const MAX_REPORT_DAYS = 366;
const EITHER_SCOPE = ['financial-api', 'items'] as const;

export interface DateRangeQuery {
  from: string;
  to: string;
}

function checkRange(q: DateRangeQuery): void {
  const days = daysBetween(q.from, q.to) + 1;
  if (days < 1)
    throw new BadRequestError('`to` must not be before `from`', {
      fields: [{ field: 'querystring.to', message: 'must be on or after from' }],
    });
  if (days > MAX_REPORT_DAYS) {
    throw new BadRequestError(`At most ${MAX_REPORT_DAYS} days per request`, {
      fields: [{ field: 'querystring.to', message: `at most ${MAX_REPORT_DAYS} days after from` }],
    });
  }
}

export function createFinancialService(deps: {
  prisma: PrismaClient;
  queues: Pick<QueueProducers, 'financialSync'>;
  now?: () => Date;
}) {
  const { prisma, queues } = deps;
  const now = deps.now ?? (() => new Date());
  const store = createFinancialStore(prisma);
  const reads = createFinancialReads(prisma);
  const backfills = createBackfillQueue(prisma, createCheckpoints(prisma));

  async function open(
    vendorId: string,
    locationId: string,
    scope: SyncScope,
    options: { requireConnected?: boolean } = {},
  ) {
    const access = await resolveAccess(prisma, vendorId, locationId, scope, options);
    const info = await readLocationInfo(store, locationId, access.businessLocationId);
    const calendar = calendarOf(info);
    return { access, info, calendar, calendarView: { ...calendar, currency: info?.currencyCode ?? null } };
  }

  const financialSync = (locationId: string) => reads.syncInfo(locationId, DATASETS.financials);

  return {
    async sales(vendorId: string, locationId: string, q: DateRangeQuery & { limit: number; cursor?: string }) {
      checkRange(q);
      const { access, calendarView, calendar } = await open(vendorId, locationId, 'financial-api');
      const page = await reads.salesPage(locationId, access.businessLocationId, calendar, {
        fromDate: q.from,
        toDate: q.to,
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return {
        data: page.items,
        page: { limit: q.limit, nextCursor: page.nextCursor },
        calendar: calendarView,
        sync: await financialSync(locationId),
      };
    },

    async daily(vendorId: string, locationId: string, q: DateRangeQuery) {
      checkRange(q);
      const { access, calendarView, calendar } = await open(vendorId, locationId, 'financial-api');
      const data = await dailySummaries(prisma, locationId, access.businessLocationId, calendar, q.from, q.to);
      return { data, calendar: calendarView, sync: await financialSync(locationId) };
    },

    async dailyCsv(vendorId: string, locationId: string, q: DateRangeQuery) {
      checkRange(q);
      const { access, calendar, info } = await open(vendorId, locationId, 'financial-api');
      const days = await dailySummaries(prisma, locationId, access.businessLocationId, calendar, q.from, q.to);
      const csv = dailyCsv(days, {
        businessLocationId: String(access.businessLocationId),
        currency: info?.currencyCode ?? null,
      });
      return { csv, sync: await financialSync(locationId) };
    },

    /** Streams every sale of the range, a thousand rows per query. */
    async salesCsv(vendorId: string, locationId: string, q: DateRangeQuery) {
      checkRange(q);
      const { access, calendar } = await open(vendorId, locationId, 'financial-api');
      const sync = await financialSync(locationId);
      async function* rows() {
        yield csvLine(SALES_COLUMNS);
        let cursor: string | undefined;
        do {
          const page = await reads.salesPage(locationId, access.businessLocationId, calendar, {
            fromDate: q.from,
            toDate: q.to,
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          });
          yield page.items.map(saleCsvLine).join('');
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      return { stream: Readable.from(rows()), sync };
    },

    async items(vendorId: string, locationId: string, q: { offset: number; limit: number; sku?: string }) {
      await open(vendorId, locationId, 'items');
      const { items, total } = await reads.items(locationId, q);
      const nextOffset = q.offset + items.length < total ? q.offset + items.length : null;
      return {
        data: items,
        page: { offset: q.offset, limit: q.limit, total, nextOffset },
        sync: await reads.syncInfo(locationId, DATASETS.items),
      };
    },

    async priceList(vendorId: string, locationId: string) {
      const { info } = await open(vendorId, locationId, 'items');
      return {
        data: await reads.priceList(locationId),
        currency: info?.currencyCode ?? null,
        sync: await reads.syncInfo(locationId, DATASETS.items),
      };
    },

    async reconciliation(vendorId: string, locationId: string, q: DateRangeQuery) {
      checkRange(q);
      const { access, calendar, calendarView } = await open(vendorId, locationId, 'financial-api');
      const result = await reconcile(prisma, access, calendar, q.from, q.to);
      return { ...result, range: q, calendar: calendarView, sync: await financialSync(locationId) };
    },

    async status(vendorId: string, locationId: string) {
      const access = await resolveAccess(prisma, vendorId, locationId, EITHER_SCOPE);
      const [rows, backfill] = await Promise.all([reads.checkpoints(locationId), backfills.read(locationId)]);
      return {
        scopes: access.scopes,
        connectionStatus: access.connectionStatus,
        datasets: rows.map((r) => ({
          dataset: r.dataset,
          lastSyncedAt: r.lastSyncedAt?.toISOString() ?? null,
          lastError: r.lastError,
          updatedAt: r.updatedAt.toISOString(),
        })),
        financials: await financialSync(locationId),
        backfill: {
          pending: backfill.cursor.pending,
          running: backfill.cursor.run,
          completed: backfill.cursor.completed,
        },
      };
    },

    async requestSync(vendorId: string, locationId: string) {
      await resolveAccess(prisma, vendorId, locationId, EITHER_SCOPE, { requireConnected: true });
      // Requests made while one is waiting collapse into it.
      const job = await queues.financialSync.add(
        { locationId, trigger: 'manual' },
        { deduplication: { id: `financial-sync-manual:${locationId}` } },
      );
      return { jobId: job.id ?? null };
    },

    async requestBackfill(vendorId: string, locationId: string, q: DateRangeQuery) {
      const { calendar } = await open(vendorId, locationId, 'financial-api', { requireConnected: true });
      const chunks = planBackfill(q.from, q.to, businessDateOf(calendar, now()));
      await backfills.append(locationId, chunks);
      const job = await queues.financialSync.add({ locationId, trigger: 'backfill' });
      return { chunks, jobId: job.id ?? null };
    },
  };
}

export type FinancialService = ReturnType<typeof createFinancialService>;
