// A vendor's Lightspeed connection as the back office sees it: status, Test Connection (a real
// K-Series call), the connected business's locations, disconnect, and the returnTo allow-list.
import type { PrismaClient } from '../../db/prisma.js';
import { BadRequestError, ConflictError, UpstreamError } from '../../lib/errors.js';
import type { IntegrationLog } from '../integration-log.js';
import { ConnectionUnavailableError } from '../../integrations/lightspeed/access-token-provider.js';
import type { BusinessSummary, ConnectCalls } from './kseries-calls.js';
import { fromDbEnvironment, type EnvironmentName } from '../../integrations/lightspeed/environments.js';
import type { Log, TokenManager } from './token-manager.js';

export const DISCONNECT_CONFIRMATION = 'Lightspeed';

export interface ConnectionStatusView {
  status: 'CONNECTED' | 'DISCONNECTED' | 'NOT_CONNECTED';
  /** True when Lightspeed refused our refresh token: the vendor must reconnect. */
  reconnectRequired: boolean;
  environment: EnvironmentName | null;
  businessId: number | null;
  businessName: string | null;
  scopes: string[];
  accessTokenExpiresAt: Date | null;
  webhookRegistered: boolean;
  connectedAt: Date | null;
  lastCheckedAt: Date | null;
  lastError: string | null;
}

export interface ConnectionServiceDeps {
  prisma: PrismaClient;
  tokens: TokenManager;
  calls: ConnectCalls;
  integrationLog: IntegrationLog;
  log: Log;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : 'unexpected error');

