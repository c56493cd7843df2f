// The drill: Postgres goes away during load and Lightspeed does not retry its webhooks (the
// sandbox here makes ONE delivery attempt: Lightspeed publishes no retry policy). Webhooks that
// arrive meanwhile are acknowledged only once a Redis stream holds them, and are moved into
// Postgres when it is back, so every accepted order still ends paid. Postgres is "stopped"
// through the TCP fault proxy (see test/helpers/tcp-proxy.ts), never for real.
import { afterAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext } from '../helpers/context.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/env.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/workers.js';
import { createPipelineContext, type PipelineContext, takeawayOrder } from '../orders/pipeline-context.js';

const ORDERS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('webhooks while Postgres is down', () => {
  let p: PipelineContext | undefined;
  let proxy: TcpProxy | undefined;
  afterAll(async () => {
    proxy?.restore();
    await p?.close();
    await proxy?.close();
  });

  it('are kept in Redis and applied once Postgres is back: every accepted order ends paid', {
    timeout: 90_000,
  }, async () => {
    proxy = await startTcpProxy(targetOf(TEST_DATABASE_URL, 5432));
    // Outcomes come 2 s after an order or payment, each sent once.
    p = await createPipelineContext({
      context: { via: { postgres: proxy } },
      sandbox: { webhookMaxAttempts: 1, webhookDelayMs: 2_000 },
    });
    const ctx = p;
    const place = (key: string) =>
      ctx.ctx.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: { ...bearer(ctx.vendor.apiKey), 'idempotency-key': key },
        payload: takeawayOrder(ctx.locationId),
      });
    const prisma = ctx.ctx.db.prisma;
    const deferredCount = () => ctx.ctx.app.redis.xlen(ctx.ctx.app.redisKey('webhooks', 'deferred'));

    // Load; once half the orders are on the POS (their outcomes 2 s away), Postgres goes for 4 s
    // while more orders keep coming.
    const first = await Promise.all(Array.from({ length: ORDERS }, (_, i) => place(`drill-${i}`)));
    await waitFor(
      async () => (await prisma.order.count({ where: { status: 'SUBMITTED' } })) >= ORDERS / 2,
      'half the orders to be on the POS',
    );
    proxy.cut();
    const during = Array.from({ length: 10 }, async (_, i) => {
      await sleep(i * 300);
      return place(`drill-down-${i}`);
    });
    await sleep(300);
    const basic = `Basic ${Buffer.from(`${ctx.ctx.config.LIGHTSPEED_WEBHOOK_USER}:${ctx.ctx.config.LIGHTSPEED_WEBHOOK_PASSWORD}`).toString('base64')}`;
    const whileDown = await ctx.ctx.app.inject({
      method: 'POST',
      url: '/webhook/lightspeed',
      headers: { authorization: basic },
      payload: { type: 'ORDER', status: 'CHECK_WAS_UPDATED', thirdPartyReference: 'while-postgres-is-down' },
    });
    await sleep(3_700);
    const deferredWhileDown = await deferredCount();
    proxy.restore();
    const settled = [...first, ...(await Promise.all(during))];

    // Acknowledged while Postgres was away, because Redis holds it.
    expect(whileDown.statusCode).toBe(200);
    expect(deferredWhileDown).toBeGreaterThan(1);
    expect(first.map((r) => r.statusCode)).toEqual(Array(ORDERS).fill(202));
    // An order that could not be stored is refused with a 503 (the client retries), never 2xx.
    const accepted = settled.filter((r) => r.statusCode === 202);
    for (const r of settled.filter((x) => x.statusCode !== 202)) expect(r.statusCode, r.body).toBe(503);

    const ids = accepted.map((r) => r.json().id as string);
    await waitFor(
      async () => (await prisma.order.count({ where: { id: { in: ids }, paidAt: { not: null } } })) === ids.length,
      `${ids.length} accepted orders to be paid`,
      60_000,
    ).catch(async (err: unknown) => {
      const states = await prisma.order.groupBy({ by: ['status'], where: { id: { in: ids } }, _count: true });
      throw new Error(`${String(err)}; orders by status: ${JSON.stringify(states)}`);
    });

    // The event acknowledged during the outage is in Postgres under the id we answered, once.
    const stored = await waitFor(
      () => prisma.webhookEvent.findUnique({ where: { id: whileDown.json().eventId } }),
      'the deferred event to reach Postgres',
    );
    expect(stored.payload).toMatchObject({ thirdPartyReference: 'while-postgres-is-down' });
    await waitFor(async () => (await deferredCount()) === 0, 'the Redis stream to be drained');
    // Every notification the POS sent was taken on its one attempt, and stored exactly once. The
    // POS may still be sending the last ones (an account closed after its payment) when the
    // orders are paid: wait until it has nothing left to send.
    expect((await ctx.sandboxControl<{ idle: boolean }>('GET', '/idle?timeoutMs=15000')).idle).toBe(true);
    const sent = await ctx.sandboxControl<{ deliveryStatus: string; payload: unknown }[]>('GET', '/webhooks');
    expect(sent.filter((w) => w.deliveryStatus !== 'delivered')).toEqual([]);
    const rows = await prisma.webhookEvent.count();
    expect(rows).toBe(new Set(sent.map((w) => JSON.stringify(w.payload))).size + 1);
    expect(await prisma.order.count({ where: { id: { in: ids }, status: 'NEEDS_ATTENTION' } })).toBe(0);
  });

  it('with Redis away as well, a webhook is refused with 503 in bounded time, not left hanging', {
    timeout: 30_000,
  }, async () => {
    const pg = await startTcpProxy(targetOf(TEST_DATABASE_URL, 5432));
    const redis = await startTcpProxy(targetOf(TEST_REDIS_URL, 6379));
    const ctx = await createTestContext({}, { via: { postgres: pg, redis } });
    try {
      pg.cut();
      redis.cut();
      const started = Date.now();
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/webhook/lightspeed',
        headers: {
          authorization: `Basic ${Buffer.from(`${ctx.config.LIGHTSPEED_WEBHOOK_USER}:${ctx.config.LIGHTSPEED_WEBHOOK_PASSWORD}`).toString('base64')}`,
        },
        payload: { type: 'ORDER', status: 'CHECK_WAS_UPDATED', thirdPartyReference: 'both-down' },
      });
      expect(res.statusCode).toBe(503);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      pg.restore();
      redis.restore();
      await ctx.close();
      await pg.close();
      await redis.close();
    }
  });
});
