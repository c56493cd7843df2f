// The process-webhook job over a batch of events, with the real order handlers behind a
// recording wrapper (which can also make one reference's handler fail): events about one order
// run in arrival order, one at a time; a failure leaves the rest of the batch recorded and only
// the unprocessed events for the retry; a final failure marks what is left FAILED.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/queues/definitions.js';
import { defineProcessor, startWorkers, type WorkerHost } from '../../src/jobs/worker-host.js';
import { queueSettings } from '../../src/queues/producers.js';
import { createOrderUpdates } from '../../src/services/orders/apply-notifications.js';
import { newOrderReferences } from '../../src/services/orders/references.js';
import { createWebhookProcessor, markWebhookFailed } from '../../src/jobs/processors/apply-webhook-events.js';
import { createTestContext, createVendor, type TestContext } from '../helpers/context.js';
import { waitFor } from '../helpers/workers.js';

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) as unknown as FastifyBaseLogger;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('process-webhook batches', () => {
  let ctx: TestContext;
  let vendorId: string;
  let locationId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    vendorId = (await createVendor(ctx.app)).id;
    locationId = (
      await ctx.db.prisma.location.create({ data: { vendorId, name: 'Batch', businessLocationId: 880001n } })
    ).id;
  });
  afterAll(async () => ctx?.close());

  async function submittedOrder() {
    const refs = newOrderReferences();
    const order = await ctx.db.prisma.order.create({
      data: {
        vendorId,
        locationId,
        ...refs,
        requestHash: refs.reference,
        type: 'LOCAL',
        status: 'SUBMITTED',
        payload: {},
        paymentAmount: 4,
        paymentMethod: 'OOPAYMENT',
        deadlineAt: new Date(Date.now() + 600_000),
        submittedAt: new Date(),
      },
    });
    return { id: order.id, ...refs };
  }
  const orderSuccess = (o: { reference: string }, account: string) => ({
    type: 'ORDER',
    status: 'SUCCESS',
    thirdPartyReference: o.reference,
    ikentooAccountIdentifier: account,
  });
  const paymentSuccess = (o: { paymentReference: string }) => ({
    type: 'PAYMENT',
    status: 'SUCCESS',
    thirdPartyReference: o.paymentReference,
  });

  /** Stores events as one INSERT would: same received_at, ids in no particular order. */
  async function store(bodies: Record<string, unknown>[]): Promise<string[]> {
    const ids = bodies.map(() => randomUUID());
    const receivedAt = new Date();
    await ctx.db.prisma.webhookEvent.createMany({
      data: bodies.map((body, i) => ({
        id: ids[i]!,
        dedupeKey: `test:${ids[i]}`,
        type: String(body.type ?? 'UNKNOWN'),
        payload: body as object,
        receivedAt,
      })),
    });
    return ids;
  }

  /** The real handlers, recording each call; `fail(reference)` decides whether a call throws. */
  function recordingProcessor(options: { fail?: (reference: string) => boolean; orderDelayMs?: number } = {}) {
    const real = createOrderUpdates({ prisma: ctx.db.prisma, queues: ctx.app.queues, log });
    const calls: string[] = [];
    const inFlight = new Map<string, number>();
    let concurrent = 0;
    let maxConcurrent = 0;
    let maxPerReference = 0;
    const wrap =
      <B extends { thirdPartyReference?: string }, R>(kind: string, handler: (body: B) => Promise<R>, delayMs = 0) =>
      async (body: B) => {
        const reference = body.thirdPartyReference ?? '';
        // Order and payment references of one order share their suffix (o<id>, p<id>).
        const order = reference.slice(1);
        inFlight.set(order, (inFlight.get(order) ?? 0) + 1);
        maxPerReference = Math.max(maxPerReference, inFlight.get(order)!);
        maxConcurrent = Math.max(maxConcurrent, ++concurrent);
        calls.push(`${kind} ${reference}`);
        try {
          await sleep(delayMs);
          if (options.fail?.(reference)) throw new Error(`K-Series lookup timed out for ${reference}`);
          return await handler(body);
        } finally {
          concurrent--;
          inFlight.set(order, inFlight.get(order)! - 1);
        }
      };
    const orderUpdates = {
      applyOrderNotification: wrap('ORDER', (b) => real.applyOrderNotification(b), options.orderDelayMs ?? 0),
      applyPaymentNotification: wrap('PAYMENT', (b) => real.applyPaymentNotification(b)),
    };
    const invalidated: bigint[] = [];
    const process = createWebhookProcessor({
      prisma: ctx.db.prisma,
      orderUpdates,
      log,
      invalidateLocationCache: async (blId) => void invalidated.push(blId),
      // Availability callbacks are tested end to end in test/webhooks/availability-push.test.ts.
      pushAvailability: async () => 0,
    });
    return { process, calls, invalidated, stats: () => ({ maxConcurrent, maxPerReference }) };
  }

  const events = (ids: string[]) =>
    ctx.db.prisma.webhookEvent
      .findMany({ where: { id: { in: ids } } })
      .then((rows) => ids.map((id) => rows.find((r) => r.id === id)!));
  const timeline = async (orderId: string) =>
    (await ctx.db.prisma.orderEvent.findMany({ where: { orderId }, orderBy: { id: 'asc' } })).map((e) => e.toStatus);

  it('applies the events of one order in arrival order, one at a time, other orders side by side', async () => {
    const [a, b, c] = [await submittedOrder(), await submittedOrder(), await submittedOrder()];
    // ORDER handlers are slow: a PAYMENT allowed to overtake its ORDER would make the order PAID
    // first and the SUCCESS a refused move, so ACCEPTED would be missing from the timeline.
    const { process, calls, stats } = recordingProcessor({ orderDelayMs: 60 });
    const ids = await store([
      orderSuccess(a, 'A1.1'),
      orderSuccess(b, 'A2.1'),
      paymentSuccess(a),
      orderSuccess(c, 'A3.1'),
      paymentSuccess(b),
      { type: 'ORDER', status: 'READY_FOR_PICKUP', thirdPartyReference: a.reference },
      { type: 'PAYMENT', status: 'SUCCESS', thirdPartyReference: 'p-nobody' },
      { type: 'ITEM', sku: 'S1', businessLocationId: 880001, status: 'RESTRICTED' },
    ]);
    await process(ids);

    expect(await timeline(a.id)).toEqual(['ACCEPTED', 'PAID', 'READY_FOR_PICKUP']);
    expect(await timeline(b.id)).toEqual(['ACCEPTED', 'PAID']);
    expect(await timeline(c.id)).toEqual(['ACCEPTED']);
    expect((await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: b.id } })).status).toBe('PAID');
    expect(calls.filter((call) => call.endsWith(a.reference.slice(1)))).toEqual([
      `ORDER ${a.reference}`,
      `PAYMENT ${a.paymentReference}`,
      `ORDER ${a.reference}`,
    ]);
    expect(stats()).toMatchObject({ maxPerReference: 1 });
    expect(stats().maxConcurrent).toBeGreaterThan(1);

    const stored = await events(ids);
    expect(stored.map((e) => e.status)).toEqual([
      'PROCESSED',
      'PROCESSED',
      'PROCESSED',
      'PROCESSED',
      'PROCESSED',
      'PROCESSED',
      'IGNORED',
      'PROCESSED',
    ]);
    expect(stored.every((e) => e.attempts === 1 && e.processedAt)).toBe(true);
    // The vendor is learned from the order; the unmatched payment keeps its note.
    expect(stored.slice(0, 6).every((e) => e.vendorId === vendorId)).toBe(true);
    expect(stored[6]).toMatchObject({
      vendorId: null,
      error: 'no order with payment reference p-nobody (unknown, or superseded by a payment replay)',
    });

    // Run again (a duplicate job): nothing is loaded, nothing is called.
    const before = calls.length;
    await process(ids);
    expect(calls.length).toBe(before);
  });

  it('a failing event: the others are recorded, it keeps RECEIVED with its error, and a retry runs only it', async () => {
    const [ok, bad] = [await submittedOrder(), await submittedOrder()];
    let failing = true;
    const { process, calls, invalidated } = recordingProcessor({
      fail: (reference) => failing && reference === bad.reference,
    });
    const ids = await store([
      orderSuccess(bad, 'B1.1'),
      orderSuccess(ok, 'B2.1'),
      paymentSuccess(bad),
      { type: 'ITEM', sku: 'S2', businessLocationId: 880001, status: 'RESTRICTED' },
    ]);

    await expect(process(ids)).rejects.toThrow(
      '1 of 4 webhook event(s) failed (1 waiting behind them): K-Series lookup timed out',
    );
    let stored = await events(ids);
    expect(stored[0]).toMatchObject({
      status: 'RECEIVED',
      attempts: 1,
      error: expect.stringContaining('K-Series lookup timed out'),
      processedAt: null,
    });
    expect(stored[1]).toMatchObject({ status: 'PROCESSED', attempts: 1, vendorId });
    // The payment waits behind its order's failed event instead of overtaking it.
    expect(stored[2]).toMatchObject({ status: 'RECEIVED', attempts: 0, error: null });
    expect(stored[3]).toMatchObject({ status: 'PROCESSED', attempts: 1 });
    expect((await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: bad.id } })).status).toBe('SUBMITTED');
    expect((await ctx.db.prisma.order.findUniqueOrThrow({ where: { id: ok.id } })).status).toBe('ACCEPTED');

    // The retry: only the two unprocessed events run.
    failing = false;
    calls.length = 0;
    await process(ids);
    expect(calls).toEqual([`ORDER ${bad.reference}`, `PAYMENT ${bad.paymentReference}`]);
    stored = await events(ids);
    expect(stored.map((e) => [e.status, e.attempts])).toEqual([
      ['PROCESSED', 2],
      ['PROCESSED', 1],
      ['PROCESSED', 1],
      ['PROCESSED', 1],
    ]);
    expect(stored[0]!.error).toBeNull();
    expect(invalidated).toEqual([880001n]);
    expect(await timeline(bad.id)).toEqual(['ACCEPTED', 'PAID']);
  });

  it('a job out of attempts marks its unprocessed events FAILED, keeping each one’s own error', async () => {
    const [ok, bad] = [await submittedOrder(), await submittedOrder()];
    const { process } = recordingProcessor({ fail: (reference) => reference === bad.reference });
    let host: WorkerHost | undefined;
    try {
      host = await startWorkers({
        settings: queueSettings(ctx.config),
        queues: ctx.app.queues,
        log,
        schedules: [],
        processors: [
          defineProcessor(
            QUEUES.processWebhook,
            async ({ eventIds }) => process(eventIds),
            async ({ eventIds }, err) => markWebhookFailed(ctx.db.prisma, eventIds, err.message),
          ),
        ],
      });
      const ids = await store([orderSuccess(bad, 'C1.1'), orderSuccess(ok, 'C2.1'), paymentSuccess(bad)]);
      await ctx.app.queues.processWebhook.add(
        { eventIds: ids },
        { jobId: `wh-${ids[0]}`, attempts: 2, backoff: { type: 'fixed', delay: 50 } },
      );
      const stored = await waitFor(async () => {
        const rows = await events(ids);
        return rows.every((e) => e.status !== 'RECEIVED') ? rows : null;
      }, 'the job to fail for good');
      expect(stored[0]).toMatchObject({
        status: 'FAILED',
        attempts: 2,
        error: expect.stringContaining(`K-Series lookup timed out for ${bad.reference}`),
      });
      expect(stored[1]).toMatchObject({ status: 'PROCESSED', attempts: 1 });
      // Never run: it gets the job's error.
      expect(stored[2]).toMatchObject({
        status: 'FAILED',
        attempts: 0,
        error: expect.stringContaining('1 of 2 webhook event(s) failed'),
      });
      const job = await ctx.app.queues.processWebhook.queue.getJob(`wh-${ids[0]}`);
      expect(await job?.getState()).toBe('failed');
      expect(job?.attemptsMade).toBe(2);
    } finally {
      await host?.close();
    }
  });
});
