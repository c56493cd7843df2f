// No 5xx on hostile input: every request generated from our own OpenAPI document (see
// ./hostile-requests.ts) is answered 4xx or 2xx, with valid credentials where a route needs them
// (one connected vendor with a mapped location, the admin token). Prints the count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { ADMIN_TOKEN, bearer } from '../helpers/context.js';
import { connectedVendor, createConnectContext, type ConnectContext } from '../connect/helpers.js';
import { hostileRequests, type HostileRequest } from './hostile-requests.js';

const AMSTERDAM = SANDBOX_SEED.locations.amsterdam.id;

describe('hostile input from the OpenAPI document', () => {
  let c: ConnectContext;
  let requests: HostileRequest[];

  beforeAll(async () => {
    // Limits off: a 429 would hide what the route itself answers.
    c = await createConnectContext({
      env: {
        RATE_LIMIT_PER_API_KEY: '0',
        RATE_LIMIT_CALLBACK_PER_IP: '0',
        RATE_LIMIT_WEBHOOK_FAILURES_PER_IP: '0',
        RATE_LIMIT_AUTH_FAILURES_PER_IP: '0',
        KSERIES_MAX_ATTEMPTS: '1',
      },
    });
    const { app } = c.ctx;
    const vendor = await connectedVendor(c.ctx, 'Hostile');
    const location = await app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: bearer(vendor.apiKey),
      payload: { name: 'Amsterdam', businessLocationId: AMSTERDAM },
    });
    expect(location.statusCode).toBe(201);
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    requests = hostileRequests(doc, {
      auth: (path) =>
        path.startsWith('/v1') ? bearer(vendor.apiKey) : path.startsWith('/admin') ? bearer(ADMIN_TOKEN) : {},
      ids: { locationId: location.json().id, vendorId: vendor.id },
    });
  }, 60_000);
  afterAll(async () => c?.close());

  it('answers at least 2,000 generated hostile requests without a single 5xx', async () => {
    expect(requests.length).toBeGreaterThanOrEqual(2_000);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const started = Date.now();
    // A few at a time: the routes are independent, and the run stays well under 30 s.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < requests.length) {
          const req = requests[next++]!;
          const res = await c.ctx.app.inject({
            method: req.method as 'GET',
            url: req.url,
            headers: req.headers,
            ...(req.payload !== undefined ? { payload: req.payload } : {}),
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode >= 500) failures.push(`${res.statusCode} ${req.what}: ${res.body.slice(0, 200)}`);
        }
      }),
    );
    const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
    console.log(
      `hostile input: ${requests.length} requests in ${Date.now() - started} ms, ${failures.length} 5xx; ${byStatus.join(', ')}`,
    );
    expect(failures.slice(0, 40)).toEqual([]);
  }, 120_000);
});
