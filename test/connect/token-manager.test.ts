// The token manager against real Postgres, Redis and the sandbox's token endpoint. "Processes"
// are separate token managers with their own Prisma client, Redis connection and cache: they
// share nothing but Postgres and Redis, like two API/worker processes.
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionUnavailableError } from '../../src/integrations/lightspeed/access-token-provider.js';
import {
  createLightspeedOAuth,
  TokenEndpointError,
  type LightspeedOAuth,
} from '../../src/integrations/lightspeed/oauth-client.js';
import { tryAcquireLock } from '../../src/lib/redis-lock.js';
import { tokenCipherFromConfig } from '../../src/integrations/lightspeed/token-crypto.js';
import { createTokenManager, type TokenManagerOptions } from '../../src/services/connections/token-manager.js';
import { createPrisma, type PrismaClient } from '../../src/db/prisma.js';
import { closeRedis, createRedis, redisKey } from '../../src/lib/redis.js';
import { createIntegrationLog } from '../../src/services/integration-log.js';
import { bearer } from '../helpers/context.js';
import { connectedVendor, createConnectContext, tokenRequests, type ConnectContext } from './helpers.js';

const silent = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;

describe('token manager', () => {
  let c: ConnectContext;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    c = await createConnectContext();
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await c?.close();
  });

  /** A token manager as another process would have it. */
  function processManager(options: TokenManagerOptions = {}, oauth?: LightspeedOAuth) {
    const prisma: PrismaClient = createPrisma(c.ctx.db.url, { poolSize: 3 });
    const redis = createRedis(c.ctx.config.REDIS_URL);
    closers.push(async () => {
      await prisma.$disconnect();
      await closeRedis(redis);
    });
    return createTokenManager({
      prisma,
      redis,
      redisKey: (...parts) => redisKey(c.ctx.config.REDIS_PREFIX, ...parts),
      cipher: tokenCipherFromConfig(c.ctx.config),
      oauth: oauth ?? createLightspeedOAuth({ config: c.ctx.config }),
      config: c.ctx.config,
      integrationLog: createIntegrationLog({ prisma }),
      log: silent,
      options: { pollMs: 10, ...options },
    });
  }

  const prisma = () => c.ctx.db.prisma;
  const cipher = () => c.ctx.app.services.lightspeed.cipher;
  const row = (id: string) => prisma().lightspeedConnection.findUniqueOrThrow({ where: { id } });
  const storedTokens = async (id: string) => {
    const r = await row(id);
    return {
      access: cipher().decrypt(r.accessTokenEnc!, { connectionId: id, column: 'access_token_enc' }),
      refresh: cipher().decrypt(r.refreshTokenEnc!, { connectionId: id, column: 'refresh_token_enc' }),
      version: r.version,
    };
  };
  const expire = (id: string, inMs = -1000) =>
    prisma().lightspeedConnection.update({
      where: { id },
      data: { accessTokenExpiresAt: new Date(Date.now() + inMs) },
    });
  const refreshCount = async () => (await tokenRequests(c.sandbox)).byGrantType.refresh_token ?? 0;
  const businessesWith = (token: string) =>
    fetch(`${c.sandbox.url}/o/op/data/businesses`, { headers: { authorization: `Bearer ${token}` } }).then(
      (r) => r.status,
    );

  it('two processes racing on an expired token make exactly one token request and both get the new token', async () => {
    const vendor = await connectedVendor(c.ctx);
    const old = await storedTokens(vendor.connectionId);
    await expire(vendor.connectionId);
    const a = processManager();
    const b = processManager();
    const before = await refreshCount();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).getAccess(vendor.connectionId)),
    );
    expect((await refreshCount()) - before).toBe(1);
    const now = await storedTokens(vendor.connectionId);
    expect(now.access).not.toBe(old.access);
    expect(now.refresh).not.toBe(old.refresh);
    expect(now.version).toBe(old.version + 1);
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set([now.access]));
    expect(results[0]).toMatchObject({ baseUrl: c.sandbox.url, scopes: expect.arrayContaining(['orders-api']) });
    expect(await businessesWith(now.access)).toBe(200);
    // Persisted with the expiry from expires_in.
    expect((await row(vendor.connectionId)).accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('a waiter that finds the token rotated by another process skips refreshing', async () => {
    const vendor = await connectedVendor(c.ctx);
    const old = await storedTokens(vendor.connectionId);
    await expire(vendor.connectionId);
    // "Another process" holds the lock and is refreshing.
    const lockKey = redisKey(c.ctx.config.REDIS_PREFIX, 'lightspeed', 'token-lock', vendor.connectionId);
    await c.ctx.app.redis.set(lockKey, 'another-process', 'PX', 30_000);
    const waiter = processManager();
    const before = await refreshCount();
    const pending = waiter.getAccess(vendor.connectionId);
    await new Promise((r) => setTimeout(r, 100));
    // The other process rotates the pair, persists it, and releases its lock.
    const fresh = await createLightspeedOAuth({ config: c.ctx.config }).refresh('sandbox', old.refresh, ['orders-api']);
    await prisma().lightspeedConnection.update({
      where: { id: vendor.connectionId },
      data: {
        accessTokenEnc: cipher().encrypt(fresh.accessToken, {
          connectionId: vendor.connectionId,
          column: 'access_token_enc',
        }),
        refreshTokenEnc: cipher().encrypt(fresh.refreshToken, {
          connectionId: vendor.connectionId,
          column: 'refresh_token_enc',
        }),
        accessTokenExpiresAt: fresh.expiresAt,
        version: { increment: 1 },
      },
    });
    const access = await pending;
    await c.ctx.app.redis.del(lockKey);
    expect(access.accessToken).toBe(fresh.accessToken);
    expect((await refreshCount()) - before).toBe(1); // only the other process's
  });

  it('a stale lock owner cannot release the lock of the owner that took it after expiry', async () => {
    const redis = c.ctx.app.redis;
    const key = c.ctx.app.redisKey('test-lock', 'stale-owner');
    const first = await tryAcquireLock(redis, key, 50);
    expect(first).not.toBeNull();
    expect(await tryAcquireLock(redis, key, 50)).toBeNull();
    await new Promise((r) => setTimeout(r, 80));
    const second = await tryAcquireLock(redis, key, 5_000);
    expect(second).not.toBeNull();
    expect(await first!.release()).toBe(false);
    expect(await redis.get(key)).toBe(second!.owner);
    expect(await second!.release()).toBe(true);
    expect(await redis.get(key)).toBeNull();
  });

  it('invalid_grant marks the connection DISCONNECTED (reconnect required) and tells the vendor', async () => {
    const vendor = await connectedVendor(c.ctx);
    const old = await storedTokens(vendor.connectionId);
    await fetch(`${c.sandbox.url}/__sandbox/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: old.refresh }),
    });
    await expire(vendor.connectionId);
    const manager = processManager();
    const error = await manager.getAccess(vendor.connectionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionUnavailableError);
    expect((error as ConnectionUnavailableError).reason).toBe('RECONNECT_REQUIRED');
    expect(String(error)).not.toContain(old.refresh);
    const r = await row(vendor.connectionId);
    expect(r).toMatchObject({
      status: 'DISCONNECTED',
      accessTokenEnc: null,
      refreshTokenEnc: null,
      lastError: expect.stringContaining('Reconnect'),
    });
    const status = (
      await c.ctx.app.inject({ method: 'GET', url: '/v1/lightspeed/status', headers: bearer(vendor.apiKey) })
    ).json();
    expect(status).toMatchObject({ status: 'DISCONNECTED', reconnectRequired: true });
    const logs = (
      await c.ctx.app.inject({ method: 'GET', url: '/v1/lightspeed/logs', headers: bearer(vendor.apiKey) })
    ).json().items;
    expect(logs[0]).toMatchObject({ level: 'ERROR', event: 'token.reconnect_required' });
    // Later callers are told the same without another token request.
    const before = await refreshCount();
    await expect(manager.getAccess(vendor.connectionId)).rejects.toMatchObject({ reason: 'RECONNECT_REQUIRED' });
    expect(await refreshCount()).toBe(before);
  });

  it("invalid_grant after a sibling rotated the refresh token uses the sibling's token instead of disconnecting", async () => {
    const vendor = await connectedVendor(c.ctx);
    await expire(vendor.connectionId);
    const sibling = { accessToken: 'sibling-access-token', refreshToken: 'sibling-refresh-token' };
    // The token endpoint refuses our (stale) refresh token because a sibling process used it
    // and already stored its new pair (e.g. its lock expired while it was slow).
    const racing: LightspeedOAuth = {
      ...createLightspeedOAuth({ config: c.ctx.config }),
      refresh: async () => {
        await prisma().lightspeedConnection.update({
          where: { id: vendor.connectionId },
          data: {
            accessTokenEnc: cipher().encrypt(sibling.accessToken, {
              connectionId: vendor.connectionId,
              column: 'access_token_enc',
            }),
            refreshTokenEnc: cipher().encrypt(sibling.refreshToken, {
              connectionId: vendor.connectionId,
              column: 'refresh_token_enc',
            }),
            accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
            version: { increment: 1 },
          },
        });
        throw new TokenEndpointError(
          'invalid_grant',
          'token endpoint answered 400 invalid_grant',
          'invalid_grant',
          400,
        );
      },
    };
    const access = await processManager({}, racing).getAccess(vendor.connectionId);
    expect(access.accessToken).toBe(sibling.accessToken);
    expect((await row(vendor.connectionId)).status).toBe('CONNECTED');
  });

  it('network errors and 5xx keep the old tokens: the still-valid token is used, an expired one is a retryable 503', async () => {
    const vendor = await connectedVendor(c.ctx);
    const old = await storedTokens(vendor.connectionId);
    const fault = (body: object) =>
      fetch(`${c.sandbox.url}/__sandbox/faults/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await fault({ status: 503, count: 1000, pathPrefix: '/oauth/token' });
    try {
      // Two minutes left: due for refresh, still usable.
      await expire(vendor.connectionId, 120_000);
      const manager = processManager({ networkRetries: 1 });
      expect((await manager.getAccess(vendor.connectionId)).accessToken).toBe(old.access);
      const kept = await storedTokens(vendor.connectionId);
      expect(kept).toEqual(old);
      expect((await row(vendor.connectionId)).lastError).toContain('Token refresh failed');
      const logs = (
        await c.ctx.app.inject({ method: 'GET', url: '/v1/lightspeed/logs', headers: bearer(vendor.apiKey) })
      ).json().items;
      expect(logs[0]).toMatchObject({ level: 'WARN', event: 'token.refresh_failed' });

      await expire(vendor.connectionId);
      const error = await processManager({ networkRetries: 0 })
        .getAccess(vendor.connectionId)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode: 503, code: 'LIGHTSPEED_TOKEN_UNAVAILABLE' });
      expect(await storedTokens(vendor.connectionId)).toEqual(old);
    } finally {
      await fetch(`${c.sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    }
    // Once the token endpoint is back, the kept refresh token still works.
    const access = await processManager().getAccess(vendor.connectionId);
    expect(access.accessToken).not.toBe(old.access);
    expect(await row(vendor.connectionId)).toMatchObject({ status: 'CONNECTED', lastError: null });
  });

  it('refreshAfterUnauthorized refreshes once for a rejected token, and not again for the same stale token', async () => {
    const vendor = await connectedVendor(c.ctx);
    const manager = processManager();
    const first = await manager.getAccess(vendor.connectionId);
    const before = await refreshCount();
    const retried = await Promise.all([
      manager.refreshAfterUnauthorized(vendor.connectionId, first.accessToken),
      processManager().refreshAfterUnauthorized(vendor.connectionId, first.accessToken),
    ]);
    expect((await refreshCount()) - before).toBe(1);
    expect(retried[0]!.accessToken).not.toBe(first.accessToken);
    expect(retried[1]!.accessToken).toBe(retried[0]!.accessToken);
    const again = await manager.refreshAfterUnauthorized(vendor.connectionId, first.accessToken);
    expect(again.accessToken).toBe(retried[0]!.accessToken);
    expect((await refreshCount()) - before).toBe(1);
  });

  it('answers NOT_CONNECTED for an unknown connection', async () => {
    await expect(processManager().getAccess('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      reason: 'NOT_CONNECTED',
    });
  });
});
