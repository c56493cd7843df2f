// What happens once the authorization code has become tokens: store them (encrypted, with
// their expiry and scopes) on the vendor's one connection record, read the business, register
// our webhook endpoint when orders-api was granted, and write the integration log.
// Reconnect goes through here too: same record, new credentials.
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../db/prisma.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { IntegrationLog } from '../integration-log.js';
import type { BusinessSummary, ConnectCalls, WebhookEndpointRegistration } from './kseries-calls.js';
import { toDbEnvironment, type EnvironmentName } from '../../integrations/lightspeed/environments.js';
import type { TokenSet } from '../../integrations/lightspeed/oauth-client.js';
import type { TokenCipher } from '../../integrations/lightspeed/token-crypto.js';
import { webhookUrl } from './webhook-url.js';
import { BusinessTakenError, createBusinessClaim } from './business-claim.js';
import type { Log, TokenManager } from './token-manager.js';

export interface ConnectionSetupDeps {
  prisma: PrismaClient;
  cipher: TokenCipher;
  tokens: TokenManager;
  calls: ConnectCalls;
  integrationLog: IntegrationLog;
  config: Pick<
    Config,
    'PUBLIC_URL' | 'LIGHTSPEED_WEBHOOK_USER' | 'LIGHTSPEED_WEBHOOK_PASSWORD' | 'LIGHTSPEED_SHARED_BUSINESS_ALLOWED'
  >;
  log: Log;
}

export interface EstablishResult {
  businessId: number | null;
  businessName: string | null;
  warnings: string[];
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : 'unexpected error');

export function webhookRegistration(
  config: ConnectionSetupDeps['config'],
  endpointId: string,
): WebhookEndpointRegistration {
  return {
    endpointId,
    // The endpoint id in the URL is our fallback credential should Basic Auth ever be lost.
    url: webhookUrl(config.PUBLIC_URL, endpointId),
    withBasicAuth: true,
    username: config.LIGHTSPEED_WEBHOOK_USER,
    password: config.LIGHTSPEED_WEBHOOK_PASSWORD,
    provideAccount: true,
    expandTransactions: true,
    expandPayments: true,
    subscribeTo: [
      { resource: 'order', name: 'DELIVERED' },
      { resource: 'item', name: 'SALES_RESTRICTION_UPDATED' },
      { resource: 'order_api', name: 'ONLINE_ORDER_READINESS' },
    ],
  };
}

