// Queue metrics on /metrics: jobs per queue and state, the oldest waiting job's age, and job
// outcomes (completed / retried / failed / stalled) counted by the workers into Redis so the API
// reports them too; a lost Redis does not hang the scrape.
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { queueSettings } from '../../src/queues/producers.js';
import { recordJobOutcomes } from '../../src/jobs/queue-metrics.js';
import { createRedis, closeRedis, redisKey } from '../../src/lib/redis.js';
import { createTestContext, createVendor, testConfig, type TestContext } from '../helpers/context.js';
import { METRICS_AUTH } from '../helpers/context.js';
import { startTestWorkers, waitFor } from '../helpers/workers.js';

const ORDER_ID = '00000000-0000-4000-8000-0000000000aa';

/** The value of one sample, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    const parts = inside.split(',');
    if (wanted.every((w) => parts.includes(w)) && parts.length === wanted.length)
      return Number(line.slice(line.indexOf('}') + 1));
  }
  return undefined;
}

describe('queue metrics', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  const scrape = async () => (await ctx.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body;

  it('reports jobs per queue and state and the age of the oldest waiting job', async () => {
    let text = await scrape();
    expect(text).toMatch(/^queue_metrics_up 1$/m);
    expect(sample(text, 'queue_jobs', { queue: 'reconcile-order', state: 'waiting' })).toBe(0);
    expect(sample(text, 'queue_oldest_waiting_job_age_seconds', { queue: 'reconcile-order' })).toBe(0);

    // No worker runs in this context: the jobs wait.
    await ctx.app.queues.reconcileOrder.add({ orderId: ORDER_ID });
    await ctx.app.queues.reconcileOrder.add({ orderId: ORDER_ID }, { jobId: 'second' });
    await ctx.app.queues.availabilityCallback.add({ eventId: ORDER_ID, locationId: ORDER_ID }, { delay: 60_000 });
    await new Promise((r) => setTimeout(r, 1_300));
    text = await scrape();
    expect(sample(text, 'queue_jobs', { queue: 'reconcile-order', state: 'waiting' })).toBe(2);
    expect(sample(text, 'queue_jobs', { queue: 'vendor-availability-callback', state: 'delayed' })).toBe(1);
    expect(sample(text, 'queue_jobs', { queue: 'vendor-availability-callback', state: 'waiting' })).toBe(0);
    const age = sample(text, 'queue_oldest_waiting_job_age_seconds', { queue: 'reconcile-order' })!;
    expect(age).toBeGreaterThanOrEqual(1);
    expect(age).toBeLessThan(30);
    // A delayed job is not "waiting" yet.
    expect(sample(text, 'queue_oldest_waiting_job_age_seconds', { queue: 'vendor-availability-callback' })).toBe(0);
    await ctx.app.queues.reconcileOrder.queue.obliterate({ force: true });
    await ctx.app.queues.availabilityCallback.queue.obliterate({ force: true });
  });

  it('counts completed, retried and failed attempts from any worker process into the API metrics', async () => {
    const settings = queueSettings(ctx.config);
    const queue = new Queue('ops-outcomes', settings);
    const redis = createRedis(ctx.config.REDIS_URL);
    const worker = new Worker(
      'ops-outcomes',
      async (job) => {
        if (job.data.mode === 'flaky' && job.attemptsMade === 0) throw new Error('first attempt fails');
        if (job.data.mode === 'broken') throw new Error('always fails');
        return 'ok';
      },
      settings,
    );
    const recorder = recordJobOutcomes({
      workers: [worker],
      redis,
      redisKey: (...parts) => redisKey(ctx.config.REDIS_PREFIX, ...parts),
      onError: () => {},
    });
    try {
      await queue.add('ops', { mode: 'fine' });
      await queue.add('ops', { mode: 'flaky' }, { attempts: 2 });
      await queue.add('ops', { mode: 'broken' }, { attempts: 2 });
      await waitFor(
        async () => (await queue.getCompletedCount()) === 2 && (await queue.getFailedCount()) === 1,
        'jobs to finish',
      );
      await recorder.close();
      await new Promise((r) => setTimeout(r, 1_100));
      const text = await scrape();
      const outcome = (o: string) => sample(text, 'queue_job_outcomes_total', { queue: 'ops-outcomes', outcome: o });
      expect(outcome('completed')).toBe(2);
      expect(outcome('retried')).toBe(2); // flaky's first attempt and broken's first attempt
      expect(outcome('failed')).toBe(1);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await closeRedis(redis);
    }
  });

  it('the worker runtime exports the same metrics and records its jobs', async () => {
    const runtime = await startTestWorkers(ctx);
    try {
      const text = await runtime.registry.metrics();
      expect(sample(text, 'queue_jobs', { queue: 'order-sweeper', state: 'failed' })).toBeDefined();
      // The sweeper's scheduler runs once at start; its completion reaches the API's /metrics.
      await waitFor(
        async () =>
          (sample(await scrape(), 'queue_job_outcomes_total', { queue: 'order-sweeper', outcome: 'completed' }) ?? 0) >=
          1,
        'the sweeper completion in the API metrics',
      );
    } finally {
      await runtime.close();
    }
  });

  it('a scrape without Redis answers quickly, without queue samples, and says so', async () => {
    const app = await buildApp({
      config: testConfig({ DATABASE_URL: ctx.db.url, REDIS_URL: 'redis://127.0.0.1:1' }),
      prisma: ctx.db.prisma,
    });
    try {
      const started = Date.now();
      const res = await app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH });
      expect(res.statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.body).toMatch(/^queue_metrics_up 0$/m);
      expect(res.body).not.toMatch(/^queue_jobs\{/m);
      expect(res.body).toMatch(/^queue_metrics_scrape_errors_total 1$/m);
      expect(res.body).toContain('http_request_duration_seconds');
    } finally {
      await app.close();
    }
  });

  it('counts the orders waiting for an operator, by status; without Postgres the gauge is left out', async () => {
    const vendor = await createVendor(ctx.app, 'Attention');
    const location = await ctx.db.prisma.location.create({ data: { vendorId: vendor.id, name: 'Main' } });
    const statuses = ['FAILED', 'FAILED', 'NEEDS_ATTENTION', 'PAID', 'RECEIVED'] as const;
    for (const status of statuses) {
      await ctx.db.prisma.order.create({
        data: {
          vendorId: vendor.id,
          locationId: location.id,
          reference: `o${randomBytes(12).toString('hex')}`,
          paymentReference: `p${randomBytes(12).toString('hex')}`,
          requestHash: randomBytes(32).toString('hex'),
          type: 'TO_GO',
          status,
          payload: {},
          paymentAmount: '5.00',
          paymentMethod: 'OOPAYMENT',
          deadlineAt: new Date(Date.now() + 60_000),
        },
      });
    }
    const text = await scrape();
    expect(sample(text, 'orders_needing_attention', { status: 'FAILED' })).toBe(2);
    expect(sample(text, 'orders_needing_attention', { status: 'NEEDS_ATTENTION' })).toBe(1);
    expect(sample(text, 'orders_needing_attention', { status: 'PAYMENT_FAILED' })).toBe(0);

    const app = await buildApp({ config: testConfig({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing' }) });
    try {
      const started = Date.now();
      const res = await app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH });
      expect(res.statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.body).not.toMatch(/^orders_needing_attention\{/m);
      expect(res.body).toMatch(/^queue_metrics_up 1$/m);
    } finally {
      await app.close();
    }
  });
});
