// bench/token-storm: 1,000 concurrent K-Series calls from 4 worker processes against an access
// token that expires during the run must make exactly one token request; and the token check
// on the hot path (no refresh due) must add < 1 ms at p99.
//   npx tsx bench/token-storm/run.ts      (BENCH_PROCESSES, BENCH_CALLS_PER_PROCESS to change it)
// See README.md for what each phase measures.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { createPrisma } from '../../src/db/prisma.js';
import { tokenCipherFromConfig } from '../../src/integrations/lightspeed/token-crypto.js';
import { closeRedis, createRedis } from '../../src/lib/redis.js';
import { buildSandbox } from '../../src/sandbox/app.js';
import type { PhaseResult } from './worker.js';

const processes = Number(process.env.BENCH_PROCESSES ?? 4);
const callsPerProcess = Number(process.env.BENCH_CALLS_PER_PROCESS ?? 250);
// A short-lived token (so it really expires during the run) and a refresh margin below it.
const ttlSeconds = Number(process.env.BENCH_TOKEN_TTL_SECONDS ?? 10);
const marginMs = 1_000;
const database = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bench';
const schema = `bench_tokens_${Date.now().toString(36)}`;
const clientId = 'bench-client';
const clientSecret = 'bench-client-secret';

const sandbox = await buildSandbox({
  clients: [{ clientId, clientSecret, redirectUris: ['https://bench.invalid/lightspeed/callback'] }],
  accessTokenTtlSeconds: ttlSeconds,
});
await sandbox.listen({ host: '127.0.0.1', port: 0 });
const sandboxUrl = `http://127.0.0.1:${(sandbox.server.address() as { port: number }).port}`;

