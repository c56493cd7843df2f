// The client's transport against the sandbox over real HTTP: retries on 429/503 with the right
// number of upstream calls, Retry-After honoured, a 400 surfacing K-Series' message, one token
// refresh on 401, timeouts and resets, non-idempotent calls not repeated, logs and metrics.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  KSeriesApiError,
  isReferenceAlreadyUsed,
  type KSeriesClient,
} from '../../src/integrations/lightspeed/client/index.js';
import { closeRedis, createRedis } from '../../src/lib/redis.js';
import { clearRedisPrefix } from '../helpers/context.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import {
  createSandboxTokenProvider,
  createTestClient,
  SANDBOX_SEED,
  startSandbox,
  type LogLine,
  type RunningSandbox,
  type SandboxTokenProvider,
} from '../helpers/kseries-sandbox.js';
import type { Registry } from 'prom-client';

const AMS = SANDBOX_SEED.locations.amsterdam.id;
const prefix = `test:client:${randomBytes(4).toString('hex')}`;
let sandbox: RunningSandbox;
let redis: Redis;
let tokens: SandboxTokenProvider;
let client: KSeriesClient;
let logs: LogLine[];
let registry: Registry;
const conn = 'conn-transport';

async function caught(promise: Promise<unknown>): Promise<KSeriesApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof KSeriesApiError) return err;
    throw err;
  }
  throw new Error('expected a KSeriesApiError');
}

