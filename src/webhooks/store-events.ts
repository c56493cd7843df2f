// Durable storage of incoming webhook events, batched: concurrent requests share one multi-row
// INSERT (one round trip, one commit), and each request is answered only after its row is
// committed. Each committed batch's fresh events then go to ONE process-webhook job, in arrival
// order. That enqueue is not awaited: Postgres is the only dependency an acknowledgement needs;
// the sweeper enqueues whatever Redis did not take.
//
// Every request stays on its own: a batch the database refuses for its data is stored again row
// by row, so only the request that cannot be stored fails (400), never its neighbours. And when
// Postgres cannot be reached, the batch goes to a Redis stream instead (./deferred.ts), which is
// moved into webhook_events once Postgres is back: Lightspeed does not promise to retry.
import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { poolOf, type PrismaClient } from '../db/prisma.js';
import { prepared, runPrepared } from '../db/sql.js';
import type { QueueProducers } from '../queues/producers.js';
import { JOB_IDS, WEBHOOK_BATCH_MAX } from '../queues/definitions.js';
import { createBatcher } from '../lib/batcher.js';
import { BadRequestError, isDependencyUnavailable } from '../lib/errors.js';
import type { WebhookKind } from './classify.js';

export interface IncomingEvent {
  /** Chosen on arrival, so an event deferred to Redis keeps the id its acknowledgement named. */
  id: string;
  dedupeKey: string;
  type: WebhookKind;
  vendorId: string | null;
  /** JSON text jsonb accepts (see ./storable.ts). */
  payload: string;
  /** The body as received, when payload had to differ from it. */
  rawBody: string | null;
}

export interface StoredEvent {
  eventId: string;
  duplicate: boolean;
  /** Kept in Redis while Postgres is unreachable; stored in Postgres later. */
  deferred?: boolean;
}

interface Submitted {
  event: IncomingEvent;
  requestId: string;
}

/** Where events wait while Postgres is unreachable. */
export interface DeferredStore {
  add(events: IncomingEvent[]): Promise<void>;
}

// One prepared statement whatever the batch size: the batch arrives as parallel arrays.
const INSERT_EVENTS = prepared(
  'webhook_events_insert_v2',
  `INSERT INTO webhook_events (id, dedupe_key, type, vendor_id, payload, raw_body)
   SELECT e.id, e.dedupe_key, e.type, e.vendor_id, e.payload::jsonb, e.raw_body
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[])
          AS e(id, dedupe_key, type, vendor_id, payload, raw_body)
   ON CONFLICT (dedupe_key) DO NOTHING
   RETURNING id`,
);

/** SQLSTATE class 22 (data exception) and 54 (program limit, e.g. a too deeply nested document). */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|54)/.test(code);
}

