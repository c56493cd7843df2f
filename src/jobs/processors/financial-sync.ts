// financial-sync: one location's financial and item sync (src/services/financial/sync.ts). Only
// one runs per location at a time across all workers. A job that finds the location busy waits
// and tries again: a requested sync or backfill until it gets its turn; a scheduled tick for at
// most two lock leases (at least a minute), long enough to outlive the lock of a worker that
// died mid-sync (its job is retaken and resumes from the checkpoint), after which a live sync
// that is still running covers the tick.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import { ConnectionUnavailableError } from '../../integrations/lightspeed/access-token-provider.js';
import { createFinancialSync, type FinancialSync } from '../../services/financial/sync.js';
import type { QueueProducers } from '../../queues/producers.js';
import { QUEUES } from '../../queues/definitions.js';
import { defineProcessor } from '../worker-host.js';
import { createFinancialScheduler } from './financial-schedules.js';
import type { ProcessorDeps, ProcessorSet } from './processor-deps.js';

export function createFinancialSyncProcessor(deps: {
  sync: FinancialSync;
  queues: Pick<QueueProducers, 'financialSync'>;
  log: FastifyBaseLogger;
  /** How long a job waits before trying a busy location again. */
  busyRetryMs: number;
  /** The sync lock's lease. */
  lockTtlMs: number;
}) {
  const scheduledPatienceMs = Math.max(2 * deps.lockTtlMs, 60_000);
  const { sync, log } = deps;
  return async (
    payload: { locationId: string; trigger: 'schedule' | 'manual' | 'backfill' },
    job: Job,
    token?: string,
  ): Promise<string> => {
    const { locationId, trigger } = payload;
    let outcome: Awaited<ReturnType<typeof sync.run>>;
    try {
      outcome = await sync.run(locationId);
    } catch (err) {
      // Reconnecting is the merchant's move; retrying now would fail the same way.
      if (err instanceof ConnectionUnavailableError) throw new UnrecoverableError(err.message);
      throw err;
    }
    if (outcome.status === 'skipped') {
      if (outcome.reason !== 'locked') return `skipped: ${outcome.reason}`;
      if (trigger === 'schedule' && Date.now() - job.timestamp > scheduledPatienceMs)
        return 'skipped: another sync of this location is running';
      log.info({ locationId, trigger }, 'financial sync waiting: another sync of this location is running');
      await job.moveToDelayed(Date.now() + deps.busyRetryMs, token);
      throw new DelayedError();
    }
    // A backfill requested after this run's backfill pass, while it still held the lock.
    const { cursor } = await sync.backfill.read(locationId);
    if (cursor.pending.length > 0 && !cursor.run)
      await deps.queues.financialSync.add({ locationId, trigger: 'backfill' });
    if (outcome.status === 'partial') {
      log.warn({ locationId, failed: outcome.failed }, 'financial sync incomplete, will retry');
      throw new Error(`financial sync incomplete: ${outcome.failed.map((f) => `${f.dataset}: ${f.error}`).join('; ')}`);
    }
    return `synced: ${outcome.sales.inserted} new, ${outcome.sales.updated} changed sales; ${outcome.backfillChunks} backfill chunk(s)`;
  };
}

/** The financial queues' processors and the periodic schedule refresh, for processors/index.ts. */
export function financialJobs(deps: ProcessorDeps): ProcessorSet {
  const { config, prisma, log, queues } = deps;
  const sync = createFinancialSync({
    prisma,
    ...deps.keys,
    kseries: deps.services.core.kseries,
    integrationLog: deps.services.core.integrationLog,
    log: log.child({ component: 'financial-sync' }),
    registry: deps.registry,
    settings: {
      initialDays: config.FINANCIAL_SYNC_INITIAL_DAYS,
      lookbackMs: config.FINANCIAL_SYNC_LOOKBACK_HOURS * 3600 * 1000,
      lockTtlMs: config.FINANCIAL_SYNC_LOCK_TTL_SECONDS * 1000,
    },
  });
  const busyRetryMs = Math.min(5_000, config.FINANCIAL_SYNC_LOCK_TTL_SECONDS * 1000);
  const scheduler = createFinancialScheduler({
    prisma,
    queues,
    everyMs: config.FINANCIAL_SYNC_INTERVAL_SECONDS * 1000,
  });
  return {
    processors: [
      defineProcessor(
        QUEUES.financialSync,
        createFinancialSyncProcessor({
          sync,
          queues,
          log,
          busyRetryMs,
          lockTtlMs: config.FINANCIAL_SYNC_LOCK_TTL_SECONDS * 1000,
        }),
      ),
      defineProcessor(QUEUES.financialSchedules, async () => scheduler()),
    ],
    schedules: [
      { definition: QUEUES.financialSchedules, everyMs: config.FINANCIAL_SCHEDULE_REFRESH_SECONDS * 1000, payload: {} },
    ],
  };
}
