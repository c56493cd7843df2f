// financial-schedules (periodic): one BullMQ job scheduler per connected, mapped location whose
// connection has financial-api or items, each running financial-sync every interval. Schedulers
// live in Redis, so they survive restarts; this job re-creates any that went missing (Redis
// flushed), adds new locations and removes those no longer connected or mapped. Upserting is
// idempotent across worker processes.
import type { PrismaClient } from '../../db/prisma.js';
import type { QueueProducers } from '../producers.js';

const PREFIX = 'financial-sync:';
export const financialSchedulerId = (locationId: string) => `${PREFIX}${locationId}`;

export function createFinancialScheduler(deps: { prisma: PrismaClient; queues: Pick<QueueProducers, 'financialSync'>; everyMs: number }) {
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
    const existing = new Map<string, number | undefined>();
    for (let start = 0; ; start += 500) {
      const page = await queue.getJobSchedulers(start, start + 499, true);
      for (const s of page) if (s.key.startsWith(PREFIX)) existing.set(s.key, s.every);
      if (page.length < 500) break;
    }
    let removed = 0;
    for (const key of existing.keys()) {
      if (!wanted.has(key) && (await queue.removeJobScheduler(key))) removed += 1;
    }
    let added = 0;
    for (const [key, locationId] of wanted) {
      if (existing.get(key) === deps.everyMs) continue;
      // A new scheduler runs its first sync at once, then every interval.
      await queue.upsertJobScheduler(key, { every: deps.everyMs }, { name: 'financial-sync', data: { locationId, trigger: 'schedule' } });
      added += 1;
    }
    return { scheduled: wanted.size, added, removed };
  };
}
