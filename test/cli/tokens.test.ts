// cli tokens refresh|reencrypt (in-process) against a listening K-Series sandbox: a forced
// refresh rotates the pair through the token endpoint (once) and never prints a token; refused
// or failed refreshes say why; re-encryption moves every secret to the current key version.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenCipher, tokenCipherFromConfig } from '../../src/integrations/lightspeed/token-crypto.js';
import { cipherSealer } from '../../src/services/callbacks/service.js';
import { connectedVendor, createConnectContext, tokenRequests, type ConnectContext } from '../connect/helpers.js';
import { envFor } from '../helpers/child-worker.js';
import { createVendor } from '../helpers/context.js';
import { runCli, snapshot } from './helpers.js';

describe('cli: tokens', { timeout: 120_000 }, () => {
  let c: ConnectContext;
  let env: Record<string, string>;
  beforeAll(async () => {
    c = await createConnectContext();
    env = envFor(c.ctx.config);
  });
  afterAll(async () => c?.close());

  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra });
  const prisma = () => c.ctx.db.prisma;
  const aad = (connectionId: string, column: 'access_token_enc' | 'refresh_token_enc') => ({ connectionId, column });

  async function plainTokens(connectionId: string, cipher = tokenCipherFromConfig(c.ctx.config)) {
    const row = await prisma().lightspeedConnection.findUniqueOrThrow({ where: { id: connectionId } });
    return {
      access: cipher.decrypt(row.accessTokenEnc!, aad(connectionId, 'access_token_enc')),
      refresh: cipher.decrypt(row.refreshTokenEnc!, aad(connectionId, 'refresh_token_enc')),
      version: row.version,
    };
  }

  it('finds a sandbox moved with SANDBOX_PORT alone, as the service does', async () => {
    const vendor = await connectedVendor(c.ctx, 'Moved sandbox');
    const sandboxUrl = new URL(c.ctx.config.LIGHTSPEED_SANDBOX_URL);
    expect(sandboxUrl.port).not.toBe('4010');
    const { LIGHTSPEED_SANDBOX_URL: _set, ...unset } = env;
    const run = await runCli(['tokens', 'refresh', vendor.id, '--json'], { ...unset, SANDBOX_PORT: sandboxUrl.port });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ vendorId: vendor.id, refreshed: true });
  });

  it('tokens refresh rotates the pair now, once, and prints no token', async () => {
    const vendor = await connectedVendor(c.ctx, 'Refreshed');
    const before = await plainTokens(vendor.connectionId);
    const requestsBefore = (await tokenRequests(c.sandbox)).byGrantType.refresh_token ?? 0;
    const run = await cli(['tokens', 'refresh', vendor.id, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({
      vendorId: vendor.id,
      connectionId: vendor.connectionId,
      refreshed: true,
      status: 'CONNECTED',
    });
    const after = await plainTokens(vendor.connectionId);
    expect(after.version).toBe(before.version + 1);
    expect(after.access).not.toBe(before.access);
    expect(after.refresh).not.toBe(before.refresh);
    expect((await tokenRequests(c.sandbox)).byGrantType.refresh_token ?? 0).toBe(requestsBefore + 1);
    for (const secret of [before.access, before.refresh, after.access, after.refresh]) {
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
    const text = await cli(['tokens', 'refresh', vendor.id, '--verbose']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^refreshed:\s+true$/m);
    const latest = await plainTokens(vendor.connectionId);
    expect(text.stdout + text.stderr).not.toContain(latest.access);
    expect(text.stdout + text.stderr).not.toContain(latest.refresh);
  });

  it('tokens refresh says why it could not: not connected, refresh token refused, token endpoint down', async () => {
    const never = await createVendor(c.ctx.app, 'Never connected');
    const notConnected = await cli(['tokens', 'refresh', never.id]);
    expect(notConnected.code).toBe(1);
    expect(notConnected.stderr).toContain('Nothing to refresh: the connection is NOT_CONNECTED');

    const down = await connectedVendor(c.ctx, 'Endpoint down');
    const kept = await plainTokens(down.connectionId);
    await fetch(`${c.sandbox.url}/__sandbox/faults/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 503, count: 1000, pathPrefix: '/oauth/token' }),
    });
    try {
      const failed = await cli(['tokens', 'refresh', down.id, '--json']);
      expect(failed.code).toBe(1);
      expect(failed.jsonError()).toEqual({
        error: { code: 'REFRESH_FAILED', message: expect.stringContaining('Token refresh failed') },
      });
      expect(await plainTokens(down.connectionId)).toEqual(kept);
    } finally {
      await fetch(`${c.sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    }

    const revoked = await connectedVendor(c.ctx, 'Revoked');
    const old = await plainTokens(revoked.connectionId);
    await fetch(`${c.sandbox.url}/__sandbox/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: old.refresh }),
    });
    const refused = await cli(['tokens', 'refresh', revoked.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the vendor must reconnect');
    expect(
      await prisma().lightspeedConnection.findUniqueOrThrow({ where: { id: revoked.connectionId } }),
    ).toMatchObject({ status: 'DISCONNECTED' });

    const bad = await cli(['tokens', 'refresh', 'vendor-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid for argument 'vendorId'");
  });

  it('tokens reencrypt moves tokens and callback secrets to the current key; without the old key it stops, changing nothing', async () => {
    const oldCipher = tokenCipherFromConfig(c.ctx.config);
    const vendor = await connectedVendor(c.ctx, 'Rotated');
    const tokens = await plainTokens(vendor.connectionId);
    const secret = `cbsec_${randomBytes(16).toString('hex')}`;
    await prisma().vendor.update({
      where: { id: vendor.id },
      data: {
        callbackUrl: 'https://vendor.example/cb',
        callbackSecretEnc: cipherSealer(oldCipher).seal(vendor.id, secret),
      },
    });

    const newKey = randomBytes(32);
    const rotated = {
      TOKEN_ENCRYPTION_KEY: newKey.toString('base64'),
      TOKEN_ENCRYPTION_KEY_VERSION: '2',
      TOKEN_ENCRYPTION_PREVIOUS_KEYS: `1:${c.ctx.config.TOKEN_ENCRYPTION_KEY}`,
    };
    const stale = await prisma().lightspeedConnection.count({ where: { accessTokenEnc: { startsWith: 'v1:' } } });
    expect(stale).toBeGreaterThanOrEqual(1);

    // Without the old key nothing can be read: refused, nothing written.
    const before = await snapshot(prisma());
    const missingKey = await cli(['tokens', 'reencrypt'], { ...rotated, TOKEN_ENCRYPTION_PREVIOUS_KEYS: '' });
    expect(missingKey.code).toBe(1);
    expect(missingKey.stderr).toMatch(/cannot be decrypted.*TOKEN_ENCRYPTION_PREVIOUS_KEYS/);
    expect(await snapshot(prisma())).toEqual(before);

    const dry = await cli(['tokens', 'reencrypt', '--dry-run', '--json'], rotated);
    expect(dry.code).toBe(0);
    expect(dry.json()).toEqual({ keyVersion: 2, stale: { connections: stale, callbackSecrets: 1 } });
    expect(await snapshot(prisma())).toEqual(before);

    const run = await cli(['tokens', 'reencrypt', '--batch', '1', '--json'], rotated);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toEqual({
      keyVersion: 2,
      reencrypted: { connections: stale, callbackSecrets: 1 },
      remaining: { connections: 0, callbackSecrets: 0 },
    });
    const newCipher = createTokenCipher({ currentKey: newKey, currentVersion: 2 });
    const row = await prisma().lightspeedConnection.findUniqueOrThrow({ where: { id: vendor.connectionId } });
    expect(row.accessTokenEnc!.startsWith('v2:')).toBe(true);
    expect(await plainTokens(vendor.connectionId, newCipher)).toEqual(tokens);
    const sealed = (await prisma().vendor.findUniqueOrThrow({ where: { id: vendor.id } })).callbackSecretEnc!;
    expect(sealed.startsWith('v2:')).toBe(true);
    expect(cipherSealer(newCipher).open(vendor.id, sealed)).toBe(secret);
    expect(run.stdout + run.stderr).not.toContain(secret);

    // Nothing left: a second run rewrites nothing.
    const again = await cli(['tokens', 'reencrypt', '--json'], rotated);
    expect(again.json().reencrypted).toEqual({ connections: 0, callbackSecrets: 0 });

    const badBatch = await cli(['tokens', 'reencrypt', '--batch', '0'], rotated);
    expect(badBatch.code).toBe(2);
    expect(badBatch.stderr).toContain('--batch');
  });
});
