// One sync per location at a time, across every worker process: a Redis lock with an owner
// (../../lib/redis-lock.ts), kept alive while the sync runs. If the lease
// cannot be renewed (Redis lost it, or this process stalled past the TTL), the sync's signal
// aborts so it stops before another process can take over the same location.
import type { Redis } from 'ioredis';
import { tryAcquireLock } from '../../lib/redis-lock.js';

const RENEW_SCRIPT = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("pexpire", KEYS[1], ARGV[2])
end
return 0`;

export class LockLostError extends Error {
  constructor(key: string) {
    super(`lost the sync lock ${key}; another process may take over`);
    this.name = 'LockLostError';
  }
}

export type LockedResult<T> = { acquired: false } | { acquired: true; value: T };

export async function withRenewedLock<T>(
  redis: Redis,
  key: string,
  ttlMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<LockedResult<T>> {
  const lock = await tryAcquireLock(redis, key, ttlMs);
  if (!lock) return { acquired: false };
  const controller = new AbortController();
  const renew = async () => {
    try {
      const renewed = (await redis.eval(RENEW_SCRIPT, 1, key, lock.owner, String(ttlMs))) as number;
      if (renewed !== 1) controller.abort(new LockLostError(key));
    } catch {
      // A Redis hiccup: try again next tick; the lease still has two thirds of its life.
    }
  };
  const timer = setInterval(() => void renew(), Math.max(100, Math.floor(ttlMs / 3)));
  timer.unref();
  try {
    return { acquired: true, value: await work(controller.signal) };
  } finally {
    clearInterval(timer);
    await lock.release().catch(() => false);
  }
}

/** Throws the abort reason (LockLostError) when the lease was lost. */
export function checkLease(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('sync aborted');
}
