// The sync as it runs in production: worker processes (src/worker.ts as child processes) with the
// per-location job schedulers. A worker killed mid-sync leaves a checkpoint that the next worker
// resumes from; two workers never sync the same location at once (seen from the K-Series side,
// through the recording proxy); schedulers follow which locations are connected and mapped.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Job } from 'bullmq';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFinancialScheduler,
  financialSchedulerId,
  scheduleOffsetMs,
} from '../../src/jobs/processors/financial-schedules.js';
import { windowCursor } from '../../src/services/financial/checkpoints.js';
import { startTestWorkers, waitFor } from '../helpers/workers.js';
import { AMS, createFinancialContext, maxInFlight, NYC, type FinancialContext, type Recorded } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
const DAY = 86_400_000;
/** Sync requests per location in the concurrency test. */
const PER_LOCATION = 6;

interface WorkerProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      try {
        lines.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      } catch {
        // not a log line
      }
      buffer = buffer.slice(nl + 1);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

async function stop(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  await worker.exited;
}

// Fast takeover of a dead worker's job (BullMQ lock 5 s, stall check every second: shorter locks
// make a worker on a busy machine look dead to itself) and a sync lease of 2 s, so the retaken job
// finds the dead worker's sync lock expired.
const FAST_RECOVERY = {
  WORKER_LOCK_DURATION_MS: '5000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  FINANCIAL_SYNC_LOCK_TTL_SECONDS: '2',
};
const PROCESS_TEST_TIMEOUT = 60_000;