const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  NODE_ENV: 'test',
  DATABASE_URL: `${database}?schema=${schema}`,
  REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}`,
  LIGHTSPEED_ENV: 'sandbox',
  LIGHTSPEED_SANDBOX_URL: sandboxUrl,
  LIGHTSPEED_CLIENT_ID: clientId,
  LIGHTSPEED_CLIENT_SECRET: clientSecret,
  BENCH_CALLS_PER_PROCESS: String(callsPerProcess),
  BENCH_REFRESH_MARGIN_MS: String(marginMs),
  LOG_LEVEL: 'warn',
};
const config = loadConfig(env);
await migrate(config.DATABASE_URL);
const prisma = createPrisma(config.DATABASE_URL, { poolSize: 2 });
const vendor = await prisma.vendor.create({ data: { name: 'Token storm' } });
const connectionId = randomUUID();
env.BENCH_CONNECTION_ID = connectionId;

const workers: ChildProcess[] = [];
const inbox = new Map<ChildProcess, ((m: { type: string; result?: PhaseResult }) => void)[]>();
function next(child: ChildProcess, type: string): Promise<{ type: string; result?: PhaseResult }> {
  return new Promise((resolve) => {
    const waiting = inbox.get(child) ?? [];
    waiting.push((m) => (m.type === type ? resolve(m) : undefined));
    inbox.set(child, waiting);
  });
}
for (let i = 0; i < processes; i++) {
  const child = fork(path.join(import.meta.dirname, 'worker.ts'), [], { env, execArgv: ['--import', 'tsx'] });
  child.on('message', (m: { type: string }) => {
    for (const fn of inbox.get(child)?.splice(0) ?? []) fn(m);
  });
  workers.push(child);
}
await Promise.all(workers.map((w) => next(w, 'ready')));

// The token is issued now, so its lifetime starts when every process is up.
const issued = sandbox.sandbox.issueTokens({ clientId });
const cipher = tokenCipherFromConfig(config);
const expiresAt = new Date(Date.now() + issued.expires_in * 1000);
await prisma.lightspeedConnection.create({
  data: {
    id: connectionId,
    vendorId: vendor.id,
    environment: 'SANDBOX',
    status: 'CONNECTED',
    accessTokenEnc: cipher.encrypt(issued.access_token, { connectionId, column: 'access_token_enc' }),
    refreshTokenEnc: cipher.encrypt(issued.refresh_token, { connectionId, column: 'refresh_token_enc' }),
    accessTokenExpiresAt: expiresAt,
    scopes: issued.scope.split(' '),
  },
});

async function runPhase(name: string): Promise<PhaseResult[]> {
  const at = Date.now() + 100;
  const results = workers.map((w) => next(w, 'result'));
  for (const w of workers) w.send({ type: 'phase', name, at });
  return (await Promise.all(results)).map((m) => m.result!);
}
async function tokenRequests(): Promise<Record<string, number>> {
  const res = await fetch(`${sandboxUrl}/__sandbox/token-requests`);
  return ((await res.json()) as { byGrantType: Record<string, number> }).byGrantType;
}
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
function summary(name: string, results: PhaseResult[], refreshes: number) {
  const ms = results.flatMap((r) => r.tokenMs).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  const distinct = new Set(results.flatMap((r) => r.tokens)).size;
  const f = (n: number) => n.toFixed(4);
  return `| ${name} | ${ms.length} | ${f(percentile(ms, 50))} | ${f(percentile(ms, 99))} | ${f(ms.at(-1) ?? NaN)} | ${JSON.stringify(statuses)} | ${distinct} | ${refreshes} |`;
}

await Promise.all(
  workers.map((w) => {
    const warm = next(w, 'warm');
    w.send({ type: 'warm' });
    return warm;
  }),
);
const before = await tokenRequests();
const sequential = await runPhase('sequential');
const hot = await runPhase('hot');
const afterHot = await tokenRequests();
const hotDone = Date.now();
// Let the token expire for real (at the sandbox and in our row), then the storm.
await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now() + 200)));
const storm = await runPhase('storm');
const afterStorm = await tokenRequests();
const refreshes = (a: Record<string, number>, b: Record<string, number>) =>
  (b.refresh_token ?? 0) - (a.refresh_token ?? 0);
const totals = (a: Record<string, number>, b: Record<string, number>) =>
  Object.values(b).reduce((s, n) => s + n, 0) - Object.values(a).reduce((s, n) => s + n, 0);

console.log(
  `token-storm: ${processes} processes x ${callsPerProcess} concurrent calls, token ttl ${ttlSeconds}s, refresh margin ${marginMs}ms, ${new Date().toISOString()}`,
);
console.log(
  `hot phases finished ${((expiresAt.getTime() - hotDone) / 1000).toFixed(1)}s before expiry (${((expiresAt.getTime() - hotDone - marginMs) / 1000).toFixed(1)}s before the refresh window); storm started after expiry`,
);
console.log(
  '| phase | calls | token check p50 ms | p99 ms | max ms | K-Series answers | distinct tokens | token requests |',
);
console.log('|---|---|---|---|---|---|---|---|');
console.log(summary('hot path, sequential (5,000 per process)', sequential, 0));
console.log(summary('hot path, concurrent (no refresh due)', hot, totals(before, afterHot)));
console.log(summary('storm (token expired)', storm, totals(afterHot, afterStorm)));
const stormRefreshes = refreshes(afterHot, afterStorm);
const hotRequests = totals(before, afterHot);
if (hotRequests !== 0)
  console.log(
    `INVALID RUN: the hot phases reached the refresh window (${hotRequests} token requests); raise BENCH_TOKEN_TTL_SECONDS`,
  );
console.log(`storm token requests: ${stormRefreshes} (target: exactly 1) -> ${stormRefreshes === 1 ? 'OK' : 'FAIL'}`);

for (const w of workers) w.send({ type: 'stop' });
await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
await prisma.$disconnect();
const client = new pg.Client({ connectionString: database });
await client.connect();
await client.query(`DROP SCHEMA "${schema}" CASCADE`);
await client.end();
const redis = createRedis(config.REDIS_URL);
const keys = await redis.keys(`${env.REDIS_PREFIX}:*`);
if (keys.length > 0) await redis.del(...keys);
await closeRedis(redis);
await sandbox.close();
process.exit(stormRefreshes === 1 && hotRequests === 0 ? 0 : 1);
