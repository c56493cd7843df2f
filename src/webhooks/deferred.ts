// Webhooks that arrive while Postgres is unreachable wait in a Redis stream (one entry per
// event, XADD answered before the 200), and a drainer in every API process moves them into
// webhook_events once Postgres answers again. Exactly once: the drainer inserts with the
// event's own id and dedupe key (ON CONFLICT DO NOTHING), enqueues only what it inserted, and
// deletes the entries after the commit. Two drainers, or a crash between the commit and the
// XDEL, only make a second insert that stores nothing; an enqueue lost that way is the
// sweeper's (it re-enqueues events still RECEIVED).
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { isDependencyUnavailable } from '../lib/errors.js';
import type { DeferredStore, IncomingEvent, StoredEvent } from './store-events.js';

/** The most entries one drain moves (one INSERT). */
const DRAIN_BATCH = 200;

/** How long a webhook waits for Redis when Postgres is away too; then it is refused (503). */
const ADD_TIMEOUT_MS = 2_000;

export function createDeferredStore(redis: Redis, key: string): DeferredStore & { length(): Promise<number> } {
  return {
    async add(events: IncomingEvent[]) {
      const multi = redis.multi();
      for (const event of events) multi.xadd(key, '*', 'event', JSON.stringify(event));
      // Our Redis client queues commands while disconnected rather than failing them: bound the
      // wait. Should the XADD still run after a 503, the sender's retry is a duplicate delivery,
      // which the dedupe key absorbs.
      let timer: NodeJS.Timeout | undefined;
      const exec = multi.exec();
      // Once timed out, nobody awaits it: its late failure (the connection closed) is not news.
      exec.catch(() => undefined);
      const results = await Promise.race([
        exec,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('Redis did not answer the XADD in time')), ADD_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
      const failed = results?.find(([err]) => err);
      if (!results || failed) throw failed?.[0] ?? new Error('Redis did not run the XADD transaction');
    },
    length: () => redis.xlen(key),
  };
}

export interface Drainer {
  /** One pass: moves up to DRAIN_BATCH entries; returns how many it moved. */
  drainOnce(): Promise<number>;
  stop(): void;
}

export function startDrainer(deps: {
  redis: Redis;
  key: string;
  insert: (events: IncomingEvent[]) => Promise<(StoredEvent | Error)[]>;
  log: FastifyBaseLogger;
  intervalMs: number;
}): Drainer {
  const { redis, key, log } = deps;
  let running: Promise<number> | null = null;
  let stopped = false;

  async function pass(): Promise<number> {
    // Cheap when there is nothing to do, which is nearly always: one XRANGE.
    const entries = await redis.xrange(key, '-', '+', 'COUNT', DRAIN_BATCH);
    if (entries.length === 0) return 0;
    const events: IncomingEvent[] = [];
    const unreadable: string[] = [];
    for (const [entryId, fields] of entries) {
      const json = fields[fields.indexOf('event') + 1];
      try {
        events.push(JSON.parse(json ?? '') as IncomingEvent);
      } catch {
        unreadable.push(entryId);
      }
    }
    if (unreadable.length > 0) log.error({ entries: unreadable }, 'unreadable deferred webhook entries left in Redis');
    const results = await deps.insert(events);
    const refused = results.filter((r): r is Error => r instanceof Error);
    // A refused event cannot be stored however often it is tried: it is logged and kept in a
    // side stream for an operator rather than blocking everything behind it.
    if (refused.length > 0) {
      const multi = redis.multi();
      for (const [i, result] of results.entries()) {
        if (result instanceof Error) multi.xadd(`${key}:refused`, '*', 'event', JSON.stringify(events[i]));
      }
      await multi.exec();
      log.error({ refused: refused.length, err: refused[0] }, 'deferred webhook events refused by Postgres');
    }
    const done = entries.map(([id]) => id).filter((id) => !unreadable.includes(id));
    if (done.length > 0) await redis.xdel(key, ...done);
    log.info(
      { moved: done.length, duplicates: results.filter((r) => !(r instanceof Error) && r.duplicate).length },
      'deferred webhook events stored in postgres',
    );
    return done.length;
  }

  async function drainOnce(): Promise<number> {
    if (running !== null) return running;
    running = pass()
      .catch((err: unknown) => {
        // Postgres still away (or Redis): the entries stay, the next tick tries again.
        if (!isDependencyUnavailable(err)) log.warn({ err }, 'draining deferred webhook events failed');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  const timer = setInterval(() => {
    if (stopped || redis.status !== 'ready' || running !== null) return;
    void (async () => {
      // A backlog drains batch after batch, not one batch per tick.
      while (!stopped && (await drainOnce()) === DRAIN_BATCH);
    })();
  }, deps.intervalMs);
  timer.unref();

  return {
    drainOnce,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