export function createEventWriter(deps: { prisma: PrismaClient; queues: QueueProducers; log: FastifyBaseLogger }) {
  const { prisma, queues, log } = deps;
  const pool = poolOf(prisma);

  /** Not awaited by any request: a failure only delays processing until the next sweep. */
  function enqueue(eventIds: string[]): void {
    if (eventIds.length === 0) return;
    // The first event's id is fresh, so the job id never meets an earlier job's.
    queues.processWebhook.add({ eventIds }, { jobId: JOB_IDS.processWebhook(eventIds[0]!) }).catch((err: unknown) => {
      log.warn({ err, eventIds }, 'webhook stored but not enqueued; the sweeper will');
    });
  }

  /** One INSERT for the batch; the fresh events are enqueued in arrival order. */
  async function insert(events: IncomingEvent[]): Promise<StoredEvent[]> {
    const rows = await runPrepared<{ id: string }>(pool, INSERT_EVENTS, [
      events.map((e) => e.id),
      events.map((e) => e.dedupeKey),
      events.map((e) => e.type),
      events.map((e) => e.vendorId),
      events.map((e) => e.payload),
      events.map((e) => e.rawBody),
    ]);
    const fresh = new Set(rows.map((r) => r.id));
    enqueue(events.filter((e) => fresh.has(e.id)).map((e) => e.id));
    // Within one batch the first of two identical events is the fresh one.
    const inBatch = new Map<string, string>();
    for (const e of events) if (fresh.has(e.id)) inBatch.set(e.dedupeKey, e.id);
    const missing = events.filter((e) => !inBatch.has(e.dedupeKey)).map((e) => e.dedupeKey);
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
    return events.map((e) =>
      fresh.has(e.id)
        ? { eventId: e.id, duplicate: false }
        : { eventId: inBatch.get(e.dedupeKey) ?? existing.get(e.dedupeKey) ?? e.id, duplicate: true },
    );
  }

  /**
   * The batch, or, when Postgres refuses its data, each event on its own: the refused one gets
   * its own error and the others are stored.
   */
  async function insertIsolated(events: IncomingEvent[]): Promise<(StoredEvent | Error)[]> {
    try {
      return await insert(events);
    } catch (err) {
      if (!isDataError(err) || events.length === 1) throw err;
      log.warn({ err, events: events.length }, 'webhook batch refused for its data; storing its events one by one');
      const out: (StoredEvent | Error)[] = [];
      for (const event of events) {
        try {
          out.push((await insert([event]))[0]!);
        } catch (one) {
          if (!isDataError(one)) throw one;
          out.push(one instanceof Error ? one : new Error(String(one)));
        }
      }
      return out;
    }
  }

  return { insert, insertIsolated };
}

export function createWebhookIngest(deps: {
  prisma: PrismaClient;
  queues: QueueProducers;
  log: FastifyBaseLogger;
  deferred?: DeferredStore;
}) {
  const { log, deferred } = deps;
  const writer = createEventWriter(deps);

  // One line per stored batch at info (a webhook that fails logs its own warning): the request
  // ids name each acknowledged request, in the same order as the event ids its answer carried.
  function logBatch(items: Submitted[], results: (StoredEvent | Error)[]): void {
    if ((log as Partial<Logger>).isLevelEnabled?.('info') === false) return;
    const stored = results.filter((r): r is StoredEvent => !(r instanceof Error));
    log.info(
      {
        events: items.length,
        duplicates: stored.filter((r) => r.duplicate).length,
        deferred: stored.some((r) => r.deferred),
        refused: items.length - stored.length,
        requestIds: items.map((i) => i.requestId),
        eventIds: results.map((r) => (r instanceof Error ? null : r.eventId)),
      },
      'webhook batch stored',
    );
  }

  async function storeBatch(events: IncomingEvent[]): Promise<(StoredEvent | Error)[]> {
    try {
      return await writer.insertIsolated(events);
    } catch (err) {
      if (!deferred || !isDependencyUnavailable(err)) throw err;
      // Postgres is away: acknowledge only once Redis holds the events (XADD answered).
      try {
        await deferred.add(events);
      } catch (redisErr) {
        log.error({ err: redisErr }, 'webhook batch could not be deferred to Redis either');
        throw err;
      }
      log.warn({ err, events: events.length }, 'postgres unreachable: webhook events deferred to Redis');
      return events.map((e) => ({ eventId: e.id, duplicate: false, deferred: true }));
    }
  }

  const inserts = createBatcher<Submitted, StoredEvent | Error>(
    async (items) => {
      const results = await storeBatch(items.map((i) => i.event));
      logBatch(items, results);
      return results;
    },
    // At most one process-webhook job's worth of events per INSERT.
    { maxSize: Math.min(200, WEBHOOK_BATCH_MAX), maxWaitMs: 2 },
  );

  return {
    /** Resolves once the event is committed (or held by Redis); `requestId` names it in the batch's log line. */
    store: async (event: IncomingEvent, requestId: string): Promise<StoredEvent> => {
      const result = await inserts.submit({ event, requestId });
      if (result instanceof Error) {
        log.warn({ err: result, eventId: event.id, requestId }, 'webhook event cannot be stored');
        throw new BadRequestError('The notification cannot be stored: its content is not valid for our database');
      }
      return result;
    },
  };
}
