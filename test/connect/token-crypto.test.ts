// Tokens at rest: AES-256-GCM with key version and AAD (row + column); tampering and a wrong
// AAD fail; rotating TOKEN_ENCRYPTION_KEY keeps old rows readable and re-encrypts them.
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightspeedOAuth } from '../../src/integrations/lightspeed/oauth-client.js';
import {
  createTokenCipher,
  tokenCipherFromConfig,
  TokenDecryptionError,
} from '../../src/integrations/lightspeed/token-crypto.js';
import { createTokenManager } from '../../src/services/connections/token-manager.js';
import { reencryptStaleTokens } from '../../src/services/connections/reencrypt-with-rotated-key.js';
import { createIntegrationLog } from '../../src/services/integration-log.js';
import { createTestContext, createVendor, testConfig, type TestContext } from '../helpers/context.js';

const key1 = randomBytes(32);
const key2 = randomBytes(32);
const aad = { connectionId: randomUUID(), column: 'access_token_enc' as const };

describe('token cipher', () => {
  const cipher = createTokenCipher({ currentKey: key1, currentVersion: 1 });

  it('encrypts with a fresh IV and the key version, and decrypts', () => {
    const a = cipher.encrypt('secret-access-token', aad);
    const b = cipher.encrypt('secret-access-token', aad);
    expect(a).toMatch(/^v1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(cipher.decrypt(a, aad)).toBe('secret-access-token');
  });

  it('fails on any tampering', () => {
    const ct = cipher.encrypt('secret-access-token', aad);
    const [v, iv, tag, data] = ct.split(':') as [string, string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const bad of [
      `${v}:${flip(iv)}:${tag}:${data}`,
      `${v}:${iv}:${flip(tag)}:${data}`,
      `${v}:${iv}:${tag}:${flip(data)}`,
      `${v}:${iv}:${tag}:`,
      'plain',
      `v9:${iv}:${tag}:${data}`,
    ]) {
      expect(() => cipher.decrypt(bad, aad)).toThrow(TokenDecryptionError);
    }
  });

  it('fails for another row or the other column (AAD)', () => {
    const ct = cipher.encrypt('secret-access-token', aad);
    expect(() => cipher.decrypt(ct, { ...aad, connectionId: randomUUID() })).toThrow(TokenDecryptionError);
    expect(() => cipher.decrypt(ct, { ...aad, column: 'refresh_token_enc' })).toThrow(TokenDecryptionError);
  });

  it('never puts the plaintext in its error', () => {
    const ct = cipher.encrypt('secret-access-token', aad);
    try {
      cipher.decrypt(ct, { ...aad, column: 'refresh_token_enc' });
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('secret');
      expect(String((err as Error).message)).not.toContain(ct);
    }
  });

  it('reads old-key ciphertexts after a rotation and flags them stale; refuses keys it does not have', () => {
    const old = cipher.encrypt('secret-access-token', aad);
    const rotated = createTokenCipher({ currentKey: key2, currentVersion: 2, previousKeys: new Map([[1, key1]]) });
    expect(rotated.decrypt(old, aad)).toBe('secret-access-token');
    expect(rotated.isStale(old)).toBe(true);
    const fresh = rotated.encrypt('secret-access-token', aad);
    expect(fresh.startsWith('v2:')).toBe(true);
    expect(rotated.isStale(fresh)).toBe(false);
    expect(() => cipher.decrypt(fresh, aad)).toThrow(/no key for version 2/);
    const withoutOld = createTokenCipher({ currentKey: key2, currentVersion: 2 });
    expect(() => withoutOld.decrypt(old, aad)).toThrow(TokenDecryptionError);
  });
});

describe('key rotation on stored connections', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ TOKEN_ENCRYPTION_KEY: key1.toString('base64'), TOKEN_ENCRYPTION_KEY_VERSION: '1' });
  });
  afterAll(async () => ctx?.close());

  it('re-encrypts v1 rows under v2 without downtime: readable before, during and after', async () => {
    const v1 = tokenCipherFromConfig(ctx.config);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const vendor = await createVendor(ctx.app, `Rotating ${i}`);
      const id = randomUUID();
      ids.push(id);
      await ctx.db.prisma.lightspeedConnection.create({
        data: {
          id,
          vendorId: vendor.id,
          environment: 'SANDBOX',
          status: 'CONNECTED',
          accessTokenEnc: v1.encrypt(`access-${i}`, { connectionId: id, column: 'access_token_enc' }),
          refreshTokenEnc: v1.encrypt(`refresh-${i}`, { connectionId: id, column: 'refresh_token_enc' }),
          accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
          scopes: ['orders-api'],
        },
      });
    }
    // New process configuration: key 2 current, key 1 kept for reading.
    const config = testConfig({
      DATABASE_URL: ctx.db.url,
      TOKEN_ENCRYPTION_KEY: key2.toString('base64'),
      TOKEN_ENCRYPTION_KEY_VERSION: '2',
      TOKEN_ENCRYPTION_PREVIOUS_KEYS: `1:${key1.toString('base64')}`,
    });
    const v2 = tokenCipherFromConfig(config);
    const manager = createTokenManager({
      prisma: ctx.db.prisma,
      redis: ctx.app.redis,
      redisKey: (...p) => ctx.app.redisKey(...p),
      cipher: v2,
      oauth: createLightspeedOAuth({ config }),
      config,
      integrationLog: createIntegrationLog({ prisma: ctx.db.prisma }),
      log: pino({ level: 'silent' }) as unknown as FastifyBaseLogger,
    });
    // Before re-encryption the new process already reads the old rows.
    expect((await manager.getAccess(ids[0]!)).accessToken).toBe('access-0');

    const result = await reencryptStaleTokens({ prisma: ctx.db.prisma, cipher: v2 });
    expect(result).toEqual({ reencrypted: 3, skipped: 0 });
    for (const [i, id] of ids.entries()) {
      const row = await ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { id } });
      expect(row.accessTokenEnc!.startsWith('v2:')).toBe(true);
      expect(row.refreshTokenEnc!.startsWith('v2:')).toBe(true);
      expect(row.version).toBe(0); // token rotation's version is untouched
      expect(v2.decrypt(row.refreshTokenEnc!, { connectionId: id, column: 'refresh_token_enc' })).toBe(`refresh-${i}`);
      // A process still on the old configuration can no longer read them: roll out the new key first.
      expect(() => v1.decrypt(row.accessTokenEnc!, { connectionId: id, column: 'access_token_enc' })).toThrow();
    }
    manager.evict(ids[1]!);
    expect((await manager.getAccess(ids[1]!)).accessToken).toBe('access-1');
    expect(await reencryptStaleTokens({ prisma: ctx.db.prisma, cipher: v2 })).toEqual({ reencrypted: 0, skipped: 0 });
  });

  it('does not overwrite a row that changed between read and write', async () => {
    const v1 = tokenCipherFromConfig(ctx.config);
    const vendor = await createVendor(ctx.app, 'Concurrent');
    const id = randomUUID();
    await ctx.db.prisma.lightspeedConnection.create({
      data: {
        id,
        vendorId: vendor.id,
        environment: 'SANDBOX',
        status: 'CONNECTED',
        accessTokenEnc: v1.encrypt('a', { connectionId: id, column: 'access_token_enc' }),
        refreshTokenEnc: v1.encrypt('r', { connectionId: id, column: 'refresh_token_enc' }),
      },
    });
    const v2 = createTokenCipher({ currentKey: key2, currentVersion: 2, previousKeys: new Map([[1, key1]]) });
    const real = ctx.db.prisma;
    // A refresh persists a new pair between the re-encryption's read and its write.
    const racing = {
      lightspeedConnection: {
        findMany: (args: never) => real.lightspeedConnection.findMany(args),
        updateMany: async (args: never) => {
          await real.lightspeedConnection.update({
            where: { id },
            data: { refreshTokenEnc: v2.encrypt('rotated', { connectionId: id, column: 'refresh_token_enc' }) },
          });
          return real.lightspeedConnection.updateMany(args);
        },
      },
    } as unknown as typeof real;
    expect(await reencryptStaleTokens({ prisma: racing, cipher: v2 })).toEqual({ reencrypted: 0, skipped: 1 });
    let row = await real.lightspeedConnection.findUniqueOrThrow({ where: { id } });
    expect(v2.decrypt(row.refreshTokenEnc!, { connectionId: id, column: 'refresh_token_enc' })).toBe('rotated');
    // The next sweep finishes the job.
    expect(await reencryptStaleTokens({ prisma: real, cipher: v2 })).toEqual({ reencrypted: 1, skipped: 0 });
    row = await real.lightspeedConnection.findUniqueOrThrow({ where: { id } });
    expect(row.accessTokenEnc!.startsWith('v2:')).toBe(true);
    expect(v2.decrypt(row.accessTokenEnc!, { connectionId: id, column: 'access_token_enc' })).toBe('a');
    expect(v2.decrypt(row.refreshTokenEnc!, { connectionId: id, column: 'refresh_token_enc' })).toBe('rotated');
  });
});
