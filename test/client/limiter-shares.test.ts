// The limiter's local shares: each client (standing in for a process: its own Redis connection,
// its own lease holder) reserves slots and token chunks from Redis and spends them locally. The
// shared limits still hold across clients, a call does not cost a Redis round trip, slots go back
// when a call fails and when their holder is idle or dies, and a client short of slots gets the
// idle ones of another at once. A local HTTP server records when each request arrived.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessTokenProvider } from '../../src/integrations/lightspeed/access-token-provider.js';
import { closeRedis, createRedis } from '../../src/lib/redis.js';
import { clearRedisPrefix } from '../helpers/context.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestClient } from '../helpers/kseries-sandbox.js';

const prefix = `test:limiter-shares:${randomBytes(4).toString('hex')}`;
let server: Server;
let baseUrl: string;
let arrivals: number[] = [];
let inFlight = 0;
let maxInFlight = 0;
let delayMs = 0;
let failNext = 0;
const redisA = createRedis(TEST_REDIS_URL);
const redisB = createRedis(TEST_REDIS_URL);
const redisCheck = createRedis(TEST_REDIS_URL);

const tokens = (): AccessTokenProvider => ({
  getAccess: async () => ({ accessToken: 'local-token', baseUrl, scopes: ['orders-api'] }),
  refreshAfterUnauthorized: async () => ({ accessToken: 'local-token', baseUrl, scopes: ['orders-api'] }),
});

