// From the webhook endpoint (or the sweeper) to process-webhook jobs: events stored together
// travel together, one job per batch rather than one per event, and the real workers process
// every one of them.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderSweeper } from '../../src/jobs/processors/order-sweeper.js';
import type { WorkerRuntime } from '../../src/jobs/runtime.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { startTestWorkers, waitFor } from '../helpers/workers.js';

const GOOD = `Basic ${Buffer.from('lightspeed:dev-webhook-password').toString('base64')}`;
const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;

describe('webhook events are processed in batch jobs', () => {
  let ctx: TestContext;
  let workers: WorkerRuntime | undefined;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    await workers?.close();
    await ctx?.close();
  });

  /** Every process-webhook job that carries one of `ids`, with the ids it carries. */
  async function jobsFor(ids: string[]) {
    const jobs = await ctx.app.queues.processWebhook.queue.getJobs([
      'waiting',
      'active',
      'delayed',
      'completed',
      'failed',
    ]);
    const wanted = new Set(ids);
    return jobs
      .map((job) => ({ id: job.id!, eventIds: (job.data as { eventIds: string[] }).eventIds }))
      .filter((job) => job.eventIds.some((id) => wanted.has(id)));
  }
  const untouched = (ids: string[]) =>
    ctx.db.prisma.webhookEvent.count({ where: { id: { in: ids }, status: 'RECEIVED' } });

  it('the sweeper re-enqueues stuck events, oldest first, as one batch job, and they get processed', async () => {
    const old = Date.now() - 60_000;
    const stuck = Array.from({ length: 30 }, (_, i) => ({
      id: randomUUID(),
      receivedAt: new Date(old + i * 10),
      ...(i % 2 === 0
        ? { type: 'ITEM', payload: { type: 'ITEM', sku: `SW-${i}`, businessLocationId: 990001, status: 'RESTRICTED' } }
        : { type: 'ORDER', payload: { type: 'ORDER', status: 'SUCCESS', thirdPartyReference: `nobody-${i}` } }),
    }));
    // Neither a fresh event (its ingest job may still be on its way) nor a processed one is swept.
    const fresh = { id: randomUUID(), type: 'UNKNOWN', payload: { fresh: true }, receivedAt: new Date() };
    const done = {
      id: randomUUID(),
      type: 'UNKNOWN',
      payload: { done: true },
      receivedAt: new Date(old),
      status: 'IGNORED' as const,
    };
    await ctx.db.prisma.webhookEvent.createMany({
      data: [...stuck, fresh, done].map((e) => ({ ...e, dedupeKey: `test:${e.id}` })),
    });

    const sweep = createOrderSweeper({ prisma: ctx.db.prisma, queues: ctx.app.queues, log, outcomeTimeoutMs: 120_000 });
    expect(await sweep()).toMatchObject({ webhooks: 30 });
    const ids = stuck.map((e) => e.id);
    const jobs = await jobsFor([...ids, fresh.id, done.id]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.id).toMatch(/^wh-sweep-\d+-/);
    expect(jobs[0]!.eventIds).toEqual(ids);

    workers = await startTestWorkers(ctx);
    await waitFor(async () => (await untouched(ids)) === 0, 'the swept events to be processed');
    const rows = await ctx.db.prisma.webhookEvent.findMany({ where: { id: { in: ids } } });
    expect(rows.filter((e) => e.status === 'PROCESSED')).toHaveLength(15);
    expect(rows.filter((e) => e.status === 'IGNORED')).toHaveLength(15);
    expect(rows.every((e) => e.attempts === 1)).toBe(true);
  });

  it('concurrent webhooks become fewer jobs than events, and every event is processed once', async () => {
    workers ??= await startTestWorkers(ctx);
    const n = 60;
    const responses = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        ctx.app.inject({
          method: 'POST',
          url: '/webhook/lightspeed',
          headers: { authorization: GOOD, 'content-type': 'application/json' },
          payload:
            i % 3 === 0
              ? { type: 'ORDER', status: 'SUCCESS', thirdPartyReference: `nobody-at-all-${i}` }
              : { type: 'ITEM', sku: `CC-${i}`, businessLocationId: 990002, status: 'RESTRICTED', count: i },
        }),
      ),
    );
    expect(responses.every((r) => r.statusCode === 200 && r.json().duplicate === false)).toBe(true);
    const ids = responses.map((r) => r.json().eventId as string);

    await waitFor(async () => (await untouched(ids)) === 0, 'every event processed');
    const rows = await ctx.db.prisma.webhookEvent.findMany({ where: { id: { in: ids } } });
    expect(rows.filter((e) => e.status === 'IGNORED')).toHaveLength(n / 3);
    expect(rows.filter((e) => e.status === 'PROCESSED')).toHaveLength(n - n / 3);
    expect(rows.every((e) => e.attempts === 1)).toBe(true);

    // Each event travelled in exactly one job, named after the first event of its batch.
    const jobs = await jobsFor(ids);
    expect(jobs.length).toBeLessThan(n);
    expect(jobs.flatMap((j) => j.eventIds).sort()).toEqual([...ids].sort());
    for (const job of jobs) expect(job.id).toBe(`wh-${job.eventIds[0]}`);
  });
});
