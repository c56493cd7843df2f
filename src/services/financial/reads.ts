// Reading synced data back: sales pages (keyset-paged by close time), items and the price list,
// and for every answer when its data set was last synced.
import type { PrismaClient } from '../../db/prisma.js';
import { BadRequestError } from '../../lib/errors.js';
import { businessDateOf, businessDayBounds, type BusinessCalendar } from './calendar.js';
import { DATASETS, windowCursor, type Dataset } from './checkpoints.js';

export interface SyncInfo {
  dataset: Dataset;
  lastSyncedAt: string | null;
  /** Financials: every sale closed before this instant has been read. */
  syncedThrough: string | null;
  inProgress: boolean;
  lastError: string | null;
}

type SalePayload = {
  accountFiscId?: string;
  type?: string;
  cancelled?: boolean;
  payments?: { code?: string; description?: string; netAmountWithTax?: string; tip?: string }[];
  salesLines?: { currency?: string }[];
};

function encodeCursor(timeClosed: Date, receiptId: string): string {
  return Buffer.from(JSON.stringify([timeClosed.toISOString(), receiptId])).toString('base64url');
}

function decodeCursor(cursor: string): { timeClosed: Date; receiptId: string } {
  try {
    const [t, r] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const timeClosed = new Date(t);
    if (Number.isNaN(timeClosed.getTime()) || typeof r !== 'string') throw new Error('bad');
    return { timeClosed, receiptId: r };
  } catch {
    throw new BadRequestError('Invalid cursor', {
      fields: [{ field: 'querystring.cursor', message: 'is not a cursor this API returned' }],
    });
  }
}

export function createFinancialReads(prisma: PrismaClient) {
  async function syncInfo(locationId: string, dataset: Dataset): Promise<SyncInfo> {
    const row = await prisma.syncCheckpoint.findUnique({ where: { locationId_dataset: { locationId, dataset } } });
    const window = dataset === DATASETS.financials ? windowCursor.safeParse(row?.cursor ?? {}) : null;
    return {
      dataset,
      lastSyncedAt: row?.lastSyncedAt?.toISOString() ?? null,
      syncedThrough: window?.success ? window.data.syncedThrough : null,
      inProgress: window?.success ? window.data.run !== null : false,
      lastError: row?.lastError ?? null,
    };
  }

  return {
    syncInfo,

    async salesPage(
      locationId: string,
      businessLocationId: bigint,
      calendar: BusinessCalendar,
      q: { fromDate: string; toDate: string; limit: number; cursor?: string },
    ) {
      const { start, end } = businessDayBounds(calendar, q.fromDate, q.toDate);
      const after = q.cursor ? decodeCursor(q.cursor) : null;
      const rows = await prisma.financialSale.findMany({
        where: {
          locationId,
          businessLocationId,
          timeClosed: { gte: start, lt: end },
          ...(after
            ? {
                OR: [
                  { timeClosed: { gt: after.timeClosed } },
                  { timeClosed: after.timeClosed, receiptId: { gt: after.receiptId } },
                ],
              }
            : {}),
        },
        orderBy: [{ timeClosed: 'asc' }, { receiptId: 'asc' }],
        take: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((s) => {
          const p = s.payload as SalePayload;
          return {
            receiptId: s.receiptId,
            accountId: p.accountFiscId ?? null,
            businessDate: businessDateOf(calendar, s.timeClosed),
            timeClosed: s.timeClosed.toISOString(),
            type: p.type ?? null,
            cancelled: p.cancelled ?? false,
            externalReference: s.externalReference,
            currency: p.salesLines?.[0]?.currency ?? null,
            total: s.totalAmount.toFixed(2),
            tax: s.taxAmount.toFixed(2),
            discounts: s.discountAmount.toFixed(2),
            tips: s.tipAmount.toFixed(2),
            payments: (p.payments ?? []).map((x) => ({
              code: x.code ?? null,
              name: x.description ?? null,
              amount: x.netAmountWithTax ?? null,
              tip: x.tip ?? null,
            })),
            kseries: s.payload as Record<string, unknown>,
          };
        }),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.timeClosed, last.receiptId) : null,
      };
    },

    async items(locationId: string, q: { offset: number; limit: number; sku?: string }) {
      const where = {
        locationId,
        dataset: DATASETS.items,
        ...(q.sku ? { payload: { path: ['sku'], equals: q.sku } } : {}),
      };
      const [rows, total] = await Promise.all([
        prisma.catalogRecord.findMany({ where, orderBy: { externalId: 'asc' }, skip: q.offset, take: q.limit }),
        prisma.catalogRecord.count({ where }),
      ]);
      const skus = rows.map((r) => (r.payload as { sku?: string }).sku).filter((s): s is string => Boolean(s));
      const rich = skus.length
        ? await prisma.catalogRecord.findMany({
            where: { locationId, dataset: DATASETS.richItems, externalId: { in: skus } },
          })
        : [];
      const richBySku = new Map(rich.map((r) => [r.externalId, r.payload as Record<string, unknown>]));
      return {
        total,
        items: rows.map((r) => {
          const item = r.payload as Record<string, unknown> & { sku?: string };
          return {
            ...item,
            richItem: (item.sku ? richBySku.get(item.sku) : undefined) ?? null,
            syncedAt: r.syncedAt.toISOString(),
          };
        }),
      };
    },

    /** Every item with its prices and cost, the way an accounting or ERP system imports them. */
    async priceList(locationId: string) {
      const rows = await prisma.catalogRecord.findMany({
        where: { locationId, dataset: DATASETS.items },
        orderBy: { externalId: 'asc' },
      });
      return rows.map((r) => {
        const i = r.payload as {
          id?: number;
          sku?: string;
          name?: string;
          active?: boolean;
          costPrice?: number;
          priceMode?: string;
          accountingGroup?: { id?: number; name?: string };
          prices?: { name?: string; amount?: number }[];
        };
        return {
          itemId: Number(r.externalId),
          sku: i.sku ?? null,
          name: i.name ?? null,
          active: i.active ?? null,
          accountingGroup: i.accountingGroup?.name ?? null,
          accountingGroupId: i.accountingGroup?.id ?? null,
          priceMode: i.priceMode ?? null,
          costPrice: i.costPrice ?? null,
          prices: (i.prices ?? []).map((p) => ({ name: p.name ?? null, amount: p.amount ?? null })),
        };
      });
    },

    checkpoints: (locationId: string) =>
      prisma.syncCheckpoint.findMany({ where: { locationId }, orderBy: { dataset: 'asc' } }),
  };
}

export type FinancialReads = ReturnType<typeof createFinancialReads>;
