// bench/webhook-ingest: authenticated Lightspeed webhooks stored and acknowledged per second,
// against a bare Fastify route measured in the same run on the same machine.
//   npm run bench:webhook-ingest            (BENCH_SECONDS, BENCH_CONNECTIONS to change the load)
//   BENCH_CPU_PROF=<dir>                     writes V8 CPU profiles of both servers there (bare/, app/)
// Target (DESIGN.md): >= 30% of the bare route's requests/s, p99 < 10 ms, every acknowledged
// event in Postgres.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { cpuPerUnit, snapshotCpu } from '../lib/cpu.js';
import { load, type LoadResult } from '../lib/load.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const database = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bench';
const schema = `bench_${Date.now().toString(36)}`;
const env = {
  ...process.env,
  DATABASE_URL: `${database}?schema=${schema}`,
  REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}`,
  LIGHTSPEED_WEBHOOK_USER: 'lightspeed',
  LIGHTSPEED_WEBHOOK_PASSWORD: 'bench-webhook-password',
};
const auth = `Basic ${Buffer.from('lightspeed:bench-webhook-password').toString('base64')}`;

async function startServer(mode: 'bare' | 'app') {
  const profileDir = process.env.BENCH_CPU_PROF;
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(profileDir, mode)] : [];
  const child = fork(path.join(import.meta.dirname, 'server.ts'), [mode], {
    env,
    execArgv: ['--import', 'tsx', ...profile],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.send('stop');
      }),
  };
}

let n = 0;
const body = () =>
  JSON.stringify({
    type: 'ORDER',
    status: 'CHECK_WAS_UPDATED',
    thirdPartyReference: `bench-${process.pid}-${n++}`,
    businessLocationId: 45454565682156,
    ikentooAccountIdentifier: 'A17700.3',
  });

function line(name: string, r: LoadResult) {
  return `| ${name} | ${r.requests} | ${r.non2xx + r.errors} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} |`;
}

await migrate(env.DATABASE_URL);
const bare = await startServer('bare');
await load({ url: bare.url, body, connections, durationS: 2 }); // warm-up
const bareCpuBefore = snapshotCpu({ server: bare.pid });
const bareResult = await load({ url: bare.url, body, connections, durationS: seconds });
const bareCpuAfter = snapshotCpu({ server: bare.pid });
const bareCpu = cpuPerUnit(bareCpuBefore, bareCpuAfter, bareResult.requests, 'request');
await bare.stop();

const app = await startServer('app');
await load({ url: app.url, headers: { authorization: auth }, body, connections, durationS: 2 });
const client = new pg.Client({ connectionString: database });
await client.connect();
const before = Number((await client.query(`SELECT count(*) FROM "${schema}".webhook_events`)).rows[0].count);
const appCpuBefore = snapshotCpu({ app: app.pid });
const appResult = await load({ url: app.url, headers: { authorization: auth }, body, connections, durationS: seconds });
// Postgres backends are matched by the app's open connections, so read them before it stops.
const appCpuAfter = snapshotCpu({ app: app.pid });
const appCpu = cpuPerUnit(appCpuBefore, appCpuAfter, appResult.requests, 'request');
await app.stop();
const stored = Number((await client.query(`SELECT count(*) FROM "${schema}".webhook_events`)).rows[0].count) - before;
await client.query(`DROP SCHEMA "${schema}" CASCADE`);
await client.end();

const acknowledged = appResult.requests - appResult.non2xx - appResult.errors;
const ratio = appResult.rps / bareResult.rps;
console.log(`webhook-ingest: ${seconds}s per target, ${connections} connections, ${new Date().toISOString()}`);
console.log('| target | requests | failed | req/s | p50 ms | p99 ms |');
console.log('|---|---|---|---|---|---|');
console.log(line('bare Fastify route', bareResult));
console.log(line('POST /webhook/lightspeed', appResult));
console.log(
  `ratio ${(ratio * 100).toFixed(1)}% of the bare route (target >= 30%); p99 ${appResult.p99} ms (target < 10 ms)`,
);
// CPU per request is the figure that survives a shared machine: compare it between runs.
console.log(`bare route: ${bareCpu}`);
console.log(`webhook: ${appCpu}`);
const micros = (before: Record<string, number>, after: Record<string, number>, key: string, requests: number) =>
  (((after[key] ?? 0) - (before[key] ?? 0)) * 1e6) / Math.max(requests, 1);
console.log(
  `server process CPU per request: bare route ${micros(bareCpuBefore, bareCpuAfter, 'server', bareResult.requests).toFixed(1)} µs, webhook app ${micros(appCpuBefore, appCpuAfter, 'app', appResult.requests).toFixed(1)} µs`,
);
// Requests still in flight when the load stops are stored but not counted as acknowledged.
console.log(
  `acknowledged ${acknowledged}, stored ${stored}: ${stored >= acknowledged ? 'every acknowledged event is in Postgres' : 'LOST EVENTS'}`,
);