export function createConnectionService(deps: ConnectionServiceDeps) {
  const { prisma, calls, log } = deps;

  async function find(vendorId: string) {
    return prisma.lightspeedConnection.findUnique({ where: { vendorId } });
  }

  async function requireConnected(vendorId: string) {
    const row = await find(vendorId);
    if (row?.status !== 'CONNECTED') {
      throw new ConflictError('Lightspeed is not connected for this vendor; connect first', 'LIGHTSPEED_NOT_CONNECTED');
    }
    return row;
  }

  /** Maps "the connection went away" to a 409 and K-Series failures to a 502. */
  function callError(err: unknown): Error {
    if (err instanceof ConnectionUnavailableError) {
      return new ConflictError(
        err.reason === 'RECONNECT_REQUIRED'
          ? 'Lightspeed needs to be reconnected'
          : 'Lightspeed is not connected for this vendor',
        err.reason === 'RECONNECT_REQUIRED' ? 'LIGHTSPEED_RECONNECT_REQUIRED' : 'LIGHTSPEED_NOT_CONNECTED',
      );
    }
    if (err instanceof UpstreamError) return err;
    return new UpstreamError(502, 'LIGHTSPEED_CALL_FAILED', errorText(err));
  }

  return {
    async status(vendorId: string): Promise<ConnectionStatusView> {
      const row = await find(vendorId);
      return {
        status: row?.status ?? 'NOT_CONNECTED',
        reconnectRequired: row?.status === 'DISCONNECTED' && row.lastError !== null,
        environment: row ? fromDbEnvironment(row.environment) : null,
        businessId: row?.businessId == null ? null : Number(row.businessId),
        businessName: row?.businessName ?? null,
        scopes: row?.status === 'CONNECTED' ? row.scopes : [],
        accessTokenExpiresAt: row?.status === 'CONNECTED' ? row.accessTokenExpiresAt : null,
        webhookRegistered: Boolean(row?.webhookEndpointId),
        connectedAt: row?.connectedAt ?? null,
        lastCheckedAt: row?.lastCheckedAt ?? null,
        lastError: row?.lastError ?? null,
      };
    },

    /** A real K-Series call (read the business); records lastCheckedAt and lastError. */
    async test(vendorId: string): Promise<{ ok: boolean; message: string; checkedAt: Date }> {
      const row = await requireConnected(vendorId);
      const checkedAt = new Date();
      try {
        const business = (await calls.getBusinesses(row.id))[0];
        if (!business) throw new Error('Lightspeed returned no business for this account');
        await prisma.lightspeedConnection.update({
          where: { id: row.id },
          data: {
            lastCheckedAt: checkedAt,
            lastError: null,
            businessId: BigInt(business.id),
            businessName: business.name,
          },
        });
        const message = `Connection works: reached business "${business.name}" (id ${business.id}).`;
        await deps.integrationLog.record(vendorId, { level: 'INFO', event: 'connection.test_ok', message });
        return { ok: true, message, checkedAt };
      } catch (err) {
        const reason =
          err instanceof ConnectionUnavailableError ? 'the connection is no longer authorised' : errorText(err);
        const message = `Connection test failed: ${reason}`;
        // A refused refresh already marked the row DISCONNECTED: do not overwrite that error.
        await prisma.lightspeedConnection.updateMany({
          where: { id: row.id, status: 'CONNECTED' },
          data: { lastCheckedAt: checkedAt, lastError: message },
        });
        await deps.integrationLog.record(vendorId, { level: 'ERROR', event: 'connection.test_failed', message });
        log.warn({ vendorId, err: reason }, 'lightspeed connection test failed');
        return { ok: false, message, checkedAt };
      }
    },

    /** The business the vendor is connected to, with its locations (checks location mappings). */
    /**
     * The connected business with its locations, or null when the connection's scopes cannot list
     * them: the business listings need orders-api or financial-api, and a custom integration with
     * `items` alone has neither (FACTS.md). The spec offers no other way to list locations.
     */
    async connectedBusiness(vendorId: string): Promise<BusinessSummary | null> {
      const row = await requireConnected(vendorId);
      if (!row.scopes.includes('orders-api') && !row.scopes.includes('financial-api')) return null;
      let businesses: BusinessSummary[];
      try {
        businesses = await calls.getBusinesses(row.id);
      } catch (err) {
        throw callError(err);
      }
      const business =
        businesses.find((b) => row.businessId !== null && BigInt(b.id) === row.businessId) ?? businesses[0];
      if (!business)
        throw new ConflictError('Lightspeed returned no business for this connection', 'LIGHTSPEED_NO_BUSINESS');
      return business;
    },

    /** The businesses (and their locations) the connection can see, for mapping locations. */
    async businesses(vendorId: string): Promise<BusinessSummary[]> {
      const row = await requireConnected(vendorId);
      try {
        return await calls.getBusinesses(row.id);
      } catch (err) {
        throw callError(err);
      }
    },

    async disconnect(vendorId: string, confirmation: string): Promise<{ webhookRemoved: boolean }> {
      if (confirmation !== DISCONNECT_CONFIRMATION) {
        throw new BadRequestError(
          `Type "${DISCONNECT_CONFIRMATION}" to confirm`,
          { field: 'body.confirmation' },
          'CONFIRMATION_REQUIRED',
        );
      }
      const row = await find(vendorId);
      if (!row || row.status === 'NOT_CONNECTED') {
        throw new ConflictError('Lightspeed is not connected for this vendor', 'LIGHTSPEED_NOT_CONNECTED');
      }
      let webhookRemoved = false;
      if (row.webhookEndpointId && row.status !== 'CONNECTED') {
        // No valid credentials left to call Lightspeed with (reconnect required).
        await deps.integrationLog.record(vendorId, {
          level: 'WARN',
          event: 'webhook.deregister_skipped',
          message: `Our webhook endpoint ${row.webhookEndpointId} could not be removed at Lightspeed because the connection is no longer authorised; Lightspeed may keep calling it until it is removed there.`,
        });
      }
      if (row.webhookEndpointId && row.status === 'CONNECTED') {
        try {
          await calls.deleteWebhookEndpoint(row.id, row.webhookEndpointId);
          webhookRemoved = true;
        } catch (err) {
          await deps.integrationLog.record(vendorId, {
            level: 'WARN',
            event: 'webhook.deregister_failed',
            message: `Could not remove our webhook endpoint at Lightspeed: ${errorText(err)}`,
          });
        }
      }
      await prisma.$transaction([
        prisma.lightspeedConnection.update({
          where: { id: row.id },
          data: {
            status: 'DISCONNECTED',
            accessTokenEnc: null,
            refreshTokenEnc: null,
            accessTokenExpiresAt: null,
            scopes: [],
            webhookEndpointId: null,
            lastError: null,
            version: { increment: 1 },
          },
        }),
        prisma.vendor.update({ where: { id: vendorId }, data: { providerIntegrated: null } }),
      ]);
      deps.tokens.evict(row.id);
      await deps.integrationLog.record(vendorId, {
        level: 'INFO',
        event: 'oauth.disconnected',
        message:
          'Disconnected from Lightspeed: credentials deleted' +
          (webhookRemoved ? ' and webhook endpoint removed.' : '.'),
      });
      log.info({ vendorId, connectionId: row.id, webhookRemoved }, 'lightspeed disconnected');
      return { webhookRemoved };
    },

    async returnToAllowList(vendorId: string): Promise<string[]> {
      const vendor = await prisma.vendor.findUnique({ where: { id: vendorId }, select: { returnToAllowList: true } });
      return vendor?.returnToAllowList ?? [];
    },

    async setReturnToAllowList(vendorId: string, urls: string[]): Promise<string[]> {
      const unique = [...new Set(urls)];
      const vendor = await prisma.vendor.update({
        where: { id: vendorId },
        data: { returnToAllowList: unique },
        select: { returnToAllowList: true },
      });
      return vendor.returnToAllowList;
    },
  };
}

export type ConnectionService = ReturnType<typeof createConnectionService>;
