// With a history stored (closed orders with their events, callbacks and webhook events, as
// bench/orders/history.ts writes them), the sweeper's searches and the lists an operator or a
// vendor opens must not read the history: no sequential scan of a history table, and a
// location's reconciliation reads that location's orders of the day through an index. The
// statements are the ones the service sends (recorded at node-postgres), planned on statistics
// of a few thousand orders, where a sequential scan would already win if no index served them.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preseedHistory } from '../../bench/orders/history.js';
import { recordStatements } from '../../bench/orders/plans.js';
import { createOrderSweeper } from '../../src/jobs/processors/order-sweeper.js';
import type { QueueProducers } from '../../src/queues/producers.js';
import { DEFAULT_CALENDAR } from '../../src/services/financial/calendar.js';
import { reconcile } from '../../src/services/financial/reconciliation.js';
import { createOrderService } from '../../src/services/orders/service.js';
import { createOrderViews } from '../../src/services/orders/views.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { TEST_DATABASE_URL } from '../helpers/env.js';

const HISTORY_TABLES = /Seq Scan on (orders|order_events|callback_deliveries|webhook_events)\b/;

describe('plans with a stored history', () => {
  let ctx: TestContext;
  let db: pg.Client;
  let subject: { vendor_id: string; id: string; business_location_id: string };
  beforeAll(async () => {
    ctx = await createTestContext();
    db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    await preseedHistory(db, ctx.db.schema, 4000, () => undefined);
    [subject] = (
      await db.query(
        `SELECT l.vendor_id, l.id, l.business_location_id FROM "${ctx.db.schema}".locations l
           JOIN "${ctx.db.schema}".vendors v ON v.id = l.vendor_id WHERE v.name = 'History 1' ORDER BY l.name LIMIT 1`,
      )
    ).rows;
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await ctx?.close();
  });

  /** The plans of every statement `run` sends through the service's own client. */
  async function plansOf(run: () => Promise<unknown>): Promise<string[]> {
    const recorder = recordStatements();
    recorder.state.on = true;
    try {
      await run();
    } finally {
      recorder.state.on = false;
      recorder.restore();
    }
    const plans: string[] = [];
    await db.query(`SET search_path = "${ctx.db.schema}"`);
    for (const { query, values } of recorder.state.logged) {
      if (/^\s*(BEGIN|COMMIT|ROLLBACK|SET|SHOW|DEALLOCATE)/i.test(query)) continue;
      const rows = (await db.query(`EXPLAIN ${query}`, values)).rows as { 'QUERY PLAN': string }[];
      plans.push(`${query}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    }
    expect(plans.length).toBeGreaterThan(0);
    return plans;
  }

  const queues = new Proxy({}, { get: () => ({ add: async () => undefined }) }) as QueueProducers;

  it('a sweep reads no history table sequentially', async () => {
    const sweep = createOrderSweeper({ prisma: ctx.db.prisma, queues, log: ctx.app.log, outcomeTimeoutMs: 120_000 });
    for (const plan of await plansOf(() => sweep())) expect(plan).not.toMatch(HISTORY_TABLES);
  });

  it('the operator and vendor order lists read no history table sequentially', async () => {
    const views = createOrderViews({ prisma: ctx.db.prisma });
    const orders = createOrderService({ prisma: ctx.db.prisma, queues, log: ctx.app.log, deliveryDeadlineMs: 900_000 });
    const vendorId = subject.vendor_id;
    const plans = await plansOf(async () => {
      await views.list(vendorId, { status: null, locationId: null, page: 1, pageSize: 25 });
      await views.list(vendorId, { status: null, locationId: subject.id, page: 1, pageSize: 25 });
      await orders.needingAttention({ limit: 100 });
      await orders.list(vendorId, { limit: 50 });
    });
    for (const plan of plans) expect(plan).not.toMatch(HISTORY_TABLES);
  });

  it("a location's daily reconciliation reads that location's orders of the day through an index", async () => {
    const day = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    const plans = await plansOf(() =>
      reconcile(
        ctx.db.prisma,
        { locationId: subject.id, businessLocationId: BigInt(subject.business_location_id) },
        DEFAULT_CALENDAR,
        day,
        day,
      ),
    );
    const ordersPlan = plans.find((p) => /FROM "[^"]+"\."orders"/.test(p));
    expect(ordersPlan).toMatch(/Index Scan using orders_location_id_created_at_idx/);
  });
});
