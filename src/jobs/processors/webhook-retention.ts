// webhook-retention (periodic): every stored Lightspeed webhook is a row of webhook_events, a
// few per order, so without this the table grows for ever. Deletes PROCESSED and IGNORED events
// whose processing (or, lacking that, arrival) is older than the retention. RECEIVED events are
// work still to do and FAILED ones evidence for an operator: never deleted here.
//
// Batches of `batchSize` rows, each its own short statement (no long locks, no huge transaction,
// no WAL burst), until none are left or the run's time or row budget is spent; the next run
// carries on. Several workers may run it at once harmlessly: SKIP LOCKED splits the rows.
import type { FastifyBaseLogger } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { PrismaClient } from '../../db/prisma.js';
import { Prisma } from '../../generated/prisma/client.js';

export interface WebhookRetentionDeps {
  prisma: PrismaClient;
  log: FastifyBaseLogger;
  /** The worker's /metrics registry. */
  registry: Registry;
  retentionDays: number;
  /** Rows per DELETE statement. */
  batchSize?: number;
  /** A run stops starting new batches after this long... */
  runBudgetMs?: number;
  /** ...or after deleting this many rows. */
  runMaxRows?: number;
}

export interface RetentionRun {
  deleted: number;
  cutoff: Date;
  /** False when the run stopped on its budget with rows possibly left for the next one. */
  complete: boolean;
}

export const RETENTION_BATCH_SIZE = 5_000;
// Well inside the shortest interval (60 s), so runs do not pile up. A SIGTERM during a run may
// outlast SHUTDOWN_TIMEOUT_MS and exit anyway: every batch has committed, so nothing is lost.
const RUN_BUDGET_MS = 30_000;
const RUN_MAX_ROWS = 1_000_000;
const DAY_MS = 24 * 3600 * 1000;
const METRIC = 'webhook_events_deleted_total';

/**
 * One batch. `received_at < cutoff` is implied by the COALESCE (an event is processed after it
 * arrives) and is there for the received_at index: it makes the search a range scan of the old
 * end of the history. Were a processed_at ever earlier than its received_at, that row would only
 * be kept longer, never deleted early.
 * FOR UPDATE re-checks the status of a row changed since the snapshot before it is deleted.
 */
export function retentionBatch(cutoff: Date, limit: number): Prisma.Sql {
  const at = cutoff.toISOString();
  return Prisma.sql`
    DELETE FROM webhook_events WHERE id IN (
      SELECT id FROM webhook_events
       WHERE status IN ('PROCESSED', 'IGNORED')
         AND received_at < ${at}::timestamptz
         AND COALESCE(processed_at, received_at) < ${at}::timestamptz
       LIMIT ${limit}
       FOR UPDATE SKIP LOCKED)`;
}

export function createWebhookRetention(deps: WebhookRetentionDeps) {
  const { prisma, log } = deps;
  const batchSize = deps.batchSize ?? RETENTION_BATCH_SIZE;
  const runBudgetMs = deps.runBudgetMs ?? RUN_BUDGET_MS;
  const runMaxRows = deps.runMaxRows ?? RUN_MAX_ROWS;
  const deletedTotal =
    (deps.registry.getSingleMetric(METRIC) as Counter | undefined) ??
    new Counter({
      name: METRIC,
      help: 'Processed and ignored webhook events deleted by the retention job',
      registers: [deps.registry],
    });

  return async function run(): Promise<RetentionRun> {
    const started = Date.now();
    const cutoff = new Date(started - deps.retentionDays * DAY_MS);
    let deleted = 0;
    let complete = false;
    while (Date.now() - started < runBudgetMs && deleted < runMaxRows) {
      const limit = Math.min(batchSize, runMaxRows - deleted);
      const n = await prisma.$executeRaw(retentionBatch(cutoff, limit));
      deleted += n;
      deletedTotal.inc(n);
      // A short batch: nothing older is left (or the rest is locked by another run).
      if (n < limit) {
        complete = true;
        break;
      }
    }
    if (deleted > 0) {
      log.info(
        { deleted, cutoff: cutoff.toISOString(), retentionDays: deps.retentionDays, complete },
        'webhook events deleted by retention',
      );
    }
    return { deleted, cutoff, complete };
  };
}
