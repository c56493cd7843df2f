// One location's scheduled sync, everything its scopes allow, under the location's lock:
//   financial-api: location calendar, the open window of sales (paged, checkpointed per page),
//                  daily financials of closed days, tax rates, payment methods, accounting
//                  groups, then any queued backfill;
//   items:         items (with their prices);
//   orders-api:    rich items.
// Data sets fail independently: one failing does not stop the others; the run reports which did.
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { PrismaClient } from '../../db/prisma.js';
import { ConnectionUnavailableError } from '../../integrations/lightspeed/access-token-provider.js';
import type { KSeriesClient } from '../../integrations/lightspeed/client/index.js';
import type { IntegrationLog } from '../integration-log.js';
import { createBackfillQueue, runBackfill } from './backfill.js';
import { businessDateOf, startOfDayFrom } from './calendar.js';
import { createCheckpoints, DATASETS, windowCursor, type Dataset } from './checkpoints.js';
import { runDailyChecks } from './daily-checks.js';
import { LockLostError, withRenewedLock } from './lock.js';
import { syncMetrics } from './metrics.js';
import { newRun, syncRange, type SyncTarget } from './range-sync.js';
import { createReferenceSync } from './reference-sync.js';
import { createFinancialStore, type WriteCounts } from './sync-writes.js';

export interface FinancialSyncSettings {
  /** How far back the first scheduled sync of a location reads. */
  initialDays: number;
  /** Each scheduled run re-reads this much before where the previous one stopped. */
  lookbackMs: number;
  lockTtlMs: number;
}

export interface FinancialSyncDeps {
  prisma: PrismaClient;
  redis: Redis;
  redisKey: (...parts: string[]) => string;
  kseries: KSeriesClient;
  integrationLog: IntegrationLog;
  log: FastifyBaseLogger;
  registry: Registry;
  settings: FinancialSyncSettings;
  now?: () => Date;
}

export type SyncOutcome =
  | { status: 'skipped'; reason: 'locked' | 'not_found' | 'not_eligible' }
  | {
      status: 'completed' | 'partial';
      sales: WriteCounts;
      backfillChunks: number;
      failed: { dataset: Dataset; error: string }[];
    };

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const DAY_MS = 24 * 3600 * 1000;

