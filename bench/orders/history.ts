// BENCH_PRESEED=n: n historical orders stored before the measured load, written set-based
// (generate_series) so a million take minutes, not hours. Each order leaves what a real one
// leaves behind (counted on a bench run, 2026-12-08): the order, CLOSED and paid; 5 or 6
// order_events (RECEIVED, SUBMITTED, ACCEPTED, PAYMENT_SUBMITTED, then PAID and CLOSED for
// 60% of them, CLOSED alone for 40%); one DELIVERED callback per event but RECEIVED; and 3
// PROCESSED webhook events (2 ORDER, 1 PAYMENT), kept only WEBHOOK_EVENT_RETENTION_DAYS (30) as
// the retention job would. No payments table exists: a payment is columns of its order.
// The history spans the past 8 weeks, ten vendors with two locations each; 5% stay PAID
// (not yet closed) and 0.3% wait for an operator (FAILED, NEEDS_ATTENTION, PAYMENT_FAILED).
// Foreign-key triggers are off while it is written (session_replication_role = replica): the
// rows are consistent by construction, and checking 11 million references one by one would
// triple the time.
import type pg from 'pg';

const VENDORS = 10;
const LOCATIONS_PER_VENDOR = 2;
const WEEKS = 8;
const RETENTION_DAYS = 30;

/** How many historical orders the schema already holds (their references start with 'h'). */
export async function historyCount(db: pg.Client, schema: string): Promise<number> {
  const [row] = (await db.query(`SELECT count(*)::int AS n FROM "${schema}".orders WHERE reference LIKE 'h%'`)).rows;
  return row.n as number;
}

