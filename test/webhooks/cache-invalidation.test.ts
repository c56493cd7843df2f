// Item and readiness webhooks, end to end: the sandbox changes availability or readiness, its
// webhook reaches our endpoint, the job drops the cached data, and the next read is fresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { bearer } from '../helpers/context.js';
import { waitFor } from '../helpers/workers.js';
import { AMS, createPipelineContext, type PipelineContext } from '../orders/pipeline-context.js';

describe('catalog cache invalidation by webhooks', () => {
  let p: PipelineContext;
  beforeAll(async () => {
    // Long cache lifetimes: only the invalidation can make a read fresh within the test.
    p = await createPipelineContext({ env: { CATALOG_LIVE_TTL_SECONDS: '600', CATALOG_CACHE_TTL_SECONDS: '600' } });
  });
  afterAll(async () => p?.close());

  const get = (path: string) =>
    p.ctx.app.inject({ method: 'GET', url: `/v1/locations/${p.locationId}${path}`, headers: bearer(p.vendor.apiKey) });

  it('an ITEM webhook makes the next availability read go to K-Series', async () => {
    const sku = SANDBOX_SEED.skus.fries;
    const path = `/availability?skus=${sku}`;
    await get(path);
    expect((await get(path)).json().cache.hit).toBe(true);
    await p.sandboxControl('POST', '/availability', { businessLocationId: AMS.id, sku, count: 0 });
    const fresh = await waitFor(async () => {
      const res = (await get(path)).json();
      return res.cache.hit === false ? res : null;
    }, 'the cached availability to be dropped');
    expect(JSON.stringify(fresh.data)).toContain(sku);
    const event = await p.ctx.db.prisma.webhookEvent.findFirstOrThrow({ where: { type: 'ITEM' } });
    expect(event.status).toBe('PROCESSED');
  });

  it('an ORDER_API webhook updates the location’s readiness and drops the cached readiness', async () => {
    await get('/readiness');
    expect((await get('/readiness')).json().cache.hit).toBe(true);
    await p.sandboxControl('POST', '/readiness', { businessLocationId: AMS.id, status: 'NOT_READY' });
    await waitFor(
      async () => (await get('/readiness')).json().cache.hit === false,
      'the cached readiness to be dropped',
    );
    const location = await p.ctx.db.prisma.location.findUniqueOrThrow({ where: { id: p.locationId } });
    expect(location.readiness).toBe('NOT_READY');
  });
});
