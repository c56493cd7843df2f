// The scheduled token refresh with real BullMQ workers: an idle connection nearing expiry is
// refreshed ahead of time; job data carries the connection id only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerRuntime } from '../../src/jobs/runtime.js';
import { startTestWorkers, waitFor } from '../helpers/workers.js';
import { connectedVendor, createConnectContext, tokenRequests, type ConnectContext } from './helpers.js';

describe('token refresh job', () => {
  let c: ConnectContext;
  let workers: WorkerRuntime | undefined;
  beforeAll(async () => {
    c = await createConnectContext({
      env: { LIGHTSPEED_TOKEN_SWEEP_SECONDS: '1', LIGHTSPEED_TOKEN_REFRESH_AHEAD_SECONDS: '600' },
    });
  });
  afterAll(async () => {
    await workers?.close();
    await c?.close();
  });

  it('refreshes idle connections before they expire, and leaves the others alone', async () => {
    const due = await connectedVendor(c.ctx, 'Idle');
    const fresh = await connectedVendor(c.ctx, 'Fresh');
    const gone = await connectedVendor(c.ctx, 'Gone');
    const prisma = c.ctx.db.prisma;
    // Eight minutes left: no API call would refresh it yet (5-minute margin); the sweep does.
    await prisma.lightspeedConnection.update({
      where: { id: due.connectionId },
      data: { accessTokenExpiresAt: new Date(Date.now() + 8 * 60_000) },
    });
    await prisma.lightspeedConnection.update({
      where: { id: gone.connectionId },
      data: { status: 'DISCONNECTED', accessTokenExpiresAt: new Date(Date.now() + 60_000) },
    });
    const before = {
      due: await prisma.lightspeedConnection.findUniqueOrThrow({ where: { id: due.connectionId } }),
      fresh: await prisma.lightspeedConnection.findUniqueOrThrow({ where: { id: fresh.connectionId } }),
      gone: await prisma.lightspeedConnection.findUniqueOrThrow({ where: { id: gone.connectionId } }),
    };
    const refreshesBefore = (await tokenRequests(c.sandbox)).byGrantType.refresh_token ?? 0;

    workers = await startTestWorkers(c.ctx);
    const after = await waitFor(async () => {
      const row = await prisma.lightspeedConnection.findUniqueOrThrow({ where: { id: due.connectionId } });
      return row.version > before.due.version ? row : null;
    }, 'the sweep to refresh the idle connection');
    expect(after.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(after.refreshTokenEnc).not.toBe(before.due.refreshTokenEnc);
    expect(after.lastError).toBeNull();

    // Give the sweep another round: nothing else is refreshed.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await tokenRequests(c.sandbox)).byGrantType.refresh_token).toBe(refreshesBefore + 1);
    expect((await prisma.lightspeedConnection.findUniqueOrThrow({ where: { id: fresh.connectionId } })).version).toBe(
      before.fresh.version,
    );
    expect((await prisma.lightspeedConnection.findUniqueOrThrow({ where: { id: gone.connectionId } })).version).toBe(
      before.gone.version,
    );

    const jobs = await workers.queues.lightspeedTokenRefresh.queue.getJobs(['completed']);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) expect(Object.keys(job.data as object)).toEqual(['connectionId']);
    expect(jobs.map((j) => (j.data as { connectionId: string }).connectionId)).toContain(due.connectionId);
  });
});
