// Tokens never appear in logs (even at trace level), API responses, pages, or the database in
// plain text, across connect, test, refresh, a refused refresh and disconnect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext, createVendor, type TestContext } from '../helpers/context.js';
import {
  callback,
  CLIENT_ID,
  CLIENT_SECRET,
  decideOnSandbox,
  startApiConnect,
  startSandbox,
  type Sandbox,
} from './helpers.js';

describe('secrets stay secret', () => {
  const lines: string[] = [];
  const bodies: string[] = [];
  let sandbox: Sandbox;
  let ctx: TestContext;

  beforeAll(async () => {
    const publicUrl = 'http://127.0.0.1:3998';
    sandbox = await startSandbox({ redirectUri: `${publicUrl}/lightspeed/callback` });
    ctx = await createTestContext(
      {
        PUBLIC_URL: publicUrl,
        LIGHTSPEED_SANDBOX_URL: sandbox.url,
        LIGHTSPEED_CLIENT_ID: CLIENT_ID,
        LIGHTSPEED_CLIENT_SECRET: CLIENT_SECRET,
        LOG_LEVEL: 'trace',
      },
      {
        captureLogs: lines,
        beforeReady: (app) =>
          app.addHook('onSend', async (request, _reply, payload) => {
            // /admin/vendors returns the new vendor's API key once, by design.
            if (typeof payload === 'string' && !request.url.startsWith('/admin')) bodies.push(payload);
            return payload;
          }),
      },
    );
  });
  afterAll(async () => {
    await ctx?.close();
    await sandbox?.close();
  });

  it('never writes an access or refresh token, the client secret or a PKCE verifier anywhere visible', async () => {
    const vendor = await createVendor(ctx.app);
    const authUrl = await startApiConnect(ctx, vendor.apiKey);
    const nonce = JSON.parse(
      Buffer.from(new URL(authUrl).searchParams.get('state')!.split('.')[0]!, 'base64url').toString(),
    ).nonce;
    const verifier = JSON.parse((await ctx.app.redis.get(ctx.app.redisKey('lightspeed', 'oauth', nonce)))!)
      .verifier as string;
    expect((await callback(ctx, await decideOnSandbox(authUrl))).statusCode).toBe(200);
    const get = (url: string) => ctx.app.inject({ method: 'GET', url, headers: bearer(vendor.apiKey) });
    const post = (url: string, payload?: object) =>
      ctx.app.inject({ method: 'POST', url, headers: bearer(vendor.apiKey), ...(payload ? { payload } : {}) });
    await post('/v1/lightspeed/test');
    await get('/v1/lightspeed/status');
    await get('/v1/lightspeed/businesses');

    // A refresh, then a refused refresh (invalid_grant), then reconnect and disconnect.
    const connection = await ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { vendorId: vendor.id } });
    await ctx.db.prisma.lightspeedConnection.update({
      where: { id: connection.id },
      data: { accessTokenExpiresAt: new Date(Date.now() - 1000) },
    });
    ctx.app.services.lightspeed.tokens.evict(connection.id);
    await post('/v1/lightspeed/test');
    const rowAfterRefresh = await ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({
      where: { id: connection.id },
    });
    const dbText = JSON.stringify(rowAfterRefresh, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    await fetch(`${sandbox.url}/__sandbox/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ all: true }),
    });
    await ctx.db.prisma.lightspeedConnection.update({
      where: { id: connection.id },
      data: { accessTokenExpiresAt: new Date(Date.now() - 1000) },
    });
    ctx.app.services.lightspeed.tokens.evict(connection.id);
    await post('/v1/lightspeed/test');
    expect((await get('/v1/lightspeed/status')).json().reconnectRequired).toBe(true);
    expect((await callback(ctx, await decideOnSandbox(await startApiConnect(ctx, vendor.apiKey)))).statusCode).toBe(
      200,
    );
    await post('/v1/lightspeed/disconnect', { confirmation: 'Lightspeed' });
    const logsText = JSON.stringify((await get('/v1/lightspeed/logs')).json());
    const logRows = JSON.stringify(await ctx.db.prisma.integrationLog.findMany({ where: { vendorId: vendor.id } }));

    // Every token the sandbox ever issued in this test.
    const state = sandbox.app.sandbox.state;
    const secrets = [
      ...state.accessTokens.keys(),
      ...state.refreshTokens.keys(),
      CLIENT_SECRET,
      verifier,
      vendor.apiKey,
    ];
    expect(state.accessTokens.size).toBeGreaterThanOrEqual(3);
    expect(state.refreshTokens.size).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeGreaterThan(20);
    const everything = [lines.join('\n'), bodies.join('\n'), dbText, logsText, logRows];
    for (const secret of secrets) {
      for (const [i, text] of everything.entries()) {
        if (text.includes(secret)) {
          const at = text.indexOf(secret);
          throw new Error(
            `secret ${secrets.indexOf(secret)} found in text ${i}: ${text.slice(Math.max(0, at - 400), at + 100)}`,
          );
        }
      }
    }
    // The paths that handle tokens did log (so the absence above means something).
    const logged = lines.join('\n');
    for (const msg of [
      'lightspeed connected',
      'access token refreshed',
      'reconnect required',
      'lightspeed disconnected',
    ]) {
      expect(logged).toContain(msg);
    }
  });
});
