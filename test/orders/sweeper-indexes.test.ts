// The sweeper's cost must follow the open work, not the history: its searches have indexes that
// hold only open rows (orders awaiting payment confirmation; unprocessed webhook events), so a
// million CLOSED orders or processed events are never walked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.js';
import { unconfirmedPayments } from '../../src/jobs/processors/order-sweeper.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

describe('sweeper indexes', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  /** The plan of `sql` with sequential scans forbidden (the test tables are tiny). */
  async function plan(sql: Prisma.Sql): Promise<string> {
    const rows = await ctx.db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      return tx.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${sql}`);
    });
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  it('unconfirmed payments are found through the index of orders awaiting payment', async () => {
    const text = await plan(unconfirmedPayments(new Date(), 500));
    expect(text).toMatch(/(Index Scan using|Bitmap Index Scan on) orders_awaiting_payment_idx/);
    expect(text).toMatch(/Index Cond: \(payment_submitted_at < /);
  });

  it('stuck webhook events are found through the index of unprocessed events', async () => {
    // The sweeper's search for stuck events, as Prisma sends it.
    const text = await plan(
      Prisma.sql`SELECT id FROM webhook_events WHERE status = 'RECEIVED' AND received_at < now() ORDER BY received_at LIMIT 500`,
    );
    expect(text).toMatch(/Index Scan using webhook_events_unprocessed_idx/);
  });
});
