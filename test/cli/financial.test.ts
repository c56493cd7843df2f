// cli financial status|sync|backfill in-process, with real workers (in this process)
// syncing from a listening K-Series sandbox: --wait follows the work to its end; refused
// requests exit non-zero and queue nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerRuntime } from '../../src/jobs/runtime.js';
import { AMS, createFinancialContext, type FinancialContext } from '../financial/helpers.js';
import { startTestWorkers } from '../helpers/workers.js';
import { expectRefusals, runCli, snapshot, type RefusalCase } from './helpers.js';

const DAY = 86_400_000;
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('cli: financial', { timeout: 120_000 }, () => {
  let f: FinancialContext;
  let workers: WorkerRuntime | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    f = await createFinancialContext();
    env = f.workerEnv({ LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await workers?.close();
    await f?.close();
  });

  const cli = (...args: string[]) => runCli(args, env, { timeoutMs: 60_000 });

  it('refuses bad arguments, unknown locations and too long backfills, queueing nothing', async () => {
    const now = Date.now();
    const before = await snapshot(f.ctx.db.prisma);
    const jobsBefore = await f.ctx.app.queues.financialSync.queue.getJobCounts();
    const cases: RefusalCase[] = [
      { args: ['financial', 'sync', 'amsterdam'], code: 2, message: /invalid for argument 'locationId'/ },
      { args: ['financial', 'sync', randomUUID()], code: 1, message: /Location not found/ },
      {
        args: ['financial', 'backfill', f.locationId, '--from', '2024-02-30', '--to', '2024-03-02'],
        code: 2,
        message: /--from.*YYYY-MM-DD/,
      },
      {
        args: ['financial', 'backfill', f.locationId, '--from', date(now - 10 * DAY)],
        code: 2,
        message: /required option '--to <date>' not specified/,
      },
      {
        args: ['financial', 'backfill', f.locationId, '--from', date(now - 10 * DAY), '--to', date(now - 20 * DAY)],
        code: 2,
        message: /--to must not be before --from/,
      },
      {
        args: ['financial', 'backfill', f.locationId, '--from', date(now - 400 * DAY), '--to', date(now - 10 * DAY)],
        code: 2,
        message: /at most 365 days/,
      },
      { args: ['financial', 'sync', f.locationId, '--timeout', '0'], code: 2, message: /--timeout/ },
      { args: ['financial', 'status', randomUUID(), '--json'], code: 1, message: /"code":"NOT_FOUND"/ },
    ];
    await expectRefusals(cli, cases);
    expect(await snapshot(f.ctx.db.prisma)).toEqual(before);
    expect(await f.ctx.app.queues.financialSync.queue.getJobCounts()).toEqual(jobsBefore);
  });

  it('sync --wait and backfill --wait return once the workers are done; status shows it', async () => {
    const now = Date.now();
    await f.generate(AMS.id, 40, new Date(now - 2 * DAY), new Date(now - 3600_000), 11);
    await f.generate(AMS.id, 300, new Date(now - 55 * DAY), new Date(now - 35 * DAY), 12);
    workers = await startTestWorkers(f.ctx);

    const sync = await cli('financial', 'sync', f.locationId, '--wait', '--json');
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.json()).toMatchObject({
      locationId: f.locationId,
      jobId: expect.any(String),
      result: expect.stringMatching(/^synced: /),
    });
    expect(
      await f.ctx.db.prisma.financialSale.count({
        where: { locationId: f.locationId, timeClosed: { gte: new Date(now - 3 * DAY) } },
      }),
    ).toBe(40);

    const backfill = await cli(
      'financial',
      'backfill',
      f.locationId,
      '--from',
      date(now - 60 * DAY),
      '--to',
      date(now - 30 * DAY),
      '--wait',
      '--json',
    );
    expect(backfill.code, backfill.stderr).toBe(0);
    const result = backfill.json<{ chunks: { fromDate: string; toDate: string }[]; done: boolean; sales: number }>();
    expect(result.chunks.length).toBeGreaterThanOrEqual(1);
    expect(result.chunks[0]!.fromDate).toBe(date(now - 60 * DAY));
    expect(result).toMatchObject({ done: true, sales: 300 });
    expect(
      await f.ctx.db.prisma.financialSale.count({
        where: { locationId: f.locationId, timeClosed: { lt: new Date(now - 30 * DAY) } },
      }),
    ).toBe(300);

    const status = await cli('financial', 'status', f.locationId, '--json');
    expect(status.code).toBe(0);
    const body = status.json<{
      datasets: { dataset: string; lastSyncedAt: string | null }[];
      backfill: { pending: unknown[] };
    }>();
    expect(body.datasets.find((d) => d.dataset === 'financials')?.lastSyncedAt).toEqual(expect.any(String));
    expect(body.backfill.pending).toEqual([]);
    const text = await cli('financial', 'status', f.locationId);
    expect(text.stdout).toMatch(/^connectionStatus:\s+CONNECTED$/m);
  });
});
