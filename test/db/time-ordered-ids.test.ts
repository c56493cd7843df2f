// Rows the hot path inserts get time-ordered (UUIDv7) primary keys, so their indexes are appended
// to rather than written at random leaves (bench/README.md: WAL per order with a million stored).
// Webhook events get theirs in the route (src/lib/uuid7.ts); callback deliveries from the
// migration's uuid_v7() in SQL, which this checks directly and through a stored webhook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuid7Time } from '../../src/lib/uuid7.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BASIC = `Basic ${Buffer.from('lightspeed:dev-webhook-password').toString('base64')}`;

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('time-ordered ids', () => {
  it("uuid_v7() in SQL is a version 7 UUID carrying the database's clock, increasing over time", async () => {
    const before = Date.now();
    const first = await ctx.prisma.$queryRaw<{ id: string }[]>`SELECT uuid_v7()::text AS id`;
    await new Promise((r) => setTimeout(r, 5));
    const rows = await ctx.prisma.$queryRaw<{ id: string }[]>`SELECT uuid_v7()::text AS id FROM generate_series(1, 50)`;
    const ids = [first[0]!.id, ...rows.map((r) => r.id)];
    for (const id of ids) expect(id).toMatch(V7);
    expect(new Set(ids).size).toBe(ids.length);
    // Same machine: the database's clock and ours agree to well within a second.
    expect(uuid7Time(ids[0]!)).toBeGreaterThanOrEqual(before - 1_000);
    expect(uuid7Time(ids[0]!)).toBeLessThanOrEqual(Date.now() + 1_000);
    // Later calls sort after earlier ones (a millisecond apart at least).
    for (const id of ids.slice(1)) expect(id > ids[0]!).toBe(true);
  });

  it('a stored webhook event has a version 7 id', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/webhook/lightspeed',
      headers: { 'content-type': 'application/json', authorization: BASIC },
      payload: JSON.stringify({ type: 'ORDER', status: 'CHECK_WAS_UPDATED', thirdPartyReference: 'v7-check' }),
    });
    expect(res.statusCode).toBe(200);
    const eventId = res.json().eventId as string;
    expect(eventId).toMatch(V7);
    const stored = await ctx.prisma.webhookEvent.findUnique({ where: { id: eventId }, select: { id: true } });
    expect(stored?.id).toBe(eventId);
  });
});
