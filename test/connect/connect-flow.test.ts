// Connect through the API against the sandbox: authorization URL (PKCE S256, signed state),
// callback (code exchange with Basic auth, business, encrypted tokens, webhook endpoint), and
// every refusal (tampered, expired, replayed state; denied consent; failed exchange; returnTo).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signState } from '../../src/integrations/lightspeed/oauth-state.js';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { bearer, createVendor } from '../helpers/context.js';
import {
  callback,
  CLIENT_ID,
  CLIENT_SECRET,
  createConnectContext,
  decideOnSandbox,
  startApiConnect,
  tokenRequests,
  type ConnectContext,
} from './helpers.js';

describe('connect with Lightspeed (API flow)', () => {
  let c: ConnectContext;
  beforeAll(async () => {
    c = await createConnectContext();
  });
  afterAll(async () => c?.close());

  const logs = async (apiKey: string) =>
    (await c.ctx.app.inject({ method: 'GET', url: '/v1/lightspeed/logs', headers: bearer(apiKey) })).json().items as {
      level: string;
      event: string;
      message: string;
    }[];

  it('returns an authorization URL with PKCE S256 and a signed state, and caches the verifier for 10 minutes', async () => {
    const vendor = await createVendor(c.ctx.app);
    const url = new URL(await startApiConnect(c.ctx, vendor.apiKey));
    expect(url.origin + url.pathname).toBe(`${c.sandbox.url}/oauth/authorize`);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(`${c.publicUrl}/lightspeed/callback`);
    expect(q.get('scope')).toBe('orders-api financial-api items');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [body] = q.get('state')!.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
    expect(payload).toEqual({ vendorId: vendor.id, issuedAt: expect.any(Number), nonce: expect.any(String) });
    const key = c.ctx.app.redisKey('lightspeed', 'oauth', payload.nonce);
    const ttl = await c.ctx.app.redis.pttl(key);
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    const pending = JSON.parse((await c.ctx.app.redis.get(key))!);
    expect(pending).toMatchObject({
      vendorId: vendor.id,
      origin: 'api',
      verifier: expect.stringMatching(/^[A-Za-z0-9_-]{43,128}$/),
    });
    // The secret verifier is not in the URL; only its S256 challenge is.
    expect(url.toString()).not.toContain(pending.verifier);
  });

  it('connects: stores the business, encrypted tokens and scopes, registers the webhook endpoint and logs it', async () => {
    const vendor = await createVendor(c.ctx.app);
    const before = await tokenRequests(c.sandbox);
    const redirect = await decideOnSandbox(await startApiConnect(c.ctx, vendor.apiKey));
    const res = await callback(c.ctx, redirect);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Connected to Lightspeed');
    expect((await tokenRequests(c.sandbox)).byGrantType.authorization_code).toBe(
      (before.byGrantType.authorization_code ?? 0) + 1,
    );

    const status = (
      await c.ctx.app.inject({ method: 'GET', url: '/v1/lightspeed/status', headers: bearer(vendor.apiKey) })
    ).json();
    expect(status).toMatchObject({
      status: 'CONNECTED',
      environment: 'sandbox',
      businessId: SANDBOX_SEED.business.id,
      businessName: SANDBOX_SEED.business.name,
      scopes: expect.arrayContaining(['orders-api', 'financial-api', 'items']),
      webhookRegistered: true,
      lastError: null,
    });
    // Expiry comes from expires_in (sandbox default 3600 s).
    const expiresIn = Date.parse(status.accessTokenExpiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(3_500_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000);
    expect(JSON.stringify(status)).not.toMatch(/token"\s*:\s*"/i);

    const row = await c.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { vendorId: vendor.id } });
    expect(row.accessTokenEnc).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(row.refreshTokenEnc).toMatch(/^v1:/);
    const access = c.ctx.app.services.lightspeed.cipher.decrypt(row.accessTokenEnc!, {
      connectionId: row.id,
      column: 'access_token_enc',
    });
    expect(row.accessTokenEnc).not.toContain(access);
    const vendorRow = await c.ctx.db.prisma.vendor.findUniqueOrThrow({ where: { id: vendor.id } });
    expect(vendorRow.providerIntegrated).toBe('lightspeed');

    const endpoints = [...c.sandbox.app.sandbox.state.endpoints.values()].filter(
      (e) => e.endpointId === row.webhookEndpointId,
    );
    expect(endpoints).toHaveLength(1);
    // The endpoint id in the URL is the fallback credential of POST /webhook/lightspeed.
    expect(endpoints[0]).toMatchObject({
      url: `${c.publicUrl}/webhook/lightspeed?endpoint=${row.webhookEndpointId}`,
      withBasicAuth: true,
      username: c.ctx.config.LIGHTSPEED_WEBHOOK_USER,
    });
    expect([...endpoints[0]!.locations.keys()].sort()).toEqual([...SANDBOX_SEED.businessLocationIds].sort());

    expect((await logs(vendor.apiKey))[0]).toMatchObject({ level: 'INFO', event: 'oauth.connected' });
  });

  it('refuses a replayed callback (the nonce is single use)', async () => {
    const vendor = await createVendor(c.ctx.app);
    const redirect = await decideOnSandbox(await startApiConnect(c.ctx, vendor.apiKey));
    expect((await callback(c.ctx, redirect)).statusCode).toBe(200);
    const replay = await callback(c.ctx, redirect);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('already used or has expired');
    expect((await logs(vendor.apiKey))[0]).toMatchObject({ level: 'ERROR', event: 'oauth.state_replayed' });
  });

  it('refuses a tampered state without touching the token endpoint', async () => {
    const vendor = await createVendor(c.ctx.app);
    const redirect = await decideOnSandbox(await startApiConnect(c.ctx, vendor.apiKey));
    const state = redirect.searchParams.get('state')!;
    const [body, sig] = state.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
    const other = await createVendor(c.ctx.app, 'Victim');
    const forgedBody = Buffer.from(JSON.stringify({ ...payload, vendorId: other.id })).toString('base64url');
    const before = await tokenRequests(c.sandbox);
    for (const forged of [`${forgedBody}.${sig}`, `${body}.${sig!.slice(0, -2)}AA`, 'garbage', '']) {
      redirect.searchParams.set('state', forged);
      const res = await callback(c.ctx, redirect);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('not valid');
    }
    expect((await tokenRequests(c.sandbox)).total).toBe(before.total);
    const status = (
      await c.ctx.app.inject({ method: 'GET', url: '/v1/lightspeed/status', headers: bearer(other.apiKey) })
    ).json();
    expect(status.status).toBe('NOT_CONNECTED');
  });

  it('refuses a state older than 10 minutes and logs it for the vendor', async () => {
    const vendor = await createVendor(c.ctx.app);
    const state = signState(
      { vendorId: vendor.id, issuedAt: Date.now() - 11 * 60_000, nonce: 'n'.repeat(24) },
      CLIENT_SECRET,
    );
    const res = await callback(c.ctx, new URL(`${c.publicUrl}/lightspeed/callback?code=abc&state=${state}`));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('expired');
    expect((await logs(vendor.apiKey))[0]).toMatchObject({ level: 'ERROR', event: 'oauth.state_expired' });
  });

  it('shows a clear message when the merchant denies consent, and stays not connected', async () => {
    const vendor = await createVendor(c.ctx.app);
    const redirect = await decideOnSandbox(await startApiConnect(c.ctx, vendor.apiKey), 'deny');
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    const res = await callback(c.ctx, redirect);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Access was declined');
    expect((await logs(vendor.apiKey))[0]).toMatchObject({ level: 'WARN', event: 'oauth.consent_denied' });
    const row = await c.ctx.db.prisma.lightspeedConnection.findUnique({ where: { vendorId: vendor.id } });
    expect(row).toBeNull();
  });

  it('reports a failed code exchange', async () => {
    const vendor = await createVendor(c.ctx.app);
    const redirect = await decideOnSandbox(await startApiConnect(c.ctx, vendor.apiKey));
    redirect.searchParams.set('code', 'not-a-real-code');
    const res = await callback(c.ctx, redirect);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('did not accept the authorization code');
    const [entry] = (
      await c.ctx.app.inject({ method: 'GET', url: '/v1/lightspeed/logs', headers: bearer(vendor.apiKey) })
    ).json().items;
    expect(entry).toMatchObject({
      level: 'ERROR',
      event: 'oauth.exchange_failed',
      details: { detail: expect.stringContaining('invalid_grant') },
    });
  });

  it('returns to an allow-listed returnTo with the outcome, and refuses one that is not allowed', async () => {
    const vendor = await createVendor(c.ctx.app);
    const refused = await c.ctx.app.inject({
      method: 'POST',
      url: '/v1/lightspeed/connect',
      headers: bearer(vendor.apiKey),
      payload: { returnTo: 'https://evil.example/steal' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('RETURN_TO_NOT_ALLOWED');

    const put = await c.ctx.app.inject({
      method: 'PUT',
      url: '/v1/lightspeed/return-to-allow-list',
      headers: bearer(vendor.apiKey),
      payload: { urls: ['https://backoffice.vendor.example/integrations'] },
    });
    expect(put.statusCode).toBe(200);
    const sneaky = await c.ctx.app.inject({
      method: 'POST',
      url: '/v1/lightspeed/connect',
      headers: bearer(vendor.apiKey),
      payload: { returnTo: 'https://backoffice.vendor.example/integrations-evil' },
    });
    expect(sneaky.statusCode).toBe(400);

    const returnTo = 'https://backoffice.vendor.example/integrations/lightspeed?tab=pos';
    const redirect = await decideOnSandbox(await startApiConnect(c.ctx, vendor.apiKey, returnTo));
    const res = await callback(c.ctx, redirect);
    expect(res.statusCode).toBe(303);
    const location = new URL(res.headers.location as string);
    expect(location.origin + location.pathname).toBe('https://backoffice.vendor.example/integrations/lightspeed');
    expect(location.searchParams.get('tab')).toBe('pos');
    expect(location.searchParams.get('lightspeed')).toBe('connected');

    const denied = await decideOnSandbox(await startApiConnect(c.ctx, vendor.apiKey, returnTo), 'deny');
    const deniedRes = await callback(c.ctx, denied);
    expect(new URL(deniedRes.headers.location as string).searchParams.get('reason')).toBe('CONSENT_DENIED');
  });
});
