// What an unauthenticated client can learn or try: X-Forwarded-For is not believed unless
// TRUST_PROXY says so, failed authentications on /v1 and /admin are limited per client IP,
// /metrics needs METRICS_TOKEN, and secrets in URLs (OAuth code and state) never reach the logs.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { startWorkerHttp } from '../../src/jobs/worker-http.js';
import type { WorkerHost } from '../../src/jobs/worker-host.js';
import { redactUrl } from '../../src/lib/logger.js';
import {
  ADMIN_TOKEN,
  bearer,
  createTestContext,
  createVendor,
  METRICS_AUTH,
  METRICS_TOKEN,
  type TestContext,
} from '../helpers/context.js';

describe('exposure to unauthenticated clients', () => {
  let ctx: TestContext;
  const lines: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(
      { RATE_LIMIT_AUTH_FAILURES_PER_IP: '5', RATE_LIMIT_SIGN_IN_PER_IP: '3', LOG_LEVEL: 'info' },
      { captureLogs: lines },
    );
    // The limiter's own Redis connection lets requests through (fail open) until it is ready.
    for (let i = 0; i < 100; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/backoffice/sign-in',
        remoteAddress: '192.0.2.250',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'apiKey=lsk_warm_up',
      });
      if (res.headers['x-ratelimit-remaining'] !== '3') break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('believes no X-Forwarded-For by default: rotating it does not escape a per-IP limit', async () => {
    expect(ctx.config.TRUST_PROXY).toBe('false');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/backoffice/sign-in',
        remoteAddress: '192.0.2.200',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': `198.51.100.${i + 1}`,
        },
        payload: 'apiKey=lsk_not_a_real_key',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('limits refused authentications per client IP on /v1 and /admin, and never counts good ones', async () => {
    const vendor = await createVendor(ctx.app, 'Exposure');
    const call = (url: string, token: string, ip: string) =>
      ctx.app.inject({ method: 'GET', url, headers: bearer(token), remoteAddress: ip });
    for (let i = 0; i < 8; i++) expect((await call('/v1/locations', vendor.apiKey, '192.0.2.10')).statusCode).toBe(200);

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('/v1/locations', `lsk_guess_${i}`, '192.0.2.11')).statusCode);
    for (let i = 0; i < 2; i++)
      statuses.push((await call('/admin/vendors', `guess-${i}-admin-token`, '192.0.2.11')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    // The block follows the limit-th failure within a Redis round trip.
    let blocked = await call('/v1/locations', vendor.apiKey, '192.0.2.11');
    for (let i = 0; i < 50 && blocked.statusCode !== 429; i++) {
      await new Promise((r) => setTimeout(r, 20));
      blocked = await call('/v1/locations', vendor.apiKey, '192.0.2.11');
    }
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect(blocked.json().error.code).toBe('RATE_LIMITED');
    expect((await call('/admin/vendors', ADMIN_TOKEN, '192.0.2.11')).statusCode).toBe(429);
    // Another address is not affected.
    expect((await call('/admin/vendors', ADMIN_TOKEN, '192.0.2.12')).statusCode).toBe(200);
  });

  it('/metrics needs METRICS_TOKEN; without one configured the API does not serve it', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/metrics', headers: bearer('wrong-metrics-token-000') })).statusCode,
    ).toBe(401);
    const ok = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('process_cpu_user_seconds_total');

    const { METRICS_TOKEN: _unset, ...withoutToken } = ctx.config;
    const app = await buildApp({ config: { ...withoutToken, LOG_LEVEL: 'silent' }, prisma: ctx.db.prisma });
    try {
      const res = await app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.message).toContain('METRICS_TOKEN');
    } finally {
      await app.close();
    }
  });

  it("the worker's metrics port asks for the token when one is configured", async () => {
    const host = { workers: [] } as unknown as WorkerHost;
    const log = pino({ level: 'silent' });
    const secured = await startWorkerHttp({
      host: '127.0.0.1',
      port: 0,
      log,
      workers: host,
      metricsToken: METRICS_TOKEN,
    });
    const open = await startWorkerHttp({ host: '127.0.0.1', port: 0, log, workers: host });
    try {
      const url = (app: typeof secured) => {
        const address = app.server.address();
        if (!address || typeof address === 'string') throw new Error('no address');
        return `http://127.0.0.1:${address.port}/metrics`;
      };
      expect((await fetch(url(secured))).status).toBe(401);
      expect((await fetch(url(secured), { headers: METRICS_AUTH })).status).toBe(200);
      expect((await fetch(url(open))).status).toBe(200);
    } finally {
      await secured.close();
      await open.close();
    }
  });

  it('keeps the OAuth code, state and other secrets out of logged URLs', async () => {
    const code = 'SECRETCODE0123456789';
    const state = 'SECRETSTATE.abcdef';
    lines.length = 0;
    await ctx.app.inject({ method: 'GET', url: `/lightspeed/callback?code=${code}&state=${state}&x=1` });
    const logged = lines.join('\n');
    expect(logged).toContain('/lightspeed/callback?');
    expect(logged).toContain('code=[redacted]');
    expect(logged).not.toContain(code);
    expect(logged).not.toContain('SECRETSTATE');
    expect(redactUrl('/a?access_token=t1&Code=c2&keep=3&state')).toBe(
      '/a?access_token=[redacted]&Code=[redacted]&keep=3&state=[redacted]',
    );
    expect(redactUrl('/plain/path')).toBe('/plain/path');
  });
});
