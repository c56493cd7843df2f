// bench/orders: orders per second end to end as a vendor sees them: from accept until the vendor's
// status callback receiver (in this process) has the PAID (or CLOSED) callback. Half dine-in, half
// takeaway, against the K-Series sandbox with no added latency. Sandbox, API and worker each run
// in their own process, as in production; the load generator and callback receiver are this one.
// Anchors measured in the same run (bench/lib/anchors.ts): a bare Fastify route, a BullMQ no-op worker.
//   npm run bench:orders      (BENCH_SECONDS=10 BENCH_CONNECTIONS=20 to change the load)
// BENCH_API_PROCESSES=n BENCH_WORKERS=m: n API and m worker processes on the same Postgres and
// Redis. BENCH_PRESEED=n: n historical orders stored first (./history.ts); with
// BENCH_SCHEMA=<name> BENCH_KEEP_SCHEMA=1 the history is kept and reused by the next run.
// Target (DESIGN.md): >= 500 orders/s end to end on a 2-core machine, accept p99 < 50 ms, zero
// duplicates and zero lost.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { parseDatabaseUrl } from '../../src/db/prisma.js';
import { SANDBOX_SEED } from '../../src/sandbox/seed.js';
import { describeAnchors, measureAnchors } from '../lib/anchors.js';
import { cpuPerUnit, cpuPerUnitNetOfIdle, idleRates, snapshotCpu } from '../lib/cpu.js';
import { load } from '../lib/load.js';
import { pacedLoad } from '../lib/paced.js';
import { describeSchemaWal } from '../lib/wal.js';
import { historyCount, preseedHistory } from './history.js';
import { describeIndexUse, explainHistory, indexScans } from './plans.js';
import { roundRobinProxy } from './proxy.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
// BENCH_RATE=n offers n orders/s instead of as many as the API takes: accept latency at a
// load the pipeline can keep up with.
const rate = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
// BENCH_ACCEPT_ONLY=1 runs no worker: the accept path alone, for comparison.
const acceptOnly = process.env.BENCH_ACCEPT_ONLY === '1';
const database = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bench';
const root = path.resolve(import.meta.dirname, '../..');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

// BENCH_WORKERS=n runs n worker processes, BENCH_API_PROCESSES=n n API processes.
const workerCount = Number(process.env.BENCH_WORKERS ?? 1);
const apiCount = Number(process.env.BENCH_API_PROCESSES ?? 1);
const preseed = Number(process.env.BENCH_PRESEED ?? 0);
const [apiPort, sandboxPort, redisPort] = [await freePort(), await freePort(), await freePort()];
const apiPorts = [apiPort];
for (let i = 1; i < apiCount; i++) apiPorts.push(await freePort());
// With several API processes, PUBLIC_URL (where K-Series sends webhooks) is a round-robin TCP
// proxy in this process, as a load balancer would be; the orders go to each API directly.
const proxy = apiCount > 1 ? await roundRobinProxy(apiPorts) : null;
// A Redis of the bench's own (no persistence, like a cache-sized production Redis with AOF off
// would differ only in fsyncs), so that its CPU is ours alone: the machine's Redis is shared.
// BENCH_SHARED_REDIS=1 uses REDIS_URL or the local one instead.
const ownRedis =
  process.env.BENCH_SHARED_REDIS === '1'
    ? null
    : spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
const redisUrl = ownRedis ? `redis://127.0.0.1:${redisPort}` : (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
if (ownRedis) await new Promise((r) => setTimeout(r, 300));
const schema = process.env.BENCH_SCHEMA ?? `bench_${Date.now().toString(36)}`;
const publicUrl = `http://127.0.0.1:${proxy ? proxy.port : apiPort}`;
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  DATABASE_URL: `${database}?schema=${schema}`,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}`,
  PORT: String(apiPort),
  PUBLIC_URL: publicUrl,
  SANDBOX_PORT: String(sandboxPort),
  LIGHTSPEED_SANDBOX_URL: `http://127.0.0.1:${sandboxPort}`,
  SANDBOX_WEBHOOK_DELAY_MS: '0',
  LOG_LEVEL: 'warn',
  WORKER_METRICS_PORT: '0',
  WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? '50',
  // The bench's own burst is far above what one vendor normally sends.
  KSERIES_RATE_PER_CONNECTION: '5000',
  KSERIES_BURST_PER_CONNECTION: '5000',
  KSERIES_MAX_CONCURRENT_PER_CONNECTION: '200',
  // One API key sends the whole load: keep the per-key rate limit in the path, out of the way.
  RATE_LIMIT_PER_API_KEY: '1000000000',
  // The vendor's receiver is this process on 127.0.0.1: a private address, refused in production.
  CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
};
const ADMIN = 'dev-admin-token-change-me';

