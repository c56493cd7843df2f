// Every K-Series call gets its access token here (AccessTokenProvider).
// - Hot path: an in-process cache answers without I/O while more than 5 minutes remain; it is
//   revalidated against Postgres in the background every few seconds (so a disconnect or a
//   rotation by another process is seen quickly).
// - Refresh: one per connection across all processes. A Redis lock with an owner value
//   (compare-and-delete release), then the row is re-read: if a sibling already rotated the
//   token it is used as is. The new pair is persisted first, with a version check.
// - invalid_grant: re-read; if the stored refresh token changed a sibling won, otherwise the
//   connection becomes DISCONNECTED (reconnect required) with an integration log entry.
// - Network errors / 5xx: the old tokens are kept; the old access token is used while it is
//   still valid; the refresh is retried (a few quick attempts, then again after a back-off).
// Row reads and writes are in ./token-rows.ts.
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../db/prisma.js';
import { UpstreamError } from '../../lib/errors.js';
import type { IntegrationLog } from '../integration-log.js';
import {
  ConnectionUnavailableError,
  type AccessTokenProvider,
  type ConnectionAccess,
} from '../../integrations/lightspeed/access-token-provider.js';
import { environmentUrls, fromDbEnvironment } from '../../integrations/lightspeed/environments.js';
import { TokenEndpointError, type LightspeedOAuth, type TokenSet } from '../../integrations/lightspeed/oauth-client.js';
import { tryAcquireLock } from '../../lib/redis-lock.js';
import type { TokenCipher } from '../../integrations/lightspeed/token-crypto.js';
import { createTokenStore, refreshCounter, type UsableRow } from './token-rows.js';

export { RECONNECT_REQUIRED_MESSAGE } from './token-rows.js';

export type Log = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

export interface TokenManagerOptions {
  /** Refresh when fewer than this many ms remain (default 5 minutes). */
  refreshMarginMs?: number;
  /** How long a cached row is trusted before a background re-read (default 5 s). */
  cacheTtlMs?: number;
  /** Lock lifetime: longer than a token request can take (default 30 s). */
  lockTtlMs?: number;
  /** How long a caller waits for another process's refresh before giving up (default 35 s). */
  lockWaitMs?: number;
  /** Poll interval while waiting for the lock (default 50 ms). */
  pollMs?: number;
  /** Extra attempts at the token endpoint on network errors within one refresh (default 2). */
  networkRetries?: number;
  /** Pause before the next refresh attempt after the token endpoint was unavailable (default 30 s). */
  failureBackoffMs?: number;
}

export interface TokenManagerDeps {
  prisma: PrismaClient;
  redis: Redis;
  /** Builds a Redis key under the deployment's prefix. */
  redisKey: (...parts: string[]) => string;
  cipher: TokenCipher;
  oauth: LightspeedOAuth;
  config: Pick<Config, 'LIGHTSPEED_SANDBOX_URL'>;
  integrationLog: IntegrationLog;
  log: Log;
  metrics?: Registry;
  options?: TokenManagerOptions;
}

export interface TokenManager extends AccessTokenProvider {
  /** Refreshes when fewer than `withinMs` remain (the scheduled sweep). True when it rotated. */
  refreshIfDue(connectionId: string, withinMs: number): Promise<boolean>;
  /** Forgets this process's cached token (after a reconnect or disconnect). */
  evict(connectionId: string): void;
}

interface Obtained {
  access: ConnectionAccess;
  /** True when this call rotated the token pair. */
  refreshed: boolean;
}

