// A Redis restart and a Postgres restart during load (DESIGN.md §8, Reliability). The app and
// the workers reach each server through a TCP fault proxy; "restarting" it cuts every connection
// and refuses new ones for a few seconds, so the shared servers other test files use are never
// touched. Our Redis keeps no data across a restart, so the Redis test also deletes every key of
// this deployment while it is cut: the sweeper must rebuild the work from Postgres.
// Each test ends with every order the clients were told was accepted on the POS exactly once,
// paid exactly once, CLOSED, and no POS order that we do not know of.
import { afterEach, describe, expect, it } from 'vitest';
import { createPrisma, poolOf } from '../../src/db/prisma.js';
import type { SandboxTuning } from '../connect/helpers.js';
import { bearer, clearRedisPrefix, type TestContextOptions } from '../helpers/context.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/env.js';
import { startTcpProxy, targetOf, throughProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/workers.js';
import { createPipelineContext, takeawayOrder, type PipelineContext } from './pipeline-context.js';

const ORDERS = 30;
const SPREAD_MS = 4_000;
const CUT_AT_MS = 1_200;

interface Answer {
  key: string;
  status: number;
  code?: string;
  ms: number;
}

describe('restarts during load', () => {
  let p: PipelineContext | undefined;
  let proxies: TcpProxy[] = [];
  afterEach(async () => {
    for (const proxy of proxies) proxy.restore();
    await p?.close();
    for (const proxy of proxies) await proxy.close();
    p = undefined;
    proxies = [];
  });

  async function setUp(
    which: 'postgres' | 'redis',
    options: { sandbox?: SandboxTuning; env?: Record<string, string> } = {},
  ) {
    const proxy = await startTcpProxy(
      which === 'postgres' ? targetOf(TEST_DATABASE_URL, 5432) : targetOf(TEST_REDIS_URL, 6379),
    );
    proxies.push(proxy);
    const context: TestContextOptions = { via: { [which]: proxy } };
    p = await createPipelineContext({ context, ...options });
    return { p, proxy };
  }

  function place(ctx: PipelineContext, key: string) {
    return ctx.ctx.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { ...bearer(ctx.vendor.apiKey), 'idempotency-key': key },
      payload: takeawayOrder(ctx.locationId),
    });
  }

  /** ORDERS orders, one every SPREAD_MS / ORDERS, none awaiting another; `fault` runs meanwhile. */
  async function load(ctx: PipelineContext, fault: () => Promise<void>): Promise<Answer[]> {
    // A running service has the location's menu in memory (pre-flight validation reads it):
    // warm it with an order it refuses (wrong amount), which stores nothing.
    const warm = await ctx.ctx.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: bearer(ctx.vendor.apiKey),
      payload: { ...takeawayOrder(ctx.locationId), payment: { amount: 0.01 } },
    });
    expect(warm.statusCode).toBe(422);
    const gap = SPREAD_MS / ORDERS;
    const requests = Array.from({ length: ORDERS }, async (_, i): Promise<Answer> => {
      await sleep(i * gap);
      const key = `load-${i}`;
      const started = performance.now();
      const res = await place(ctx, key);
      const ms = performance.now() - started;
      return { key, status: res.statusCode, ms, ...(res.statusCode >= 400 ? { code: res.json().error?.code } : {}) };
    });
    const faulted = sleep(CUT_AT_MS).then(fault);
    const answers = await Promise.all(requests);
    await faulted;
    return answers;
  }

  /** A client whose request failed sends it again with the same Idempotency-Key until it is answered. */
  async function retryRefused(ctx: PipelineContext, answers: Answer[]): Promise<void> {
    for (const answer of answers.filter((a) => a.status >= 300)) {
      const res = await waitFor(
        async () => {
          const again = await place(ctx, answer.key);
          return again.statusCode < 300 ? again : null;
        },
        `a retry of ${answer.key} to be accepted`,
        15_000,
      );
      expect([200, 202]).toContain(res.statusCode);
    }
  }

  /** Every stored order CLOSED and paid; the POS has each exactly once, and nothing else. */
  async function expectAllDeliveredOnce(ctx: PipelineContext, accepted: number): Promise<void> {
    const prisma = ctx.ctx.db.prisma;
    await waitFor(
      async () => (await prisma.order.count({ where: { status: 'CLOSED', paidAt: { not: null } } })) === accepted,
      `${accepted} orders to be CLOSED and paid`,
      40_000,
    ).catch(async (err: unknown) => {
      const states = await prisma.order.groupBy({ by: ['status'], _count: true });
      throw new Error(`${String(err)}; orders by status: ${JSON.stringify(states)}`);
    });
    const orders = await prisma.order.findMany({
      select: { reference: true, paymentReference: true, idempotencyKey: true },
    });
    expect(orders).toHaveLength(accepted);
    const posOrders = await ctx.sandboxControl<{ thirdPartyReference: string; status: string }[]>('GET', '/orders');
    const posPayments = await ctx.sandboxControl<{ thirdPartyPaymentReference: string }[]>('GET', '/payments');
    for (const order of orders) {
      expect(
        posOrders.filter((o) => o.thirdPartyReference === order.reference && o.status !== 'FAILURE'),
        order.reference,
      ).toHaveLength(1);
      expect(
        posPayments.filter((x) => x.thirdPartyPaymentReference === order.paymentReference),
        order.paymentReference,
      ).toHaveLength(1);
    }
    expect(posOrders).toHaveLength(accepted);
    expect(posPayments).toHaveLength(accepted);
  }

  it('Redis restarts (and loses every key) mid-load: every accepted order is delivered and paid once', {
    timeout: 60_000,
  }, async () => {
    // Few workers and a slow POS, so jobs are still waiting in Redis when it loses them.
    const { p: ctx, proxy } = await setUp('redis', { env: { WORKER_CONCURRENCY: '2' } });
    await ctx.sandboxControl('POST', '/faults/latency', { ms: 300, pathPrefix: '/o/op/1/order' });
    let waitingWhenLost = 0;
    const answers = await load(ctx, async () => {
      waitingWhenLost = await ctx.ctx.db.prisma.order.count({ where: { status: 'RECEIVED' } });
      proxy.cut();
      // A restart without persistence: jobs, locks and the sweeper's own schedule are gone.
      await clearRedisPrefix(TEST_REDIS_URL, ctx.ctx.config.REDIS_PREFIX);
      await sleep(2_000);
      proxy.restore();
    });
    // Postgres was up: every order was stored, so every request is answered 202, and at once:
    // accepting does not wait for the enqueue (a lost job is the sweeper's to redo), so no
    // request hangs for the 2 s Redis is away.
    expect(answers.map((a) => a.status)).toEqual(Array(ORDERS).fill(202));
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(1_500);
    expect(proxy.refused).toBeGreaterThan(0);
    expect(waitingWhenLost).toBeGreaterThan(0);
    await expectAllDeliveredOnce(ctx, ORDERS);
    // The sweeper's own schedule was among the lost keys: it is back.
    expect(await ctx.workers!.queues.orderSweeper.queue.getJobSchedulers()).toHaveLength(1);
  });

  it('Postgres restarts mid-load: refused orders get a 503, and every accepted one is delivered and paid once', {
    timeout: 60_000,
  }, async () => {
    // Lightspeed does not publish its webhook retry policy; here the sandbox retries for long
    // enough (10 attempts, 0.5 s × attempt apart: ~22 s) to outlast the outage. Outcomes come
    // 1 s after an order or payment, so those of the orders placed just before the cut arrive
    // while Postgres is away.
    const { p: ctx, proxy } = await setUp('postgres', {
      sandbox: { webhookMaxAttempts: 10, webhookRetryDelayMs: 500, webhookDelayMs: 1_000 },
    });
    const webhookWhileDown: { status: number }[] = [];
    const answers = await load(ctx, async () => {
      proxy.cut();
      await sleep(300);
      // Our webhook acknowledges an event only once it is stored: Postgres is away, so in Redis
      // (test/webhooks/postgres-outage.test.ts follows such events into Postgres).
      const res = await ctx.ctx.app.inject({
        method: 'POST',
        url: '/webhook/lightspeed',
        headers: {
          authorization: basic(ctx.ctx.config.LIGHTSPEED_WEBHOOK_USER, ctx.ctx.config.LIGHTSPEED_WEBHOOK_PASSWORD),
        },
        payload: { type: 'ORDER', status: 'CHECK_WAS_UPDATED', thirdPartyReference: 'while-postgres-is-down' },
      });
      webhookWhileDown.push({ status: res.statusCode });
      await sleep(2_200);
      proxy.restore();
    });
    expect(webhookWhileDown[0]!.status).toBe(200);
    const refused = answers.filter((a) => a.status >= 300);
    // No 2xx for an order that was not stored: a 503 that says "retry".
    for (const answer of refused)
      expect(answer, JSON.stringify(answer)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 202).length + refused.length).toBe(ORDERS);

    await retryRefused(ctx, answers);
    await expectAllDeliveredOnce(ctx, ORDERS);
    // No outcome webhook was given up on.
    const webhooks = await ctx.sandboxControl<{ attempts: number; deliveryStatus: string }[]>('GET', '/webhooks');
    expect(webhooks.filter((w) => w.deliveryStatus !== 'delivered')).toEqual([]);
  });

  it('a Postgres restart that breaks idle connections before any Prisma query does not kill the process', async () => {
    // The API's hot path (API key lookup, order insert) is raw SQL on the pool: Prisma's adapter,
    // which would listen for pool errors, may not have run yet.
    const proxy = await startTcpProxy(targetOf(TEST_DATABASE_URL, 5432));
    proxies.push(proxy);
    const prisma = createPrisma(throughProxy(TEST_DATABASE_URL, proxy), { poolSize: 2 });
    try {
      await poolOf(prisma).query('SELECT 1');
      proxy.cut();
      await sleep(200);
      proxy.restore();
      expect((await poolOf(prisma).query<{ x: number }>('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
    } finally {
      await prisma.$disconnect();
    }
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
