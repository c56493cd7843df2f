// financial-schedules (periodic): one BullMQ job scheduler per connected, mapped location whose
// connection has financial-api or items, each running financial-sync every interval. Schedulers
// live in Redis, so they survive restarts; this job re-creates any that went missing (Redis
// flushed), adds new locations and removes those no longer connected or mapped. Upserting is
// idempotent across worker processes.
//
// Each location runs at its own fixed point of the interval (an offset derived from its id):
// schedulers created together (first deploy, a Redis flush, a bulk mapping) would otherwise all
// fire at the same instant every interval, a burst at K-Series and in our worker.
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../db/prisma.js';
import type { QueueProducers } from '../../queues/producers.js';

const PREFIX = 'financial-sync:';
export const financialSchedulerId = (locationId: string) => `${PREFIX}${locationId}`;

/** Where in each interval a location's sync runs: stable across processes and restarts. */
export function scheduleOffsetMs(locationId: string, everyMs: number): number {
  return createHash('sha256').update(locationId).digest().readUInt32BE(0) % everyMs;
}

export function createFinancialScheduler(deps: {
  prisma: PrismaClient;
  queues: Pick<QueueProducers, 'financialSync'>;
  everyMs: number;
}) {
  const queue = deps.queues.financialSync.queue;
  return async (): Promise<{ scheduled: number; added: number; removed: number }> => {
    const eligible = await deps.prisma.location.findMany({
      where: {
        businessLocationId: { not: null },
        vendor: { connection: { status: 'CONNECTED', scopes: { hasSome: ['financial-api', 'items'] } } },
      },
      select: { id: true },
    });
    const wanted = new Map(eligible.map((l) => [financialSchedulerId(l.id), l.id]));
    const existing = new Map<string, { every?: number; offset?: number }>();
    for (let start = 0; ; start += 500) {
      const page = await queue.getJobSchedulers(start, start + 499, true);
      for (const s of page) if (s.key.startsWith(PREFIX)) existing.set(s.key, { every: s.every, offset: s.offset });
      if (page.length < 500) break;
    }
    let removed = 0;
    for (const key of existing.keys()) {
      if (!wanted.has(key) && (await queue.removeJobScheduler(key))) removed += 1;
    }
    let added = 0;
    for (const [key, locationId] of wanted) {
      const offset = scheduleOffsetMs(locationId, deps.everyMs);
      const current = existing.get(key);
      if (current?.every === deps.everyMs && (current.offset ?? 0) === offset) continue;
      await queue.upsertJobScheduler(
        key,
        { every: deps.everyMs, offset },
        { name: 'financial-sync', data: { locationId, trigger: 'schedule' } },
      );
      // The scheduler's first run waits for the location's slot; a new location syncs at once.
      if (!current) {
        await deps.queues.financialSync.add(
          { locationId, trigger: 'schedule' },
          { deduplication: { id: `financial-sync-first:${locationId}` } },
        );
      }
      added += 1;
    }
    return { scheduled: wanted.size, added, removed };
  };
}
