// The smaller divergences from the published spec, each checked against the spec itself:
// readiness with null orderProfileId/staffId, the taskTtlInMs minimum, rich-item paging without
// page counts, and saleByExternalReference's undocumented 404.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KSeriesApiError,
  saleExternalReference,
  type KSeriesClient,
} from '../../src/integrations/lightspeed/client/index.js';
import { readiness } from '../../src/integrations/lightspeed/client/schemas/orders-api.js';
import { closeRedis, createRedis } from '../../src/lib/redis.js';
import { clearRedisPrefix } from '../helpers/context.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import {
  createSandboxTokenProvider,
  createTestClient,
  SANDBOX_SEED,
  startSandbox,
  type RunningSandbox,
} from '../helpers/kseries-sandbox.js';
import { loadOpenApi } from '../helpers/openapi.js';

const AMS = SANDBOX_SEED.locations.amsterdam.id;
const BUSINESS = SANDBOX_SEED.business.id;
const conn = 'conn-divergences';
const prefix = `test:divergences:${randomBytes(4).toString('hex')}`;
let sandbox: RunningSandbox;
let redis: Redis;
let client: KSeriesClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  redis = createRedis(TEST_REDIS_URL);
  ({ client } = createTestClient({ tokens: createSandboxTokenProvider(sandbox.url), redis, prefix }));
});
afterAll(async () => {
  await client.close();
  await closeRedis(redis);
  await clearRedisPrefix(TEST_REDIS_URL, prefix);
  await sandbox.close();
});

const requests = async (endpoint: string) =>
  (await sandbox.control<{ byEndpoint: Record<string, number> }>('GET', '/requests')).byEndpoint[endpoint] ?? 0;

describe('divergences from the spec, fixed', () => {
  it("accepts the spec's NOT_READY readiness example, with orderProfileId and staffId null", () => {
    const doc = loadOpenApi('lightspeed-order-and-pay-api-openapi.yml') as {
      webhooks: Record<
        string,
        { post: { requestBody: { content: Record<string, { examples: Record<string, { value: object }> }> } } }
      >;
    };
    const example =
      doc.webhooks['apeOnline Ordering API Readiness notification']!.post.requestBody.content['application/json']!
        .examples.onlineOrderingAPINotReady!.value;
    const parsed = readiness.safeParse(example);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data).toMatchObject({
      status: 'NOT_READY',
      onlineOrderingApiConfiguration: { enabled: false, orderProfileId: null, staffId: null },
    });
  });

  it('refuses taskTtlInMs below the documented 60,000 ms minimum before sending anything', async () => {
    const before = await requests('POST /o/op/1/pay');
    const pay = (taskTtlInMs: number) =>
      client.pay(conn, {
        businessLocationId: AMS,
        endpointId: 'EP',
        thirdPartyPaymentReference: `ttl-${taskTtlInMs}-${randomBytes(3).toString('hex')}`,
        iKaccountIdentifier: 'A1.1',
        paymentAmount: 1,
        taskTtlInMs,
      });
    const err = await pay(59_999).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KSeriesApiError);
    expect(err).toMatchObject({ kind: 'invalid_request' });
    expect(await requests('POST /o/op/1/pay')).toBe(before);
    // The minimum itself goes on the wire (the sandbox then refuses the unknown endpoint id).
    await expect(pay(60_000)).rejects.toMatchObject({ kind: 'http', status: 400 });
    expect(await requests('POST /o/op/1/pay')).toBe(before + 1);
  });

  it('pages rich items past a full page: the answer has no page count, a short page ends the list', async () => {
    const all = (await client.listRichItems(conn, BUSINESS, { page: 0, size: 1000 })).items.map((r) => r.sku);
    expect(all.length).toBeGreaterThan(6);
    const paged: string[] = [];
    let pages = 0;
    for await (const items of client.iterateRichItems(conn, BUSINESS, { size: 3 })) {
      pages++;
      paged.push(...items.map((r) => r.sku ?? ''));
    }
    expect(paged.sort()).toEqual([...all].sort());
    expect(pages).toBe(Math.floor(all.length / 3) + 1);
  });

  it("reads K-Series' message from the financial API's documented 400 (a map of problem objects)", async () => {
    const err = await client
      .getFinancials(conn, AMS, { from: '2023-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'http', status: 400 });
    expect((err as KSeriesApiError).upstreamMessage).toContain('cannot exceed 365 days');
  });

  it('saleByExternalReference: a receipt when there is one; the undocumented 404 reads as "none yet"', async () => {
    expect(await client.getSaleByExternalReference(conn, AMS, saleExternalReference(AMS, 'never-sent'))).toBeNull();
  });
});
