// What the stored history costs the queries that are not on the hot path: the sweeper's (timed
// as whole sweeps, its real code with queues that only count) and the lists an operator or a
// vendor opens (back office orders page, admin attention list, GET /v1/orders, the metrics
// gauge, the daily reconciliation). Each runs through the service's own code on the service's
// own client (createPrisma); the statements it sends are recorded at node-postgres and run again
// under EXPLAIN ANALYZE, so the plans are those of what the service sends, not of a copy.
// Also: which indexes the measured load used (pg_stat_user_indexes.idx_scan, before vs after).
import pg from 'pg';
import { createPrisma } from '../../src/db/prisma.js';
import { createOrderSweeper } from '../../src/jobs/processors/order-sweeper.js';
import type { QueueProducers } from '../../src/queues/producers.js';
import { DEFAULT_CALENDAR } from '../../src/services/financial/calendar.js';
import { reconcile } from '../../src/services/financial/reconciliation.js';
import { createOrderService } from '../../src/services/orders/service.js';
import { createOrderViews } from '../../src/services/orders/views.js';
import { ATTENTION_STATUSES } from '../../src/services/orders/state-machine.js';

interface Logged {
  query: string;
  values: unknown[];
}

/** Records every statement node-postgres sends while `on` is set (this process only). */
export function recordStatements() {
  const state = { on: false, logged: [] as Logged[] };
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (state.on) {
      const [first, second] = args as [string | { text: string; values?: unknown[] }, unknown];
      if (typeof first === 'string') state.logged.push({ query: first, values: Array.isArray(second) ? second : [] });
      else if (first && typeof first.text === 'string')
        state.logged.push({ query: first.text, values: first.values ?? [] });
    }
    return original.apply(this, args);
  } as typeof pg.Client.prototype.query;
  return { state, restore: () => (pg.Client.prototype.query = original as typeof pg.Client.prototype.query) };
}

const silentLog = { info() {}, warn() {}, error() {}, debug() {}, child: () => silentLog } as never;

/** Queues that accept and count: the sweeper's searches run, nothing is enqueued. */
function countingQueues(): QueueProducers {
  const add = async () => undefined;
  return new Proxy({}, { get: () => ({ add }) }) as QueueProducers;
}

/** The plans with a history vendor as the subject (an operator's view of a busy vendor), if any. */
export async function explainHistory(connectionString: string, schema: string, verbose: boolean): Promise<string[]> {
  const db = new pg.Client({ connectionString });
  await db.connect();
  const [subject] = (
    await db.query(
      `SELECT l.vendor_id, l.id, l.business_location_id FROM "${schema}".locations l
         JOIN "${schema}".vendors v ON v.id = l.vendor_id ORDER BY (v.name = 'History 1') DESC, l.name LIMIT 1`,
    )
  ).rows;
  await db.end();
  return explainOperatorQueries({
    connectionString,
    schema,
    vendorId: subject.vendor_id,
    locationId: subject.id,
    businessLocationId: BigInt(subject.business_location_id ?? 0),
    verbose,
  });
}

