// The connection row as the token manager sees it: read and decrypt, persist a rotated pair
// (version-checked), mark "reconnect required", record a failed refresh. No caching, no
// locking: that is the token manager's job.
import { Counter, type Registry } from 'prom-client';
import type { PrismaClient } from '../../db/prisma.js';
import type { IntegrationLog } from '../integration-log.js';
import { ConnectionUnavailableError } from '../../integrations/lightspeed/access-token-provider.js';
import type { TokenEndpointError, TokenSet } from '../../integrations/lightspeed/oauth-client.js';
import type { TokenCipher } from '../../integrations/lightspeed/token-crypto.js';

export const RECONNECT_REQUIRED_MESSAGE =
  'Lightspeed no longer accepts this connection (invalid_grant). Reconnect with Lightspeed.';

const CONNECTION_SELECT = {
  id: true,
  vendorId: true,
  environment: true,
  status: true,
  accessTokenEnc: true,
  refreshTokenEnc: true,
  accessTokenExpiresAt: true,
  scopes: true,
  lastError: true,
  version: true,
} as const;

export interface UsableRow {
  id: string;
  vendorId: string;
  environment: 'SANDBOX' | 'TRIAL' | 'PRODUCTION';
  accessToken: string;
  refreshTokenEnc: string;
  expiresAt: number;
  scopes: string[];
  version: number;
}

export interface TokenStoreDeps {
  prisma: PrismaClient;
  cipher: TokenCipher;
  integrationLog: IntegrationLog;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

const refreshAad = (id: string) => ({ connectionId: id, column: 'refresh_token_enc' as const });
const accessAad = (id: string) => ({ connectionId: id, column: 'access_token_enc' as const });

export function createTokenStore(deps: TokenStoreDeps) {
  const { prisma, cipher, log } = deps;

  async function logForVendor(vendorId: string, entry: Parameters<IntegrationLog['record']>[1]) {
    await deps.integrationLog
      .record(vendorId, entry)
      .catch((err: unknown) => log.warn({ err }, 'could not write integration log'));
  }

  return {
    /** Reads the row; throws ConnectionUnavailableError unless it is connected with tokens. */
    async load(connectionId: string): Promise<UsableRow> {
      const row = await prisma.lightspeedConnection.findUnique({
        where: { id: connectionId },
        select: CONNECTION_SELECT,
      });
      if (!row || row.status === 'NOT_CONNECTED') throw new ConnectionUnavailableError(connectionId, 'NOT_CONNECTED');
      if (row.status === 'DISCONNECTED') {
        throw new ConnectionUnavailableError(connectionId, row.lastError ? 'RECONNECT_REQUIRED' : 'DISCONNECTED');
      }
      if (!row.accessTokenEnc || !row.refreshTokenEnc || !row.accessTokenExpiresAt) {
        throw new ConnectionUnavailableError(connectionId, 'NOT_CONNECTED');
      }
      return {
        id: row.id,
        vendorId: row.vendorId,
        environment: row.environment,
        accessToken: cipher.decrypt(row.accessTokenEnc, accessAad(connectionId)),
        refreshTokenEnc: row.refreshTokenEnc,
        expiresAt: row.accessTokenExpiresAt.getTime(),
        scopes: row.scopes,
        version: row.version,
      };
    },

    refreshTokenOf(row: UsableRow): string {
      return cipher.decrypt(row.refreshTokenEnc, refreshAad(row.id));
    },

    /** True when the row (still connected) now holds a refresh token other than `used`. */
    async rotatedByOthers(connectionId: string, used: string): Promise<boolean> {
      const current = await prisma.lightspeedConnection.findUnique({
        where: { id: connectionId },
        select: { status: true, refreshTokenEnc: true },
      });
      if (current?.status !== 'CONNECTED' || !current.refreshTokenEnc) return false;
      return cipher.decrypt(current.refreshTokenEnc, refreshAad(connectionId)) !== used;
    },

    /** Persists a rotated pair if nobody changed the row since `row` was read. */
    async saveRotated(row: UsableRow, tokens: TokenSet): Promise<boolean> {
      const saved = await prisma.lightspeedConnection.updateMany({
        where: { id: row.id, version: row.version, status: 'CONNECTED' },
        data: {
          accessTokenEnc: cipher.encrypt(tokens.accessToken, accessAad(row.id)),
          refreshTokenEnc: cipher.encrypt(tokens.refreshToken, refreshAad(row.id)),
          accessTokenExpiresAt: tokens.expiresAt,
          scopes: tokens.scopes,
          lastError: null,
          version: { increment: 1 },
        },
      });
      return saved.count === 1;
    },

    /** invalid_grant and nobody rotated: DISCONNECTED, reconnect required, the vendor is told. */
    async markReconnectRequired(row: UsableRow, error: TokenEndpointError): Promise<boolean> {
      const marked = await prisma.lightspeedConnection.updateMany({
        where: { id: row.id, version: row.version },
        data: {
          status: 'DISCONNECTED',
          accessTokenEnc: null,
          refreshTokenEnc: null,
          accessTokenExpiresAt: null,
          lastError: RECONNECT_REQUIRED_MESSAGE,
          version: { increment: 1 },
        },
      });
      if (marked.count === 0) return false;
      log.error(
        { connectionId: row.id, vendorId: row.vendorId, oauthError: error.oauthError },
        'refresh token refused: reconnect required',
      );
      await logForVendor(row.vendorId, {
        level: 'ERROR',
        event: 'token.reconnect_required',
        message: RECONNECT_REQUIRED_MESSAGE,
        details: { status: error.status ?? null, error: error.oauthError ?? null },
      });
      return true;
    },

    /** The token endpoint failed (network, 5xx, refused client): tokens are kept. */
    async recordRefreshFailure(row: UsableRow, error: TokenEndpointError): Promise<void> {
      log.warn(
        { connectionId: row.id, kind: error.kind, status: error.status },
        `token refresh failed: ${error.message}`,
      );
      await prisma.lightspeedConnection
        .updateMany({
          where: { id: row.id, version: row.version },
          data: { lastError: `Token refresh failed: ${error.message}` },
        })
        .catch((err: unknown) => log.warn({ err }, 'could not record the refresh failure'));
      await logForVendor(row.vendorId, {
        level: 'WARN',
        event: 'token.refresh_failed',
        message:
          'Could not refresh the Lightspeed access token; the current one is kept and the refresh will be retried.',
        details: { kind: error.kind, status: error.status ?? null },
      });
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;

export function refreshCounter(registry: Registry): Counter<'outcome'> {
  const name = 'kseries_token_refresh_total';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'outcome'>;
  return new Counter({
    name,
    help: 'Access-token refresh attempts by outcome (refreshed, invalid_grant, unavailable, rejected)',
    labelNames: ['outcome'],
    registers: [registry],
  });
}
