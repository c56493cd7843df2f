// Anchors measured in the same run as a benchmark, so that a figure taken on this shared machine
// can be read as a ratio to something whose cost does not depend on our code:
// - a bare Fastify JSON route (requests/s and CPU per request of its process);
// - a BullMQ worker doing nothing (jobs/s and CPU per job of the worker plus Redis).
// Both are bounded in count and time and talk to 127.0.0.1 only.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { cpuSecondsOfPid, cpuSecondsOfComm } from './cpu.js';
import { load } from './load.js';

export interface Anchors {
  bareRps: number;
  bareCpuMsPerRequest: number;
  noopJobsPerSecond: number;
  noopCpuMsPerJob: number;
}

/** A bare Fastify route in its own process, loaded for `seconds`. */
async function bareRoute(seconds: number, connections: number) {
  const child = fork(path.join(import.meta.dirname, '../webhook-ingest/server.ts'), ['bare'], {
    execArgv: ['--import', 'tsx'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`bare route exited with ${code}`)));
  });
  await load({ url, body: () => '{"a":1}', connections, durationS: 1 }); // warm-up
  const before = cpuSecondsOfPid(child.pid!);
  const r = await load({ url, body: () => '{"a":1}', connections, durationS: seconds });
  const cpu = cpuSecondsOfPid(child.pid!) - before;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.send('stop');
  });
  return { rps: r.rps, cpuMsPerRequest: (cpu * 1000) / Math.max(r.requests, 1) };
}

/** A BullMQ worker (concurrency 50, in this process) running `count` no-op jobs, at most `seconds`. */
async function noopWorker(redisUrl: string, count: number, seconds: number, redisPid?: number) {
  // The bench's own Redis when it has one; else every redis-server here (shared, so noisier).
  const redisCpu = () => (redisPid ? cpuSecondsOfPid(redisPid) : cpuSecondsOfComm('redis-server'));
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
  const prefix = `bench-anchor:${randomBytes(4).toString('hex')}`;
  const queue = new Queue('noop', { connection, prefix });
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const worker = new Worker(
    'noop',
    async () => {
      if (++done === count) resolveAll();
    },
    { connection, prefix, concurrency: 50, removeOnComplete: { count: 0 } },
  );
  await worker.waitUntilReady();
  const cpuBefore = cpuSecondsOfPid(process.pid) + redisCpu();
  const started = Date.now();
  // Added in chunks, as a producer would, rather than one giant bulk.
  for (let i = 0; i < count; i += 100)
    await queue.addBulk(
      Array.from({ length: Math.min(100, count - i) }, (_, j) => ({ name: 'noop', data: { i: i + j } })),
    );
  await Promise.race([all, new Promise((r) => setTimeout(r, seconds * 1000))]);
  const elapsedS = (Date.now() - started) / 1000;
  const cpu = cpuSecondsOfPid(process.pid) + redisCpu() - cpuBefore;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { jobsPerSecond: done / elapsedS, cpuMsPerJob: (cpu * 1000) / Math.max(done, 1) };
}

export async function measureAnchors(options: {
  redisUrl: string;
  connections: number;
  redisPid?: number;
}): Promise<Anchors> {
  const bare = await bareRoute(3, options.connections);
  const noop = await noopWorker(options.redisUrl, 5000, 20, options.redisPid);
  return {
    bareRps: bare.rps,
    bareCpuMsPerRequest: bare.cpuMsPerRequest,
    noopJobsPerSecond: noop.jobsPerSecond,
    noopCpuMsPerJob: noop.cpuMsPerJob,
  };
}

export function describeAnchors(a: Anchors): string {
  return (
    `anchors (same run): bare Fastify route ${a.bareRps.toFixed(0)} req/s, ${a.bareCpuMsPerRequest.toFixed(3)} ms CPU/request; ` +
    `BullMQ no-op worker ${a.noopJobsPerSecond.toFixed(0)} jobs/s, ${a.noopCpuMsPerJob.toFixed(3)} ms CPU/job (worker + Redis)`
  );
}
