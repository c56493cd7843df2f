// Rate limits: per API key on /v1, per client IP on the OAuth callback and the back-office
// sign-in, per client IP on refused webhook calls; counted in Redis (so two app instances share
// the counts), answered with 429 + Retry-After in the error shape, and reset after the window.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ConfigError } from '../../src/config.js';
import { trustProxyOption } from '../../src/plugins/rate-limit.js';
import {
  ADMIN_TOKEN,
  bearer,
  createTestContext,
  createVendor,
  testConfig,
  type TestContext,
} from '../helpers/context.js';

const WINDOW_SECONDS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Repeats `call` until it answers `status` (at most a second). */
async function statusSoon(call: () => Promise<{ statusCode: number }>, status: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await call()).statusCode === status) return;
    await sleep(20);
  }
  throw new Error(`no ${status} within a second`);
}

describe('rate limits', () => {
  let ctx: TestContext;
  let sibling: FastifyInstance;

  beforeAll(async () => {
    ctx = await createTestContext({
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      RATE_LIMIT_PER_API_KEY: '3',
      RATE_LIMIT_WEBHOOK_FAILURES_PER_IP: '3',
      RATE_LIMIT_CALLBACK_PER_IP: '2',
      RATE_LIMIT_SIGN_IN_PER_IP: '2',
      // These tests stand behind one proxy hop (X-Forwarded-For); the default trusts none.
      TRUST_PROXY: '1',
    });
    // A second API process: same configuration, same Redis prefix, its own connections.
    sibling = await buildApp({ config: ctx.config, prisma: ctx.db.prisma });
    await sibling.ready();
  });
  afterAll(async () => {
    await sibling?.close();
    await ctx?.close();
  });

  const locations = (app: FastifyInstance, key: string) =>
    app.inject({ method: 'GET', url: '/v1/locations', headers: bearer(key) });

  it('limits each API key, across API processes, with 429 + Retry-After, and resets after the window', async () => {
    const vendor = await createVendor(ctx.app, 'Limited');
    const other = await ctx.app.inject({
      method: 'POST',
      url: `/admin/vendors/${vendor.id}/api-keys`,
      headers: bearer(ADMIN_TOKEN),
      payload: { name: 'second' },
    });
    const secondKey = (other.json() as { apiKey: string }).apiKey;

    const first = await locations(ctx.app, vendor.apiKey);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    expect((await locations(sibling, vendor.apiKey)).statusCode).toBe(200);
    expect((await locations(ctx.app, vendor.apiKey)).statusCode).toBe(200);

    const limited = await locations(sibling, vendor.apiKey);
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    const body = limited.json();
    expect(body).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringContaining('retry in'),
        details: { retryAfterSeconds: retryAfter, limit: 3 },
      },
      requestId: expect.any(String),
    });

    // Another key of the same vendor has its own budget.
    expect((await locations(ctx.app, secondKey)).statusCode).toBe(200);

    await sleep(retryAfter * 1000 + 200);
    const again = await locations(ctx.app, vendor.apiKey);
    expect(again.statusCode).toBe(200);
    expect(again.headers['x-ratelimit-remaining']).toBe('2');
  });

  it('blocks an address after repeated refused webhook calls, in every process, never counting good ones', async () => {
    const good = `Basic ${Buffer.from('lightspeed:dev-webhook-password').toString('base64')}`;
    const bad = `Basic ${Buffer.from('lightspeed:wrong-password-123').toString('base64')}`;
    const call = (app: FastifyInstance, ip: string, authorization: string) =>
      app.inject({
        method: 'POST',
        url: '/webhook/lightspeed',
        headers: { 'x-forwarded-for': ip, authorization },
        payload: { type: 'ORDER', n: Math.random() },
      });

    // Authenticated calls are not counted, however many.
    for (let i = 0; i < 6; i++) expect((await call(ctx.app, '203.0.113.20', good)).statusCode).toBe(200);

    for (let i = 0; i < 3; i++) expect((await call(ctx.app, '203.0.113.7', bad)).statusCode).toBe(401);
    // The count is taken after the answer went out: the block follows within a Redis round trip.
    await statusSoon(() => call(ctx.app, '203.0.113.7', good), 429);
    const limited = await call(ctx.app, '203.0.113.7', bad);
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED', details: { limit: 3 } } });
    // Blocked means blocked, whatever it sends; another address is not affected.
    expect((await call(ctx.app, '203.0.113.8', bad)).statusCode).toBe(401);
    expect((await call(ctx.app, '203.0.113.8', good)).statusCode).toBe(200);

    // The count is shared: the other process blocks the address at its next refused call.
    expect((await call(sibling, '203.0.113.7', bad)).statusCode).toBe(401);
    await statusSoon(() => call(sibling, '203.0.113.7', good), 429);

    await sleep(retryAfter * 1000 + 200);
    expect((await call(ctx.app, '203.0.113.7', good)).statusCode).toBe(200);
    expect((await call(sibling, '203.0.113.7', bad)).statusCode).toBe(401);
  });

  it('takes the client IP TRUST_PROXY_HOPS from the right of X-Forwarded-For: forged entries do not escape the limit', async () => {
    const attempt = (forged: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/backoffice/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `${forged}, 192.0.2.50` },
        payload: 'apiKey=lsk_not_a_real_key',
      });
    expect((await attempt('10.0.0.1')).statusCode).toBe(401);
    expect((await attempt('10.0.0.2')).statusCode).toBe(401);
    expect((await attempt('10.0.0.3')).statusCode).toBe(429);
  });

  it('limits the OAuth callback per client IP', async () => {
    const hit = () =>
      ctx.app.inject({
        method: 'GET',
        url: '/lightspeed/callback?error=access_denied',
        headers: { 'x-forwarded-for': '198.51.100.1' },
      });
    expect((await hit()).statusCode).not.toBe(429);
    expect((await hit()).statusCode).not.toBe(429);
    const limited = await hit();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json().error.code).toBe('RATE_LIMITED');
  });

  it('limits back-office sign-in attempts per client IP, answering with the page', async () => {
    const attempt = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/backoffice/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '192.0.2.44' },
        payload: 'apiKey=lsk_not_a_real_key',
      });
    expect((await attempt()).statusCode).toBe(401);
    expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.headers['content-type']).toContain('text/html');
    expect(limited.body).toContain('Too many requests');
    // The sign-in page itself (GET) is not limited.
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/backoffice', headers: { 'x-forwarded-for': '192.0.2.44' } }))
        .statusCode,
    ).toBe(200);
  });

  it('lets requests through, without waiting, when Redis is unreachable', async () => {
    const vendor = await createVendor(ctx.app, 'No Redis');
    const app = await buildApp({
      config: testConfig({ DATABASE_URL: ctx.db.url, REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PER_API_KEY: '1' }),
      prisma: ctx.db.prisma,
    });
    try {
      const started = Date.now();
      for (let i = 0; i < 3; i++) expect((await locations(app, vendor.apiKey)).statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await app.close();
    }
  });

  it('a limit of 0 turns the rule off', async () => {
    const app = await buildApp({ config: { ...ctx.config, RATE_LIMIT_PER_API_KEY: 0 }, prisma: ctx.db.prisma });
    try {
      const vendor = await createVendor(ctx.app, 'Unlimited');
      for (let i = 0; i < 6; i++) {
        const res = await locations(app, vendor.apiKey);
        expect(res.statusCode).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await app.close();
    }
  });

  it('TRUST_PROXY: hop counts, addresses, true/false; anything else stops the start naming it', () => {
    const hop = trustProxyOption('2');
    expect(typeof hop).toBe('function');
    const trusts = hop as (address: string, hop: number) => boolean;
    expect([trusts('10.0.0.1', 0), trusts('10.0.0.1', 1), trusts('10.0.0.1', 2)]).toEqual([true, true, false]);
    expect(trustProxyOption('0')).toBe(false);
    expect(trustProxyOption('false')).toBe(false);
    expect(trustProxyOption('true')).toBe(true);
    expect(trustProxyOption('10.0.0.0/8, loopback')).toBe('10.0.0.0/8, loopback');
    expect(testConfig({ TRUST_PROXY: '10.0.0.0/8,loopback' }).TRUST_PROXY).toBe('10.0.0.0/8,loopback');
    expect(() => testConfig({ TRUST_PROXY: 'everyone' })).toThrow(ConfigError);
    expect(() => testConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });
});
