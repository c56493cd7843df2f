// Bringing a connection's webhook registration at Lightspeed in line with our configuration,
// without a reconnect: the Basic Auth pair is stored inside each registration, so rotating
// LIGHTSPEED_WEBHOOK_USER/PASSWORD only reaches Lightspeed through an update; and locations are
// linked only at connect, so a location mapped later needs its link made here.
// Used by `cli webhooks reregister`.
import type { PrismaClient } from '../../db/prisma.js';
import type { IntegrationLog } from '../integration-log.js';
import { ConnectionUnavailableError } from '../../integrations/lightspeed/access-token-provider.js';
import { KSeriesApiError, type KSeriesClient } from '../../integrations/lightspeed/client/index.js';
import { webhookRegistration, type ConnectionSetupDeps } from './establish-connection.js';
import type { Log } from './token-manager.js';

export interface WebhookReregistrationDeps {
  prisma: PrismaClient;
  kseries: Pick<
    KSeriesClient,
    'getWebhookEndpoint' | 'updateWebhookEndpoint' | 'createWebhookEndpoint' | 'linkWebhookLocation'
  >;
  integrationLog: IntegrationLog;
  config: ConnectionSetupDeps['config'];
  log: Log;
}

export interface RegisteredConnection {
  id: string;
  vendorId: string;
  webhookEndpointId: string;
}

export interface ReregisterResult {
  vendorId: string;
  connectionId: string;
  endpointId: string;
  /** null when the registration itself could not be written. */
  action: 'updated' | 'created' | null;
  /** Mapped locations confirmed linked to the endpoint. */
  locationsLinked: number;
  error?: string;
}

const REASONS: Record<ConnectionUnavailableError['reason'], string> = {
  NOT_CONNECTED: 'the vendor has not connected Lightspeed',
  DISCONNECTED: 'the vendor disconnected Lightspeed',
  RECONNECT_REQUIRED: "Lightspeed no longer accepts the connection's credentials: the vendor must reconnect",
};

const errorText = (err: unknown): string => {
  if (err instanceof ConnectionUnavailableError) return REASONS[err.reason];
  return err instanceof Error ? err.message : 'unexpected error';
};

const isHttp = (err: unknown, status: number) =>
  err instanceof KSeriesApiError && err.kind === 'http' && err.status === status;

export function createWebhookReregistration(deps: WebhookReregistrationDeps) {
  const { prisma, kseries, log } = deps;

  /**
   * Update when Lightspeed has the endpoint, create when it does not. The spec documents 200/400
   * for both PUT (create) and POST (update) and nothing else: no 404 for updating a missing
   * endpoint, no 409 for creating an existing one. Only GET documents 404 ("not found"), so ask
   * first and never infer existence from an undocumented error. POST replaces the whole
   * registration (omitted flags reset), so the full body goes every time.
   */
  async function writeEndpoint(connectionId: string, endpointId: string): Promise<'updated' | 'created'> {
    const body = webhookRegistration(deps.config, endpointId);
    let exists = true;
    try {
      await kseries.getWebhookEndpoint(connectionId, endpointId);
    } catch (err) {
      if (!isHttp(err, 404)) throw err;
      exists = false;
    }
    if (exists) {
      await kseries.updateWebhookEndpoint(connectionId, body);
      return 'updated';
    }
    // Gone at Lightspeed (deleted there): the same id keeps our stored id and the URL's fallback
    // credential valid.
    await kseries.createWebhookEndpoint(connectionId, body);
    return 'created';
  }

  /**
   * Links every mapped location; the spec documents 200 (also for a repeated link) and 404. A 409
   * is not documented: tolerated as "already linked" should it ever come, never relied on.
   */
  async function linkLocations(connectionId: string, endpointId: string, ids: bigint[]) {
    let linked = 0;
    const failures: string[] = [];
    for (const id of ids) {
      try {
        await kseries.linkWebhookLocation(connectionId, endpointId, id);
        linked++;
      } catch (err) {
        if (isHttp(err, 409)) linked++;
        else failures.push(`business location ${id}: ${errorText(err)}`);
      }
    }
    return { linked, failures };
  }

  async function logOutcome(result: ReregisterResult): Promise<void> {
    const { vendorId, action, locationsLinked, error } = result;
    const details = { endpointId: result.endpointId, action, locationsLinked };
    const linkedText = `${locationsLinked} location(s) linked`;
    if (!action) {
      await deps.integrationLog.record(vendorId, {
        level: 'ERROR',
        event: 'webhook.reregister_failed',
        message: `Could not update our webhook registration at Lightspeed: ${error}`,
        details,
      });
      return;
    }
    const done =
      action === 'created'
        ? 'Our webhook registration was missing at Lightspeed and has been registered again with our current settings'
        : 'Our webhook registration at Lightspeed was updated with our current settings';
    await deps.integrationLog.record(vendorId, {
      level: error ? 'WARN' : 'INFO',
      event: error ? 'webhook.reregistered_partly' : 'webhook.reregistered',
      message: error ? `${done}; ${linkedText}, but: ${error}` : `${done}; ${linkedText}.`,
      details,
    });
  }

  return {
    /** Never throws for a K-Series failure: the result carries the error, so a batch goes on. */
    async reregister(connection: RegisteredConnection): Promise<ReregisterResult> {
      const { id: connectionId, vendorId, webhookEndpointId: endpointId } = connection;
      const mapped = await prisma.location.findMany({
        where: { vendorId, businessLocationId: { not: null } },
        select: { businessLocationId: true },
        orderBy: { businessLocationId: 'asc' },
      });
      const ids = [...new Set(mapped.map((l) => l.businessLocationId!))];
      const result: ReregisterResult = { vendorId, connectionId, endpointId, action: null, locationsLinked: 0 };
      try {
        result.action = await writeEndpoint(connectionId, endpointId);
        const { linked, failures } = await linkLocations(connectionId, endpointId, ids);
        result.locationsLinked = linked;
        if (failures.length > 0) result.error = `could not link ${failures.join('; ')}`;
      } catch (err) {
        result.error = errorText(err);
      }
      await logOutcome(result);
      const fields = { vendorId, connectionId, action: result.action, locationsLinked: result.locationsLinked };
      if (result.error) log.warn({ ...fields, err: result.error }, 'webhook re-registration failed');
      else log.info(fields, 'webhook re-registered');
      return result;
    },
  };
}

export type WebhookReregistration = ReturnType<typeof createWebhookReregistration>;
