// Backfill of past business days on request. A request (<= 365 days) is split into chunks of at
// most CHUNK_DAYS and queued on the location's backfill checkpoint; the sync job works through
// them one at a time, each resumable page by page. The API only appends to `pending` and the
// worker (holding the location's lock) only pops the head and writes `run`/`completed`, each with
// a single jsonb update, so a request arriving mid-sync is never lost.
import type { PrismaClient } from '../../db/prisma.js';
import { BadRequestError, ConflictError } from '../../lib/errors.js';
import { addDays, businessDayBounds, daysBetween, type BusinessCalendar } from './calendar.js';
import { backfillCursor, DATASETS, type BackfillCursor, type Checkpoints, type RangeRun } from './checkpoints.js';
import { CHUNK_DAYS, newRun, syncRange, type RangeSyncDeps, type SyncTarget } from './range-sync.js';
import { addCounts, emptyCounts, type WriteCounts } from './sync-writes.js';

export const MAX_BACKFILL_DAYS = 365;
/** Queued chunks per location: about four years of requests. */
const MAX_PENDING = 50;
const KEEP_COMPLETED = 20;

export interface DateRange {
  fromDate: string;
  toDate: string;
}

/** Validates a request and splits it into chunks of at most CHUNK_DAYS business days. */
export function planBackfill(fromDate: string, toDate: string, today: string): DateRange[] {
  const days = daysBetween(fromDate, toDate) + 1;
  if (days < 1)
    throw new BadRequestError('`to` must not be before `from`', {
      fields: [{ field: 'body.to', message: 'must be on or after from' }],
    });
  if (days > MAX_BACKFILL_DAYS) {
    throw new BadRequestError(
      `A backfill covers at most ${MAX_BACKFILL_DAYS} days per request (this one covers ${days})`,
      {
        fields: [{ field: 'body.to', message: `at most ${MAX_BACKFILL_DAYS} days after from` }],
      },
    );
  }
  if (fromDate > today)
    throw new BadRequestError('`from` is in the future', {
      fields: [{ field: 'body.from', message: 'must not be in the future' }],
    });
  const chunks: DateRange[] = [];
  for (let start = fromDate; start <= toDate; start = addDays(start, CHUNK_DAYS)) {
    const end = addDays(start, CHUNK_DAYS - 1);
    chunks.push({ fromDate: start, toDate: end < toDate ? end : toDate });
  }
  return chunks;
}

export function createBackfillQueue(prisma: PrismaClient, checkpoints: Checkpoints) {
  const dataset = DATASETS.backfill;
  const json = (value: unknown) => JSON.stringify(value);

  return {
    read: (locationId: string) => checkpoints.read(locationId, dataset, backfillCursor),

    async append(locationId: string, chunks: DateRange[]): Promise<void> {
      const current = await checkpoints.read(locationId, dataset, backfillCursor);
      if (current.cursor.pending.length + chunks.length > MAX_PENDING) {
        throw new ConflictError(
          'Too many backfill requests are queued for this location; wait for them to finish',
          'BACKFILL_QUEUE_FULL',
          {
            pendingChunks: current.cursor.pending.length,
          },
        );
      }
      await prisma.$executeRaw`
        INSERT INTO sync_checkpoints AS c (id, location_id, dataset, cursor, updated_at)
        VALUES (gen_random_uuid(), ${locationId}::uuid, ${dataset}, jsonb_build_object('pending', ${json(chunks)}::jsonb), now())
        ON CONFLICT (location_id, dataset) DO UPDATE SET
          cursor = jsonb_set(COALESCE(c.cursor, '{}'::jsonb), '{pending}', COALESCE(c.cursor->'pending', '[]'::jsonb) || ${json(chunks)}::jsonb),
          updated_at = now()`;
    },

    /** Moves the head of `pending` into `run` (compare-and-set on the head). */
    async start(locationId: string, head: DateRange, run: RangeRun & DateRange): Promise<boolean> {
      const updated = await prisma.$executeRaw`
        UPDATE sync_checkpoints SET cursor = jsonb_set(jsonb_set(cursor, '{run}', ${json(run)}::jsonb), '{pending}', (cursor->'pending') - 0),
          updated_at = now()
        WHERE location_id = ${locationId}::uuid AND dataset = ${dataset} AND cursor->'pending'->0 = ${json(head)}::jsonb`;
      return updated === 1;
    },

    async progress(locationId: string, run: RangeRun & DateRange): Promise<void> {
      await prisma.$executeRaw`
        UPDATE sync_checkpoints SET cursor = jsonb_set(cursor, '{run}', ${json(run)}::jsonb), updated_at = now()
        WHERE location_id = ${locationId}::uuid AND dataset = ${dataset}`;
    },

    async finish(locationId: string, completed: BackfillCursor['completed']): Promise<void> {
      await prisma.$executeRaw`
        UPDATE sync_checkpoints SET cursor = jsonb_set(jsonb_set(cursor, '{run}', 'null'::jsonb), '{completed}', ${json(completed.slice(0, KEEP_COMPLETED))}::jsonb),
          last_synced_at = now(), last_error = NULL, updated_at = now()
        WHERE location_id = ${locationId}::uuid AND dataset = ${dataset}`;
    },
  };
}

export type BackfillQueue = ReturnType<typeof createBackfillQueue>;

/** Works through every queued chunk of a location. Runs under the location's lock. */
export async function runBackfill(
  deps: RangeSyncDeps & { queue: BackfillQueue; now: () => Date },
  target: SyncTarget,
  calendar: BusinessCalendar,
  signal: AbortSignal,
): Promise<{ chunks: number; counts: WriteCounts }> {
  let counts = emptyCounts();
  let chunks = 0;
  for (;;) {
    const { cursor } = await deps.queue.read(target.locationId);
    let run = cursor.run;
    if (!run) {
      const head = cursor.pending[0];
      if (!head) return { chunks, counts };
      const bounds = businessDayBounds(calendar, head.fromDate, head.toDate);
      // Days not over yet are read up to now; the scheduled window covers the rest.
      const end = new Date(Math.min(bounds.end.getTime(), deps.now().getTime()));
      run = { ...newRun(bounds.start, new Date(Math.max(end.getTime(), bounds.start.getTime()))), ...head };
      // Only this worker (holding the lock) pops the head, so the compare-and-set cannot lose.
      if (!(await deps.queue.start(target.locationId, head, run)))
        throw new Error('the backfill queue changed while starting a chunk');
    }
    const range = { fromDate: run.fromDate, toDate: run.toDate };
    const result = await syncRange(
      deps,
      target,
      run,
      (r) => deps.queue.progress(target.locationId, { ...r, ...range }),
      signal,
    );
    counts = addCounts(counts, result.counts);
    // run.sales counts the pages read before an interruption; `seen` the ones read now.
    const seen = result.counts.inserted + result.counts.updated + result.counts.unchanged + result.counts.skipped;
    const { cursor: latest } = await deps.queue.read(target.locationId);
    await deps.queue.finish(target.locationId, [
      { ...range, sales: run.sales + seen, completedAt: deps.now().toISOString() },
      ...latest.completed,
    ]);
    chunks += 1;
  }
}