interface CacheEntry {
  access: ConnectionAccess;
  expiresAt: number;
  loadedAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createTokenManager(deps: TokenManagerDeps): TokenManager {
  const { redis, oauth, log } = deps;
  const store = createTokenStore(deps);
  const margin = deps.options?.refreshMarginMs ?? 5 * 60_000;
  const cacheTtl = deps.options?.cacheTtlMs ?? 5_000;
  const lockTtl = deps.options?.lockTtlMs ?? 30_000;
  const lockWait = deps.options?.lockWaitMs ?? 35_000;
  const pollMs = deps.options?.pollMs ?? 50;
  const networkRetries = deps.options?.networkRetries ?? 2;
  const failureBackoff = deps.options?.failureBackoffMs ?? 30_000;

  const cache = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<Obtained>>();
  const revalidating = new Set<string>();
  const backoffUntil = new Map<string, number>();
  const refreshes = deps.metrics ? refreshCounter(deps.metrics) : undefined;

  function remember(row: UsableRow): ConnectionAccess {
    const access: ConnectionAccess = {
      accessToken: row.accessToken,
      baseUrl: environmentUrls(fromDbEnvironment(row.environment), deps.config).baseUrl,
      scopes: row.scopes,
    };
    cache.set(row.id, { access, expiresAt: row.expiresAt, loadedAt: Date.now() });
    return access;
  }

  async function loadOrEvict(connectionId: string): Promise<UsableRow> {
    try {
      return await store.load(connectionId);
    } catch (err) {
      if (err instanceof ConnectionUnavailableError) cache.delete(connectionId);
      throw err;
    }
  }

  function revalidate(connectionId: string): void {
    if (revalidating.has(connectionId)) return;
    revalidating.add(connectionId);
    loadOrEvict(connectionId)
      .then((row) => {
        // A due token stays out of the cache: the next call takes the refresh path.
        if (row.expiresAt - Date.now() > margin) remember(row);
        else cache.delete(connectionId);
      })
      .catch((err: unknown) => {
        if (!(err instanceof ConnectionUnavailableError))
          log.warn({ err, connectionId }, 'token cache revalidation failed');
      })
      .finally(() => revalidating.delete(connectionId));
  }

  async function reconnectRequired(row: UsableRow, error: TokenEndpointError): Promise<never> {
    const marked = await store.markReconnectRequired(row, error);
    cache.delete(row.id);
    if (marked) refreshes?.inc({ outcome: 'invalid_grant' });
    // Not marked: the row changed meanwhile (reconnect, disconnect): the caller retries and sees it.
    throw new ConnectionUnavailableError(
      row.id,
      'RECONNECT_REQUIRED',
      marked ? undefined : 'connection changed during refresh; retry',
    );
  }

  async function keepOldTokens(row: UsableRow, error: TokenEndpointError): Promise<ConnectionAccess> {
    backoffUntil.set(row.id, Date.now() + failureBackoff);
    refreshes?.inc({ outcome: error.kind });
    await store.recordRefreshFailure(row, error);
    // Keep working with the old access token while it is still valid.
    if (row.expiresAt > Date.now() + 5_000) return remember(row);
    throw new UpstreamError(
      503,
      'LIGHTSPEED_TOKEN_UNAVAILABLE',
      'The Lightspeed access token could not be refreshed; retry later',
      {
        kind: error.kind,
      },
    );
  }

  /** Called with the lock held and the row freshly re-read. */
  async function refreshLocked(row: UsableRow): Promise<Obtained> {
    const refreshToken = store.refreshTokenOf(row);
    let tokens: TokenSet | undefined;
    for (let attempt = 0; !tokens; attempt++) {
      try {
        tokens = await oauth.refresh(fromDbEnvironment(row.environment), refreshToken, row.scopes);
      } catch (err) {
        const error =
          err instanceof TokenEndpointError
            ? err
            : new TokenEndpointError('unavailable', 'token refresh failed unexpectedly');
        if (error.kind === 'invalid_grant') {
          if (await store.rotatedByOthers(row.id, refreshToken)) {
            log.info({ connectionId: row.id }, 'refresh token was rotated by another process');
            return { access: remember(await loadOrEvict(row.id)), refreshed: false };
          }
          return reconnectRequired(row, error);
        }
        if (error.kind === 'unavailable' && attempt < networkRetries) {
          await sleep(200 * 2 ** attempt);
          continue;
        }
        return { access: await keepOldTokens(row, error), refreshed: false };
      }
    }
    // Persist first: the old refresh token is dead from now on.
    if (!(await store.saveRotated(row, tokens))) {
      log.warn({ connectionId: row.id }, 'connection changed during the refresh; the new token pair was discarded');
      return { access: remember(await loadOrEvict(row.id)), refreshed: false };
    }
    backoffUntil.delete(row.id);
    refreshes?.inc({ outcome: 'refreshed' });
    log.info({ connectionId: row.id, expiresAt: tokens.expiresAt.toISOString() }, 'access token refreshed');
    const next = {
      ...row,
      accessToken: tokens.accessToken,
      expiresAt: tokens.expiresAt.getTime(),
      scopes: tokens.scopes,
    };
    return { access: remember({ ...next, version: row.version + 1 }), refreshed: true };
  }

  /** Returns usable access; refreshes (once across all processes) when `needsRefresh` says so. */
  async function obtain(connectionId: string, needsRefresh: (row: UsableRow) => boolean): Promise<Obtained> {
    const kept = (r: UsableRow): Obtained => ({ access: remember(r), refreshed: false });
    let row = await loadOrEvict(connectionId);
    if (!needsRefresh(row)) return kept(row);
    const pausedUntil = backoffUntil.get(connectionId) ?? 0;
    if (Date.now() < pausedUntil && row.expiresAt > Date.now() + 5_000) return kept(row);
    const lockKey = deps.redisKey('lightspeed', 'token-lock', connectionId);
    const deadline = Date.now() + lockWait;
    for (;;) {
      const lock = await tryAcquireLock(redis, lockKey, lockTtl);
      if (lock) {
        try {
          row = await loadOrEvict(connectionId);
          if (!needsRefresh(row)) return kept(row);
          return await refreshLocked(row);
        } finally {
          await lock.release().catch((err: unknown) => log.warn({ err }, 'could not release the token lock'));
        }
      }
      await sleep(pollMs);
      row = await loadOrEvict(connectionId);
      if (!needsRefresh(row)) return kept(row);
      if (Date.now() > deadline) {
        throw new UpstreamError(
          503,
          'LIGHTSPEED_TOKEN_BUSY',
          'Another process is refreshing the Lightspeed token; retry shortly',
        );
      }
    }
  }

  function singleFlight(key: string, run: () => Promise<Obtained>): Promise<Obtained> {
    const pending = inflight.get(key);
    if (pending !== undefined) return pending;
    const promise = run().finally(() => inflight.delete(key));
    inflight.set(key, promise);
    return promise;
  }

  const isDue = (withinMs: number) => (row: UsableRow) => row.expiresAt - Date.now() < withinMs;

  return {
    async getAccess(connectionId) {
      const entry = cache.get(connectionId);
      if (entry) {
        const now = Date.now();
        if (entry.expiresAt - now > margin) {
          if (now - entry.loadedAt > cacheTtl) revalidate(connectionId);
          return entry.access;
        }
      }
      return (await singleFlight(connectionId, () => obtain(connectionId, isDue(margin)))).access;
    },

    async refreshAfterUnauthorized(connectionId, rejectedAccessToken) {
      cache.delete(connectionId);
      const obtained = await singleFlight(`${connectionId}:401`, () =>
        obtain(connectionId, (row) => row.accessToken === rejectedAccessToken || isDue(margin)(row)),
      );
      return obtained.access;
    },

    async refreshIfDue(connectionId, withinMs) {
      return (await singleFlight(`${connectionId}:sweep`, () => obtain(connectionId, isDue(withinMs)))).refreshed;
    },

    evict(connectionId) {
      cache.delete(connectionId);
      backoffUntil.delete(connectionId);
    },
  };
}