export function createFinancialSync(deps: FinancialSyncDeps) {
  const lockKey = (locationId: string) => deps.redisKey('financial-sync', 'lock', locationId);
  const { prisma, kseries, log } = deps;
  const now = deps.now ?? (() => new Date());
  const store = createFinancialStore(prisma);
  const checkpoints = createCheckpoints(prisma);
  const reference = createReferenceSync({ kseries, store });
  const backfillQueue = createBackfillQueue(prisma, checkpoints);
  const metrics = syncMetrics(deps.registry);
  const rangeDeps = { kseries, store, onPage: () => metrics.pages.inc() };
  const countRecords = (dataset: Dataset, c: Partial<WriteCounts> & { deleted?: number }) => {
    for (const result of ['inserted', 'updated', 'unchanged', 'deleted'] as const) {
      const n = c[result] ?? 0;
      if (n > 0) metrics.records.inc({ dataset, result }, n);
    }
  };

  /** The scheduled window: from where the last run stopped (minus the lookback) to now. */
  async function syncWindow(target: SyncTarget, signal: AbortSignal) {
    const totals = { inserted: 0, updated: 0, unchanged: 0 };
    let nextStartOfDay: string | null = null;
    // At most twice: finish an interrupted run, then read on from where it ended up to now.
    for (let pass = 0; pass < 2; pass++) {
      const { cursor } = await checkpoints.read(target.locationId, DATASETS.financials, windowCursor);
      const resumed = cursor.run !== null;
      const run =
        cursor.run ??
        newRun(
          cursor.syncedThrough
            ? new Date(Date.parse(cursor.syncedThrough) - deps.settings.lookbackMs)
            : new Date(now().getTime() - deps.settings.initialDays * DAY_MS),
          now(),
        );
      const businessLocationId = String(target.businessLocationId);
      const save = (r: typeof run) =>
        checkpoints.write(target.locationId, DATASETS.financials, {
          cursor: { businessLocationId, syncedThrough: cursor.syncedThrough, run: r },
        });
      if (!resumed) await save(run);
      const result = await syncRange(rangeDeps, target, run, save, signal);
      totals.inserted += result.counts.inserted;
      totals.updated += result.counts.updated;
      totals.unchanged += result.counts.unchanged;
      nextStartOfDay ??= result.nextStartOfDay;
      await checkpoints.write(target.locationId, DATASETS.financials, {
        cursor: { businessLocationId, syncedThrough: run.to, run: null },
        lastSyncedAt: now(),
        lastError: null,
      });
      if (!resumed) break;
    }
    return { counts: totals, nextStartOfDay };
  }

  async function run(locationId: string): Promise<SyncOutcome> {
    const location = await prisma.location.findUnique({
      where: { id: locationId },
      select: {
        id: true,
        name: true,
        vendorId: true,
        businessLocationId: true,
        vendor: { select: { connection: true } },
      },
    });
    if (!location) return { status: 'skipped', reason: 'not_found' };
    const connection = location.vendor.connection;
    if (location.businessLocationId === null || !connection || connection.status !== 'CONNECTED') {
      return { status: 'skipped', reason: 'not_eligible' };
    }
    const target: SyncTarget = {
      locationId,
      connectionId: connection.id,
      businessLocationId: location.businessLocationId,
    };
    const scopes = new Set(connection.scopes);
    const started = Date.now();

    const locked = await withRenewedLock(deps.redis, lockKey(locationId), deps.settings.lockTtlMs, async (signal) => {
      if (await checkpoints.resetIfRemapped(locationId, target.businessLocationId)) {
        log.info(
          { locationId, businessLocationId: String(target.businessLocationId) },
          'location remapped: synced data of the previous business location dropped',
        );
      }
      const failed: { dataset: Dataset; error: string }[] = [];
      let sales: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
      let backfillChunks = 0;
      async function step<T>(dataset: Dataset, work: () => Promise<T>): Promise<T | undefined> {
        try {
          const value = await work();
          // Snapshots (WriteCounts) are complete when they return; the others keep their own time.
          const snapshot = Boolean(value && typeof value === 'object' && 'inserted' in value);
          if (snapshot) countRecords(dataset, value as WriteCounts);
          await checkpoints.write(locationId, dataset, {
            lastError: null,
            ...(snapshot ? { lastSyncedAt: now() } : {}),
          });
          return value;
        } catch (err) {
          // A lost lease or a lost connection ends the whole run; anything else only this data set.
          if (err instanceof LockLostError || err instanceof ConnectionUnavailableError) throw err;
          failed.push({ dataset, error: errorText(err) });
          metrics.failures.inc({ dataset });
          await checkpoints.write(locationId, dataset, { lastError: errorText(err) }).catch(() => undefined);
          log.warn({ locationId, dataset, err }, 'financial sync data set failed');
          return undefined;
        }
      }

      if (scopes.has('financial-api')) {
        await step(DATASETS.locationInfo, () => reference.locationInfo(target));
        const window = await step(DATASETS.financials, () => syncWindow(target, signal));
        if (window) {
          sales = window.counts;
          countRecords(DATASETS.financials, window.counts);
          const startOfDay = startOfDayFrom(window.nextStartOfDay ?? undefined);
          if (startOfDay) await reference.startOfDay(target, startOfDay);
        }
        const calendar = await reference.calendar(locationId, target.businessLocationId);
        const firstDate = businessDateOf(calendar, new Date(now().getTime() - deps.settings.initialDays * DAY_MS));
        await step(DATASETS.dailyFinancials, () =>
          runDailyChecks({ prisma, kseries, store, checkpoints, now }, target, calendar, firstDate, signal),
        );
        await step(DATASETS.taxRates, () => reference.taxRates(target));
        await step(DATASETS.paymentMethods, () => reference.paymentMethods(target));
        await step(DATASETS.accountingGroups, () => reference.accountingGroups(target));
        const backfill = await step(DATASETS.backfill, () =>
          runBackfill({ ...rangeDeps, queue: backfillQueue, now }, target, calendar, signal),
        );
        if (backfill) {
          backfillChunks = backfill.chunks;
          countRecords(DATASETS.backfill, backfill.counts);
        }
      }
      if (scopes.has('items')) await step(DATASETS.items, () => reference.items(target, signal));
      if (scopes.has('orders-api') && connection.businessId !== null) {
        const businessId = connection.businessId;
        await step(DATASETS.richItems, () => reference.richItems(target, businessId, signal));
      }
      return { failed, sales, backfillChunks };
    }).catch(async (err: unknown) => {
      // The lease or the connection was lost: the run stops; the job retries or gives up.
      metrics.runs.inc({ outcome: 'failed' });
      metrics.duration.observe({ outcome: 'failed' }, (Date.now() - started) / 1000);
      await deps.integrationLog
        .record(location.vendorId, {
          level: 'ERROR',
          event: 'financial.sync_failed',
          message: `Sync of location "${location.name}" stopped: ${errorText(err)}`,
        })
        .catch(() => undefined);
      throw err;
    });

    if (!locked.acquired) {
      metrics.runs.inc({ outcome: 'skipped_locked' });
      return { status: 'skipped', reason: 'locked' };
    }
    const { failed, sales, backfillChunks } = locked.value;
    const outcome = failed.length === 0 ? 'completed' : 'partial';
    metrics.runs.inc({ outcome });
    metrics.duration.observe({ outcome }, (Date.now() - started) / 1000);
    await report(location.vendorId, location.name, sales, backfillChunks, failed);
    log.info(
      { locationId, sales, backfillChunks, failed: failed.map((f) => f.dataset), ms: Date.now() - started },
      'financial sync finished',
    );
    return { status: outcome, sales, backfillChunks, failed };
  }

  /** The merchant's integration log: new data and failures, not every quiet hourly run. */
  async function report(
    vendorId: string,
    name: string,
    sales: WriteCounts,
    chunks: number,
    failed: { dataset: Dataset; error: string }[],
  ) {
    if (sales.inserted + sales.updated > 0 || chunks > 0) {
      await deps.integrationLog.record(vendorId, {
        level: 'INFO',
        event: 'financial.synced',
        message: `Synced sales of location "${name}": ${sales.inserted} new, ${sales.updated} changed${chunks > 0 ? `; ${chunks} backfill chunk(s) completed` : ''}.`,
      });
    }
    if (failed.length > 0) {
      await deps.integrationLog.record(vendorId, {
        level: 'ERROR',
        event: 'financial.sync_failed',
        message: `Sync of location "${name}" failed for ${failed.map((f) => f.dataset).join(', ')}: ${failed[0]?.error ?? ''}`,
        details: { failed },
      });
    }
  }

  return { run, backfill: backfillQueue, checkpoints };
}

export type FinancialSync = ReturnType<typeof createFinancialSync>;
