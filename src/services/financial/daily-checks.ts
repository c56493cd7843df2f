// Closing each business day against K-Series' daily financials. Once a day is over, the sales
// /dailyFinancials reports for it are stored too (catching any that were dated into the day after
// the window sync read it: K-Series dates back-office changes to the original day), and the day
// is marked verified when what we hold for it equals what K-Series reports.
import type { PrismaClient } from '../../db/prisma.js';
import type { KSeriesClient } from '../../integrations/lightspeed/client/index.js';
import { formatAmount, parseAmount } from './amounts.js';
import { addDays, businessDateOf, businessDayBounds, type BusinessCalendar } from './calendar.js';
import { dailyCursor, DATASETS, type Checkpoints } from './checkpoints.js';
import { checkLease } from './lock.js';
import { SALE_INCLUDE, type SyncTarget } from './range-sync.js';
import { saleRow, type FinancialStore } from './sync-writes.js';

/** A long outage is caught up a month per run, so one run stays bounded. */
const MAX_DAYS_PER_RUN = 31;

/** Record of dataset daily-check, one per business date. */
export interface DailyCheck {
  date: string;
  posSales: number;
  posGross: string;
  storedSales: number;
  storedGross: string;
  /** Sales the daily check found that the window sync had not stored. */
  recovered: number;
  verified: boolean;
  checkedAt: string;
}

export const DAILY_CHECK_DATASET = 'daily-check';

export interface DailyCheckDeps {
  prisma: PrismaClient;
  kseries: Pick<KSeriesClient, 'getDailyFinancials'>;
  store: FinancialStore;
  checkpoints: Checkpoints;
  now: () => Date;
}

export async function runDailyChecks(
  deps: DailyCheckDeps,
  target: SyncTarget,
  calendar: BusinessCalendar,
  firstDate: string,
  signal: AbortSignal,
): Promise<{ days: number; recovered: number }> {
  // Day boundaries must be K-Series' own, or the comparison means nothing.
  if (calendar.source !== 'kseries') return { days: 0, recovered: 0 };
  const { cursor } = await deps.checkpoints.read(target.locationId, DATASETS.dailyFinancials, dailyCursor);
  const lastClosed = addDays(businessDateOf(calendar, deps.now()), -1);
  let day = cursor.checkedThrough ? addDays(cursor.checkedThrough, 1) : firstDate;
  let days = 0;
  let recovered = 0;
  while (day <= lastClosed && days < MAX_DAYS_PER_RUN) {
    checkLease(signal);
    const daily = await deps.kseries.getDailyFinancials(target.connectionId, target.businessLocationId, {
      date: day,
      include: SALE_INCLUDE,
    });
    checkLease(signal);
    const written = await deps.store.upsertSales(target.locationId, target.businessLocationId, daily.sales);
    const { start, end } = businessDayBounds(calendar, day, day);
    const totals = await deps.prisma.financialSale.aggregate({
      where: {
        locationId: target.locationId,
        businessLocationId: target.businessLocationId,
        timeClosed: { gte: start, lt: end },
      },
      _count: { _all: true },
      _sum: { totalAmount: true },
    });
    // toFixed(): the exact decimal in plain notation (never exponent form, never a float).
    const stored = { n: totals._count._all, gross: totals._sum.totalAmount?.toFixed() ?? null };
    const posGross = formatAmount(daily.sales.reduce((sum, s) => sum + parseAmount(saleRow(s)?.total ?? '0'), 0n));
    const storedGross = formatAmount(parseAmount(stored.gross ?? '0'));
    const check: DailyCheck = {
      date: day,
      posSales: daily.sales.length,
      posGross,
      storedSales: stored.n,
      storedGross,
      recovered: written.inserted,
      verified: stored?.n === daily.sales.length && storedGross === posGross,
      checkedAt: deps.now().toISOString(),
    };
    await deps.store.upsertRecords(target.locationId, DAILY_CHECK_DATASET, [{ externalId: day, payload: check }]);
    await deps.checkpoints.write(target.locationId, DATASETS.dailyFinancials, {
      cursor: { checkedThrough: day },
      lastSyncedAt: deps.now(),
      lastError: null,
    });
    recovered += written.inserted;
    days += 1;
    day = addDays(day, 1);
  }
  return { days, recovered };
}
