// The Redis cache behind the catalog API, shared by every process:
// - values live under a per-(business location, resource) generation; invalidation bumps the
//   generation, so a fetch that was in flight during an invalidation writes where nobody reads;
// - single-flight: one in-flight load per key in this process, and one across processes through
//   a Redis lock; the others wait for the winner's value (or its error) instead of calling K-Series.
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import { AppError, UpstreamError } from '../lib/errors.js';

export const CATALOG_RESOURCES = [
  'menus',
  'menu',
  'modifiers',
  'discounts',
  'availability',
  'floorplans',
  'profiles',
  'taxRates',
  'paymentMethods',
  'accountingGroups',
  'readiness',
  'items',
  'richItems',
  'allergens',
] as const;
export type CatalogResource = (typeof CATALOG_RESOURCES)[number];

export interface CacheKeys {
  redis: Redis;
  /** app.redisKey: namespaces under REDIS_PREFIX. */
  redisKey: (...parts: string[]) => string;
}

export interface CachedValue<T> {
  data: T;
  /** True when this request did not call K-Series (a stored value, or another request's fetch). */
  hit: boolean;
  fetchedAt: string;
  ttlSeconds: number;
}

export interface CacheRequest {
  connectionId: string;
  businessLocationId: string;
  resource: CatalogResource;
  /** Everything else that changes the answer (menu id, query...), hashed into the key. */
  variant?: unknown;
  ttlSeconds: number;
  /** Skip stored values: fetch (or join a fetch that started after this request). */
  refresh?: boolean;
}

export interface CatalogCacheOptions {
  /** Longer than the slowest load (all K-Series retries); a lock outliving a dead process expires. */
  lockTtlMs: number;
  pollMs?: number;
  /** How long a failed load is shared with the requests that waited for it. */
  errorTtlMs?: number;
  registry?: Registry;
}

const genKey = (k: CacheKeys, blId: string, resource: CatalogResource) => k.redisKey('catalog', 'gen', blId, resource);

