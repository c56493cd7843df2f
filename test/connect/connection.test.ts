// Status, Test Connection, businesses, disconnect (typed confirmation) and reconnect over the
// API, against the sandbox; and one vendor never sees another's connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { bearer, createVendor } from '../helpers/context.js';
import {
  callback,
  connectedVendor,
  createConnectContext,
  decideOnSandbox,
  startApiConnect,
  type ConnectContext,
} from './helpers.js';

describe('Lightspeed connection management', () => {
  let c: ConnectContext;
  beforeAll(async () => {
    c = await createConnectContext();
  });
  afterAll(async () => c?.close());

  const get = (url: string, apiKey: string) => c.ctx.app.inject({ method: 'GET', url, headers: bearer(apiKey) });
  const post = (url: string, apiKey: string, payload?: object) =>
    c.ctx.app.inject({ method: 'POST', url, headers: bearer(apiKey), ...(payload ? { payload } : {}) });

  it('reports NOT_CONNECTED before any connect, and refuses test/businesses/disconnect', async () => {
    const vendor = await createVendor(c.ctx.app);
    expect((await get('/v1/lightspeed/status', vendor.apiKey)).json()).toMatchObject({
      status: 'NOT_CONNECTED',
      businessId: null,
      scopes: [],
      lastCheckedAt: null,
    });
    expect((await post('/v1/lightspeed/test', vendor.apiKey)).statusCode).toBe(409);
    expect((await get('/v1/lightspeed/businesses', vendor.apiKey)).json().error.code).toBe('LIGHTSPEED_NOT_CONNECTED');
    expect((await post('/v1/lightspeed/disconnect', vendor.apiKey, { confirmation: 'Lightspeed' })).statusCode).toBe(
      409,
    );
  });

  it('tests the connection with a real K-Series call and records lastCheckedAt', async () => {
    const vendor = await connectedVendor(c.ctx);
    const requestsBefore = (await (await fetch(`${c.sandbox.url}/__sandbox/requests`)).json()) as {
      byEndpoint: Record<string, number>;
    };
    const started = Date.now();
    const res = await post('/v1/lightspeed/test', vendor.apiKey);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ ok: true, message: expect.stringContaining(SANDBOX_SEED.business.name) });
    expect(Date.parse(body.status.lastCheckedAt)).toBeGreaterThanOrEqual(started - 5);
    const requestsAfter = (await (await fetch(`${c.sandbox.url}/__sandbox/requests`)).json()) as {
      byEndpoint: Record<string, number>;
    };
    const calls = (r: { byEndpoint: Record<string, number> }) =>
      Object.entries(r.byEndpoint)
        .filter(([k]) => k.includes('/o/op/data/businesses'))
        .reduce((s, [, n]) => s + n, 0);
    expect(calls(requestsAfter)).toBe(calls(requestsBefore) + 1);
  });

  it('records a failed test with the reason, shown in status and logs', async () => {
    const vendor = await connectedVendor(c.ctx);
    // Every attempt of the next calls answers 503 (the client retries, then gives up).
    await fetch(`${c.sandbox.url}/__sandbox/faults/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 503, count: 20, pathPrefix: '/o/op/data/businesses' }),
    });
    try {
      const res = await post('/v1/lightspeed/test', vendor.apiKey);
      expect(res.json()).toMatchObject({ ok: false, message: expect.stringContaining('Connection test failed') });
      const status = (await get('/v1/lightspeed/status', vendor.apiKey)).json();
      expect(status).toMatchObject({ status: 'CONNECTED', lastError: expect.stringContaining('503') });
      const logs = (await get('/v1/lightspeed/logs', vendor.apiKey)).json().items;
      expect(logs[0]).toMatchObject({ level: 'ERROR', event: 'connection.test_failed' });
    } finally {
      await fetch(`${c.sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    }
  });

  it('lists the connected business and its locations', async () => {
    const vendor = await connectedVendor(c.ctx);
    const res = await get('/v1/lightspeed/businesses', vendor.apiKey);
    expect(res.statusCode).toBe(200);
    const [business] = res.json().items;
    expect(business.id).toBe(SANDBOX_SEED.business.id);
    expect(business.locations.map((l: { id: number }) => l.id).sort()).toEqual(
      [...SANDBOX_SEED.businessLocationIds].sort(),
    );
  });

  it('disconnects only with the typed confirmation, clears credentials and deregisters the webhook; reconnect reuses the record', async () => {
    const vendor = await connectedVendor(c.ctx);
    const before = await c.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { vendorId: vendor.id } });
    const endpointId = before.webhookEndpointId!;
    expect(c.sandbox.app.sandbox.state.endpoints.size).toBeGreaterThan(0);

    for (const confirmation of ['', 'lightspeed', 'Lightspeed ', 'yes']) {
      const refused = await post('/v1/lightspeed/disconnect', vendor.apiKey, { confirmation });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('CONFIRMATION_REQUIRED');
    }
    expect((await get('/v1/lightspeed/status', vendor.apiKey)).json().status).toBe('CONNECTED');

    const res = await post('/v1/lightspeed/disconnect', vendor.apiKey, { confirmation: 'Lightspeed' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      webhookRemoved: true,
      status: { status: 'DISCONNECTED', reconnectRequired: false, scopes: [] },
    });
    const row = await c.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { vendorId: vendor.id } });
    expect(row).toMatchObject({
      accessTokenEnc: null,
      refreshTokenEnc: null,
      accessTokenExpiresAt: null,
      webhookEndpointId: null,
    });
    expect(
      (await c.ctx.db.prisma.vendor.findUniqueOrThrow({ where: { id: vendor.id } })).providerIntegrated,
    ).toBeNull();
    expect([...c.sandbox.app.sandbox.state.endpoints.values()].some((e) => e.endpointId === endpointId)).toBe(false);
    // The token manager no longer hands out a token for it.
    await expect(c.ctx.app.services.lightspeed.tokens.getAccess(row.id)).rejects.toMatchObject({
      reason: 'DISCONNECTED',
    });

    const redirect = await decideOnSandbox(await startApiConnect(c.ctx, vendor.apiKey));
    expect((await callback(c.ctx, redirect)).statusCode).toBe(200);
    const again = await c.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { vendorId: vendor.id } });
    expect(again.id).toBe(before.id);
    expect(again.status).toBe('CONNECTED');
    expect(again.version).toBeGreaterThan(row.version);
    expect(again.webhookEndpointId).not.toBe(endpointId);
    const logs = (await get('/v1/lightspeed/logs', vendor.apiKey)).json().items.map((e: { event: string }) => e.event);
    expect(logs.slice(0, 2)).toEqual(['oauth.reconnected', 'oauth.disconnected']);
  });

  it('reconnect while connected replaces the credentials on the same record', async () => {
    const vendor = await connectedVendor(c.ctx);
    const before = await c.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { vendorId: vendor.id } });
    const redirect = await decideOnSandbox(await startApiConnect(c.ctx, vendor.apiKey));
    expect((await callback(c.ctx, redirect)).statusCode).toBe(200);
    const after = await c.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { vendorId: vendor.id } });
    expect(after.id).toBe(before.id);
    expect(after.refreshTokenEnc).not.toBe(before.refreshTokenEnc);
    // The previous webhook endpoint was replaced, not left behind.
    const ids = [...c.sandbox.app.sandbox.state.endpoints.values()].map((e) => e.endpointId);
    expect(ids).toContain(after.webhookEndpointId);
    expect(ids).not.toContain(before.webhookEndpointId);
  });

  it("never shows one vendor another vendor's connection or log", async () => {
    const a = await connectedVendor(c.ctx, 'A');
    const b = await createVendor(c.ctx.app, 'B');
    expect((await get('/v1/lightspeed/status', b.apiKey)).json().status).toBe('NOT_CONNECTED');
    expect((await get('/v1/lightspeed/logs', b.apiKey)).json().items).toEqual([]);
    expect((await get('/v1/lightspeed/logs', a.apiKey)).json().items.length).toBeGreaterThan(0);
    expect((await post('/v1/lightspeed/disconnect', b.apiKey, { confirmation: 'Lightspeed' })).statusCode).toBe(409);
    expect((await get('/v1/lightspeed/status', a.apiKey)).json().status).toBe('CONNECTED');
  });

  it('requires a vendor API key on every Lightspeed route', async () => {
    for (const [method, url] of [
      ['POST', '/v1/lightspeed/connect'],
      ['GET', '/v1/lightspeed/status'],
      ['POST', '/v1/lightspeed/test'],
      ['GET', '/v1/lightspeed/logs'],
      ['GET', '/v1/lightspeed/businesses'],
      ['POST', '/v1/lightspeed/disconnect'],
    ] as const) {
      expect((await c.ctx.app.inject({ method, url })).statusCode).toBe(401);
    }
  });
});
