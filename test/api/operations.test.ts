// Probes, docs, metrics and log hygiene.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import {
  ADMIN_TOKEN,
  bearer,
  createTestContext,
  createVendor,
  testConfig,
  type TestContext,
} from '../helpers/context.js';
import { METRICS_AUTH } from '../helpers/context.js';

describe('operations', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('/healthz and /readyz answer when everything is up', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { postgres: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('/readyz is 503 naming Redis when Redis is unreachable', async () => {
    const app = await buildApp({
      config: testConfig({ DATABASE_URL: ctx.db.url, REDIS_URL: 'redis://127.0.0.1:1' }),
      prisma: ctx.db.prisma,
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.redis.status).toBe('down');
      expect(res.json().checks.postgres.status).toBe('up');
    } finally {
      await app.close();
    }
  });

  it('/readyz is 503 naming Postgres when Postgres is unreachable', async () => {
    const app = await buildApp({ config: testConfig({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing' }) });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.postgres.status).toBe('down');
      expect(res.json().checks.redis.status).toBe('up');
    } finally {
      await app.close();
    }
  });

  it('/docs serves OpenAPI generated from the route schemas', async () => {
    const ui = await ctx.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
    const spec = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/admin/vendors', '/v1/locations', '/v1/locations/{locationId}', '/readyz']),
    );
    expect(spec.paths['/v1/locations'].post.requestBody.content['application/json'].schema).toBeDefined();
    // Every $ref points at a component that exists.
    const refs = [...JSON.stringify(spec).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) expect(spec.components.schemas[decodeURIComponent(ref)], ref).toBeDefined();
  });

  it('/metrics exposes the HTTP latency histogram by route and status, and process metrics', async () => {
    await ctx.app.inject({ method: 'GET', url: '/healthz' });
    const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/healthz"[^}]*status_code="200"/);
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });

  it('logs carry the request id and never an API key, admin token or password', async () => {
    const lines: string[] = [];
    const logged = await createTestContext({ LOG_LEVEL: 'debug' }, { captureLogs: lines });
    const app = logged.app;
    try {
      const vendor = await createVendor(app);
      await app.inject({
        method: 'GET',
        url: '/v1/locations',
        headers: { ...bearer(vendor.apiKey), cookie: 'session=secret-cookie' },
      });
      app.log.info({ password: 'hunter2hunter2', nested: { refresh_token: 'rt-secret' } }, 'careless log line');
      const all = lines.join('');
      expect(all).not.toContain(vendor.apiKey);
      expect(all).not.toContain(ADMIN_TOKEN);
      expect(all).not.toContain('secret-cookie');
      expect(all).not.toContain('hunter2hunter2');
      expect(all).not.toContain('rt-secret');
      const requestLines = lines.map((l) => JSON.parse(l)).filter((l) => l.req || l.res);
      expect(requestLines.length).toBeGreaterThan(0);
      for (const line of requestLines) expect(line.requestId).toEqual(expect.any(String));
    } finally {
      await logged.close();
    }
  });
});
