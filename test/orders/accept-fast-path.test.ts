// What makes accepting cheap must not change what it answers: the insert batches concurrent
// orders into one statement that also checks the location and the idempotency keys, the
// location is remembered for seconds, and order ids are UUIDv7.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuid7Time } from '../../src/lib/uuid7.js';
import type { TestContext } from '../helpers/context.js';
import { createPipelineContext, postOrder, takeawayOrder, type PipelineContext } from './pipeline-context.js';

describe('accepting orders on the fast path', () => {
  let p: PipelineContext;
  let ctx: TestContext;

  const post = (key: string, payload: unknown, headers: Record<string, string> = {}) =>
    postOrder(ctx.app, key, payload, headers);

  beforeAll(async () => {
    p = await createPipelineContext({ workers: false });
    ctx = p.ctx;
  });
  afterAll(async () => p?.close());

  it('concurrent orders share a batch; identical ones within it still make one order', async () => {
    const distinct = Array.from({ length: 20 }, (_, i) =>
      post(p.vendor.apiKey, { ...takeawayOrder(p.locationId), note: `n${i}` }),
    );
    const same = Array.from({ length: 10 }, () =>
      post(p.vendor.apiKey, takeawayOrder(p.locationId), { 'idempotency-key': 'race-1' }),
    );
    const results = await Promise.all([...distinct, ...same]);
    const distinctIds = results.slice(0, 20).map((r) => {
      expect(r.statusCode).toBe(202);
      return r.json().id as string;
    });
    expect(new Set(distinctIds).size).toBe(20);
    const sameResults = results.slice(20);
    expect(sameResults.filter((r) => r.statusCode === 202)).toHaveLength(1);
    expect(sameResults.filter((r) => r.statusCode === 200)).toHaveLength(9);
    expect(new Set(sameResults.map((r) => r.json().id)).size).toBe(1);
    expect(await ctx.db.prisma.order.count({ where: { idempotencyKey: 'race-1' } })).toBe(1);
    // Each stored order has its one RECEIVED event.
    const events = await ctx.db.prisma.orderEvent.groupBy({
      by: ['orderId'],
      where: { orderId: { in: [...distinctIds, sameResults[0]!.json().id] } },
      _count: true,
    });
    expect(events).toHaveLength(21);
    expect(events.every((e) => e._count === 1)).toBe(true);
  });

  it('order ids are UUIDv7, in the order the orders were accepted', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await post(p.vendor.apiKey, takeawayOrder(p.locationId))).json().id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect([...ids].sort()).toEqual(ids);
    const stored = await ctx.db.prisma.order.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    expect(stored.map((o) => o.id)).toEqual(ids);
    expect(Math.abs(uuid7Time(ids[0]!) - stored[0]!.createdAt.getTime())).toBeLessThan(5_000);
  });

  it('a remembered location does not outlive a disconnect; a repeat still gets its order', async () => {
    const first = await post(p.vendor.apiKey, takeawayOrder(p.locationId), { 'idempotency-key': 'before-disconnect' });
    expect(first.statusCode).toBe(202);
    await ctx.db.prisma.lightspeedConnection.update({
      where: { id: p.vendor.connectionId },
      data: { status: 'DISCONNECTED' },
    });
    try {
      // The location is remembered as taking orders; the insert itself refuses.
      const refused = await post(p.vendor.apiKey, takeawayOrder(p.locationId));
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('VENDOR_NOT_CONNECTED');
      const repeat = await post(p.vendor.apiKey, takeawayOrder(p.locationId), {
        'idempotency-key': 'before-disconnect',
      });
      expect(repeat.statusCode).toBe(200);
      expect(repeat.json().id).toBe(first.json().id);
    } finally {
      await ctx.db.prisma.lightspeedConnection.update({
        where: { id: p.vendor.connectionId },
        data: { status: 'CONNECTED' },
      });
    }
  });
});