const children: ChildProcess[] = [];
const roles: Record<string, number> = ownRedis ? { redis: ownRedis.pid! } : {};
/** Starts an entry point and waits until `readyUrl` answers 200 (logs stay quiet at warn). */
async function start(
  role: string,
  entry: string,
  readyUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<void> {
  // BENCH_PROFILE=<dir> writes a CPU profile of every process into <dir>.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = fork(path.join(root, entry), [], {
    env: { ...env, ...extraEnv },
    execArgv: ['--import', 'tsx', ...profile],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  roles[role] = child.pid!;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    const ok = await fetch(readyUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${entry} not ready at ${readyUrl}`);
}

async function api(method: string, url: string, body?: unknown, token = ADMIN) {
  const res = await fetch(`${publicUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
}

/** Connects the vendor the way a merchant's browser would: our connect link (it sets the cookie
 * that binds the attempt to this browser), the authorize page, approve, the callback with the cookie. */
async function connect(apiKey: string) {
  const { authorizationUrl: link } = await api('POST', '/v1/lightspeed/connect', {}, apiKey);
  const opened = await fetch(link, { redirect: 'manual' });
  const cookie = opened.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  const authorizationUrl = opened.headers.get('location');
  if (opened.status !== 303 || !authorizationUrl) throw new Error(`connect link answered ${opened.status}`);
  const page = await (await fetch(authorizationUrl)).text();
  const form = new URLSearchParams();
  for (const m of page.matchAll(/<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"/g))
    form.append(m[1]!, m[2]!.replace(/&amp;/g, '&'));
  form.set('decision', 'approve');
  const consent = await fetch(new URL('/oauth/authorize', authorizationUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const cb = await fetch(consent.headers.get('location')!, { redirect: 'manual', headers: { cookie } });
  if (cb.status >= 400) throw new Error(`callback ${cb.status}`);
}

// The vendor's callback receiver: when each order's PAID or CLOSED callback arrived, and how many
// callbacks came per delivery id (a repeat is allowed by the contract but counted).
const paidCallbackAt = new Map<string, number>();
const deliveriesSeen = new Map<string, number>();
let callbacksReceived = 0;
const receiver = createHttpServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    callbacksReceived++;
    const json = JSON.parse(body) as { orderId: string; status: string; deliveryId: string };
    deliveriesSeen.set(json.deliveryId, (deliveriesSeen.get(json.deliveryId) ?? 0) + 1);
    if ((json.status === 'PAID' || json.status === 'CLOSED') && !paidCallbackAt.has(json.orderId))
      paidCallbackAt.set(json.orderId, Date.now());
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
const callbackUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/callbacks`;

// Anchors first, on a quiet machine as far as this run is concerned.
const anchors =
  process.env.BENCH_NO_ANCHORS === '1'
    ? null
    : await measureAnchors({ redisUrl, connections, ...(ownRedis ? { redisPid: ownRedis.pid! } : {}) });

await migrate(env.DATABASE_URL!);
const db = new pg.Client({ connectionString: database });
await db.connect();
try {
  await start('sandbox', 'src/sandbox/main.ts', `${env.LIGHTSPEED_SANDBOX_URL}/__sandbox/idle`);
  // A reused schema holds the previous run's vendor, connected to the sandbox's business.
  await db.query(`UPDATE "${schema}".lightspeed_connections SET status = 'DISCONNECTED'`);
  if (preseed > 0) {
    const have = await historyCount(db, schema);
    if (have === 0) await preseedHistory(db, schema, preseed, console.log);
    else console.log(`history: reusing ${have} historical orders in schema ${schema}`);
  }
  // `name#n`: the CPU lines add up the processes of one role.
  for (const [i, port] of apiPorts.entries())
    await start(`api#${i + 1}`, 'src/server.ts', `http://127.0.0.1:${port}/readyz`, { PORT: String(port) });
  for (let i = 0; i < (acceptOnly ? 0 : workerCount); i++) {
    const port = await freePort();
    await start(`worker#${i + 1}`, 'src/worker.ts', `http://127.0.0.1:${port}/healthz`, {
      WORKER_METRICS_PORT: String(port),
    });
  }
  const vendor = await api('POST', '/admin/vendors', { name: 'Bench' });
  await connect(vendor.apiKey);
  const location = await api(
    'POST',
    '/v1/locations',
    { name: 'Amsterdam', businessLocationId: SANDBOX_SEED.locations.amsterdam.id, defaultOrderProfile: 'TAKEAWAY' },
    vendor.apiKey,
  );
  await api('PUT', '/v1/callback', { url: callbackUrl }, vendor.apiKey);
  const base = {
    locationId: location.id,
    customer: { firstName: 'Bench' },
    items: [
      { sku: SANDBOX_SEED.skus.classicBurger, quantity: 1 },
      { sku: SANDBOX_SEED.skus.cola, quantity: 1 },
    ],
    payment: { method: 'OOPAYMENT', amount: 17.7 },
  };
  // Half takeaway, half dine-in at the location's tables in turn.
  const tables = SANDBOX_SEED.locations.amsterdam.floorPlans.flatMap((fp) => fp.tables);
  const takeaway = JSON.stringify({ ...base, type: 'toGo' });
  const dineIn = tables.map((t) =>
    JSON.stringify({
      ...base,
      type: 'local',
      tableNumber: String(t),
      clientCount: 2,
      accountProfileCode: SANDBOX_SEED.orderProfiles.dineIn,
    }),
  );
  let sent = 0;
  const nextOrder = () => (sent++ % 2 === 0 ? takeaway : dineIn[(sent >> 1) % dineIn.length]!);

  const target = {
    url: apiPorts.map((port) => `http://127.0.0.1:${port}/v1/orders`),
    headers: { authorization: `Bearer ${vendor.apiKey}` },
    body: nextOrder,
    connections,
  };
  const q = (sql: string) => db.query(sql).then((r) => r.rows);
  /** The run's orders, and how many have reached the vendor as PAID or CLOSED (last one when). */
  const counts = async (since: Date) => {
    const ids = (await q(
      `SELECT id FROM "${schema}".orders WHERE vendor_id = '${vendor.id}' AND created_at >= '${since.toISOString()}'`,
    )) as {
      id: string;
    }[];
    let paid = 0;
    let lastPaid = 0;
    for (const { id } of ids) {
      const at = paidCallbackAt.get(id);
      if (at === undefined) continue;
      paid++;
      lastPaid = Math.max(lastPaid, at);
    }
    return { total: ids.length, paid, last_paid: lastPaid || null };
  };

  // Warm-up, not measured: long-running processes are past JIT compilation and first
  // connections; a cold start would otherwise dominate a short run at a low rate.
  const warmupS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
  if (warmupS > 0) {
    const warmupStart = new Date(Date.now() - 1000);
    if (rate) await pacedLoad({ ...target, durationS: warmupS, rate });
    else await load({ ...target, durationS: warmupS });
    const until = Date.now() + 60_000;
    while (!acceptOnly && Date.now() < until) {
      const c = await counts(warmupStart);
      if (c.paid === c.total) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  // Idle cost of every process, to report CPU per order with and without it.
  const idleS = 3;
  const idleBefore = snapshotCpu(roles);
  await new Promise((r) => setTimeout(r, idleS * 1000));
  const idle = idleRates(idleBefore, snapshotCpu(roles), idleS);

  const scansBefore = await indexScans(db, schema);
  const [{ lsn: walBefore }] = await q('SELECT pg_current_wal_lsn() AS lsn');
  const cpuBefore = snapshotCpu(roles);
  const startedAt = new Date();
  const started = startedAt.getTime();
  const accept = rate
    ? await pacedLoad({ ...target, durationS: seconds, rate })
    : await load({ ...target, durationS: seconds });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const row = await counts(startedAt);
    if (row.paid === row.total || Date.now() > deadline || acceptOnly) {
      const cpuAfter = snapshotCpu(roles);
      const [{ wal, lsn: walAfter }] = await q(
        `SELECT pg_current_wal_lsn() AS lsn, pg_wal_lsn_diff(pg_current_wal_lsn(), '${walBefore}')::int8 AS wal`,
      );
      const cpuSeconds = (Date.now() - started) / 1000;
      const elapsedS = ((row.last_paid ?? Date.now()) - started) / 1000;
      // Correctness over every order of the run, warm-up included (not the stored history).
      const ours = `FROM "${schema}".orders WHERE vendor_id = '${vendor.id}'`;
      const [all] = await q(`SELECT count(*)::int AS total, count(paid_at)::int AS paid ${ours}`);
      const [dups] = await q(
        `SELECT count(*)::int AS n FROM (SELECT reference ${ours} GROUP BY reference HAVING count(*) > 1) d`,
      );
      const sandboxOrders = (await (await fetch(`${env.LIGHTSPEED_SANDBOX_URL}/__sandbox/orders`)).json()) as {
        thirdPartyReference: string;
      }[];
      const payments = (await (await fetch(`${env.LIGHTSPEED_SANDBOX_URL}/__sandbox/payments`)).json()) as {
        thirdPartyPaymentReference: string;
      }[];
      const posDupes = sandboxOrders.length - new Set(sandboxOrders.map((o) => o.thirdPartyReference)).size;
      const payDupes = payments.length - new Set(payments.map((p) => p.thirdPartyPaymentReference)).size;
      console.log(
        `orders: ${seconds}s of load, ${connections} connections, offered ${rate ? `${rate} orders/s` : 'as fast as accepted'}, ${apiCount} API and ${workerCount} worker process(es), ${preseed ? `${await historyCount(db, schema)} historical orders stored` : 'empty database'}, ${new Date().toISOString()}`,
      );
      console.log(
        `accepted ${accept.requests - accept.non2xx - accept.errors} (rejected ${accept.non2xx + accept.errors}), accept ${accept.rps.toFixed(0)} req/s, p50 ${accept.p50} ms, p99 ${accept.p99} ms (target < 50 ms)`,
      );
      const perOrder = cpuPerUnit(cpuBefore, cpuAfter, row.total, 'order');
      const perOrderNet = cpuPerUnitNetOfIdle(cpuBefore, cpuAfter, idle, cpuSeconds, row.total, 'order');
      const repeats = [...deliveriesSeen.values()].filter((n) => n > 1).length;
      const lost = all.total - all.paid;
      console.log(
        `vendor has PAID/CLOSED callback for ${row.paid} of ${row.total} orders of the measured run; first accept -> last such callback ${elapsedS.toFixed(1)} s = ${(row.paid / elapsedS).toFixed(0)} orders/s end to end (target >= 500)`,
      );
      console.log(perOrder);
      console.log(perOrderNet);
      console.log(
        `WAL ${(Number(wal) / Math.max(row.total, 1) / 1024).toFixed(1)} kB per order (pg_current_wal_lsn over the measured run: the whole cluster's, other databases' writes included)`,
      );
      console.log(await describeSchemaWal(db, schema, walBefore, walAfter, row.total, 'order'));
      console.log(
        `idle CPU (ms/s): ${Object.entries(
          Object.entries(idle).reduce<Record<string, number>>((acc, [key, rate]) => {
            const name = key.split('#')[0]!.replace('~', '');
            acc[name] = (acc[name] ?? 0) + rate;
            return acc;
          }, {}),
        )
          .map(([name, rate]) => `${name} ${(rate * 1000).toFixed(1)}`)
          .join(', ')}`,
      );
      console.log(
        `callbacks received ${callbacksReceived} (${(callbacksReceived / Math.max(all.total, 1)).toFixed(2)} per order, warm-up included), delivered more than once: ${repeats}`,
      );
      console.log(
        `POS orders ${sandboxOrders.length}, POS payments ${payments.length} for ${all.total} stored orders (warm-up included)`,
      );
      console.log(
        `check: ${lost} lost (not paid), ${dups.n + posDupes} duplicate POS orders (ours ${dups.n}, POS ${posDupes}), ${payDupes} duplicate payments, ${row.total - row.paid} measured orders without their PAID/CLOSED callback`,
      );
      if (anchors) {
        console.log(describeAnchors(anchors));
        console.log(
          `ratios: accept ${((accept.rps / anchors.bareRps) * 100).toFixed(1)}% of the bare route's req/s; end to end ${((row.paid / elapsedS / anchors.noopJobsPerSecond) * 100).toFixed(1)}% of the no-op worker's jobs/s`,
        );
      }
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (process.env.BENCH_INDEX_USAGE === '1') {
    // Idle backends flush their statistics within 10 s (PGSTAT_IDLE_INTERVAL).
    await new Promise((r) => setTimeout(r, 11_000));
    const measured = await counts(startedAt);
    console.log('index scans during the measured run (idx_scan delta), fewest first:');
    for (const line of describeIndexUse(scansBefore, await indexScans(db, schema), measured.total)) console.log(line);
  }
  if (process.env.BENCH_PLANS === '1' || (preseed > 0 && process.env.BENCH_PLANS !== '0')) {
    const { connectionString } = parseDatabaseUrl(env.DATABASE_URL!);
    console.log('sweeper and operator queries (their SQL as the service sends it, EXPLAIN ANALYZE):');
    const lines = await explainHistory(connectionString, schema, process.env.BENCH_PLANS_VERBOSE === '1');
    for (const line of lines) console.log(line);
  }
} finally {
  // Children first: in-flight requests must finish before their schema goes away.
  await Promise.all(
    children.reverse().map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  if (process.env.BENCH_KEEP_SCHEMA !== '1') await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await db.end();
  receiver.close();
  ownRedis?.kill('SIGTERM');
  proxy?.close();
}
