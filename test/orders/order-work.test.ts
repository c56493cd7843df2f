// The order row as its own outbox (src/jobs/processors/order-work.ts): claimers racing over the
// same rows never take an order twice, a crashed claimer's lease runs out and another takes the
// order, a retryable failure backs off doubling until the order goes to an operator, two worker
// processes deliver every order exactly once, and an order accepted while Redis is away is pushed
// without it (the claim loop polls Postgres; the Redis wake-up only makes it sooner).
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, poolOf, type PrismaClient } from '../../src/db/prisma.js';
import { startOrderWork } from '../../src/jobs/processors/order-work.js';
import { claimDueOrders } from '../../src/jobs/processors/order-work-queries.js';
import type { OrderTask } from '../../src/jobs/processors/order-context.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../helpers/tcp-proxy.js';
import { startTestWorkers, waitFor } from '../helpers/workers.js';
import { createPipelineContext, posRecords, type PipelineContext } from './pipeline-context.js';

const silent = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Claims that no worker of this file may take back while the file runs.
const HELD_MS = 600_000;

describe('order work claimed from Postgres', () => {
  let p: PipelineContext;
  let redisProxy: TcpProxy;
  const clients: PrismaClient[] = [];
  /** A second process's view of the database: a pool of its own. */
  const otherProcess = () => {
    const prisma = createPrisma(p.ctx.config.DATABASE_URL);
    clients.push(prisma);
    return poolOf(prisma);
  };

  beforeAll(async () => {
    redisProxy = await startTcpProxy(targetOf(TEST_REDIS_URL, 6379));
    p = await createPipelineContext({ workers: false, context: { via: { redis: redisProxy } } });
  });
  afterAll(async () => {
    redisProxy?.restore();
    await p?.close();
    for (const prisma of clients) await prisma.$disconnect();
    await redisProxy?.close();
  });

  it('two claimers racing over the same rows never take an order twice, and leave none behind', async () => {
    const placed = await Promise.all(Array.from({ length: 40 }, () => p.placeOrder()));
    const drain = async (pool: ReturnType<typeof otherProcess>) => {
      const ids: string[] = [];
      for (;;) {
        const batch = await claimDueOrders(pool, 3, HELD_MS);
        if (batch.length === 0) return ids;
        ids.push(...batch.map((o) => o.id));
      }
    };
    const [a, b] = await Promise.all([drain(otherProcess()), drain(otherProcess())]);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
    expect([...a, ...b].sort()).toEqual(placed.map((o) => o.id).sort());
  });

  it("a crashed claimer's lease runs out, and another claimer takes the order with no attempt counted", async () => {
    const placed = await p.placeOrder();
    const crashed = await claimDueOrders(otherProcess(), 100, 400);
    expect(crashed.map((o) => o.id)).toEqual([placed.id]);
    // The claimer dies here: nothing renews its lease. Meanwhile nobody else may take the order.
    const survivor = otherProcess();
    expect(await claimDueOrders(survivor, 100, HELD_MS)).toEqual([]);
    await sleep(500);
    const takenOver = await claimDueOrders(survivor, 100, HELD_MS);
    expect(takenOver.map((o) => ({ id: o.id, task: o.workKey, attempts: o.workAttempts }))).toEqual([
      { id: placed.id, task: 'push:1', attempts: 0 },
    ]);
  });

  it('a retryable failure is retried with a doubling backoff, then handed to the final-failure handler once', async () => {
    const placed = await p.placeOrder();
    const tries: { at: number; attempts: number }[] = [];
    const finals: string[] = [];
    const failing: OrderTask = {
      async process(order) {
        if (order.id === placed.id) tries.push({ at: Date.now(), attempts: order.workAttempts });
        throw new Error('K-Series answered 503');
      },
      async onFinalFailure(orderId) {
        finals.push(orderId);
      },
    };
    const work = startOrderWork(
      { prisma: p.ctx.prisma, push: failing, pay: failing, log: silent },
      { pollMs: 20, baseBackoffMs: 200, maxAttempts: 3, leaseMs: 10_000 },
    );
    try {
      await waitFor(async () => finals.includes(placed.id), 'the final failure', 10_000);
    } finally {
      await work.close();
    }
    expect(finals.filter((id) => id === placed.id)).toHaveLength(1);
    expect(tries.map((t) => t.attempts)).toEqual([0, 1, 2]);
    // 200 ms after the first failure, 400 ms after the second (polled every 20 ms).
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(190);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(390);
    const row = await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } });
    expect(row).toMatchObject({ workKey: 'push:1', workAttempts: 3 });
    // The order comes back only after the next backoff (800 ms): not handed out meanwhile.
    expect(row.workUntil!.getTime()).toBeGreaterThan(Date.now() + 300);
    // Done with it: no worker of this file may deliver it.
    await p.ctx.db.prisma.order.update({
      where: { id: placed.id },
      data: { workUntil: new Date(Date.now() + HELD_MS) },
    });
  });

  it('two worker processes deliver every order once: no second push or payment, not even one answered 409', {
    timeout: 60_000,
  }, async () => {
    const requests = async () =>
      (await p.sandboxControl<{ byEndpoint: Record<string, number> }>('GET', '/requests')).byEndpoint;
    const before = await requests();
    await p.startWorkers();
    const second = await startTestWorkers(p.ctx);
    try {
      const placed = await Promise.all(Array.from({ length: 30 }, () => p.placeOrder()));
      for (const o of placed) await p.waitForStatus(o.id, ['CLOSED'], 30_000);
      for (const o of placed) {
        await waitFor(
          async () => (await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: o.id } })).paidAt,
          'paid',
        );
        const order = await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: o.id } });
        const pos = await posRecords(p, order.reference, order.paymentReference);
        expect(pos.orders).toHaveLength(1);
        expect(pos.payments).toHaveLength(1);
      }
      const after = await requests();
      const delta = (match: (k: string) => boolean) =>
        Object.keys(after)
          .filter(match)
          .reduce((n, k) => n + after[k]! - (before[k] ?? 0), 0);
      expect(delta((k) => k.startsWith('POST') && k.endsWith('/order/toGo'))).toBe(30);
      expect(delta((k) => k.startsWith('POST') && /pay/i.test(k))).toBe(30);
    } finally {
      await second.close();
    }
  });

  it('an order accepted while Redis is away is pushed to the POS before Redis is back', {
    timeout: 60_000,
  }, async () => {
    p.workers ??= await p.startWorkers();
    redisProxy.cut();
    try {
      const placed = await p.placeOrder();
      await p.waitForStatus(placed.id, ['SUBMITTED', 'ACCEPTED', 'PAID', 'CLOSED'], 20_000);
      expect(redisProxy.refused).toBeGreaterThan(0);
      redisProxy.restore();
      await p.waitForStatus(placed.id, ['CLOSED'], 30_000);
      await waitFor(
        async () => (await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } })).paidAt,
        'paid',
        30_000,
      );
      const order = await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } });
      const pos = await posRecords(p, order.reference, order.paymentReference);
      expect(pos.orders).toHaveLength(1);
      expect(pos.payments).toHaveLength(1);
    } finally {
      redisProxy.restore();
    }
  });
});
