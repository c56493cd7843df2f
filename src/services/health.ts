// Readiness: can this process reach Postgres and Redis? Each check answers up or down with the
// error, so the probe names the dependency that is missing.
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/prisma.js';

export interface DependencyCheck {
  ok: boolean;
  error?: string;
}

const CHECK_TIMEOUT_MS = 1_500;

async function check(probe: () => Promise<unknown>): Promise<DependencyCheck> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message || 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthService(deps: { prisma: PrismaClient; redis: Redis }) {
  return {
    async dependencies(): Promise<{ postgres: DependencyCheck; redis: DependencyCheck }> {
      const [postgres, redis] = await Promise.all([
        check(() => deps.prisma.$queryRaw`SELECT 1`),
        check(() => deps.redis.ping()),
      ]);
      return { postgres, redis };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
