// The per-API-key limit counted in leases (src/plugins/rate-limit-lease.ts): processes share one
// counter in Redis, never admit more than the limit together, and ask Redis once per lease.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, createRedis } from '../../src/lib/redis.js';
import { createLeasedLimiter, leaseSize } from '../../src/plugins/rate-limit-lease.js';
import { clearRedisPrefix } from '../helpers/context.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

describe('leased rate limiting', () => {
  let redis: Redis;
  const prefix = `test:${randomBytes(6).toString('hex')}:lease:`;

  beforeAll(() => {
    redis = createRedis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await clearRedisPrefix(TEST_REDIS_URL, prefix);
    await closeRedis(redis);
  });

  const limiter = (max: number) => createLeasedLimiter(redis, { max, windowMs: 60_000, keyPrefix: prefix });

  it('small limits are counted one request at a time, exactly', async () => {
    expect(leaseSize(3)).toBe(1);
    const [a, b] = [limiter(3), limiter(3)];
    const answers = [await a.take('k3'), await b.take('k3'), await a.take('k3'), await b.take('k3')];
    expect(answers.map((x) => x.allowed)).toEqual([true, true, true, false]);
    expect(answers.map((x) => x.remaining)).toEqual([2, 1, 0, 0]);
    expect(answers[3]!.ttlMs).toBeGreaterThan(0);
  });

  it('two processes together admit no more than the limit, asking Redis once per lease', async () => {
    const max = 1_000;
    const size = leaseSize(max);
    expect(size).toBe(10);
    const [a, b] = [limiter(max), limiter(max)];
    let allowed = 0;
    for (let i = 0; i < 1_200; i++) if ((await (i % 3 === 0 ? b : a).take('k1000')).allowed) allowed++;
    expect(allowed).toBeLessThanOrEqual(max);
    // At most one lease of the other process is stranded.
    expect(allowed).toBeGreaterThanOrEqual(max - size);

    // One process alone: 95 requests took 10 leases, so the shared counter moved by 100.
    const c = limiter(max);
    for (let i = 0; i < 95; i++) expect((await c.take('alone')).allowed).toBe(true);
    expect(Number(await redis.get(`${prefix}alone`))).toBe(100);
  });
});