export function createConnectionSetup(deps: ConnectionSetupDeps) {
  const { prisma, cipher, calls, log } = deps;
  const claims = createBusinessClaim({
    prisma,
    integrationLog: deps.integrationLog,
    log,
    sharedAllowed: deps.config.LIGHTSPEED_SHARED_BUSINESS_ALLOWED,
  });

  type Row = Awaited<ReturnType<typeof ensureRow>>;
  /** Puts the connection's credentials back as they were in `row` (a refused or finished swap). */
  async function restoreCredentials(row: Row) {
    await prisma.lightspeedConnection.update({
      where: { id: row.id },
      data: {
        environment: row.environment,
        status: row.status,
        accessTokenEnc: row.accessTokenEnc,
        refreshTokenEnc: row.refreshTokenEnc,
        accessTokenExpiresAt: row.accessTokenExpiresAt,
        scopes: row.scopes,
        lastError: row.lastError,
        lastCheckedAt: row.lastCheckedAt,
        connectedAt: row.connectedAt,
        version: { increment: 1 },
      },
    });
    deps.tokens.evict(row.id);
  }

  /**
   * The old business's webhook registration is only reachable with the old business's tokens:
   * put them back for the one call, then the new ones again.
   */
  async function deregisterWithOldCredentials(previous: Row, endpointId: string) {
    const current = await prisma.lightspeedConnection.findUniqueOrThrow({ where: { id: previous.id } });
    try {
      await restoreCredentials(previous);
      await calls.deleteWebhookEndpoint(previous.id, endpointId);
      log.info({ connectionId: previous.id }, "old business's webhook endpoint deregistered");
    } catch (err) {
      log.warn({ connectionId: previous.id, err: errorText(err) }, "could not deregister the old business's webhook");
    } finally {
      await restoreCredentials({ ...current, status: 'CONNECTED' });
    }
  }

  /** The vendor's connection row (created on first connect); its id is the tokens' AAD. */
  async function ensureRow(vendorId: string, environment: EnvironmentName) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prisma.lightspeedConnection.upsert({
          where: { vendorId },
          create: { vendorId, environment: toDbEnvironment(environment), status: 'NOT_CONNECTED' },
          update: {},
        });
      } catch (err) {
        // Two callbacks of one vendor at once: the loser reads the winner's row.
        if (attempt === 0 && err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') continue;
        throw err;
      }
    }
  }

  async function registerWebhook(
    connectionId: string,
    previous: string | null,
    business: BusinessSummary | null,
    warnings: string[],
  ) {
    if (previous) {
      await calls.deleteWebhookEndpoint(connectionId, previous).catch((err: unknown) => {
        log.warn({ connectionId, err: errorText(err) }, 'could not delete the previous webhook endpoint');
      });
    }
    const endpointId = `wh_${randomBytes(16).toString('hex')}`;
    // Stored before it is created, so a crash in between leaves a record of it.
    await prisma.lightspeedConnection.update({ where: { id: connectionId }, data: { webhookEndpointId: endpointId } });
    try {
      await calls.createWebhookEndpoint(connectionId, webhookRegistration(deps.config, endpointId));
    } catch (err) {
      await prisma.lightspeedConnection.update({ where: { id: connectionId }, data: { webhookEndpointId: null } });
      warnings.push(`Lightspeed did not register our webhook endpoint: ${errorText(err)}`);
      return;
    }
    for (const location of business?.locations ?? []) {
      await calls.linkWebhookLocation(connectionId, endpointId, location.id).catch((err: unknown) => {
        warnings.push(`Could not link business location ${location.id} to our webhook: ${errorText(err)}`);
      });
    }
  }

  return {
    async establish(input: {
      vendorId: string;
      environment: EnvironmentName;
      tokens: TokenSet;
    }): Promise<EstablishResult> {
      const { vendorId, tokens } = input;
      const row = await ensureRow(vendorId, input.environment);
      const previousProvider = (
        await prisma.vendor.findUniqueOrThrow({ where: { id: vendorId }, select: { providerIntegrated: true } })
      ).providerIntegrated;
      const aad = (column: 'access_token_enc' | 'refresh_token_enc') => ({ connectionId: row.id, column });
      // Tokens first: whatever fails next, the credentials are not lost.
      await prisma.$transaction([
        prisma.lightspeedConnection.update({
          where: { id: row.id },
          data: {
            environment: toDbEnvironment(input.environment),
            status: 'CONNECTED',
            accessTokenEnc: cipher.encrypt(tokens.accessToken, aad('access_token_enc')),
            refreshTokenEnc: cipher.encrypt(tokens.refreshToken, aad('refresh_token_enc')),
            accessTokenExpiresAt: tokens.expiresAt,
            scopes: tokens.scopes,
            lastError: null,
            lastCheckedAt: null,
            connectedAt: new Date(),
            version: { increment: 1 },
          },
        }),
        prisma.vendor.update({ where: { id: vendorId }, data: { providerIntegrated: 'lightspeed' } }),
      ]);
      deps.tokens.evict(row.id);

      const warnings: string[] = [];
      let business: BusinessSummary | null = null;
      try {
        business = (await calls.getBusinesses(row.id))[0] ?? null;
        if (!business) warnings.push('Lightspeed returned no business for this account.');
      } catch (err) {
        warnings.push(`Could not read the Lightspeed business: ${errorText(err)}`);
      }
      let previousEndpoint = row.webhookEndpointId;
      if (business) {
        if ((await claims.claim(row.id, vendorId, business)) === 'taken') {
          // Nothing of the refused business stays: the previous credentials (or none) come back.
          await restoreCredentials(row);
          if (row.status !== 'CONNECTED') {
            await prisma.vendor.update({ where: { id: vendorId }, data: { providerIntegrated: previousProvider } });
          }
          throw new BusinessTakenError(business);
        }
        const switched = row.businessId !== null && row.businessId !== BigInt(business.id);
        if (switched && row.webhookEndpointId && row.accessTokenEnc && row.status === 'CONNECTED') {
          await deregisterWithOldCredentials(row, row.webhookEndpointId);
          await prisma.lightspeedConnection.update({ where: { id: row.id }, data: { webhookEndpointId: null } });
          previousEndpoint = null;
        }
        const unmapped = await claims.forgetOtherBusinesses(vendorId, business);
        if (unmapped.length > 0) {
          warnings.push(
            `These locations were mapped to another business and must be mapped again: ${unmapped.join(', ')}.`,
          );
        }
      }
      if (tokens.scopes.includes('orders-api')) {
        await registerWebhook(row.id, previousEndpoint, business, warnings);
      } else if (row.webhookEndpointId) {
        // A reconnect without orders-api: no webhooks any more (custom integrations poll).
        await calls.deleteWebhookEndpoint(row.id, row.webhookEndpointId).catch(() => undefined);
        await prisma.lightspeedConnection.update({ where: { id: row.id }, data: { webhookEndpointId: null } });
      }
      if (warnings.length > 0) {
        await prisma.lightspeedConnection.update({ where: { id: row.id }, data: { lastError: warnings.join(' ') } });
      }

      const what = business ? `business "${business.name}" (id ${business.id})` : 'Lightspeed';
      await deps.integrationLog.record(vendorId, {
        level: 'INFO',
        event: row.status === 'NOT_CONNECTED' ? 'oauth.connected' : 'oauth.reconnected',
        message: `Connected to ${what}. Granted scopes: ${tokens.scopes.join(', ') || 'none'}.`,
        details: { environment: input.environment, businessId: business?.id ?? null, scopes: tokens.scopes },
      });
      for (const warning of warnings) {
        await deps.integrationLog.record(vendorId, { level: 'WARN', event: 'oauth.setup_warning', message: warning });
      }
      log.info(
        { vendorId, connectionId: row.id, businessId: business?.id, scopes: tokens.scopes },
        'lightspeed connected',
      );
      return { businessId: business?.id ?? null, businessName: business?.name ?? null, warnings };
    },
  };
}

export type ConnectionSetup = ReturnType<typeof createConnectionSetup>;
