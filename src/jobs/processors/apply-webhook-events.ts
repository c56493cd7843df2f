// The process-webhook job: a batch of stored Lightspeed events, dispatched by kind. Events about
// one order (or, for readiness, one location) run one after another in arrival order; the rest
// run side by side, a few at a time. ORDER and PAYMENT events about an order loaded with them
// are decided into one outcome batch (services/orders/outcome-batch.ts): the whole job then
// costs one read and one statement (one commit) that writes every order move of the batch
// together with the events' marks, so an event is marked exactly when its effects commit.
// Safe to run twice: only events still RECEIVED are loaded or marked, and a batch whose orders
// changed since they were loaded writes nothing and is decided again on the new rows.
import type { FastifyBaseLogger } from 'fastify';
import { poolOf, type PrismaClient } from '../../db/prisma.js';
import { runPrepared } from '../../db/sql.js';
import { createBatcher } from '../../lib/batcher.js';
import { notApplied, type OrderUpdates, type OutcomeResult } from '../../services/orders/apply-notifications.js';
import type { OrderOutcomeView } from '../../services/orders/hot-path-queries.js';
import { createOutcomeBatch, type EventMark, type OutcomeBatch } from '../../services/orders/outcome-batch.js';
import type { WebhookKind } from '../../webhooks/classify.js';
import {
  type Body,
  bodyOf,
  chainKey,
  type EventRow,
  knownOrder,
  LOAD_EVENTS,
  outOfScope,
  toBigInt,
} from './webhook-event-rows.js';

export interface WebhookProcessorDeps {
  prisma: PrismaClient;
  orderUpdates: Pick<OrderUpdates, 'applyOrderNotification' | 'applyPaymentNotification'>;
  log: FastifyBaseLogger;
  /** Item availability or readiness changed at a K-Series location: drop cached catalog data. */
  invalidateLocationCache: (businessLocationId: bigint, kind: 'availability' | 'readiness') => Promise<void>;
  /**
   * An ITEM event changed an item's availability at a K-Series location: queue a signed
   * `item.availability` callback to every vendor serving it. Resolves to the number queued.
   */
  pushAvailability: (businessLocationId: bigint, eventId: string) => Promise<number>;
}

type Outcome = { event: EventRow; result: OutcomeResult; ignored: boolean } | { event: EventRow; error: Error };

/** Chains (one per order or location) of one job that run at once. */
const CONCURRENCY = 10;
/** Times a batch is decided again because its orders changed meanwhile, before the job fails (and retries). */
const MAX_ROUNDS = 5;
/** Jobs whose events share one round (a job holds at most WEBHOOK_BATCH_MAX events). */
const JOBS_PER_ROUND = 20;

