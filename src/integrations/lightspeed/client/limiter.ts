// A per-connection limit shared by every process: at most `maxConcurrent` calls in flight and
// `ratePerSecond` (burst `burst`) calls started, so one busy vendor cannot exhaust the POS API.
// Both live in one Lua script, so checking and taking a slot is atomic across processes.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LimiterOptions {
  /** Concurrent calls per connection; 0 disables the semaphore. */
  maxConcurrent: number;
  /** Calls started per second per connection; 0 disables the token bucket. */
  ratePerSecond: number;
  burst: number;
  /** A lease expires after this long, so a crashed process cannot hold a slot forever. */
  leaseTtlMs: number;
  /** How long a single Redis round trip may take before we stop waiting for Redis (fail open). */
  redisTimeoutMs: number;
}

export type AcquireResult =
  | { ok: true; release: () => Promise<void>; waitedMs: number; bypassed: boolean }
  | { ok: false; waitedMs: number };

// KEYS[1] semaphore zset (lease id -> expiry ms), KEYS[2] bucket hash {tokens, ts}
// ARGV: leaseId, maxConcurrent, leaseTtlMs, ratePerSecond, burst
// Returns {1, 0} when acquired, {0, suggestedWaitMs} otherwise. Redis' clock is the only clock,
// so processes with skewed clocks still agree.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local maxc = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local rate = tonumber(ARGV[4])
local burst = tonumber(ARGV[5])
if maxc > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  if redis.call('ZCARD', KEYS[1]) >= maxc then
    return {0, 20}
  end
end
if rate > 0 then
  local b = redis.call('HMGET', KEYS[2], 'tokens', 'ts')
  local tokens = tonumber(b[1]) or burst
  local ts = tonumber(b[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
  local keep = math.ceil(burst * 1000 / rate) + 1000
  if tokens < 1 then
    redis.call('HSET', KEYS[2], 'tokens', tostring(tokens), 'ts', tostring(now))
    redis.call('PEXPIRE', KEYS[2], keep)
    return {0, math.ceil((1 - tokens) * 1000 / rate)}
  end
  redis.call('HSET', KEYS[2], 'tokens', tostring(tokens - 1), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[2], keep)
end
if maxc > 0 then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl + 1000)
end
return {1, 0}
`;

type RedisWithAcquire = Redis & {
  kseriesLimiterAcquire(
    sem: string,
    bucket: string,
    lease: string,
    maxc: number,
    ttl: number,
    rate: number,
    burst: number,
  ): Promise<[number, number]>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class RedisTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTimeout(`redis did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export interface ConnectionLimiter {
  /**
   * Waits for a slot until `deadline` (epoch ms). When Redis is unreachable the call proceeds
   * without a slot (`bypassed`): limiting is protection, not a reason to stop taking orders.
   */
  acquire(connectionId: string, deadline: number, onRedisError: (err: unknown) => void): Promise<AcquireResult>;
}

export function createConnectionLimiter(
  redis: Redis,
  redisKey: (...parts: string[]) => string,
  options: LimiterOptions,
): ConnectionLimiter {
  const client = redis as RedisWithAcquire;
  if (typeof client.kseriesLimiterAcquire !== 'function') {
    redis.defineCommand('kseriesLimiterAcquire', { numberOfKeys: 2, lua: ACQUIRE });
  }
  const disabled = options.maxConcurrent <= 0 && options.ratePerSecond <= 0;
  const noop = async () => {};

  return {
    async acquire(connectionId, deadline, onRedisError) {
      const started = Date.now();
      if (disabled) return { ok: true, release: noop, waitedMs: 0, bypassed: false };
      // The hash tag keeps both keys in one slot on Redis Cluster.
      const sem = redisKey('kseries', 'limit', `{${connectionId}}`, 'inflight');
      const bucket = redisKey('kseries', 'limit', `{${connectionId}}`, 'bucket');
      const lease = randomUUID();
      for (;;) {
        let answer: [number, number];
        try {
          answer = await withTimeout(
            client.kseriesLimiterAcquire(
              sem,
              bucket,
              lease,
              options.maxConcurrent,
              options.leaseTtlMs,
              options.ratePerSecond,
              options.burst,
            ),
            options.redisTimeoutMs,
          );
        } catch (err) {
          onRedisError(err);
          return { ok: true, release: noop, waitedMs: Date.now() - started, bypassed: true };
        }
        if (answer[0] === 1) {
          const release = async () => {
            if (options.maxConcurrent <= 0) return;
            try {
              await withTimeout(redis.zrem(sem, lease), options.redisTimeoutMs);
            } catch (err) {
              // The lease expires on its own after leaseTtlMs.
              onRedisError(err);
            }
          };
          return { ok: true, release, waitedMs: Date.now() - started, bypassed: false };
        }
        const now = Date.now();
        if (now >= deadline) return { ok: false, waitedMs: now - started };
        // Jitter spreads waiters from many processes so they do not all retry on the same tick.
        const wait = Math.min(Math.max(answer[1], 5), 250) * (0.5 + Math.random() * 0.5);
        await sleep(Math.min(wait, deadline - now));
      }
    },
  };
}