// One round trip: the generation, then the value stored under it.
const READ = `
local gen = redis.call('GET', KEYS[1]) or '0'
return {gen, redis.call('GET', ARGV[1] .. ':g' .. gen)}
`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type RedisWithScripts = Redis & {
  catalogRead(gen: string, prefix: string): Promise<[string, string | null]>;
  catalogRelease(lock: string, owner: string): Promise<number>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Stored {
  data: unknown;
  fetchedAt: string;
}

interface StoredError {
  at: number;
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

/**
 * Drops cached catalog data of a business location (all resources, or the given ones), for
 * every connection. Called by the webhook handler on item and readiness events.
 */
export async function invalidateCatalogCache(
  keys: CacheKeys,
  businessLocationId: bigint | number | string,
  resources: readonly CatalogResource[] = CATALOG_RESOURCES,
): Promise<void> {
  const pipeline = keys.redis.pipeline();
  for (const resource of resources) {
    const key = genKey(keys, String(businessLocationId), resource);
    pipeline.incr(key);
    // Generations only need to outlive the values they guard.
    pipeline.expire(key, 7 * 24 * 3600);
  }
  await pipeline.exec();
}

export function createCatalogCache(keys: CacheKeys, options: CatalogCacheOptions) {
  const redis = keys.redis as RedisWithScripts;
  if (typeof redis.catalogRead !== 'function') {
    keys.redis.defineCommand('catalogRead', { numberOfKeys: 1, lua: READ });
    keys.redis.defineCommand('catalogRelease', { numberOfKeys: 1, lua: RELEASE });
  }
  const pollMs = options.pollMs ?? 20;
  const errorTtlMs = options.errorTtlMs ?? 2_000;
  const inflight = new Map<string, Promise<CachedValue<unknown>>>();
  const metricName = 'catalog_cache_requests_total';
  const counter = options.registry
    ? ((options.registry.getSingleMetric(metricName) as Counter<'resource' | 'result'> | undefined) ??
      new Counter({
        name: metricName,
        help: 'Catalog reads by resource and result (hit, miss = this request called K-Series, shared = waited for another, error)',
        labelNames: ['resource', 'result'] as const,
        registers: [options.registry],
      }))
    : undefined;

  async function load<T>(req: CacheRequest, prefix: string, loader: () => Promise<T>): Promise<CachedValue<T>> {
    const started = Date.now();
    const [gen, raw] = await redis.catalogRead(genKey(keys, req.businessLocationId, req.resource), prefix);
    if (raw && !req.refresh) {
      counter?.inc({ resource: req.resource, result: 'hit' });
      const stored = JSON.parse(raw) as Stored;
      return { data: stored.data as T, hit: true, fetchedAt: stored.fetchedAt, ttlSeconds: req.ttlSeconds };
    }
    const valueKey = `${prefix}:g${gen}`;
    const lockKey = `${valueKey}:lock`;
    const errorKey = `${valueKey}:err`;
    const waitUntil = started + options.lockTtlMs + 1_000;
    for (;;) {
      const owner = randomUUID();
      if (await keys.redis.set(lockKey, owner, 'PX', options.lockTtlMs, 'NX')) {
        try {
          const data = await loader();
          const fetchedAt = new Date().toISOString();
          await keys.redis.set(valueKey, JSON.stringify({ data, fetchedAt } satisfies Stored), 'EX', req.ttlSeconds);
          counter?.inc({ resource: req.resource, result: 'miss' });
          return { data, hit: false, fetchedAt, ttlSeconds: req.ttlSeconds };
        } catch (err) {
          counter?.inc({ resource: req.resource, result: 'error' });
          if (err instanceof AppError) {
            const stored: StoredError = {
              at: Date.now(),
              statusCode: err.statusCode,
              code: err.code,
              message: err.message,
              details: err.details,
            };
            await keys.redis.set(errorKey, JSON.stringify(stored), 'PX', errorTtlMs).catch(() => undefined);
          }
          throw err;
        } finally {
          await redis.catalogRelease(lockKey, owner).catch(() => undefined);
        }
      }
      // Another process is loading this key: wait for its value or its error.
      for (;;) {
        await sleep(pollMs);
        const replies = (await keys.redis.pipeline().get(valueKey).get(errorKey).exists(lockKey).exec()) ?? [];
        const value = replies[0]?.[1] as string | null | undefined;
        const error = replies[1]?.[1] as string | null | undefined;
        const locked = replies[2]?.[1] === 1;
        if (value) {
          const stored = JSON.parse(value) as Stored;
          // A refresh must not settle for a value fetched before it asked.
          if (!req.refresh || Date.parse(stored.fetchedAt) >= started) {
            counter?.inc({ resource: req.resource, result: 'shared' });
            return { data: stored.data as T, hit: true, fetchedAt: stored.fetchedAt, ttlSeconds: req.ttlSeconds };
          }
        }
        if (error) {
          const e = JSON.parse(error) as StoredError;
          if (e.at >= started) throw new AppError(e.statusCode, e.code, e.message, e.details);
        }
        if (!locked) break;
        if (Date.now() > waitUntil) {
          throw new UpstreamError(
            504,
            'CATALOG_WAIT_TIMEOUT',
            'Timed out waiting for another request to load this data from Lightspeed',
          );
        }
      }
    }
  }

  return {
    async get<T>(req: CacheRequest, loader: () => Promise<T>): Promise<CachedValue<T>> {
      const variant = createHash('sha256')
        .update(JSON.stringify(req.variant ?? null))
        .digest('base64url')
        .slice(0, 22);
      const prefix = keys.redisKey('catalog', 'v', req.connectionId, req.businessLocationId, req.resource, variant);
      const flightKey = req.refresh ? `${prefix}|refresh` : prefix;
      const running = inflight.get(flightKey);
      if (await running) {
        counter?.inc({ resource: req.resource, result: 'shared' });
        const shared = await running;
        return { ...(shared as CachedValue<T>), hit: true };
      }
      const promise = load(req, prefix, loader).finally(() => inflight.delete(flightKey));
      inflight.set(flightKey, promise);
      return promise;
    },
  };
}

export type CatalogCache = ReturnType<typeof createCatalogCache>;