/** A counter's value for the given labels. */
async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return (m?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

beforeAll(async () => {
  sandbox = await startSandbox();
  redis = createRedis(TEST_REDIS_URL);
  tokens = createSandboxTokenProvider(sandbox.url);
  ({ client, logs, registry } = createTestClient({ tokens, redis, prefix }));
});

afterAll(async () => {
  await client.close();
  await closeRedis(redis);
  await clearRedisPrefix(TEST_REDIS_URL, prefix);
  await sandbox.close();
});

beforeEach(async () => {
  await sandbox.control('DELETE', '/faults');
  logs.length = 0;
});

describe('K-Series client transport (sandbox over HTTP)', () => {
  it('reads the seeded business with a token from the sandbox OAuth flow', async () => {
    const businesses = await client.getBusinesses(conn);
    expect(businesses).toEqual([
      expect.objectContaining({
        id: SANDBOX_SEED.business.id,
        businessLocations: expect.arrayContaining([expect.objectContaining({ id: AMS })]),
      }),
    ]);
  });

  it('retries a 429 after its Retry-After and succeeds with two upstream calls', async () => {
    const before = await sandbox.requestCount('GET /o/op/1/menu/list');
    await sandbox.control('POST', '/faults/status', {
      status: 429,
      retryAfterSeconds: 1,
      count: 1,
      pathPrefix: '/o/op/1/menu/list',
    });
    const started = Date.now();
    const menus = await client.getMenus(conn, AMS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(menus.map((m) => m.ikentooMenuId)).toContain(SANDBOX_SEED.locations.amsterdam.menus.allDay);
    expect((await sandbox.requestCount('GET /o/op/1/menu/list')) - before).toBe(2);
    expect(await counter('kseries_retries_total', { endpoint: 'GET /o/op/1/menu/list', reason: '429' })).toBe(1);
  });

  it('retries a 503 with backoff and succeeds with two upstream calls', async () => {
    const before = await sandbox.requestCount('GET /o/op/1/menu/discounts');
    await sandbox.control('POST', '/faults/status', { status: 503, count: 1, pathPrefix: '/o/op/1/menu/discounts' });
    const discounts = await client.getDiscounts(conn, AMS);
    expect(discounts.length).toBeGreaterThan(0);
    expect((await sandbox.requestCount('GET /o/op/1/menu/discounts')) - before).toBe(2);
  });

  it('gives up after maxAttempts on a persistent 503, marked retryable, with K-Series message', async () => {
    const before = await sandbox.requestCount('GET /o/op/1/menu/modifiers');
    await sandbox.control('POST', '/faults/status', { status: 503, count: 10, pathPrefix: '/o/op/1/menu/modifiers' });
    const err = await caught(client.getModifiers(conn, AMS));
    expect(err).toMatchObject({
      kind: 'http',
      status: 503,
      retryable: true,
      attempts: 4,
      endpoint: 'GET /o/op/1/menu/modifiers',
    });
    expect(err.upstreamMessage).toBe('Service temporarily unavailable');
    expect((await sandbox.requestCount('GET /o/op/1/menu/modifiers')) - before).toBe(4);
  });

  it('surfaces the message of a 400 and does not retry it', async () => {
    const before = await sandbox.requestCount('POST /o/op/1/order/local');
    const err = await caught(
      client.createLocalOrder(conn, {
        businessLocationId: AMS,
        thirdPartyReference: `t-${randomBytes(4).toString('hex')}`,
        endpointId: 'no-such-endpoint',
        customerInfo: { firstName: 'Ada' },
        items: [{ sku: SANDBOX_SEED.skus.cola, quantity: 1 }],
      }),
    );
    expect(err).toMatchObject({ kind: 'http', status: 400, retryable: false, attempts: 1 });
    expect(err.upstreamMessage).toBe('endpoint ID not found for no-such-endpoint');
    expect(err.message).toContain('POST /o/op/1/order/local answered 400: endpoint ID not found');
    expect((await sandbox.requestCount('POST /o/op/1/order/local')) - before).toBe(1);
  });

  it('refreshes the token once after a 401 and retries with the new one', async () => {
    const first = await tokens.getAccess(conn);
    await sandbox.control('POST', '/tokens/expire', { accessToken: first.accessToken });
    const refreshesBefore = tokens.refreshes;
    const profiles = await client.getAccountProfiles(conn, AMS);
    expect(profiles.accountProfileList.map((p) => p.code)).toContain('TAKEAWAY');
    expect(tokens.refreshes - refreshesBefore).toBe(1);
    expect(tokens.current(conn)?.accessToken).not.toBe(first.accessToken);
    expect(await counter('kseries_unauthorized_refreshes_total', { endpoint: 'GET /o/op/data/account-profiles' })).toBe(
      1,
    );
  });

  it("does not loop on 401: a revoked grant ends with the provider's error after one refresh attempt", async () => {
    const other = 'conn-revoked';
    const access = await tokens.getAccess(other);
    await sandbox.control('POST', '/tokens/revoke', { accessToken: access.accessToken });
    await expect(client.getMenus(other, AMS)).rejects.toMatchObject({
      name: 'ConnectionUnavailableError',
      reason: 'RECONNECT_REQUIRED',
    });
  });

  it('times out a slow attempt and retries it', async () => {
    const { client: impatient } = createTestClient({ tokens, redis, prefix, retry: { attemptTimeoutMs: 300 } });
    try {
      const before = await sandbox.requestCount('GET /o/op/1/onlineOrderReadiness');
      await sandbox.control('POST', '/faults/latency', {
        ms: 3_000,
        count: 1,
        pathPrefix: '/o/op/1/onlineOrderReadiness',
      });
      const started = Date.now();
      const readiness = await impatient.getOnlineOrderReadiness(conn, AMS);
      expect(readiness.status).toMatch(/READY/);
      // Well before the slow answer would have come.
      expect(Date.now() - started).toBeLessThan(2_500);
      expect((await sandbox.requestCount('GET /o/op/1/onlineOrderReadiness')) - before).toBe(2);
    } finally {
      await impatient.close();
    }
  });

  it('retries a reset connection for a read', async () => {
    await sandbox.control('POST', '/faults/reset', { count: 1, pathPrefix: '/o/op/data/businesses' });
    const businesses = await client.getBusinesses(conn);
    expect(businesses).toHaveLength(1);
    expect(await counter('kseries_retries_total', { endpoint: 'GET /o/op/data/businesses', reason: 'network' })).toBe(
      1,
    );
  });

  it('does not repeat a non-idempotent call (print) after a 503', async () => {
    const before = await sandbox.requestCount('POST /o/op/1/printMsg');
    await sandbox.control('POST', '/faults/status', { status: 503, count: 1, pathPrefix: '/o/op/1/printMsg' });
    const err = await caught(client.printMessage(conn, AMS, { message: 'Table 4 allergy: nuts' }));
    expect(err).toMatchObject({ status: 503, retryable: true, attempts: 1 });
    expect((await sandbox.requestCount('POST /o/op/1/printMsg')) - before).toBe(1);
  });

  it('recognises a reused order reference (409) as already delivered', async () => {
    const endpointId = `ep-${randomBytes(6).toString('hex')}`;
    await client.createWebhookEndpoint(conn, {
      endpointId,
      url: 'http://127.0.0.1:9/webhook/lightspeed',
      subscribeTo: [{ resource: 'order' }],
    });
    const order = {
      businessLocationId: AMS,
      thirdPartyReference: `ref-${randomBytes(6).toString('hex')}`,
      endpointId,
      customerInfo: { firstName: 'Ada' },
      items: [{ sku: SANDBOX_SEED.skus.cola, quantity: 1 }],
    };
    expect(await client.createToGoOrder(conn, order)).toMatchObject({ status: 'ok' });
    const err = await caught(client.createToGoOrder(conn, order));
    expect(err.status).toBe(409);
    expect(isReferenceAlreadyUsed(err)).toBe(true);
    await client.deleteWebhookEndpoint(conn, endpointId);
  });

  it('refuses a call outside the granted scopes without calling K-Series', async () => {
    const financeOnly = createSandboxTokenProvider(sandbox.url, { scopes: ['financial-api'] });
    const { client: limited } = createTestClient({ tokens: financeOnly, redis, prefix });
    try {
      const before = await sandbox.requestCount('GET /o/op/1/menu/list');
      const err = await caught(limited.getMenus('conn-finance', AMS));
      expect(err).toMatchObject({ kind: 'missing_scope', scope: 'orders-api', retryable: false });
      expect(await sandbox.requestCount('GET /o/op/1/menu/list')).toBe(before);
      expect((await limited.getTaxRates('conn-finance', AMS)).length).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('logs every attempt with endpoint, status, duration and attempt, never the token', async () => {
    await sandbox.control('POST', '/faults/status', { status: 502, count: 1, pathPrefix: '/o/op/1/menu/list' });
    await client.getMenus(conn, AMS);
    const lines = logs.map((l) => l.obj.kseries as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        endpoint: 'GET /o/op/1/menu/list',
        status: '502',
        attempt: 1,
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({
        endpoint: 'GET /o/op/1/menu/list',
        status: '200',
        attempt: 2,
        durationMs: expect.any(Number),
      }),
    ]);
    const token = tokens.current(conn)?.accessToken ?? 'missing';
    expect(JSON.stringify(logs)).not.toContain(token);
    const exposition = await registry.metrics();
    expect(exposition).toContain(
      'kseries_request_duration_seconds_count{endpoint="GET /o/op/1/menu/list",status="502"}',
    );
    expect(exposition).toContain('kseries_call_duration_seconds_count{endpoint="GET /o/op/1/menu/list",outcome="ok"}');
  });
});