export function createWebhookProcessor(deps: WebhookProcessorDeps) {
  const { prisma, orderUpdates, log } = deps;
  const pool = poolOf(prisma);

  /**
   * Readiness events can be processed out of order: the newest by K-Series' own `lastUpdatedAt`
   * (our receipt time when absent) wins, and on a tie the conservative NOT_READY does.
   */
  async function readiness(body: Body, receivedAt: Date, scope: string | null): Promise<OutcomeResult> {
    const blId = toBigInt(body.businessLocationId);
    const status = typeof body.status === 'string' ? body.status : null;
    if (blId === null || !status) return notApplied('readiness without location or status');
    const reported = typeof body.lastUpdatedAt === 'string' ? new Date(body.lastUpdatedAt) : null;
    const at = reported && !Number.isNaN(reported.getTime()) ? reported : receivedAt;
    const updated = await prisma.location.updateMany({
      where: {
        businessLocationId: blId,
        ...(scope ? { vendorId: scope } : {}),
        OR: [
          { readinessUpdatedAt: null },
          { readinessUpdatedAt: { lt: at } },
          ...(status === 'NOT_READY' ? [{ readinessUpdatedAt: at }] : []),
        ],
      },
      data: { readiness: status, readinessUpdatedAt: at },
    });
    await deps.invalidateLocationCache(blId, 'readiness');
    return {
      applied: updated.count > 0,
      orderId: null,
      vendorId: null,
      note: `${updated.count} location(s) now ${status}`,
    };
  }

  async function itemAvailability(body: Body, eventId: string, scope: string | null): Promise<OutcomeResult> {
    const blId = toBigInt(body.businessLocationId);
    if (blId === null) return notApplied('item event without location');
    if (scope && (await prisma.location.count({ where: { businessLocationId: blId, vendorId: scope } })) === 0) {
      return notApplied("not a location of the endpoint's vendor");
    }
    // Invalidate first: a vendor reacting to the callback must read the new availability.
    await deps.invalidateLocationCache(blId, 'availability');
    const pushed = await deps.pushAvailability(blId, eventId);
    return {
      applied: true,
      orderId: null,
      vendorId: null,
      note: `availability of ${String(body.sku)} changed; ${pushed} vendor callback(s) queued`,
    };
  }

  async function dispatch(
    kind: WebhookKind,
    body: Body,
    receivedAt: Date,
    known: OrderOutcomeView | undefined,
    scope: string | null,
    eventId: string,
    batch: OutcomeBatch,
  ): Promise<OutcomeResult> {
    switch (kind) {
      case 'ORDER':
        return orderUpdates.applyOrderNotification(body, 'webhook', known, batch);
      case 'PAYMENT':
        return orderUpdates.applyPaymentNotification(body, 'webhook', known, batch);
      case 'ORDER_API':
        return readiness(body, receivedAt, scope);
      case 'ITEM':
        return itemAvailability(body, eventId, scope);
      case 'RESERVATION':
        // Reservations-platform notifications are kept for the record; no feature consumes them yet.
        return {
          applied: false,
          orderId: null,
          vendorId: null,
          note: `reservation ${String(body.notificationType)} stored`,
        };
      default:
        return notApplied('unknown notification shape stored');
    }
  }

  /**
   * `fresh`: nothing of this batch has touched the event's order yet, so the loaded row is current;
   * after that the batch's own copy of the order is.
   */
  async function run(event: EventRow, fresh: boolean, batch: OutcomeBatch): Promise<Outcome> {
    const refusal = outOfScope(event);
    if (refusal) return { event, result: notApplied(refusal), ignored: true };
    try {
      const result = await dispatch(
        event.type as WebhookKind,
        bodyOf(event),
        event.received_at,
        (event.order_id && batch.current(event.order_id)) || (fresh ? knownOrder(event) : undefined),
        event.scope_vendor_id,
        event.id,
        batch,
      );
      const ignored =
        result.orderId === null && (event.type === 'ORDER' || event.type === 'PAYMENT' || event.type === 'UNKNOWN');
      return { event, result, ignored };
    } catch (err) {
      return { event, error: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  /** A failed event keeps RECEIVED and records the attempt; a decided one waits for its batch's commit. */
  function markOf(o: Outcome, batch: OutcomeBatch): EventMark {
    if ('error' in o) {
      return { id: o.event.id, status: null, error: o.error.message.slice(0, 1000), vendorId: null, gated: false };
    }
    return {
      id: o.event.id,
      status: o.ignored ? 'IGNORED' : 'PROCESSED',
      error: o.result.note ?? null,
      vendorId: o.result.vendorId,
      gated: o.event.order_id !== null && batch.isTracked(o.event.order_id),
    };
  }

  /**
   * One load, one commit. Returns what was recorded (and logged), the ids loaded, and the events
   * to decide again because their orders changed meanwhile.
   */
  async function processRound(eventIds: string[]) {
    const rows = await runPrepared<EventRow>(pool, LOAD_EVENTS, [eventIds]);
    if (rows.length === 0) return { recorded: [], loaded: [], stale: [] };
    // Arrival order is the payload's: the rows of one INSERT share their received_at.
    const position = new Map(eventIds.map((id, i) => [id, i]));
    rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
    const chains = new Map<string, EventRow[]>();
    for (const row of rows) {
      const key = chainKey(row);
      const chain = chains.get(key);
      if (chain) chain.push(row);
      else chains.set(key, [row]);
    }

    const batch = createOutcomeBatch(pool);
    const done: Outcome[] = [];
    await forEachLimited([...chains.values()], CONCURRENCY, async (chain) => {
      for (const [i, event] of chain.entries()) {
        const outcome = await run(event, i === 0, batch);
        done.push(outcome);
        // The rest of this chain waits for the retry, so it still runs after this event.
        if ('error' in outcome) break;
      }
    });
    const marks = done.map((o) => markOf(o, batch));
    const committed = await batch.commit(marks);
    const recorded = done.filter((_, i) => committed || !marks[i]!.gated);
    for (const outcome of recorded) logOutcome(outcome);
    const stale = committed ? [] : marks.filter((m) => m.gated).map((m) => m.id);
    return { recorded, loaded: rows.map((r) => r.id), stale };
  }

  function logOutcome(outcome: Outcome): void {
    const { event } = outcome;
    if ('error' in outcome) {
      log.warn(
        { eventId: event.id, type: event.type, err: outcome.error },
        'webhook event failed; the job will retry it',
      );
      return;
    }
    const { result, ignored } = outcome;
    const line = {
      eventId: event.id,
      type: event.type,
      orderId: result.orderId,
      applied: result.applied,
      note: result.note,
    };
    if (ignored) log.warn(line, 'webhook event did not match anything of ours; kept');
    else log.info(line, 'webhook event processed');
  }

  /** Every round until no event is left to decide again; what each event ended as. */
  async function processEvents(eventIds: string[]) {
    const recorded = new Map<string, Outcome>();
    let loaded: string[] = [];
    let pending = eventIds;
    for (let round = 1; ; round++) {
      const r = await processRound(pending);
      if (round === 1) loaded = r.loaded;
      for (const outcome of r.recorded) recorded.set(outcome.event.id, outcome);
      if (r.stale.length === 0) return { recorded, loaded: new Set(loaded) };
      if (round === MAX_ROUNDS) {
        throw new Error(`${r.stale.length} webhook event(s) not applied: their orders kept changing meanwhile`);
      }
      log.debug({ events: r.stale.length, round }, 'orders changed under a webhook batch; deciding its events again');
      pending = r.stale;
    }
  }

  /** A job's own result: an error (BullMQ retries the job) when one of its events failed. */
  function jobResult(eventIds: string[], all: Awaited<ReturnType<typeof processEvents>>): Error | null {
    const loaded = eventIds.filter((id) => all.loaded.has(id));
    const recorded = loaded.flatMap((id) => all.recorded.get(id) ?? []);
    const failed = recorded.flatMap((o) => ('error' in o ? [o.error] : []));
    if (failed.length === 0) return null;
    // The retry loads only the events still RECEIVED.
    const waiting = loaded.length - recorded.length;
    return new Error(
      `${failed.length} of ${loaded.length} webhook event(s) failed (${waiting} waiting behind them): ${failed[0]!.message}`,
      { cause: failed[0] },
    );
  }

  // Jobs that arrive while a round is under way share the next one: one load and one commit for
  // all of their events, in the order the jobs came (so an order's events keep arrival order).
  // A lone job runs at once. Each job still fails only for its own events.
  const rounds = createBatcher<string[], Error | null>(
    async (jobs) => {
      const all = await processEvents(jobs.flat());
      return jobs.map((eventIds) => jobResult(eventIds, all));
    },
    { maxSize: JOBS_PER_ROUND, maxWaitMs: 2 },
  );

  return async function processWebhookEvents(eventIds: string[]): Promise<void> {
    const error = await rounds.submit(eventIds);
    if (error) throw error;
  };
}

/**
 * Marks the events of a job that exhausted its retries and are still unprocessed, so an operator
 * can find them. An event's own last error is kept; the job's is for those that never ran.
 */
export async function markWebhookFailed(prisma: PrismaClient, eventIds: string[], error: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE webhook_events SET status = 'FAILED', error = COALESCE(error, ${error.slice(0, 1000)})
     WHERE id = ANY(${eventIds}::uuid[]) AND status = 'RECEIVED'`;
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
