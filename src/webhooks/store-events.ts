// Durable storage of incoming webhook events, batched: concurrent requests share one multi-row
// INSERT (one round trip, one commit), and each request is answered only after its row is
// committed. Each committed batch's fresh events then go to ONE process-webhook job, in arrival
// order. That enqueue is not awaited: Postgres is the only dependency an acknowledgement needs;
// the sweeper enqueues whatever Redis did not take.
import type { FastifyBaseLogger } from 'fastify';
import { poolOf, type PrismaClient } from '../db/prisma.js';
import { prepared, runPrepared } from '../db/sql.js';
import type { QueueProducers } from '../queues/producers.js';
import { JOB_IDS, WEBHOOK_BATCH_MAX } from '../queues/definitions.js';
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

// One prepared statement whatever the batch size: the batch arrives as four parallel arrays.
const INSERT_EVENTS = prepared(
  'webhook_events_insert',
  `INSERT INTO webhook_events (id, dedupe_key, type, vendor_id, payload)
   SELECT gen_random_uuid(), e.dedupe_key, e.type, e.vendor_id, e.payload::jsonb
     FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[]) AS e(dedupe_key, type, vendor_id, payload)
   ON CONFLICT (dedupe_key) DO NOTHING
   RETURNING id, dedupe_key`,
);

export function createWebhookIngest(deps: { prisma: PrismaClient; queues: QueueProducers; log: FastifyBaseLogger }) {
  const { prisma, queues, log } = deps;
  const pool = poolOf(prisma);

  const inserts = createBatcher<IncomingEvent, StoredEvent>(
    async (events) => {
      const inserted = await runPrepared<{ id: string; dedupe_key: string }>(pool, INSERT_EVENTS, [
        events.map((e) => e.dedupeKey),
        events.map((e) => e.type),
        events.map((e) => e.vendorId),
        events.map((e) => e.raw),
      ]);
      const fresh = new Map(inserted.map((r) => [r.dedupe_key, r.id]));
      // Batch order is arrival order (a Set keeps the first occurrence of a repeated key).
      enqueue([...new Set(events.flatMap((e) => fresh.get(e.dedupeKey) ?? []))]);
      const missing = events.filter((e) => !fresh.has(e.dedupeKey)).map((e) => e.dedupeKey);
      const existing = missing.length
        ? new Map(
            (
              await prisma.webhookEvent.findMany({
                where: { dedupeKey: { in: missing } },
                select: { id: true, dedupeKey: true },
              })
            ).map((r) => [r.dedupeKey, r.id]),
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
    // At most one process-webhook job's worth of events per INSERT.
    { maxSize: Math.min(200, WEBHOOK_BATCH_MAX), maxWaitMs: 2 },
  );

  /** Not awaited by any request: a failure only delays processing until the next sweep. */
  function enqueue(eventIds: string[]): void {
    if (eventIds.length === 0) return;
    // The first event's id is fresh, so the job id never meets an earlier job's.
    queues.processWebhook.add({ eventIds }, { jobId: JOB_IDS.processWebhook(eventIds[0]!) }).catch((err: unknown) => {
      log.warn({ err, eventIds }, 'webhook stored but not enqueued; the sweeper will');
    });
  }

  return {
    store: (event: IncomingEvent): Promise<StoredEvent> => inserts.submit(event),
  };
}
