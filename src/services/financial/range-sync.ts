// Reads every sale closed in a range from K-Series /financials and stores it. The range is split
// into chunks well inside K-Series' 365-day limit (ranges given in local business days can exceed
// 365 x 24 h by a DST hour), and each chunk is paged with nextPageToken. After every stored page
// the run (chunk bounds + next token) is saved, so an interrupted sync resumes where it stopped:
// a token is only meaningful with the exact same from/to, which is why both are kept verbatim.
import type { KSeriesClient } from '../../integrations/lightspeed/client/index.js';
import { kseriesInstant } from './calendar.js';
import type { RangeRun } from './checkpoints.js';
import { checkLease } from './lock.js';
import { addCounts, emptyCounts, type FinancialStore, type WriteCounts } from './sync-writes.js';

export const CHUNK_DAYS = 31;
const CHUNK_MS = CHUNK_DAYS * 24 * 3600 * 1000;
/** K-Series' maximum page size. */
export const PAGE_SIZE = 1000;
/** Payments are needed for tips and payment-method totals; table and profile help accountants. */
export const SALE_INCLUDE = ['payments', 'table', 'account_profile'] as const;

export interface SyncTarget {
  locationId: string;
  connectionId: string;
  businessLocationId: bigint;
}

export interface RangeSyncDeps {
  kseries: Pick<KSeriesClient, 'getFinancials'>;
  store: FinancialStore;
  /** Called after each page is stored (metrics). */
  onPage?: (sales: number) => void;
}

export interface RangeResult {
  counts: WriteCounts & { skipped: number };
  pages: number;
  /** From the first page: when the location's next business day starts (local time + offset). */
  nextStartOfDay: string | null;
}

function chunkEnd(chunkFrom: string, to: string): string {
  const end = Math.min(Date.parse(chunkFrom) + CHUNK_MS, Date.parse(to));
  return kseriesInstant(new Date(end));
}

/** A fresh run over [from, to). */
export function newRun(from: Date, to: Date): RangeRun {
  const start = kseriesInstant(from);
  const end = kseriesInstant(to);
  return {
    from: start,
    to: end,
    chunkFrom: start,
    chunkTo: chunkEnd(start, end),
    nextPageToken: null,
    pages: 0,
    sales: 0,
  };
}

export async function syncRange(
  deps: RangeSyncDeps,
  target: SyncTarget,
  initial: RangeRun,
  save: (run: RangeRun) => Promise<void>,
  signal: AbortSignal,
): Promise<RangeResult> {
  let run = initial;
  let counts = { ...emptyCounts(), skipped: 0 };
  let pages = 0;
  let nextStartOfDay: string | null = null;
  if (Date.parse(run.from) >= Date.parse(run.to)) return { counts, pages, nextStartOfDay };
  for (;;) {
    checkLease(signal);
    const page = await deps.kseries.getFinancials(target.connectionId, target.businessLocationId, {
      from: run.chunkFrom,
      to: run.chunkTo,
      include: SALE_INCLUDE,
      pageSize: PAGE_SIZE,
      ...(run.nextPageToken ? { nextPageToken: run.nextPageToken } : {}),
    });
    // Stored under the lease: a process that lost the lock must not write behind the new owner.
    checkLease(signal);
    const written = await deps.store.upsertSales(target.locationId, target.businessLocationId, page.sales);
    counts = { ...addCounts(counts, written), skipped: counts.skipped + written.skipped };
    pages += 1;
    nextStartOfDay ??= page.nextStartOfDayAsIso8601 ?? null;
    deps.onPage?.(page.sales.length);
    const progress = { pages: run.pages + 1, sales: run.sales + page.sales.length };
    // A server repeating a token would page forever: treat it as the end of the chunk.
    if (page.nextPageToken && page.nextPageToken !== run.nextPageToken) {
      run = { ...run, ...progress, nextPageToken: page.nextPageToken };
    } else if (Date.parse(run.chunkTo) < Date.parse(run.to)) {
      run = {
        ...run,
        ...progress,
        chunkFrom: run.chunkTo,
        chunkTo: chunkEnd(run.chunkTo, run.to),
        nextPageToken: null,
      };
    } else {
      return { counts, pages, nextStartOfDay };
    }
    await save(run);
  }
}
