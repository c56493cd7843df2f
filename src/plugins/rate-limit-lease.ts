// The per-API-key request limit without a Redis round trip per request. Each API process takes
// a lease of several requests at a time from the shared fixed-window counter in Redis (one
// INCRBY), then spends it from memory. The shared count is still the one truth: a process is
// granted only what is left under the limit (`max - (count - lease)`), so all processes together
// never admit more than `max` per window. What a lease costs: requests a process has leased but
// not used count for the key until the window ends, so with several processes a key can be
// refused up to (processes - 1) x lease requests early. The lease is 1% of the limit (at most 100),
// and 1 for limits under 200: small limits are counted exactly as before, one request at a time.
import type { Redis } from 'ioredis';

const TAKE = `local n = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {n, ttl}`;

export function leaseSize(max: number): number {
  return Math.max(1, Math.min(100, Math.floor(max / 100)));
}

export interface LeaseAnswer {
  allowed: boolean;
  /** Left under the limit for this key, as far as this process knows. */
  remaining: number;
  /** Until the window ends. */
  ttlMs: number;
}

interface Lease {
  left: number;
  until: number;
  /** What the shared counter had left when the lease was taken. */
  sharedRemaining: number;
}

type RedisWithTake = Redis & {
  rateLimitLeaseTake(key: string, size: number, windowMs: number): Promise<[number, number]>;
};

export function createLeasedLimiter(redis: Redis, options: { max: number; windowMs: number; keyPrefix: string }) {
  const size = leaseSize(options.max);
  // A defined command runs by EVALSHA: the script's text is sent once per connection, not per lease.
  const client = redis as RedisWithTake;
  if (typeof client.rateLimitLeaseTake !== 'function') {
    redis.defineCommand('rateLimitLeaseTake', { numberOfKeys: 1, lua: TAKE });
  }
  const take = (key: string, n: number, windowMs: number) => client.rateLimitLeaseTake(key, n, windowMs);
  const leases = new Map<string, Lease>();

  function fromLease(lease: Lease, now: number): LeaseAnswer {
    lease.left--;
    return { allowed: true, remaining: lease.sharedRemaining + lease.left, ttlMs: lease.until - now };
  }

  return {
    /** Counts one request of `key`; throws when Redis cannot be asked (the caller fails open). */
    async take(key: string): Promise<LeaseAnswer> {
      const now = Date.now();
      const held = leases.get(key);
      if (held && held.left > 0 && now < held.until) return fromLease(held, now);
      const [count, ttlMs] = await take(options.keyPrefix + key, size, options.windowMs);
      const granted = Math.max(0, Math.min(size, options.max - (count - size)));
      if (granted === 0) {
        leases.delete(key);
        return { allowed: false, remaining: 0, ttlMs };
      }
      // Bounded: leases of keys gone quiet go once their window has ended.
      if (leases.size >= 10_000) for (const [k, l] of leases) if (l.until <= now) leases.delete(k);
      const lease = { left: granted, until: now + ttlMs, sharedRemaining: Math.max(0, options.max - count) };
      leases.set(key, lease);
      return fromLease(lease, now);
    },
  };
}
