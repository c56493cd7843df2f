// Durable storage of incoming webhook events, batched: concurrent requests share one multi-row
// INSERT (one round trip, one commit), and each request is answered only after its row is
// committed. Enqueueing the processing job is batched too and not awaited: Postgres is the only
// dependency an acknowledgement needs; the sweeper enqueues whatever Redis did not take.
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import type { QueueProducers } from '../jobs/producers.js';
import { createBatcher } from '../lib/batcher.js';
import type { WebhookKind } from './classify.js';

export interface IncomingEvent {
  dedupeKey: string;
  type: WebhookKind;
  vendorId: string | null;
  raw: string;
}

export interface StoredEvent {
  eventId: string;
  duplicate: boolean;
}

export function createWebhookIngest(deps: { prisma: PrismaClient; queues: QueueProducers; log: FastifyBaseLogger }) {
  const { prisma, queues, log } = deps;

  const inserts = createBatcher<IncomingEvent, StoredEvent>(
    async (events) => {
      const values = events.map(
        (e) => Prisma.sql`(gen_random_uuid(), ${e.dedupeKey}, ${e.type}, ${e.vendorId}::uuid, ${e.raw}::jsonb)`,
      );
      const inserted = await prisma.$queryRaw<{ id: string; dedupe_key: string }[]>`
        INSERT INTO webhook_events (id, dedupe_key, type, vendor_id, payload)
        VALUES ${Prisma.join(values)}
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING id, dedupe_key`;
      const fresh = new Map(inserted.map((r) => [r.dedupe_key, r.id]));
      const missing = events.filter((e) => !fresh.has(e.dedupeKey)).map((e) => e.dedupeKey);
      const existing = missing.length
        ? new Map(
            (await prisma.webhookEvent.findMany({ where: { dedupeKey: { in: missing } }, select: { id: true, dedupeKey: true } })).map(
              (r) => [r.dedupeKey, r.id],
            ),
          )
        : new Map<string, string>();
      // Within one batch the first of two identical events is the fresh one.
      const claimed = new Set<string>();
      return events.map((e) => {
        const id = fresh.get(e.dedupeKey);
        if (id && !claimed.has(e.dedupeKey)) {
          claimed.add(e.dedupeKey);
          return { eventId: id, duplicate: false };
        }
        return { eventId: id ?? existing.get(e.dedupeKey)!, duplicate: true };
      });
    },
    { maxSize: 200, maxWaitMs: 2 },
  );

  const enqueues = createBatcher<string, void>(
    async (eventIds) => {
      await queues.processWebhook.queue.addBulk(
        eventIds.map((eventId) => ({ name: 'process-webhook', data: { eventId }, opts: { jobId: `wh-${eventId}` } })),
      );
      return eventIds.map(() => undefined);
    },
    { maxSize: 500, maxWaitMs: 5 },
  );

  return {
    async store(event: IncomingEvent): Promise<StoredEvent> {
      const stored = await inserts.submit(event);
      if (!stored.duplicate) {
        enqueues.submit(stored.eventId).catch((err: unknown) => {
          log.warn({ err, eventId: stored.eventId }, 'webhook stored but not enqueued; the sweeper will');
        });
      }
      return stored;
    },
  };
}