beforeAll(async () => {
  server = createServer((_req, res) => {
    arrivals.push(performance.now());
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const fail = failNext > 0;
    if (fail) failNext -= 1;
    setTimeout(() => {
      inFlight -= 1;
      res.writeHead(fail ? 400 : 200, { 'content-type': 'application/json' });
      res.end(fail ? '{"message":"nope"}' : '[]');
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await Promise.all([closeRedis(redisA), closeRedis(redisB), closeRedis(redisCheck)]);
  await clearRedisPrefix(TEST_REDIS_URL, prefix);
});

function reset(delay: number) {
  arrivals = [];
  inFlight = 0;
  maxInFlight = 0;
  delayMs = delay;
  failNext = 0;
}

/** Counts the limiter's Redis scripts run on this connection from now on. */
function countScripts(redis: typeof redisA): () => number {
  const r = redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = r.kseriesLimiterReserve!;
  let n = 0;
  r.kseriesLimiterReserve = (...args: unknown[]) => {
    n += 1;
    return original.apply(redis, args);
  };
  return () => n;
}

/** `loops` callers per client, each calling again as soon as its call returns, `total` calls in all. */
async function hammer(
  clients: ReturnType<typeof createTestClient>[],
  connectionId: string,
  loops: number,
  total: number,
) {
  let left = total;
  const loop = async (c: ReturnType<typeof createTestClient>) => {
    while (left > 0) {
      left -= 1;
      await c.client.getDiscounts(connectionId, 1);
    }
  };
  await Promise.all(clients.flatMap((c) => Array.from({ length: loops }, () => loop(c))));
}

const leasesKey = (connectionId: string) => `${prefix}:kseries:limit:{${connectionId}}:leases`;

describe('limiter shares across processes', () => {
  it('keeps burst + rate x T over every window across two clients, with far fewer Redis scripts than calls', async () => {
    reset(0);
    const limits = { maxConcurrent: 0, ratePerSecond: 200, burst: 40 };
    const a = createTestClient({ tokens: tokens(), redis: redisA, prefix, limits });
    const b = createTestClient({ tokens: tokens(), redis: redisB, prefix, limits });
    const scriptsA = countScripts(redisA);
    const scriptsB = countScripts(redisB);
    try {
      const started = Date.now();
      await hammer([a, b], 'rate-shared', 8, 240);
      const elapsedMs = Date.now() - started;
      const calls = arrivals.length;
      expect(calls).toBe(240);
      // Every window of T ms (arrival times, 5 ms of network jitter allowed) holds at most burst + rate x T.
      for (let i = 0; i < calls; i++) {
        for (const windowMs of [50, 200, 1_000]) {
          let n = 0;
          for (let j = i; j < calls && arrivals[j]! < arrivals[i]! + windowMs; j++) n++;
          expect(n).toBeLessThanOrEqual(40 + (200 * (windowMs + 5)) / 1000);
        }
      }
      // (240 - 40) / 200 per second = 1 s at least; chunks do not starve the limit either (tokens
      // a loaded event loop could not spend within their hold are dropped, never reused).
      expect(elapsedMs).toBeGreaterThanOrEqual(950);
      expect(elapsedMs).toBeLessThan(5_000);
      // The old limiter ran at least one script per call. Held at the rate limit, a process that
      // finds the shared bucket empty asks again when it refills, so the ratio depends on how
      // calls overlap: 98-108 scripts for 240 calls on an idle machine, fewer under load.
      expect(scriptsA() + scriptsB()).toBeLessThan(calls * 0.6);
    } finally {
      await a.client.close();
      await b.client.close();
    }
  });

  it('holds maxConcurrent across two clients under sustained load, one Redis script per many calls', async () => {
    reset(2);
    const limits = { maxConcurrent: 4, ratePerSecond: 0 };
    const a = createTestClient({ tokens: tokens(), redis: redisA, prefix, limits });
    const b = createTestClient({ tokens: tokens(), redis: redisB, prefix, limits });
    const scriptsA = countScripts(redisA);
    try {
      await hammer([a, b], 'conc-shared', 6, 300);
      expect(maxInFlight).toBe(4);
      expect(arrivals.length).toBe(300);
      // One client alone: its lease is kept while it is busy, not taken and given back per call.
      reset(0);
      const before = scriptsA();
      await hammer([a], 'conc-alone', 2, 100);
      expect(arrivals.length).toBe(100);
      expect(scriptsA() - before).toBeLessThan(arrivals.length / 5);
    } finally {
      await a.client.close();
      await b.client.close();
    }
  });

  it('gives a slot back when the call fails, and gives idle slots back to Redis', async () => {
    reset(20);
    const limits = { maxConcurrent: 1, ratePerSecond: 0, trimMs: 50 };
    const a = createTestClient({ tokens: tokens(), redis: redisA, prefix, limits });
    try {
      failNext = 2;
      const results = await Promise.allSettled(
        Array.from({ length: 3 }, () => a.client.getDiscounts('fail-vendor', 1)),
      );
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
      expect(maxInFlight).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(await redisCheck.hlen(leasesKey('fail-vendor'))).toBe(0);
    } finally {
      await a.client.close();
    }
  });

  it('a client short of slots gets the idle ones another client holds at once, not at its next trim', async () => {
    reset(30);
    const limits = { maxConcurrent: 3, ratePerSecond: 0, trimMs: 60_000 };
    const a = createTestClient({ tokens: tokens(), redis: redisA, prefix, limits });
    const b = createTestClient({ tokens: tokens(), redis: redisB, prefix, limits });
    try {
      await Promise.all(Array.from({ length: 3 }, () => a.client.getDiscounts('hoarded', 1)));
      expect(await redisCheck.hget(leasesKey('hoarded'), (await redisCheck.hkeys(leasesKey('hoarded')))[0]!)).toMatch(
        /^3:/,
      );
      reset(30);
      const started = Date.now();
      await Promise.all(Array.from({ length: 3 }, () => b.client.getDiscounts('hoarded', 1)));
      expect(maxInFlight).toBe(3);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await a.client.close();
      await b.client.close();
    }
  });

  it("a dead holder's slots come back when its lease expires", async () => {
    reset(0);
    const limits = { maxConcurrent: 2, ratePerSecond: 0 };
    const a = createTestClient({ tokens: tokens(), redis: redisA, prefix, limits });
    try {
      const [seconds, micros] = await redisCheck.time();
      const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      // A process that died holding both slots; its lease ends in 300 ms.
      await redisCheck.hset(leasesKey('orphaned'), 'dead-process', `2:${redisNow + 300}`);
      const started = Date.now();
      await a.client.getDiscounts('orphaned', 1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(arrivals.length).toBe(1);
    } finally {
      await a.client.close();
    }
  });
});
