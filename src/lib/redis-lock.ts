// A Redis lock with an owner value: SET key owner NX PX ttl to take it, and a compare-and-delete
// script to release it, so an owner whose lock expired (and was taken by someone else) cannot
// release the new owner's lock.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE_SCRIPT = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
end
return 0`;

export interface HeldLock {
  key: string;
  owner: string;
  /** True when this owner still held the lock and deleted it. */
  release(): Promise<boolean>;
}

/** Releases `key` only when it still holds `owner`. */
export async function releaseLock(redis: Redis, key: string, owner: string): Promise<boolean> {
  const deleted = (await redis.eval(RELEASE_SCRIPT, 1, key, owner)) as number;
  return deleted === 1;
}

/** Takes the lock when it is free; null when someone else holds it. */
export async function tryAcquireLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | null> {
  const owner = randomBytes(16).toString('hex');
  const result = await redis.set(key, owner, 'PX', ttlMs, 'NX');
  if (result !== 'OK') return null;
  return { key, owner, release: () => releaseLock(redis, key, owner) };
}