describe('financial sync in worker processes', () => {
  let f: FinancialContext;
  const started: WorkerProcess[] = [];
  const financialsOf = (bl: number) => (r: Recorded) => r.url.startsWith(`/f/finance/${bl}/financials/`);
  const anyCallOf = (bl: number) => (r: Recorded) =>
    r.url.startsWith(`/f/finance/${bl}/`) || r.url.includes(`businessLocationId=${bl}`);

  beforeAll(async () => {
    f = await createFinancialContext(FAST_RECOVERY);
  });
  afterAll(async () => {
    await Promise.all(started.map(stop));
    await f?.close();
  });

  it(
    'a worker killed mid-sync leaves a checkpoint the next worker resumes from',
    async () => {
      const { prisma } = f.ctx.db;
      await f.generate(AMS.id, 3500, new Date(Date.now() - 6 * DAY), new Date(Date.now() - 3600_000));
      // Slow pages, so the kill lands between two of them.
      await f.control('POST', '/faults/latency', { ms: 400, pathPrefix: `/f/finance/${AMS.id}/financials` });
      const readRun = async () => {
        const row = await prisma.syncCheckpoint.findUnique({
          where: { locationId_dataset: { locationId: f.locationId, dataset: 'financials' } },
        });
        return windowCursor.parse(row?.cursor ?? {});
      };

      // The worker's schedule refresh creates the location's scheduler, whose first run starts at once.
      const first = spawnWorker(f.workerEnv());
      started.push(first);
      await waitFor(async () => (await readRun()).run?.nextPageToken, 'the first page to be stored', 30_000);
      first.child.kill('SIGKILL');
      await first.exited;
      const killedAt = Date.now();
      const { run } = await readRun();
      const stored = await prisma.financialSale.count({ where: { locationId: f.locationId } });
      expect(run?.nextPageToken).toMatch(/^A17700\.\d+$/);
      expect(stored).toBeGreaterThanOrEqual(run!.pages * 1000);
      expect(stored).toBeLessThan(3500);
      await f.control('DELETE', '/faults');

      // A new worker retakes the dead one's job and finishes the window from the checkpoint.
      const second = await startTestWorkers(f.ctx);
      try {
        await waitFor(async () => (await readRun()).syncedThrough, 'the resumed sync to complete', 40_000);
      } finally {
        await second.close();
      }
      const rows = await prisma.financialSale.findMany({
        where: { locationId: f.locationId },
        select: { receiptId: true },
      });
      expect(rows).toHaveLength(3500);
      expect(new Set(rows.map((r) => r.receiptId)).size).toBe(3500);
      const chunkPath = `/f/finance/${AMS.id}/financials/${encodeURIComponent(run!.chunkFrom)}/${encodeURIComponent(run!.chunkTo)}`;
      const resumed = f.proxy.requests.filter(
        (r) => financialsOf(AMS.id)(r) && r.start > killedAt && r.url.startsWith(chunkPath),
      );
      expect(resumed[0]?.url).toContain(`nextPageToken=${run!.nextPageToken}`);
      // Only the pages the dead worker had not stored were read again.
      expect(resumed).toHaveLength(Math.ceil(3500 / 1000) - run!.pages);
      console.log(
        `killed after ${run!.pages} stored page(s); resumed with ${resumed.length} page(s), ${Date.now() - killedAt} ms after the kill`,
      );
    },
    PROCESS_TEST_TIMEOUT,
  );

  it(
    'two worker processes never sync the same location at the same time',
    async () => {
      const workers = [spawnWorker(f.workerEnv()), spawnWorker(f.workerEnv())];
      started.push(...workers);
      for (const w of workers)
        await waitFor(async () => w.lines.some((l) => l.msg === 'workers started'), 'a worker to start', 20_000);
      // Every K-Series call takes 150 ms, so syncs last long enough to collide if they could.
      await f.control('POST', '/faults/latency', { ms: 150, pathPrefix: '/f/finance' });
      const since = Date.now();
      const jobs: Job[] = [];
      for (let i = 0; i < PER_LOCATION; i++) {
        for (const locationId of [f.locationId, f.nycLocationId])
          jobs.push(await f.ctx.app.queues.financialSync.add({ locationId, trigger: 'manual' }));
      }
      await waitFor(
        async () => {
          const states = await Promise.all(jobs.map((j) => j.getState()));
          return states.every((s) => s === 'completed' || s === 'failed');
        },
        'every requested sync to finish',
        50_000,
      );
      await f.control('DELETE', '/faults');
      expect(await Promise.all(jobs.map((j) => j.getState()))).toEqual(jobs.map(() => 'completed'));

      const calls = f.proxy.requests.filter((r) => r.start >= since);
      expect(maxInFlight(calls, anyCallOf(AMS.id))).toBe(1);
      expect(maxInFlight(calls, anyCallOf(NYC.id))).toBe(1);
      // The lock is per location: the two locations did sync side by side.
      expect(maxInFlight(calls, (r) => anyCallOf(AMS.id)(r) || anyCallOf(NYC.id)(r))).toBe(2);
      const finishedLines = workers.map((w) =>
        w.lines.filter((l) => l.msg === 'financial sync finished' && Number(l.time) >= since),
      );
      console.log(
        `syncs finished per process: ${finishedLines.map((l) => l.length).join(', ')}; K-Series calls: ${calls.length}`,
      );
      expect(finishedLines.flat()).toHaveLength(2 * PER_LOCATION);
      // Both processes synced the same location at some point: the lock kept them apart, not luck
      // in how jobs were handed out (each location's syncs all landing in one process: ~1 in 1,000).
      const locationsOf = finishedLines.map((lines) => new Set(lines.map((l) => l.locationId)));
      expect([f.locationId, f.nycLocationId].some((id) => locationsOf.every((set) => set.has(id)))).toBe(true);
    },
    PROCESS_TEST_TIMEOUT,
  );

  it('keeps one scheduler per connected, mapped location and drops unmapped ones', async () => {
    const queue = f.ctx.app.queues.financialSync.queue;
    const every = f.ctx.config.FINANCIAL_SYNC_INTERVAL_SECONDS * 1000;
    const refresh = createFinancialScheduler({ prisma: f.ctx.db.prisma, queues: f.ctx.app.queues, everyMs: every });
    await refresh();
    const keys = async () => (await queue.getJobSchedulers()).map((s) => [s.key, s.every]).sort();
    expect(await keys()).toEqual(
      [
        [financialSchedulerId(f.locationId), every],
        [financialSchedulerId(f.nycLocationId), every],
      ].sort(),
    );
    // Schedulers live in Redis: refreshing again (another process, a restart) changes nothing.
    expect(await refresh()).toEqual({ scheduled: 2, added: 0, removed: 0 });

    const res = await f.ctx.app.inject({
      method: 'PATCH',
      url: `/v1/locations/${f.nycLocationId}`,
      headers: { authorization: `Bearer ${f.vendor.apiKey}` },
      payload: { businessLocationId: null },
    });
    expect(res.statusCode).toBe(200);
    expect(await refresh()).toEqual({ scheduled: 1, added: 0, removed: 1 });
    expect(await keys()).toEqual([[financialSchedulerId(f.locationId), every]]);
  });

  it('spreads the locations over the interval, and syncs a new location at once', async () => {
    const queue = f.ctx.app.queues.financialSync.queue;
    // A long interval, so the slots cannot coincide by chance.
    const every = 3_600_000;
    for (const s of await queue.getJobSchedulers()) await queue.removeJobScheduler(s.key);
    await f.ctx.db.prisma.location.update({ where: { id: f.nycLocationId }, data: { businessLocationId: NYC.id } });
    const refresh = createFinancialScheduler({ prisma: f.ctx.db.prisma, queues: f.ctx.app.queues, everyMs: every });
    const before = Date.now();
    expect(await refresh()).toEqual({ scheduled: 2, added: 2, removed: 0 });

    const schedulers = await queue.getJobSchedulers();
    const offsets = new Map(schedulers.map((s) => [s.key, s.offset ?? 0]));
    for (const locationId of [f.locationId, f.nycLocationId]) {
      const scheduler = schedulers.find((s) => s.key === financialSchedulerId(locationId))!;
      // Each runs at its own point of the interval, the same in every process.
      expect(scheduler.offset ?? 0).toBe(scheduleOffsetMs(locationId, every));
      expect(scheduler.next! % every).toBe(scheduleOffsetMs(locationId, every));
      expect(scheduler.next!).toBeGreaterThan(before);
      expect(scheduler.next!).toBeLessThanOrEqual(before + every + 1000);
      // ...and a new location does not wait for its slot: one sync is queued now.
      const firstJobId = await queue.getDeduplicationJobId(`financial-sync-first:${locationId}`);
      const first = firstJobId ? await queue.getJob(firstJobId) : undefined;
      expect(first?.data).toMatchObject({ locationId, trigger: 'schedule' });
      expect(first?.opts.delay ?? 0).toBe(0);
    }
    expect(new Set(offsets.values()).size).toBe(2);
    // An existing scheduler with its slot is left alone: no second immediate sync.
    expect(await refresh()).toEqual({ scheduled: 2, added: 0, removed: 0 });
  });
});
