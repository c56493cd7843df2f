// The webhook-retention job against real Postgres: which events it deletes (PROCESSED and
// IGNORED past the retention, by processed_at or else received_at) and which it never does
// (recent ones; RECEIVED and FAILED of any age); batches; the run budget; the index it can use;
// and, with the real worker runtime, its schedule and config.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.js';
import { createWebhookRetention, retentionBatch } from '../../src/jobs/processors/webhook-retention.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { startTestWorkers, waitFor } from '../helpers/workers.js';

type Status = 'RECEIVED' | 'PROCESSED' | 'IGNORED' | 'FAILED';
const DAY = 24 * 3600 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

describe('webhook event retention', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      WEBHOOK_EVENT_RETENTION_DAYS: '10',
      WEBHOOK_EVENT_RETENTION_INTERVAL_SECONDS: '120',
    });
  });
  afterAll(async () => ctx?.close());
  beforeEach(async () => {
    await ctx.db.prisma.webhookEvent.deleteMany({});
  });

  /** Stores `count` events with the given status and times; returns their ids. */
  async function seed(
    status: Status,
    receivedDaysAgo: number,
    processedDaysAgo: number | null,
    count = 1,
  ): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await ctx.db.prisma.webhookEvent.createMany({
      data: ids.map((id) => ({
        id,
        dedupeKey: `retention:${id}`,
        type: 'ORDER',
        payload: { type: 'ORDER', status: 'SUCCESS' },
        status,
        receivedAt: daysAgo(receivedDaysAgo),
        processedAt: processedDaysAgo === null ? null : daysAgo(processedDaysAgo),
      })),
    });
    return ids;
  }
  const remaining = async () =>
    new Set((await ctx.db.prisma.webhookEvent.findMany({ select: { id: true } })).map((e) => e.id));

  function retention(options: { batchSize?: number; runMaxRows?: number } = {}) {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const log = pino({ level: 'info' }, stream) as unknown as FastifyBaseLogger;
    const registry = new Registry();
    const run = createWebhookRetention({ prisma: ctx.db.prisma, log, registry, retentionDays: 30, ...options });
    return { run, lines, registry };
  }

  it('deletes PROCESSED and IGNORED events past the retention; keeps recent ones and RECEIVED or FAILED ones of any age', async () => {
    const gone = [
      ...(await seed('PROCESSED', 40, 40)),
      ...(await seed('IGNORED', 35, 31)),
      // Never stamped processed: its arrival counts.
      ...(await seed('PROCESSED', 40, null)),
    ];
    const kept = [
      ...(await seed('PROCESSED', 1, 1)),
      ...(await seed('IGNORED', 29, 29)),
      // Arrived long ago but processed recently (a stuck event finally handled): processed_at counts.
      ...(await seed('PROCESSED', 40, 2)),
      ...(await seed('IGNORED', 2, null)),
      ...(await seed('RECEIVED', 400, null)),
      ...(await seed('FAILED', 400, null)),
      ...(await seed('FAILED', 400, 400)),
    ];
    const { run, lines, registry } = retention();

    const result = await run();
    expect(result).toMatchObject({ deleted: gone.length, complete: true });
    expect(Math.abs(result.cutoff.getTime() - daysAgo(30).getTime())).toBeLessThan(10_000);
    expect(await remaining()).toEqual(new Set(kept));

    // One info line per run that deleted something, with the count and the cutoff.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      deleted: 3,
      cutoff: result.cutoff.toISOString(),
      msg: 'webhook events deleted by retention',
    });
    expect(await registry.metrics()).toMatch(/^webhook_events_deleted_total 3$/m);

    // Nothing left to delete: no line, nothing counted, nothing else touched.
    expect(await run()).toMatchObject({ deleted: 0, complete: true });
    expect(lines).toHaveLength(1);
    expect(await registry.metrics()).toMatch(/^webhook_events_deleted_total 3$/m);
    expect(await remaining()).toEqual(new Set(kept));
  });

  it('deletes more rows than one batch in one run, one bounded statement per batch', async () => {
    await seed('PROCESSED', 60, 60, 150);
    await seed('IGNORED', 45, null, 30);
    const kept = [...(await seed('PROCESSED', 3, 3, 10)), ...(await seed('FAILED', 90, null, 5))];
    const statements = vi.spyOn(ctx.db.prisma, '$executeRaw');
    try {
      const { run } = retention({ batchSize: 50 });
      expect(await run()).toMatchObject({ deleted: 180, complete: true });
      // 50 + 50 + 50 + 30: the short fourth batch ends the run.
      expect(statements).toHaveBeenCalledTimes(4);
    } finally {
      statements.mockRestore();
    }
    expect(await remaining()).toEqual(new Set(kept));
  });

  it('stops at its row budget and the next run carries on', async () => {
    await seed('PROCESSED', 60, 60, 180);
    const { run, lines } = retention({ batchSize: 50, runMaxRows: 120 });
    expect(await run()).toMatchObject({ deleted: 120, complete: false });
    expect(lines[0]).toMatchObject({ deleted: 120, complete: false });
    expect(await run()).toMatchObject({ deleted: 60, complete: true });
    expect(await remaining()).toEqual(new Set());
  });

  it('finds its rows through the (status, received_at) index, bounded on received_at', async () => {
    const plan = await ctx.db.prisma.$transaction(async (tx) => {
      // The table is tiny, so the planner would scan it whatever the indexes; forbid that.
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      return tx.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${retentionBatch(daysAgo(30), 5_000)}`);
    });
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toMatch(/(Index Scan using|Bitmap Index Scan on) webhook_events_status_received_at_idx/);
    expect(text).toMatch(/Index Cond: \(\(status = ANY \('\{PROCESSED,IGNORED\}'.*\) AND \(received_at < /);
  });

  it('the worker runtime schedules it every WEBHOOK_EVENT_RETENTION_INTERVAL_SECONDS with WEBHOOK_EVENT_RETENTION_DAYS', async () => {
    const [old] = await seed('PROCESSED', 11, 11);
    const [young] = await seed('PROCESSED', 9, 9);
    const runtime = await startTestWorkers(ctx);
    try {
      const schedulers = await runtime.queues.webhookRetention.queue.getJobSchedulers();
      expect(schedulers).toEqual([expect.objectContaining({ key: 'webhook-retention-every', every: 120_000 })]);
      // A new scheduler's first run starts at once.
      await waitFor(async () => !(await remaining()).has(old!), 'the scheduled run to delete the old event');
      expect(await remaining()).toEqual(new Set([young]));
      expect(await runtime.registry.metrics()).toMatch(/^webhook_events_deleted_total 1$/m);
    } finally {
      await runtime.close();
    }
  });
});
