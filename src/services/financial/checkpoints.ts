// One sync checkpoint per location and data set: where the next run resumes (cursor), when the
// data set last completed, and the last error. Cursors are plain JSON, read back with zod so a
// cursor written by an older version is ignored instead of crashing the sync.
import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma.js';
import { Prisma } from '../../generated/prisma/client.js';

export const DATASETS = {
  financials: 'financials',
  backfill: 'financials-backfill',
  dailyFinancials: 'daily-financials',
  locationInfo: 'location-info',
  taxRates: 'tax-rates',
  paymentMethods: 'payment-methods',
  accountingGroups: 'accounting-groups',
  items: 'items',
  richItems: 'rich-items',
} as const;
export type Dataset = (typeof DATASETS)[keyof typeof DATASETS];

/** One range being paged through: resumable at `nextPageToken` inside [chunkFrom, chunkTo). */
export const rangeRun = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  chunkFrom: z.iso.datetime(),
  chunkTo: z.iso.datetime(),
  nextPageToken: z.string().nullable(),
  pages: z.number().int().default(0),
  sales: z.number().int().default(0),
});
export type RangeRun = z.infer<typeof rangeRun>;

export const windowCursor = z.object({
  /** The K-Series business location the synced data came from (a remap starts over). */
  businessLocationId: z.string().nullable().default(null),
  /** Everything closed before this instant has been read at least once. */
  syncedThrough: z.iso.datetime().nullable().default(null),
  run: rangeRun.nullable().default(null),
});
export type WindowCursor = z.infer<typeof windowCursor>;

const dateRange = z.object({ fromDate: z.string(), toDate: z.string() });
export const backfillCursor = z.object({
  pending: z.array(dateRange).default([]),
  run: rangeRun.extend(dateRange.shape).nullable().default(null),
  completed: z.array(dateRange.extend({ sales: z.number().int(), completedAt: z.iso.datetime() })).default([]),
});
export type BackfillCursor = z.infer<typeof backfillCursor>;

export const dailyCursor = z.object({ checkedThrough: z.string().nullable().default(null) });

export interface Checkpoint<C> {
  cursor: C;
  lastSyncedAt: Date | null;
  lastError: string | null;
  updatedAt: Date | null;
}

export function createCheckpoints(prisma: PrismaClient) {
  async function read<S extends z.ZodType>(
    locationId: string,
    dataset: Dataset,
    schema: S,
  ): Promise<Checkpoint<z.output<S>>> {
    const row = await prisma.syncCheckpoint.findUnique({ where: { locationId_dataset: { locationId, dataset } } });
    const parsed = schema.safeParse(row?.cursor ?? {});
    return {
      cursor: parsed.success ? parsed.data : schema.parse({}),
      lastSyncedAt: row?.lastSyncedAt ?? null,
      lastError: row?.lastError ?? null,
      updatedAt: row?.updatedAt ?? null,
    };
  }

  async function write(
    locationId: string,
    dataset: Dataset,
    data: { cursor?: unknown; lastSyncedAt?: Date; lastError?: string | null },
  ): Promise<void> {
    const fields = {
      ...(data.cursor === undefined
        ? {}
        : { cursor: data.cursor === null ? Prisma.DbNull : (data.cursor as Prisma.InputJsonValue) }),
      ...(data.lastSyncedAt ? { lastSyncedAt: data.lastSyncedAt } : {}),
      ...(data.lastError === undefined
        ? {}
        : { lastError: data.lastError === null ? null : data.lastError.slice(0, 1000) }),
    };
    await prisma.syncCheckpoint.upsert({
      where: { locationId_dataset: { locationId, dataset } },
      create: { locationId, dataset, ...fields },
      update: fields,
    });
  }

  return {
    read,
    write,
    /**
     * A location mapped to another business location is another POS: what was synced for the
     * old one (sales, reference data, checkpoints) is dropped so the next sync starts afresh.
     */
    async resetIfRemapped(locationId: string, businessLocationId: bigint): Promise<boolean> {
      const { cursor } = await read(locationId, DATASETS.financials, windowCursor);
      if (cursor.businessLocationId === null || cursor.businessLocationId === String(businessLocationId)) return false;
      await prisma.$transaction([
        prisma.financialSale.deleteMany({ where: { locationId, businessLocationId: { not: businessLocationId } } }),
        prisma.catalogRecord.deleteMany({ where: { locationId } }),
        prisma.syncCheckpoint.deleteMany({ where: { locationId } }),
      ]);
      return true;
    },
    /** Every checkpoint of a location, for the sync status view. */
    list: (locationId: string) =>
      prisma.syncCheckpoint.findMany({ where: { locationId }, orderBy: { dataset: 'asc' } }),
  };
}

export type Checkpoints = ReturnType<typeof createCheckpoints>;
