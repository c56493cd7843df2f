// The catalog cache: hits, refresh=true, single-flight across two app instances sharing Redis
// (stand-ins for two processes), shared failures, invalidation (also during a fetch), and
// per-connection keys.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { catalogInvalidator, invalidateCatalogCache } from '../../src/services/catalog.js';
import { connectedVendor } from '../connect/helpers.js';
import { AMS, bearer, createCatalogContext, SANDBOX_SEED, type CatalogContext } from './helpers.js';

let c: CatalogContext;
let second: FastifyInstance;
const path = (p: string) => `/v1/locations/${c.locationId}/${p}`;
const keys = () => ({ redis: c.ctx.app.redis, redisKey: (...parts: string[]) => c.ctx.app.redisKey(...parts) });

beforeAll(async () => {
  c = await createCatalogContext();
  // A second "process": its own Redis connections and in-process state, the same Redis prefix and database.
  second = await buildApp({ config: c.ctx.config, prisma: c.ctx.db.prisma });
  await second.ready();
}, 60_000);
afterAll(async () => {
  await second?.close();
  await c?.close();
});
beforeEach(async () => {
  await c.control('DELETE', '/faults');
});

describe('catalog cache', () => {
  it('serves the second read from cache and says so', async () => {
    const before = await c.upstreamCount('GET /o/op/1/menu/discounts');
    const first = await c.get(path('discounts'));
    const again = await c.get(path('discounts'));
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.json().cache).toMatchObject({ hit: false, ttlSeconds: 300 });
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.json().cache).toEqual({ ...first.json().cache, hit: true });
    expect(again.json().data).toEqual(first.json().data);
    expect((await c.upstreamCount('GET /o/op/1/menu/discounts')) - before).toBe(1);
  });

  it('refresh=true goes to K-Series even when cached', async () => {
    await c.get(path('tax-rates'));
    const before = await c.upstreamCount('GET /f/finance/:businessLocationId/tax-rates');
    const fresh = await c.get(path('tax-rates?refresh=true'));
    expect(fresh.json().cache.hit).toBe(false);
    expect((await c.upstreamCount('GET /f/finance/:businessLocationId/tax-rates')) - before).toBe(1);
    // The refreshed answer replaced the cached one.
    expect((await c.get(path('tax-rates'))).json().cache).toEqual({ ...fresh.json().cache, hit: true });
  });

  it('100 simultaneous cold requests across two processes make one upstream call', async () => {
    const endpoint = 'GET /o/op/2/menu/load/:menuId';
    const before = await c.upstreamCount(endpoint);
    // Slow enough that every request arrives while the first fetch is still running.
    await c.control('POST', '/faults/latency', { ms: 300, count: 5, pathPrefix: '/o/op/2/menu/load' });
    const url = path(`menus/${AMS.menus.lunch}?richContent=true`);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? c.ctx.app : second).inject({ method: 'GET', url, headers: c.auth }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(100).fill(200));
    expect((await c.upstreamCount(endpoint)) - before).toBe(1);
    expect(responses.filter((r) => r.json().cache.hit === false)).toHaveLength(1);
    expect(new Set(responses.map((r) => r.body.replace(/"hit":(true|false)/, ''))).size).toBe(1);
  });

  it('a failing cold fetch is shared too: one caller retries K-Series, the others get its error', async () => {
    const endpoint = 'GET /o/op/1/menu/modifiers';
    const before = await c.upstreamCount(endpoint);
    await c.control('POST', '/faults/latency', { ms: 300, count: 10, pathPrefix: '/o/op/1/menu/modifiers' });
    await c.control('POST', '/faults/status', { status: 503, count: 10, pathPrefix: '/o/op/1/menu/modifiers' });
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? c.ctx.app : second).inject({ method: 'GET', url: path('modifiers'), headers: c.auth }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(40).fill(503));
    expect(responses[0]!.json().error.details).toMatchObject({
      status: 503,
      message: 'Service temporarily unavailable',
    });
    // KSERIES_MAX_ATTEMPTS=3 in these tests: the one leader's attempts, nobody else's.
    expect((await c.upstreamCount(endpoint)) - before).toBe(3);
  });

  it('item and readiness events invalidate availability and readiness', async () => {
    const sku = SANDBOX_SEED.skus.beer;
    const url = path(`availability?skus=${sku}`);
    expect((await c.get(url)).json().data[0]).toMatchObject({ restricted: false });
    await c.control('POST', '/availability', { businessLocationId: AMS.id, sku, count: 0 });
    // Still cached: the change is invisible until the ITEM event invalidates it.
    expect((await c.get(url)).json()).toMatchObject({ data: [{ restricted: false }], cache: { hit: true } });
    // What the webhook processor calls for an ITEM event.
    await catalogInvalidator(keys())(BigInt(AMS.id), 'availability');
    expect((await c.get(url)).json()).toMatchObject({
      data: [{ restricted: true, count: 0, available: false }],
      cache: { hit: false },
    });

    expect((await c.get(path('readiness'))).json().data.status).toBe('READY');
    await c.control('POST', '/readiness', { businessLocationId: AMS.id, status: 'NOT_READY' });
    expect((await c.get(path('readiness'))).json()).toMatchObject({ data: { status: 'READY' }, cache: { hit: true } });
    await catalogInvalidator(keys())(BigInt(AMS.id), 'readiness');
    expect((await c.get(path('readiness'))).json()).toMatchObject({
      data: { status: 'NOT_READY' },
      cache: { hit: false },
    });
    // Other resources keep their entries.
    await c.get(path('floorplans'));
    await catalogInvalidator(keys())(BigInt(AMS.id), 'readiness');
    expect((await c.get(path('floorplans'))).json().cache.hit).toBe(true);
  });

  it("an invalidation during a fetch is not undone by that fetch's late result", async () => {
    const endpoint = 'GET /o/op/1/menu/list';
    await c.control('POST', '/faults/latency', { ms: 300, count: 1, pathPrefix: '/o/op/1/menu/list' });
    const before = await c.upstreamCount(endpoint);
    const slow = c.get(path('menus'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await invalidateCatalogCache(keys(), AMS.id, ['menus']);
    expect((await slow).statusCode).toBe(200);
    expect((await c.get(path('menus'))).json().cache.hit).toBe(false);
    expect((await c.upstreamCount(endpoint)) - before).toBe(2);
  });

  it("keys are per connection: another vendor never reads this vendor's cached answer", async () => {
    await c.get(path('payment-methods'));
    const other = await connectedVendor(c.ctx, 'Second connected vendor');
    const location = await c.createLocation(other.apiKey, AMS.id);
    const res = await c.ctx.app.inject({
      method: 'GET',
      url: `/v1/locations/${location}/payment-methods`,
      headers: bearer(other.apiKey),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().cache.hit).toBe(false);
  });
});
