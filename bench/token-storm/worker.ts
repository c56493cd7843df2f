// One of the benchmark's worker processes: its own token manager (own Prisma pool, own Redis
// connection, own cache), asked for a token before each "K-Series call" (a GET of the
// businesses at the sandbox). Phases are started by the orchestrator over IPC.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { Agent, fetch } from 'undici';
import { loadConfig } from '../../src/config.js';
import { createPrisma } from '../../src/db/prisma.js';
import { createLightspeedOAuth } from '../../src/integrations/lightspeed/oauth-client.js';
import { tokenCipherFromConfig } from '../../src/integrations/lightspeed/token-crypto.js';
import { createTokenManager } from '../../src/services/connections/token-manager.js';
import { closeRedis, createRedis, redisKey } from '../../src/lib/redis.js';
import { createIntegrationLog } from '../../src/services/integration-log.js';

export interface PhaseResult {
  pid: number;
  phase: string;
  /** Milliseconds spent in getAccess, one per call. */
  tokenMs: number[];
  statuses: Record<string, number>;
  /** Short SHA-256 fingerprints of the access tokens used (never the tokens). */
  tokens: string[];
}

const config = loadConfig();
const connectionId = process.env.BENCH_CONNECTION_ID!;
const calls = Number(process.env.BENCH_CALLS_PER_PROCESS ?? 250);
const log = pino({ level: 'warn' }) as unknown as FastifyBaseLogger;
const prisma = createPrisma(config.DATABASE_URL, { poolSize: 10 });
const redis = createRedis(config.REDIS_URL);
const tokens = createTokenManager({
  prisma,
  redis,
  redisKey: (...parts) => redisKey(config.REDIS_PREFIX, ...parts),
  cipher: tokenCipherFromConfig(config),
  oauth: createLightspeedOAuth({ config }),
  config,
  integrationLog: createIntegrationLog({ prisma }),
  log,
  options: { refreshMarginMs: Number(process.env.BENCH_REFRESH_MARGIN_MS ?? 300_000), pollMs: 10 },
});
const dispatcher = new Agent({ connections: 64 });

/**
 * One K-Series call: token check, then the HTTP call. The HTTP calls wait until every token
 * check of the phase is done, so a check's time is not inflated by other calls' request set-up
 * running on the same event loop.
 */
async function oneCall(result: PhaseResult, checksDone: Promise<void>, checked: () => void): Promise<void> {
  const started = performance.now();
  let access = await tokens.getAccess(connectionId);
  result.tokenMs.push(performance.now() - started);
  checked();
  await checksDone;
  let res = await fetch(`${access.baseUrl}/o/op/data/businesses`, {
    headers: { authorization: `Bearer ${access.accessToken}` },
    dispatcher,
  });
  if (res.status === 401) {
    await res.body?.cancel();
    access = await tokens.refreshAfterUnauthorized(connectionId, access.accessToken);
    res = await fetch(`${access.baseUrl}/o/op/data/businesses`, {
      headers: { authorization: `Bearer ${access.accessToken}` },
      dispatcher,
    });
  }
  await res.arrayBuffer();
  result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
  const fingerprint = createHash('sha256').update(access.accessToken).digest('hex').slice(0, 12);
  if (!result.tokens.includes(fingerprint)) result.tokens.push(fingerprint);
}

async function phase(name: string, at: number): Promise<PhaseResult> {
  const result: PhaseResult = { pid: process.pid, phase: name, tokenMs: [], statuses: {}, tokens: [] };
  await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
  if (name === 'sequential') {
    // The hot path alone: one check at a time, nothing else on the event loop.
    for (let i = 0; i < 5_000; i++) {
      const started = performance.now();
      await tokens.getAccess(connectionId);
      result.tokenMs.push(performance.now() - started);
    }
    return result;
  }
  let pending = calls;
  let release!: () => void;
  const checksDone = new Promise<void>((r) => (release = r));
  const checked = () => {
    if (--pending === 0) release();
  };
  // All calls of this process at once.
  await Promise.all(
    Array.from({ length: calls }, () =>
      oneCall(result, checksDone, checked).catch(() => {
        checked();
        result.statuses.error = (result.statuses.error ?? 0) + 1;
      }),
    ),
  );
  return result;
}

process.on('message', (message: { type: 'warm' } | { type: 'phase'; name: string; at: number } | { type: 'stop' }) => {
  void (async () => {
    if (message.type === 'warm') {
      // The first call of a process reads Postgres; the hot path starts after it.
      await tokens.getAccess(connectionId);
      process.send!({ type: 'warm' });
    } else if (message.type === 'phase') {
      process.send!({ type: 'result', result: await phase(message.name, message.at) });
    } else {
      await dispatcher.close();
      await closeRedis(redis);
      await prisma.$disconnect();
      process.exit(0);
    }
  })();
});
process.send!({ type: 'ready' });
