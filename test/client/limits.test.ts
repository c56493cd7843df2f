// The per-connection limit shared across processes (two clients with their own Redis
// connections stand in for two processes), failing open when Redis is unreachable, and response
// validation naming endpoint and field. A local HTTP server counts concurrent requests exactly.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessTokenProvider } from '../../src/integrations/lightspeed/access-token-provider.js';
import { KSeriesApiError } from '../../src/integrations/lightspeed/client/index.js';
import { closeRedis, createRedis } from '../../src/lib/redis.js';
import { clearRedisPrefix } from '../helpers/context.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestClient } from '../helpers/kseries-sandbox.js';

const prefix = `test:limits:${randomBytes(4).toString('hex')}`;
let server: Server;
let baseUrl: string;
let inFlight = 0;
let maxInFlight = 0;
let served = 0;
let delayMs = 100;
let menuBody = '[]';
const redisA = createRedis(TEST_REDIS_URL);
const redisB = createRedis(TEST_REDIS_URL);

const staticTokens = (): AccessTokenProvider => ({
  getAccess: async () => ({ accessToken: 'local-token', baseUrl, scopes: ['orders-api'] }),
  refreshAfterUnauthorized: async () => ({ accessToken: 'local-token', baseUrl, scopes: ['orders-api'] }),
});

beforeAll(async () => {
  server = createServer((req, res) => {
    inFlight += 1;
    served += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url?.startsWith('/o/op/1/menu/list') ? menuBody : '[]');
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeRedis(redisA);
  await closeRedis(redisB);
  await clearRedisPrefix(TEST_REDIS_URL, prefix);
});

function reset(delay: number) {
  inFlight = 0;
  maxInFlight = 0;
  served = 0;
  delayMs = delay;
}

describe('per-connection limit shared across processes', () => {
  it('never lets more than maxConcurrent calls of one connection run at once, across clients', async () => {
    reset(100);
    const limits = { maxConcurrent: 3, ratePerSecond: 0 };
    const a = createTestClient({ tokens: staticTokens(), redis: redisA, prefix, limits });
    const b = createTestClient({ tokens: staticTokens(), redis: redisB, prefix, limits });
    try {
      const calls = Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).client.getDiscounts('busy-vendor', 1));
      await Promise.all(calls);
      expect(served).toBe(12);
      expect(maxInFlight).toBe(3);
      // Another connection is not held back by the busy one.
      reset(100);
      await Promise.all([
        ...Array.from({ length: 6 }, () => a.client.getDiscounts('busy-vendor', 1)),
        a.client.getDiscounts('quiet-vendor', 1),
      ]);
      expect(maxInFlight).toBe(4);
    } finally {
      await a.client.close();
      await b.client.close();
    }
  });

  it('starts at most burst + rate x elapsed calls (token bucket in Redis)', async () => {
    reset(0);
    const limits = { maxConcurrent: 0, ratePerSecond: 20, burst: 5 };
    const a = createTestClient({ tokens: staticTokens(), redis: redisA, prefix, limits });
    const b = createTestClient({ tokens: staticTokens(), redis: redisB, prefix, limits });
    try {
      const started = Date.now();
      await Promise.all(Array.from({ length: 15 }, (_, i) => (i % 2 ? a : b).client.getDiscounts('rate-vendor', 1)));
      // 5 at once, then 10 more at 20/s: at least ~500 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(served).toBe(15);
    } finally {
      await a.client.close();
      await b.client.close();
    }
  });

  it('gives up with a retryable rate_limited error when no slot frees before the deadline', async () => {
    reset(500);
    const c = createTestClient({
      tokens: staticTokens(),
      redis: redisA,
      prefix,
      limits: { maxConcurrent: 1, ratePerSecond: 0 },
      retry: { totalTimeoutMs: 250 },
    });
    try {
      // The first holds the only slot until its own deadline (a timeout); the second never gets it.
      const results = await Promise.allSettled([
        c.client.getDiscounts('tight-vendor', 1),
        c.client.getDiscounts('tight-vendor', 1),
      ]);
      const kinds = results.map((r) => (r.status === 'rejected' ? (r.reason as KSeriesApiError).kind : 'ok')).sort();
      expect(kinds).toEqual(['rate_limited', 'timeout']);
      expect(results.every((r) => r.status === 'rejected' && (r.reason as KSeriesApiError).retryable)).toBe(true);
      expect(served).toBe(1);
    } finally {
      await c.client.close();
    }
  });

  it('fails open when Redis is unreachable: calls proceed, counted as bypassed', async () => {
    reset(0);
    const deadRedis = createRedis('redis://127.0.0.1:1', { retryStrategy: () => 1_000 });
    deadRedis.on('error', () => undefined);
    const c = createTestClient({ tokens: staticTokens(), redis: deadRedis, prefix });
    try {
      await c.client.getDiscounts('any-vendor', 1);
      expect(served).toBe(1);
      expect(await c.registry.metrics()).toMatch(/kseries_limiter_wait_seconds_count\{outcome="bypassed"\} 1/);
      expect(c.logs.some((l) => l.msg.includes('limiter unavailable'))).toBe(true);
    } finally {
      await c.client.close();
      deadRedis.disconnect();
    }
  });
});

describe('response validation', () => {
  it('names the endpoint and the missing required field', async () => {
    reset(0);
    menuBody = JSON.stringify([{ menuName: 'Lunch', ikentooMenuId: 1 }, { menuName: 'Dinner' }]);
    const c = createTestClient({ tokens: staticTokens(), redis: redisA, prefix });
    try {
      const err = await c.client.getMenus('any-vendor', 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KSeriesApiError);
      expect(err).toMatchObject({ kind: 'invalid_response', endpoint: 'GET /o/op/1/menu/list', retryable: false });
      expect((err as KSeriesApiError).fields.map((f) => f.field)).toEqual(['[1].ikentooMenuId']);
      expect((err as KSeriesApiError).message).toContain(
        'GET /o/op/1/menu/list returned an invalid response: [1].ikentooMenuId',
      );
    } finally {
      await c.client.close();
    }
  });

  it('keeps fields K-Series adds later', async () => {
    reset(0);
    menuBody = JSON.stringify([{ menuName: 'Lunch', ikentooMenuId: 1, brandNewField: { x: 1 } }]);
    const c = createTestClient({ tokens: staticTokens(), redis: redisA, prefix });
    try {
      expect(await c.client.getMenus('any-vendor', 1)).toEqual([
        { menuName: 'Lunch', ikentooMenuId: 1, brandNewField: { x: 1 } },
      ]);
    } finally {
      await c.client.close();
    }
  });
});
