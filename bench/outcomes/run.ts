// The webhook outcome path alone: N orders, each getting its three K-Series webhooks (ORDER
// SUCCESS, PAYMENT SUCCESS, ORDER CLOSED), stored beforehand in batches of BENCH_BATCH events
// and applied by the process-webhook processor, BENCH_JOBS batches at a time. Prints CPU per
// order of this process and of its Postgres backends (from /proc), and statements and commits
// per order from pg_stat_database. No queue: the payment enqueue goes to a no-op producer.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { migrate } from '../../src/db/migrate.js';
import { createPrisma, poolOf } from '../../src/db/prisma.js';
import { createWebhookProcessor } from '../../src/jobs/processors/apply-webhook-events.js';
import type { QueueProducers } from '../../src/queues/producers.js';
import { createOrderUpdates } from '../../src/services/orders/apply-notifications.js';
import { newOrderReferences } from '../../src/services/orders/references.js';

const orders = Number(process.env.BENCH_ORDERS ?? 2000);
const batchSize = Number(process.env.BENCH_BATCH ?? 2);
const jobs = Number(process.env.BENCH_JOBS ?? 4);
const database = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bench';
const schema = `outcomes_${Date.now().toString(36)}`;
const url = `${database}?schema=${schema}`;
const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;

await migrate(url);
const prisma = createPrisma(url, { poolSize: jobs + 1 });
const pool = poolOf(prisma);
const queues = { applyPayment: { add: async () => undefined } } as unknown as QueueProducers;
const orderUpdates = createOrderUpdates({ prisma, queues, log });
const process_ = createWebhookProcessor({
  prisma,
  orderUpdates,
  log,
  invalidateLocationCache: async () => {},
  pushAvailability: async () => 0,
});

const vendor = await prisma.vendor.create({ data: { name: 'bench', callbackUrl: 'https://vendor.test/cb' } });
const location = await prisma.location.create({ data: { vendorId: vendor.id, name: 'bench', businessLocationId: 1n } });
const refs = Array.from({ length: orders }, () => newOrderReferences());
await prisma.order.createMany({
  data: refs.map((r) => ({
    vendorId: vendor.id,
    locationId: location.id,
    ...r,
    requestHash: r.reference,
    type: 'LOCAL' as const,
    status: 'SUBMITTED' as const,
    payload: {},
    paymentAmount: 4,
    paymentMethod: 'OOPAYMENT',
    deadlineAt: new Date(Date.now() + 600_000),
    submittedAt: new Date(),
  })),
});
const phases = [
  refs.map((r, i) => ({
    type: 'ORDER',
    status: 'SUCCESS',
    thirdPartyReference: r.reference,
    ikentooAccountIdentifier: `A${i}.1`,
  })),
  refs.map((r) => ({ type: 'PAYMENT', status: 'SUCCESS', thirdPartyReference: r.paymentReference })),
  refs.map((r) => ({ type: 'ORDER', status: 'CLOSED', thirdPartyReference: r.reference })),
];
const batches: string[][][] = [];
for (const bodies of phases) {
  const ids = bodies.map(() => randomUUID());
  await prisma.webhookEvent.createMany({
    data: bodies.map((body, i) => ({ id: ids[i]!, dedupeKey: ids[i]!, type: body.type, payload: body })),
  });
  const phase: string[][] = [];
  for (let i = 0; i < ids.length; i += batchSize) phase.push(ids.slice(i, i + batchSize));
  batches.push(phase);
}

// Every pool connection open, so that its backend is counted.
const clients = await Promise.all(Array.from({ length: jobs + 1 }, () => pool.connect()));
const pids = await Promise.all(clients.map(async (c) => (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid));
for (const c of clients) c.release();
const ticks = () =>
  pids.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return sum + Number(fields[11]) + Number(fields[12]);
  }, 0);
const dbStats = async () =>
  (
    await pool.query(
      `SELECT xact_commit::bigint AS commits, tup_inserted + tup_updated AS writes FROM pg_stat_database WHERE datname = current_database()`,
    )
  ).rows[0];

const [cpu0, ticks0, stats0, t0] = [process.cpuUsage(), ticks(), await dbStats(), Date.now()];
for (const phase of batches) {
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < phase.length) await process_(phase[next++]!);
    }),
  );
}
const elapsed = Date.now() - t0;
const cpu = process.cpuUsage(cpu0);
const pgMs = (ticks() - ticks0) * 10;
const stats1 = await dbStats();
const statuses = await prisma.order.groupBy({ by: ['status'], _count: true });
const unprocessed = await prisma.webhookEvent.count({ where: { status: { not: 'PROCESSED' } } });
console.log(`${orders} orders, 3 webhooks each, batches of ${batchSize}, ${jobs} jobs at a time: ${elapsed} ms`);
console.log(
  `CPU per order: node ${((cpu.user + cpu.system) / 1000 / orders).toFixed(3)} ms, postgres backends ${(pgMs / orders).toFixed(3)} ms`,
);
console.log(
  `commits per order ${((Number(stats1.commits) - Number(stats0.commits)) / orders).toFixed(2)} (whole database, this run only)`,
);
console.log(
  `orders by status ${JSON.stringify(statuses.map((s) => [s.status, s._count]))}; events not PROCESSED ${unprocessed}`,
);
await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
await prisma.$disconnect();
