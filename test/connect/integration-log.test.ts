// The integration log: newest first, 100 kept, identical consecutive entries collapsed with a
// count and the latest time, per vendor, also under concurrent writers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegrationLog, INTEGRATION_LOG_LIMIT } from '../../src/services/integration-log.js';
import { bearer, createTestContext, createVendor, type TestContext } from '../helpers/context.js';

describe('integration log', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  const log = () => createIntegrationLog({ prisma: ctx.db.prisma });
  const entry = (message: string, details?: Record<string, unknown>) => ({
    level: 'WARN' as const,
    event: 'test.event',
    message,
    ...(details ? { details } : {}),
  });

  it('lists newest first', async () => {
    const vendor = await createVendor(ctx.app);
    for (const m of ['first', 'second', 'third']) await log().record(vendor.id, entry(m));
    expect((await log().list(vendor.id)).map((e) => e.message)).toEqual(['third', 'second', 'first']);
  });

  it('collapses identical consecutive entries into one with a count and the latest time', async () => {
    const vendor = await createVendor(ctx.app);
    let clock = Date.parse('2026-01-01T10:00:00Z');
    const timed = createIntegrationLog({ prisma: ctx.db.prisma, now: () => new Date(clock) });
    await timed.record(vendor.id, entry('Token refresh failed', { status: 503, kind: 'unavailable' }));
    clock += 60_000;
    await timed.record(vendor.id, entry('Token refresh failed', { kind: 'unavailable', status: 503 }));
    clock += 60_000;
    await timed.record(vendor.id, entry('Token refresh failed', { status: 503, kind: 'unavailable' }));
    const [collapsed, ...rest] = await timed.list(vendor.id);
    expect(rest).toHaveLength(0);
    expect(collapsed).toMatchObject({ count: 3, message: 'Token refresh failed' });
    expect(collapsed!.firstAt.toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(collapsed!.lastAt.toISOString()).toBe('2026-01-01T10:02:00.000Z');

    // Different details, level or event are different entries; identical but not consecutive too.
    clock += 1000;
    await timed.record(vendor.id, entry('Token refresh failed', { status: 500, kind: 'unavailable' }));
    await timed.record(vendor.id, {
      ...entry('Token refresh failed', { status: 500, kind: 'unavailable' }),
      level: 'ERROR',
    });
    await timed.record(vendor.id, entry('Token refresh failed', { status: 503, kind: 'unavailable' }));
    const all = await timed.list(vendor.id);
    expect(all.map((e) => [e.level, e.details?.status, e.count])).toEqual([
      ['WARN', 503, 1],
      ['ERROR', 500, 1],
      ['WARN', 500, 1],
      ['WARN', 503, 3],
    ]);
  });

  it(`keeps only the newest ${INTEGRATION_LOG_LIMIT} entries per vendor`, async () => {
    const vendor = await createVendor(ctx.app);
    const other = await createVendor(ctx.app);
    await log().record(other.id, entry('other vendor entry'));
    for (let i = 1; i <= INTEGRATION_LOG_LIMIT + 7; i++) await log().record(vendor.id, entry(`entry ${i}`));
    const rows = await ctx.db.prisma.integrationLog.findMany({ where: { vendorId: vendor.id } });
    expect(rows).toHaveLength(INTEGRATION_LOG_LIMIT);
    const listed = await log().list(vendor.id);
    expect(listed[0]!.message).toBe(`entry ${INTEGRATION_LOG_LIMIT + 7}`);
    expect(listed.at(-1)!.message).toBe('entry 8');
    expect(await log().list(other.id)).toHaveLength(1);
  });

  it('collapses concurrent identical writes and orders concurrent distinct ones strictly', async () => {
    const vendor = await createVendor(ctx.app);
    await Promise.all(Array.from({ length: 20 }, () => log().record(vendor.id, entry('same thing'))));
    const [only] = await log().list(vendor.id);
    expect(only).toMatchObject({ count: 20 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => log().record(vendor.id, entry(`distinct ${i}`))));
    const listed = await log().list(vendor.id);
    expect(listed).toHaveLength(11);
    const times = listed.map((e) => e.lastAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
  });

  it('is readable through the API, newest first, with a limit', async () => {
    const vendor = await createVendor(ctx.app);
    for (const m of ['a', 'b', 'c']) await log().record(vendor.id, entry(m));
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/v1/lightspeed/logs?limit=2',
      headers: bearer(vendor.apiKey),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({ message: 'c', level: 'WARN', event: 'test.event', count: 1, details: null }),
      expect.objectContaining({ message: 'b' }),
    ]);
    const bad = await ctx.app.inject({
      method: 'GET',
      url: '/v1/lightspeed/logs?limit=500',
      headers: bearer(vendor.apiKey),
    });
    expect(bad.statusCode).toBe(400);
  });
});
