// availabilityOf, the catalog service's one answer to "is this SKU sellable now, and how many are
// left" (what order pre-flight validation calls), against the sandbox's documented semantics:
// only restricted SKUs are listed by K-Series, unlisted ones are available.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSell, catalogInvalidator, createCatalogService, type CatalogService } from '../../src/services/catalog.js';
import { AMS, createCatalogContext, SANDBOX_SEED, type CatalogContext } from './helpers.js';

let c: CatalogContext;
let catalog: CatalogService;
const { salmon, tiramisu, cola, beer } = SANDBOX_SEED.skus;

beforeAll(async () => {
  c = await createCatalogContext();
  const { app } = c.ctx;
  catalog = createCatalogService({
    prisma: app.prisma,
    redis: app.redis,
    redisKey: (...parts: string[]) => app.redisKey(...parts),
    kseries: app.services.lightspeed.kseries,
    ttlSeconds: 300,
    liveTtlSeconds: 600,
    loadTimeoutMs: 5_000,
  });
}, 60_000);
afterAll(async () => c?.close());

describe('availabilityOf(locationId, skus)', () => {
  it('answers every asked SKU: unlisted = available, restricted with its count, 0 = sold out', async () => {
    await c.control('POST', '/availability', { businessLocationId: AMS.id, sku: salmon, count: 0 });
    await c.control('POST', '/availability', { businessLocationId: AMS.id, sku: tiramisu, count: 2 });
    const answer = await catalog.availabilityOf(c.locationId, [cola, salmon, tiramisu, 'NO-SUCH-SKU', cola]);
    expect([...answer.keys()].sort()).toEqual([cola, salmon, tiramisu, 'NO-SUCH-SKU'].sort());
    expect(answer.get(cola)).toEqual({ sku: cola, restricted: false, count: null, available: true, updatedAt: null });
    expect(answer.get('NO-SUCH-SKU')).toMatchObject({ restricted: false, available: true });
    expect(answer.get(salmon)).toMatchObject({ restricted: true, count: 0, available: false });
    expect(answer.get(tiramisu)).toMatchObject({ restricted: true, count: 2, available: true });
    expect(canSell(answer.get(tiramisu)!, 2)).toBe(true);
    expect(canSell(answer.get(tiramisu)!, 3)).toBe(false);
    expect(canSell(answer.get(salmon)!)).toBe(false);
    expect(canSell(answer.get(cola)!, 1000)).toBe(true);
  });

  it('is cached, and an ITEM invalidation makes the next answer fresh', async () => {
    const before = await c.upstreamCount('GET /o/op/1/itemAvailability');
    expect((await catalog.availabilityOf(c.locationId, [beer])).get(beer)?.available).toBe(true);
    expect((await catalog.availabilityOf(c.locationId, [beer])).get(beer)?.available).toBe(true);
    expect((await c.upstreamCount('GET /o/op/1/itemAvailability')) - before).toBe(1);
    await c.control('POST', '/availability', { businessLocationId: AMS.id, sku: beer, count: 0 });
    await catalogInvalidator({ redis: c.ctx.app.redis, redisKey: (...p: string[]) => c.ctx.app.redisKey(...p) })(
      BigInt(AMS.id),
      'availability',
    );
    expect((await catalog.availabilityOf(c.locationId, [beer])).get(beer)).toMatchObject({
      count: 0,
      available: false,
    });
  });

  it('refuses a location that does not exist', async () => {
    await expect(catalog.availabilityOf('00000000-0000-4000-8000-000000000000', [cola])).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