async function explainOperatorQueries(options: {
  connectionString: string;
  schema: string;
  /** A vendor with history, and one of its locations. */
  vendorId: string;
  locationId: string;
  businessLocationId: bigint;
  verbose: boolean;
}): Promise<string[]> {
  const { connectionString, schema } = options;
  const prisma = createPrisma(`${connectionString}${connectionString.includes('?') ? '&' : '?'}schema=${schema}`, {
    poolSize: 2,
  });
  const recorder = recordStatements();
  const views = createOrderViews({ prisma });
  const orders = createOrderService({ prisma, queues: countingQueues(), log: silentLog, deliveryDeadlineMs: 900_000 });
  const sweep = createOrderSweeper({ prisma, queues: countingQueues(), log: silentLog, outcomeTimeoutMs: 120_000 });
  const { vendorId, locationId } = options;
  const today = new Date().toISOString().slice(0, 10);
  const reconcileDays = (from: string, to: string) =>
    reconcile(prisma, { locationId, businessLocationId: options.businessLocationId }, DEFAULT_CALENDAR, from, to);
  const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
  const cases: [string, () => Promise<unknown>][] = [
    ['sweeper: one sweep', () => sweep()],
    [
      'back office orders, page 1',
      () => views.list(vendorId, { status: null, locationId: null, page: 1, pageSize: 25 }),
    ],
    [
      'back office orders, page 40',
      () => views.list(vendorId, { status: null, locationId: null, page: 40, pageSize: 25 }),
    ],
    [
      'back office orders, problems only',
      () => views.list(vendorId, { status: 'PROBLEMS', locationId: null, page: 1, pageSize: 25 }),
    ],
    [
      'back office orders, one location',
      () => views.list(vendorId, { status: null, locationId, page: 1, pageSize: 25 }),
    ],
    ['admin attention list', () => orders.needingAttention({ limit: 100 })],
    ['GET /v1/orders', () => orders.list(vendorId, { limit: 50 })],
    ['GET /v1/orders?status=FAILED', () => orders.list(vendorId, { status: ['FAILED'], limit: 50 })],
    [
      'metrics orders_needing_attention',
      () =>
        prisma.order.groupBy({
          by: ['status'],
          where: { status: { in: [...ATTENTION_STATUSES] } },
          _count: { _all: true },
        }),
    ],
    ['financial reconciliation, one location, one day', () => reconcileDays(weekAgo, weekAgo)],
    ['financial reconciliation, one location, 7 days', () => reconcileDays(weekAgo, today)],
  ];
  const lines: string[] = [];
  const explain = new pg.Client({ connectionString, options: `-c search_path="${schema}"` });
  await explain.connect();
  try {
    for (const [label, run] of cases) {
      await run(); // warm: first planning, cache
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        recorder.state.logged = [];
        recorder.state.on = true;
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
        recorder.state.on = false;
      }
      const logged = recorder.state.logged;
      times.sort((a, b) => a - b);
      lines.push(`${label}: median ${times[2]!.toFixed(1)} ms over 5 runs, ${logged.length} statement(s)`);
      for (const { query, values } of logged) {
        if (/^\s*(BEGIN|COMMIT|ROLLBACK|SET|SHOW|DEALLOCATE)/i.test(query)) continue;
        await explain.query('BEGIN');
        const plan = (await explain.query(`EXPLAIN (ANALYZE, BUFFERS) ${query}`, values)).rows
          .map((r) => r['QUERY PLAN'] as string)
          .join('\n');
        await explain.query('ROLLBACK');
        const execution = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
        const scans = [
          ...plan.matchAll(/(Seq Scan on \w+|Index (?:Only )?Scan(?: Backward)? using \w+|Bitmap Index Scan on \w+)/g),
        ]
          .map((m) => m[1])
          .join('; ');
        const rowsRemoved = [...plan.matchAll(/Rows Removed by Filter: (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
        lines.push(
          `  ${execution} ms  ${scans || '(no table scan)'}${rowsRemoved ? `; rows removed by filter ${rowsRemoved}` : ''}  <- ${query.replace(/\s+/g, ' ').slice(0, 160)}`,
        );
        if (options.verbose) lines.push(plan.replace(/^/gm, '      '));
      }
    }
  } finally {
    recorder.restore();
    await explain.end();
    await prisma.$disconnect();
  }
  return lines;
}

export type IndexScans = Map<string, { scans: number; table: string; bytes: number }>;

export async function indexScans(db: pg.Client, schema: string): Promise<IndexScans> {
  const rows = (
    await db.query(
      `SELECT relname, indexrelname, idx_scan::int8 AS scans, pg_relation_size(indexrelid)::int8 AS bytes
         FROM pg_stat_user_indexes WHERE schemaname = $1`,
      [schema],
    )
  ).rows as { relname: string; indexrelname: string; scans: string; bytes: string }[];
  return new Map(
    rows.map((r) => [r.indexrelname, { scans: Number(r.scans), table: r.relname, bytes: Number(r.bytes) }]),
  );
}

/** Index scans per index during the run, hot tables only, fewest first. */
export function describeIndexUse(before: IndexScans, after: IndexScans, orders: number): string[] {
  const hot = new Set(['orders', 'order_events', 'callback_deliveries', 'webhook_events', 'vendors', 'locations']);
  return [...after]
    .filter(([, a]) => hot.has(a.table))
    .map(([name, a]) => ({ name, table: a.table, scans: a.scans - (before.get(name)?.scans ?? 0), mb: a.bytes / 1e6 }))
    .sort((x, y) => x.scans - y.scans || x.name.localeCompare(y.name))
    .map(
      (i) =>
        `  ${i.table}.${i.name}: ${i.scans} scans (${(i.scans / Math.max(orders, 1)).toFixed(2)} per order), ${i.mb.toFixed(1)} MB`,
    );
}
