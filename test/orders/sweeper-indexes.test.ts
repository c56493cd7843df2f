// The sweeper's cost must follow the open work, not the history: its searches have indexes that
// reach only open rows (orders awaiting payment confirmation; unprocessed webhook events), so a
// million CLOSED orders or processed events are never walked. test/orders/history-plans.test.ts
// checks every statement of a real sweep against a stored history.
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
    // The index holds only the statuses searched for: no PAYMENT_FAILED or NEEDS_ATTENTION order
    // (terminal, never paid) is read and then dropped by a filter on the status.
    expect(text).not.toMatch(/Filter: .*status/);
  });

  it('stuck webhook events are found through the status index, RECEIVED entries only', async () => {
    // The sweeper's search for stuck events as Prisma really sends it: the status is a cast
    // parameter, which a partial index's `status = 'RECEIVED'` cannot be proven from (the
    // partial index this replaced was never used by it; a million-order history was read whole).
    const text = await plan(
      Prisma.sql`SELECT id FROM webhook_events WHERE status = CAST(${'RECEIVED'}::text AS "WebhookEventStatus") AND received_at < now() ORDER BY received_at LIMIT 500`,
    );
    expect(text).toMatch(/Index Scan using webhook_events_status_received_at_idx/);
    expect(text).toMatch(/Index Cond: \(\(status = /);
  });
});
