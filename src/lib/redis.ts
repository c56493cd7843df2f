import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection. `maxRetriesPerRequest: null` is what BullMQ requires for workers and
 * lets commands wait out a short Redis restart instead of failing.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    // Reconnect quickly at first, then at most every 2 s, forever: Redis restarts are survivable.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    ...options,
  });
}

/** Closes politely, or drops the socket when Redis is not answering. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await Promise.race([
    redis.quit().catch(() => redis.disconnect()),
    new Promise<void>((resolve) =>
      setTimeout(() => {
        redis.disconnect();
        resolve();
      }, 1_000).unref(),
    ),
  ]);
}

/** Namespaces every key under the deployment's REDIS_PREFIX. */
export function redisKey(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].join(':');
}
