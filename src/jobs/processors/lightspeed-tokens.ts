// Keeps idle Lightspeed connections alive. The sweep (a BullMQ job scheduler) finds connections
// whose access token expires soon and enqueues one refresh job per connection (payload: the
// connection id only); it also re-encrypts tokens written with an old encryption key.
// The refresh goes through the token manager, so it shares the one-refresh-per-connection lock
// with every API and worker process.
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../../db/prisma.js';
import { ConnectionUnavailableError } from '../../integrations/lightspeed/access-token-provider.js';
import type { TokenCipher } from '../../integrations/lightspeed/token-crypto.js';
import type { TokenManager } from '../../services/connections/token-manager.js';
import { reencryptStaleTokens } from '../../services/connections/reencrypt-with-rotated-key.js';
import { JOB_IDS } from '../../queues/definitions.js';
import type { QueueProducers } from '../../queues/producers.js';

const BATCH = 500;

export interface TokenJobsDeps {
  prisma: PrismaClient;
  queues: Pick<QueueProducers, 'lightspeedTokenRefresh'>;
  tokens: TokenManager;
  cipher: TokenCipher;
  log: FastifyBaseLogger;
  /** Refresh tokens that expire within this window. */
  refreshAheadMs: number;
  /** The sweep interval: one refresh job per connection per interval at most. */
  sweepIntervalMs: number;
}

export function createTokenJobs(deps: TokenJobsDeps) {
  const { prisma, log } = deps;

  return {
    async sweep(): Promise<{ enqueued: number; reencrypted: number }> {
      const due = await prisma.lightspeedConnection.findMany({
        where: { status: 'CONNECTED', accessTokenExpiresAt: { lt: new Date(Date.now() + deps.refreshAheadMs) } },
        select: { id: true },
        orderBy: { accessTokenExpiresAt: 'asc' },
        take: BATCH,
      });
      const tick = Math.floor(Date.now() / deps.sweepIntervalMs);
      for (const { id } of due) {
        await deps.queues.lightspeedTokenRefresh.add(
          { connectionId: id },
          { jobId: JOB_IDS.lightspeedTokenRefresh(id, tick) },
        );
      }
      const { reencrypted } = await reencryptStaleTokens({ prisma, cipher: deps.cipher });
      if (due.length > 0 || reencrypted > 0) log.info({ enqueued: due.length, reencrypted }, 'token sweep');
      return { enqueued: due.length, reencrypted };
    },

    async refresh({ connectionId }: { connectionId: string }): Promise<{ refreshed: boolean }> {
      try {
        return { refreshed: await deps.tokens.refreshIfDue(connectionId, deps.refreshAheadMs) };
      } catch (err) {
        // Disconnected (or reconnect required, already logged for the vendor): nothing to retry.
        if (err instanceof ConnectionUnavailableError) return { refreshed: false };
        throw err;
      }
    },
  };
}