export async function preseedHistory(
  db: pg.Client,
  schema: string,
  orders: number,
  log: (line: string) => void,
): Promise<void> {
  const started = Date.now();
  const step = async (what: string, sql: string) => {
    const t = Date.now();
    const r = await db.query(sql);
    log(`history: ${what}: ${r.rowCount ?? 0} rows in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  await db.query(`SET search_path = "${schema}"`);
  await db.query('SET session_replication_role = replica');
  try {
    await step(
      'vendors',
      `INSERT INTO vendors (id, name, callback_url, updated_at)
       SELECT gen_random_uuid(), 'History ' || v, 'https://vendor' || v || '.example/callbacks', now()
         FROM generate_series(1, ${VENDORS}) v`,
    );
    // Business location ids of their own: no webhook of the run resolves to a history location.
    await step(
      'locations',
      `INSERT INTO locations (id, vendor_id, name, business_location_id, default_order_profile, readiness, updated_at)
       SELECT gen_random_uuid(), v.id, v.name || ' / ' || l, 900000000000 + row_number() OVER (), 'TAKEAWAY', 'READY', now()
         FROM vendors v, generate_series(1, ${LOCATIONS_PER_VENDOR}) l
        WHERE v.name LIKE 'History %'`,
    );
    await db.query(
      `CREATE TEMP TABLE history_locations AS
       SELECT row_number() OVER (ORDER BY l.id) - 1 AS n, l.id, l.vendor_id
         FROM locations l JOIN vendors v ON v.id = l.vendor_id WHERE v.name LIKE 'History %'`,
    );
    // Order g was created at a point of the past 8 weeks (ascending with g, as ids are issued),
    // and each status change followed within seconds; the last one closed it 40 minutes later.
    await step(
      'orders',
      `INSERT INTO orders (id, vendor_id, location_id, reference, payment_reference, request_hash, type, status,
                           payload, payment_amount, tip_amount, payment_method, account_identifier, failure_reason,
                           deadline_at, submitted_at, payment_submitted_at, paid_at, created_at, updated_at)
       SELECT gen_random_uuid(), l.vendor_id, l.id, 'h' || h.ref, 'q' || h.ref, h.hash,
              CASE WHEN g % 2 = 0 THEN 'TO_GO' ELSE 'LOCAL' END::"OrderType", h.status::"OrderStatus",
              jsonb_build_object(
                'type', CASE WHEN g % 2 = 0 THEN 'toGo' ELSE 'local' END,
                'items', jsonb_build_array(jsonb_build_object('sku', 'BRG-CLASSIC', 'quantity', 1),
                                           jsonb_build_object('sku', 'DR-COLA', 'quantity', 1)),
                'payment', jsonb_build_object('tip', 0, 'amount', 17.7, 'method', 'OOPAYMENT'),
                'customer', jsonb_build_object('firstName', 'Guest ' || g % 997),
                'locationId', l.id,
                'pricedLines', jsonb_build_array(
                  jsonb_build_object('name', 'Classic Burger', 'subItems', '[]'::jsonb, 'unitPrice', '14.50'),
                  jsonb_build_object('name', 'Cola', 'subItems', '[]'::jsonb, 'unitPrice', '3.20'))),
              17.70, 0, 'OOPAYMENT', 'A' || (g % 100000) || '.' || g,
              CASE WHEN h.status IN ('FAILED', 'NEEDS_ATTENTION', 'PAYMENT_FAILED') THEN 'history: ' || h.status END,
              h.at + interval '15 minutes', h.at + interval '1 second',
              CASE WHEN h.status <> 'FAILED' THEN h.at + interval '3 seconds' END,
              CASE WHEN h.status IN ('PAID', 'CLOSED') THEN h.at + interval '5 seconds' END,
              h.at,
              h.at + CASE WHEN h.status = 'CLOSED' THEN interval '40 minutes' ELSE interval '5 seconds' END
         FROM generate_series(1, ${orders}) g
         JOIN history_locations l ON l.n = g % ${VENDORS * LOCATIONS_PER_VENDOR}
        CROSS JOIN LATERAL (SELECT
              substr(md5(g::text), 1, 24) AS ref,
              encode(sha256(g::text::bytea), 'hex') AS hash,
              now() - interval '1 hour' - interval '${WEEKS} weeks' * (1 - g::float8 / ${orders}) AS at,
              CASE WHEN g % 1000 = 1 THEN 'FAILED' WHEN g % 1000 = 2 THEN 'NEEDS_ATTENTION'
                   WHEN g % 1000 = 3 THEN 'PAYMENT_FAILED' WHEN g % 20 = 5 THEN 'PAID' ELSE 'CLOSED' END AS status) h`,
    );
    // The timeline, as the transitions write it: status k of an order's path at created + k s.
    await step(
      'order_events',
      `INSERT INTO order_events (order_id, from_status, to_status, source, reason, created_at)
       SELECT o.id, p.path[k - 1]::"OrderStatus", p.path[k]::"OrderStatus",
              CASE WHEN k = 1 THEN 'api' WHEN p.path[k] IN ('SUBMITTED', 'PAYMENT_SUBMITTED') THEN 'worker' ELSE 'webhook' END,
              CASE WHEN k = 1 THEN 'accepted' END,
              o.created_at + k * interval '1 second'
         FROM orders o
        CROSS JOIN LATERAL (SELECT CASE o.status
              WHEN 'FAILED' THEN ARRAY['RECEIVED', 'SUBMITTED', 'FAILED']
              WHEN 'NEEDS_ATTENTION' THEN ARRAY['RECEIVED', 'SUBMITTED', 'ACCEPTED', 'PAYMENT_SUBMITTED', 'NEEDS_ATTENTION']
              WHEN 'PAYMENT_FAILED' THEN ARRAY['RECEIVED', 'SUBMITTED', 'ACCEPTED', 'PAYMENT_SUBMITTED', 'PAYMENT_FAILED']
              WHEN 'PAID' THEN ARRAY['RECEIVED', 'SUBMITTED', 'ACCEPTED', 'PAYMENT_SUBMITTED', 'PAID']
              ELSE CASE WHEN get_byte(decode(substr(o.reference, 2, 2), 'hex'), 0) < 154
                        THEN ARRAY['RECEIVED', 'SUBMITTED', 'ACCEPTED', 'PAYMENT_SUBMITTED', 'PAID', 'CLOSED']
                        ELSE ARRAY['RECEIVED', 'SUBMITTED', 'ACCEPTED', 'PAYMENT_SUBMITTED', 'CLOSED'] END
              END AS path) p
        CROSS JOIN LATERAL generate_series(1, array_length(p.path, 1)) k
        WHERE o.reference LIKE 'h%'
        ORDER BY o.created_at, k`,
    );
    await step(
      'callback_deliveries',
      `INSERT INTO callback_deliveries (id, order_id, order_event_id, url, status, attempts, last_status_code,
                                        delivered_at, next_attempt_at, created_at, updated_at)
       SELECT gen_random_uuid(), e.order_id, e.id, v.callback_url, 'DELIVERED', 1, 204,
              e.created_at + interval '50 milliseconds', e.created_at + interval '50 milliseconds', e.created_at,
              e.created_at + interval '50 milliseconds'
         FROM order_events e JOIN orders o ON o.id = e.order_id JOIN vendors v ON v.id = o.vendor_id
        WHERE e.from_status IS NOT NULL AND o.reference LIKE 'h%'`,
    );
    // A K-Series notification as stored (the account trimmed to what identifies it).
    await step(
      'webhook_events',
      `INSERT INTO webhook_events (id, dedupe_key, type, vendor_id, payload, status, attempts, received_at, processed_at)
       SELECT gen_random_uuid(), encode(sha256((o.reference || w)::bytea), 'hex'),
              CASE WHEN w = 3 THEN 'PAYMENT' ELSE 'ORDER' END, o.vendor_id,
              jsonb_build_object(
                'type', CASE WHEN w = 3 THEN 'PAYMENT' ELSE 'ORDER' END,
                'status', 'SUCCESS', 'businessLocationId', l.business_location_id,
                'thirdPartyReference', CASE WHEN w = 3 THEN o.payment_reference ELSE o.reference END,
                'ikentooAccountIdentifier', o.account_identifier,
                'account', jsonb_build_object('name', 'Order ' || o.account_identifier, 'uuid', o.id, 'posId', 17700,
                  'staffName', 'Online Order', 'currentAmount', 17.7, 'paidAmount', CASE WHEN w = 3 THEN 17.7 ELSE 0 END,
                  'openDate', o.created_at, 'salesEntries', o.payload->'items')),
              'PROCESSED', 1, o.created_at + w * interval '1 second', o.created_at + w * interval '1 second'
         FROM orders o JOIN locations l ON l.id = o.location_id, generate_series(1, 3) w
        WHERE o.reference LIKE 'h%' AND o.created_at > now() - interval '${RETENTION_DAYS} days'
        ORDER BY o.created_at, w`,
    );
  } finally {
    await db.query('SET session_replication_role = DEFAULT');
    await db.query('DROP TABLE IF EXISTS history_locations');
    await db.query('RESET search_path');
  }
  // Fresh statistics and a visibility map, as a database that has been running would have.
  const t = Date.now();
  for (const table of ['orders', 'order_events', 'callback_deliveries', 'webhook_events', 'locations', 'vendors'])
    await db.query(`VACUUM ANALYZE "${schema}".${table}`);
  log(
    `history: VACUUM ANALYZE in ${((Date.now() - t) / 1000).toFixed(1)} s; ${orders} orders in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}
